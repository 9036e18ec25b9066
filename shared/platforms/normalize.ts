import type * as z from '../domain/zod-mini.ts';
import { ValidationError } from '../domain/errors.ts';
import { MentionSchema, mentionId, type Mention, type Platform } from '../domain/mention.ts';
import { MentionDeletionSchema, type MentionDeletion } from '../domain/mention-deletion.ts';
import { limitMention, MENTION_LIMITS, OVER_LIMIT, utf8Bytes } from '../domain/mention-limits.ts';
import type { IgnoredEvent } from './platform-adapter.ts';

/**
 * Helpers every adapter's normalization shares: reading a JSON body, validating a built
 * mention, and describing an ignored event.
 */

/**
 * Parses a body as JSON.
 * @throws ValidationError without quoting the body (the parser's message would)
 */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ValidationError('body is not JSON');
  }
}

/**
 * Validates a body against an envelope schema.
 * @throws ValidationError naming `what` and every issue's path
 */
export function parseEnvelope<S extends z.ZodMiniType>(schema: S, json: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ValidationError(`body is not ${what}`, issuesOf(parsed.error));
  return parsed.data;
}

/** The issues of a zod error as `path: message` lines. */
export function issuesOf(error: z.core.$ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
}

/** The fields a platform gives; the rest of a Mention is derived. */
export type MentionFields = Omit<Mention, 'id' | 'receivedAt'>;

/**
 * A mention from its fields, checked against the Mention schema: an event that does not
 * make a valid mention becomes an ignored event with the schema's reasons.
 */
export function finishMention(
  fields: MentionFields,
  receivedAt: Date,
  where: Record<string, string | number | undefined> = {},
): { mention: Mention } | { ignored: IgnoredEvent } {
  const candidate = {
    ...fields,
    id: mentionId(fields.platform, fields.externalId),
    receivedAt: receivedAt.toISOString(),
  };
  const checked = MentionSchema.safeParse(candidate);
  if (!checked.success) {
    return {
      ignored: ignored(
        `not a valid mention: ${checked.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        where,
      ),
    };
  }
  // What could never be stored or published is refused here, not looped into a DLQ.
  const limited = limitMention(checked.data);
  if ('rejected' in limited) return { ignored: ignored(limited.rejected, { ...where, [OVER_LIMIT]: limited.field }) };
  return { mention: limited.mention };
}

/** A deletion notice, checked against its schema; undefined when it would not be valid. */
export function deletionOf(
  fields: {
    platform: Platform;
    externalId: string;
    accountId?: string | undefined;
    authorId?: string | undefined;
    deletedAt: string;
    rawType: string;
  },
  receivedAt: Date,
): MentionDeletion | undefined {
  const candidate = {
    type: 'deletion',
    id: mentionId(fields.platform, fields.externalId),
    platform: fields.platform,
    externalId: fields.externalId,
    ...(fields.accountId ? { accountId: fields.accountId } : {}),
    ...(fields.authorId ? { authorId: fields.authorId } : {}),
    deletedAt: fields.deletedAt,
    receivedAt: receivedAt.toISOString(),
    rawType: fields.rawType,
  };
  // Its id goes into the same keys as the mention's: one over the limits names no stored mention.
  const overLimit =
    utf8Bytes(fields.externalId) > MENTION_LIMITS.externalIdBytes ||
    [fields.accountId, fields.authorId].some((id) => id !== undefined && utf8Bytes(id) > MENTION_LIMITS.referenceBytes);
  const checked = MentionDeletionSchema.safeParse(candidate);
  return checked.success && !overLimit ? checked.data : undefined;
}

/** An ignored event with its reason and where it was found (string and number details only). */
export function ignored(reason: string, where: Record<string, unknown> = {}): IgnoredEvent {
  const details = Object.fromEntries(
    Object.entries(where).filter(
      ([k, v]) => k !== 'reason' && ((typeof v === 'string' && v !== '') || typeof v === 'number'),
    ),
  ) as Record<string, string | number>;
  return { ...details, reason };
}

/**
 * Platform times as ISO strings: unix seconds, unix milliseconds, digit strings of either,
 * or date strings (ISO, RFC 2822, X's `Mon May 19 14:01:46 +0000 2025`). Undefined when
 * absent or unreadable.
 */
export function isoTime(value: unknown): string | undefined {
  let millis: number | undefined;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) {
    const n = Number(value);
    // Below 1e11 it cannot be milliseconds of a plausible date (that would be 1973): it is seconds.
    millis = n < 1e11 ? n * 1000 : n;
  } else if (typeof value === 'string') {
    millis = Date.parse(value);
  }
  if (millis === undefined || !Number.isFinite(millis)) return undefined;
  const date = new Date(millis);
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString();
  // Years past 9999 print as +0123456-...: not a datetime the Mention schema accepts.
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/** A string of a non-empty value, or undefined: ids arrive as strings or numbers. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
