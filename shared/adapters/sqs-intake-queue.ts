import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import type { Mention } from '../domain/mention.ts';
import { isDeletion, type IntakeMessage } from '../domain/mention-deletion.ts';
import type { IntakeQueue } from '../domain/ports.ts';
import { retry, sleep } from '../domain/retry.ts';
import { logger } from '../observability/powertools.ts';

/** SendMessageBatch takes at most 10 entries. */
const MAX_ENTRIES = 10;

/**
 * SQS's classic limit for one message and for the sum of a batch. Queues may now allow
 * 1 MiB, but 256 KiB holds for every queue, so it is the default.
 */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/** Appended to a text that was cut to fit a message. */
export const TRUNCATION_MARK = ' […]';

export interface SqsIntakeQueueOptions {
  /** Sends per entry, the first included. Default 3. */
  readonly attempts?: number;
  /** Wait before the first resend, doubled before each further one. Default 50 ms. */
  readonly backoffMs?: number;
  /** Largest message, and largest batch, in bytes. Default {@link SQS_MAX_MESSAGE_BYTES}. */
  readonly maxMessageBytes?: number;
  /** Batches in flight at once. Default 5. */
  readonly concurrency?: number;
  /** For tests: how to wait between attempts. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Thrown when some mentions could still not be enqueued after every attempt. */
export class EnqueueError extends Error {
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly errorCodes: readonly string[],
  ) {
    super(`${failed} of ${total} mention(s) could not be enqueued (errors: ${errorCodes.join(', ') || 'unknown'})`);
    this.name = 'EnqueueError';
  }
}

interface Entry {
  readonly request: SendMessageBatchRequestEntry;
  readonly bytes: number;
  readonly mentionId: string;
}

interface Failure {
  readonly entry: Entry;
  readonly code: string;
  readonly senderFault: boolean;
}

/**
 * The intake queue on SQS: each mention is one message, its body the Mention JSON (which
 * names its platform). No message attributes: nothing reads them, and each costs the sender
 * its serialization and SQS an MD5 per message (Round w22).
 *
 * A mention larger than a message keeps its ids and loses the end of its text, marked with
 * {@link TRUNCATION_MARK} and logged: refusing it would fail the whole delivery again on
 * every retry of the platform, and the text is fetched again by id when it matters.
 */
export class SqsIntakeQueue implements IntakeQueue {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxMessageBytes: number;
  private readonly concurrency: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    options: SqsIntakeQueueOptions = {},
  ) {
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.backoffMs = options.backoffMs ?? 50;
    this.maxMessageBytes = options.maxMessageBytes ?? SQS_MAX_MESSAGE_BYTES;
    this.concurrency = Math.max(1, options.concurrency ?? 5);
    this.sleep = options.sleep ?? sleep;
  }

  /**
   * Sends every mention in batches of at most 10, resending only the entries that failed.
   * @throws EnqueueError naming how many mentions failed after every attempt
   */
  async enqueue(mentions: readonly IntakeMessage[]): Promise<void> {
    const entries = mentions.map((mention, index) => this.entryOf(mention, `m${index}`));
    const chunks = chunk(entries, MAX_ENTRIES, this.maxMessageBytes);
    // sendChunk never rejects: every chunk is tried before the failures are counted.
    const failures = (await inParallel(chunks, this.concurrency, (c) => this.sendChunk(c))).flat();
    if (failures.length > 0) {
      throw new EnqueueError(failures.length, mentions.length, [...new Set(failures.map((f) => f.code))]);
    }
  }

  private async sendChunk(entries: readonly Entry[]): Promise<Failure[]> {
    let pending = entries;
    const permanent: Failure[] = [];
    let last: Failure[] = [];
    await retry(
      async () => {
        last = await this.send(pending);
        // A sender fault (an entry SQS refuses) fails the same way again: it is not resent.
        permanent.push(...last.filter((f) => f.senderFault));
        last = last.filter((f) => !f.senderFault);
        pending = last.map((f) => f.entry);
        if (pending.length > 0) throw new EnqueueError(pending.length, entries.length, []);
      },
      { maxAttempts: this.attempts, delayMs: (attempt) => this.backoffMs * 2 ** (attempt - 1), sleep: this.sleep },
    ).catch((error: unknown) => {
      // The signal of a try that left entries behind: what still failed is in `last`.
      if (!(error instanceof EnqueueError)) throw error;
    });
    return [...permanent, ...last];
  }

  private async send(entries: readonly Entry[]): Promise<Failure[]> {
    try {
      const output = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries.map((e) => e.request) }),
      );
      const failed = new Map((output.Failed ?? []).map((f) => [f.Id, f]));
      const byId = new Map(entries.map((e) => [e.request.Id, e]));
      for (const sent of output.Successful ?? []) {
        // The mention's id beside the message id SQS gave it, at DEBUG: the webhook's (or the
        // poller's) one INFO line names the mentions, and every later line of a mention its id.
        logger.debug('Mention enqueued', { mentionId: byId.get(sent.Id)?.mentionId, messageId: sent.MessageId });
      }
      return entries.flatMap((entry) => {
        const f = failed.get(entry.request.Id);
        return f ? [{ entry, code: f.Code ?? 'unknown', senderFault: f.SenderFault === true }] : [];
      });
    } catch (error) {
      // The SDK already retried what it could; the whole batch counts as failed this attempt.
      const code = error instanceof Error ? error.name : 'unknown';
      return entries.map((entry) => ({ entry, code, senderFault: false }));
    }
  }

  private entryOf(mention: IntakeMessage, id: string): Entry {
    const limit = this.maxMessageBytes;
    let body = messageBody(mention);
    // A deletion notice is a few ids: it always fits.
    if (byteLength(body) > limit && !isDeletion(mention)) body = truncated(mention, limit);
    return {
      request: { Id: id, MessageBody: body },
      bytes: byteLength(body),
      mentionId: mention.id,
    };
  }
}

/**
 * The Mention JSON as a message body. SQS refuses U+FFFE and U+FFFF, which JSON.stringify
 * leaves as they are: they are escaped, which parses back to the same text.
 */
function messageBody(mention: IntakeMessage): string {
  return JSON.stringify(mention).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** The longest prefix of the text (whole code points) whose message fits `limit` bytes. */
function truncated(mention: Mention, limit: number): string {
  const chars = Array.from(mention.text);
  const bodyWith = (keep: number) => messageBody({ ...mention, text: chars.slice(0, keep).join('') + TRUNCATION_MARK });
  if (byteLength(bodyWith(0)) > limit) {
    throw new Error(`mention ${mention.id} does not fit an SQS message even without its text`);
  }
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (byteLength(bodyWith(mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  logger.warn('Mention text truncated to fit an SQS message', {
    mentionId: mention.id,
    originalBytes: byteLength(messageBody(mention)),
    keptCharacters: lo,
    limitBytes: limit,
  });
  return bodyWith(lo);
}

/** Batches of at most `maxEntries` entries and `maxBytes` bytes in all, in order. */
function chunk(entries: readonly Entry[], maxEntries: number, maxBytes: number): Entry[][] {
  const chunks: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length === maxEntries || (current.length > 0 && bytes + entry.bytes > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Maps with at most `limit` calls in flight; `fn` must not reject. */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
