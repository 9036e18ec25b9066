import * as z from '../domain/zod-mini.ts';
import { enabled, secretName } from '../config/platform-fields.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { NotFoundError, SignatureError, ValidationError } from '../domain/errors.ts';
import { WebhookSecretIncompleteError } from '../domain/receive-webhook.ts';
import { randomSecret } from './crypto.ts';
import { GenericBodySchema, type GenericMentionInput } from './generic-schema.ts';
import { finishMention, isoTime, parseEnvelope, parseJsonBody } from './normalize.ts';
import {
  emptyParseResult,
  noHandshake,
  type AdapterContext,
  type ParseContext,
  type ParseResult,
  type PlatformAdapter,
  type WebhookRequest,
  type WebhookResponse,
  entryEnabled,
} from './platform-adapter.ts';
import { timestampedSignature, verifyTimestamped } from './signed-timestamp.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

export const GENERIC_SIGNATURE_HEADER = 'x-backchannel-signature';
export const GENERIC_TIMESTAMP_HEADER = 'x-backchannel-timestamp';

const PREFIX = 'sha256=';

/**
 * The generic secret: one signing secret for every source, or a source's own in `sources`
 * (so a leaked key of one review site cannot post as the company's form).
 */
export const GenericSecretSchema = z.object({
  signingSecret: z.optional(z.string().check(z.minLength(1))),
  sources: z.optional(z.record(z.string(), z.string().check(z.minLength(1)))),
});
export type GenericSecret = z.infer<typeof GenericSecretSchema>;

/** The signing key of a source, or undefined when the secret has none for it. */
export function genericKeyOf(secret: GenericSecret, source: string): string | undefined {
  return Object.hasOwn(secret.sources ?? {}, source) ? secret.sources?.[source] : secret.signingSecret;
}

/** The two headers a source sends: the timestamp and `sha256=<hex HMAC of timestamp.body>`. */
export function signGenericBody(body: string | Buffer, key: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    [GENERIC_TIMESTAMP_HEADER]: timestamp,
    [GENERIC_SIGNATURE_HEADER]: `${PREFIX}${timestampedSignature(timestamp, body, key)}`,
  };
}

/** The `platforms.generic` entry of a company config. */
export const GenericSourceSchema = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'use 1-40 lowercase letters, digits or dashes'))
    .check(z.meta({ description: 'The `{source}` of `POST /webhooks/generic/{source}`.' })),
  name: z
    .optional(z.string().check(z.minLength(1)))
    .check(z.meta({ description: 'A readable name of the source (reports show it); defaults to the id.' })),
});

export const GenericPlatformSchema = z.strictObject({
  enabled,
  sources: z
    ._default(z.array(GenericSourceSchema), [])
    .check(z.meta({ description: "Review sites, forms and the company's own tools that POST signed mentions." })),
  secretName: secretName.check(
    z.meta({
      description: 'Secret `{"signingSecret": "...", "sources": {"<source>": "..."}}` (per-source keys optional).',
    }),
  ),
});

/**
 * Generic signed JSON: `POST /webhooks/generic/<source>` from review sites, forms and a
 * company's own tools, with the body documented in docs/generic-mention.schema.json.
 */
