import type { Mention } from './mention.ts';

/**
 * The limits a normalized mention must keep so that it can always be stored and published,
 * in one place. A mention over them would fail the same way on every retry and end in a
 * DLQ, so ingest (webhooks and pollers) applies them before anything is enqueued:
 *
 * - Ids that go into keys are refused: the mention is skipped and counted as ignored with
 *   the reason (a request whose only item is refused is answered 400). DynamoDB allows 2048
 *   bytes for a partition key and 1024 for a sort key; `<platform>:<externalId>` sits in the
 *   mention's partition key and in sort keys of its case (`MENTION#<createdAt>#<mentionId>#
 *   <department>`, `NOTE#...#<mentionId>`, `NOTIFIED#mention:<mentionId>#<target>`); the
 *   author id was in the author index's partition key until round w18. Thread, reply, account and source ids
 *   are kept to the same bound: they name the case and travel in every event.
 * - Text is cut with a recorded reason (`truncated.text` = the original length): the
 *   `Mention Routed` event carries the text, its classification reasons and author, and
 *   EventBridge takes 256 KB per event (SQS 256 KiB per message). Names, handles and the
 *   raw type are cut the same way; a URL or language code over its bound is dropped.
 *
 * Byte counts are UTF-8 for key values and JSON-encoded UTF-8 for sizes (a control
 * character costs 6 bytes as `\u0000`).
 */
export const MENTION_LIMITS = {
  /** `externalId`, in bytes: its mention id must leave room in 1024-byte sort keys. */
  externalIdBytes: 512,
  /** `threadId`, `inReplyTo`, `accountId`, `author.id`, `source`, in bytes. */
  referenceBytes: 1024,
  /** The text, as JSON, in bytes: 64 KiB leaves the event half of its 256 KB. */
  textJsonBytes: 64 * 1024,
  /** `author.name` and `author.handle`, as JSON, in bytes. */
  nameJsonBytes: 1024,
  /** `rawType`, as JSON, in bytes. */
  rawTypeJsonBytes: 256,
  /** `url`, in bytes (longer links are dropped, not cut: a cut link leads elsewhere). */
  urlBytes: 2048,
  /** `language`, in characters: the longest BCP 47 tag has 35. */
  languageChars: 35,
  /** The whole mention as JSON, in bytes; what the fields above add up to at most. */
  mentionJsonBytes: 128 * 1024,
} as const;

/** The fields cut or dropped to fit, each with its original length in characters. */
export interface MentionTruncation {
  readonly text?: number;
  readonly authorName?: number;
  readonly authorHandle?: number;
  readonly rawType?: number;
  readonly url?: number;
  readonly language?: number;
}

/** The detail an ignored event carries when its mention was refused by the limits: the field. */
export const OVER_LIMIT = 'overLimit';

/** Appended to a text that was cut to fit. */
export const TRUNCATED_MARK = ' […]';

/** A mention within the limits (perhaps cut, as `truncated` records), or why it cannot be. */
export type LimitedMention = { readonly mention: Mention } | { readonly rejected: string; readonly field: string };

const ID_FIELDS = ['threadId', 'inReplyTo', 'accountId', 'source'] as const;

/**
 * Applies {@link MENTION_LIMITS} to a normalized mention.
 * @returns the mention, cut where needed with `truncated` set; or the reason it is refused
 *   (an id over its bound), naming the field and its size, never its value
 */
export function limitMention(mention: Mention): LimitedMention {
  const idBytes = utf8Bytes(mention.externalId);
  if (idBytes > MENTION_LIMITS.externalIdBytes) return refused('externalId', idBytes, MENTION_LIMITS.externalIdBytes);
  for (const field of ID_FIELDS) {
    const value = mention[field];
    if (value !== undefined && utf8Bytes(value) > MENTION_LIMITS.referenceBytes)
      return refused(field, utf8Bytes(value), MENTION_LIMITS.referenceBytes);
  }
  const authorIdBytes = utf8Bytes(mention.author.id);
  if (authorIdBytes > MENTION_LIMITS.referenceBytes)
    return refused('author.id', authorIdBytes, MENTION_LIMITS.referenceBytes);

  const truncated: { -readonly [K in keyof MentionTruncation]: number } = { ...mention.truncated };
  const text = cutToJsonBytes(mention.text, MENTION_LIMITS.textJsonBytes);
  if (text !== mention.text) truncated.text ??= mention.text.length;
  const author = { ...mention.author };
  if (author.name !== undefined) {
    const name = cutToJsonBytes(author.name, MENTION_LIMITS.nameJsonBytes);
    if (name !== author.name) truncated.authorName ??= author.name.length;
    author.name = name;
  }
  if (author.handle !== undefined) {
    const handle = cutToJsonBytes(author.handle, MENTION_LIMITS.nameJsonBytes);
    if (handle !== author.handle) truncated.authorHandle ??= author.handle.length;
    author.handle = handle;
  }
  const rawType = cutToJsonBytes(mention.rawType, MENTION_LIMITS.rawTypeJsonBytes, '');
  if (rawType !== mention.rawType) truncated.rawType ??= mention.rawType.length;
  const { url, language, ...rest } = mention;
  const keepUrl = url !== undefined && utf8Bytes(url) <= MENTION_LIMITS.urlBytes;
  if (url !== undefined && !keepUrl) truncated.url ??= url.length;
  const keepLanguage = language !== undefined && language.length <= MENTION_LIMITS.languageChars;
  if (language !== undefined && !keepLanguage) truncated.language ??= language.length;

  if (Object.keys(truncated).length === 0) return { mention };
  return {
    mention: {
      ...rest,
      text,
      author,
      rawType,
      ...(keepUrl ? { url } : {}),
      ...(keepLanguage ? { language } : {}),
      truncated,
    },
  };
}

/** Bytes of a string in UTF-8. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Bytes of a value's JSON in UTF-8. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function refused(field: string, bytes: number, limit: number): LimitedMention {
  return {
    rejected: `${field} of ${bytes} bytes is over the limit of ${limit} bytes, so the mention could never be stored`,
    field,
  };
}

/**
 * The longest prefix of `text` whose JSON (with `mark` appended) fits `limit` bytes, cut
 * at a code point and, when one is near, a word boundary; `text` itself when it fits.
 */
function cutToJsonBytes(text: string, limit: number, mark = TRUNCATED_MARK): string {
  if (jsonBytes(text) <= limit) return text;
  const budget = limit - jsonBytes(mark) + 2;
  // Binary search on the number of code points: JSON size grows with the prefix.
  const points = Array.from(text);
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (jsonBytes(points.slice(0, middle).join('')) <= budget) low = middle;
    else high = middle - 1;
  }
  let cut = points.slice(0, low).join('');
  const space = cut.lastIndexOf(' ');
  // Prefer a word boundary within the last 40 characters; otherwise cut mid-word.
  if (space > 0 && cut.length - space < 40) cut = cut.slice(0, space);
  return `${cut}${mark}`;
}
