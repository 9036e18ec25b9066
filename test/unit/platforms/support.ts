import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { DomainError, SignatureError, ValidationError } from '../../../shared/domain/errors.ts';
import { MentionSchema } from '../../../shared/domain/mention.ts';
import { MentionDeletionSchema } from '../../../shared/domain/mention-deletion.ts';
import type {
  AdapterContext,
  ParseContext,
  PlatformAdapter,
  WebhookRequest,
} from '../../../shared/platforms/platform-adapter.ts';
import { demoConfig } from '../../factories/config.ts';

/** The time every platform test runs at, unless it is about time. */
export const TEST_NOW = new Date('2026-11-28T09:15:02.000Z');

/** A handshake/verify context at `now` for the demo company (or `config`). */
export function adapterContext(now: Date = TEST_NOW, config: CompanyConfig = demoConfig()): AdapterContext {
  return { config, now };
}

/** A parse context for the demo company (or `config`). */
export function parseContext(overrides: Partial<ParseContext> = {}): ParseContext {
  return { config: demoConfig(), receivedAt: TEST_NOW, ...overrides };
}

/** The raw bytes of a file in test/fixtures/<platform>/, exactly as stored. */
export function fixture(platform: string, name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/${platform}/${name}`, import.meta.url)));
}

/** A POST request of `body`, with the headers the adapter itself signs it with. */
export function signedRequest<S>(
  adapter: PlatformAdapter<S>,
  body: Buffer | string,
  secret: S,
  options: { now?: Date; params?: Record<string, string> } = {},
): WebhookRequest {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const headers = adapter.sign(bytes, secret, {
    now: options.now ?? TEST_NOW,
    ...(options.params ? { params: options.params } : {}),
  });
  return { method: 'POST', headers, query: {}, body: bytes, ...(options.params ? { params: options.params } : {}) };
}

/** Runs `run` and returns the SignatureError it throws; fails the test otherwise. */
export function signatureError(run: () => void): SignatureError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SignatureError);
  return thrown as SignatureError;
}

/**
 * The property every adapter keeps: any bytes parse into valid mentions and deletions, or
 * throw a typed error; never anything else.
 */
export function assertParsesOrThrowsTyped(
  adapter: PlatformAdapter,
  body: Buffer,
  context: ParseContext = parseContext(),
): void {
  try {
    const result = adapter.parse(body, context);
    for (const mention of result.mentions) expect(MentionSchema.safeParse(mention).success).toBe(true);
    for (const deletion of result.deletions) expect(MentionDeletionSchema.safeParse(deletion).success).toBe(true);
    for (const event of result.ignored) expect(typeof event.reason).toBe('string');
  } catch (error) {
    expect(error instanceof ValidationError || error instanceof SignatureError || error instanceof DomainError).toBe(
      true,
    );
  }
}

/** Arbitrary bodies: raw bytes, and the JSON text of any JSON value. */
export const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((text) => Buffer.from(text, 'utf8')),
);

/** JSON bodies shaped like the platform's envelope, with any values inside. */
export function envelopeLike(keys: readonly string[]): fc.Arbitrary<Buffer> {
  const value = fc.jsonValue();
  return fc
    .dictionary(
      fc.constantFrom(...keys),
      fc.oneof(value, fc.array(fc.dictionary(fc.string(), value), { maxLength: 3 })),
      { maxKeys: keys.length },
    )
    .map((o) => Buffer.from(JSON.stringify(o), 'utf8'));
}