export const genericAdapter: PlatformAdapter<GenericSecret, 'generic', typeof GenericPlatformSchema> = {
  id: 'generic',
  config: {
    schema: GenericPlatformSchema,
    description: 'Signed JSON from review sites, forms and own tools (`POST /webhooks/generic/{source}`)',
  },
  mentionPlatforms: MENTION_PLATFORMS_OF.generic,
  secretShape: GenericSecretSchema,
  secretDescription:
    'Signing secret of generic sources: {"signingSecret": "...", "sources": {"<source>": "..."}} (per-source keys optional)',
  generateSecret: () => ({ signingSecret: randomSecret() }),
  generatedSecretKey: 'signingSecret',

  isEnabled: entryEnabled('generic'),

  handshake(): WebhookResponse {
    return noHandshake('generic sources have no GET verification; POST to /webhooks/generic/<source>');
  },

  verify(request: WebhookRequest, secret: GenericSecret, context: AdapterContext): void {
    const source = sourceOf(request.params, context.config);
    const key = genericKeyOf(secret, source);
    // A secret without a key for this source is the operator's to fix, not a bad request: 503.
    if (!key)
      throw new WebhookSecretIncompleteError('generic', 'a signing key for this source', [
        'signingSecret',
        `sources.${source}`,
      ]);
    const timestamp = request.headers[GENERIC_TIMESTAMP_HEADER];
    const header = request.headers[GENERIC_SIGNATURE_HEADER];
    if (!timestamp) throw new SignatureError('missing X-Backchannel-Timestamp header');
    if (!header) throw new SignatureError('missing X-Backchannel-Signature header');
    if (!header.startsWith(PREFIX)) throw new SignatureError('X-Backchannel-Signature does not start with sha256=');
    verifyTimestamped({
      timestamp,
      signatureHex: header.slice(PREFIX.length),
      body: request.body,
      secret: key,
      now: context.now,
      header: 'X-Backchannel-Signature',
    });
  },

  parse(body: Buffer, context: ParseContext): ParseResult {
    const source = sourceOf(context.params, context.config);
    const json = parseJsonBody(body);
    // One branch of the body schema at a time, so the issues name the fields, not the union.
    const schema = Array.isArray(json) ? GenericBodySchema.def.options[1] : GenericBodySchema.def.options[0];
    const parsed = parseEnvelope(
      schema,
      json,
      'a generic mention or a list of them (see docs/generic-mention.schema.json)',
    );
    const inputs = Array.isArray(parsed) ? parsed : [parsed];
    const result = emptyParseResult();
    inputs.forEach((input, index) => {
      const outcome = finishMention(toMention(input, source, context.receivedAt), context.receivedAt, {
        source,
        index,
        id: input.id,
      });
      if ('mention' in outcome) result.mentions.push(outcome.mention);
      else result.ignored.push(outcome.ignored);
    });
    return result;
  },

  sign(body, secret, options) {
    const source = options.params?.source ?? '';
    const key = genericKeyOf(secret, source);
    if (!key) throw new Error(`the generic secret has no key for source "${source}"`);
    return { 'content-type': 'application/json', ...signGenericBody(body, key, options.now) };
  },
};

function toMention(input: GenericMentionInput, source: string, receivedAt: Date) {
  // Ids are scoped by source: two review sites may both have a review "42".
  const scoped = (value: string) => `${source}:${value}`;
  return {
    platform: 'generic' as const,
    kind: input.kind,
    externalId: scoped(input.id),
    threadId: scoped(input.threadId ?? input.id),
    ...(input.inReplyTo ? { inReplyTo: scoped(input.inReplyTo) } : {}),
    accountId: source,
    source,
    author: input.author,
    text: input.text,
    ...(input.language ? { language: input.language } : {}),
    isOwnAccount: input.isOwnAccount,
    rawType: input.type ?? `generic.${source}`,
    createdAt: isoTime(input.createdAt) ?? receivedAt.toISOString(),
    ...(input.url ? { url: input.url } : {}),
  };
}

/**
 * The configured source of a request.
 * @throws ValidationError without a source; NotFoundError for a source the company has not configured
 */
function sourceOf(params: Readonly<Record<string, string>> | undefined, config: CompanyConfig): string {
  const source = params?.source;
  if (!source) throw new ValidationError('a generic webhook needs its source: POST /webhooks/generic/<source>');
  if (!(config.platforms.generic?.sources ?? []).some((s) => s.id === source)) {
    throw new NotFoundError(`generic source "${source.slice(0, 40)}" is not configured for this company`);
  }
  return source;
}
