import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The write-ahead journal of the local queues: every message a queue accepts, receives and
 * deletes, as JSON lines in `<dir>/journal.jsonl`, so that a message acknowledged to its
 * sender survives the death of the process and is put back on its queue at the next start.
 *
 * - `put` entries that a sender waits for are fsynced before `durable()` resolves; the
 *   SQS server answers SendMessage only then (group commit: concurrent puts share one fsync).
 * - `receive`, `delete` and `purge` entries are written at once but fsynced only with the
 *   next put: a lost delete replays a message that was already handled (the pipeline
 *   deduplicates), a lost receive count only gives a message one more try.
 * - The live messages are kept in memory; the file is rewritten with only them (compacted)
 *   at open and whenever it holds far more entries than live messages.
 */

export const JOURNAL_FILE = 'journal.jsonl';

const MessageSchema = z.object({
  queue: z.string(),
  id: z.string(),
  body: z.string(),
  /** MessageAttributes as the sender gave them. */
  attributes: z.record(z.string(), z.unknown()).optional(),
  /** MessageSystemAttributes (AWSTraceHeader, DeadLetterQueueSourceArn). */
  systemAttributes: z.record(z.string(), z.unknown()).optional(),
  groupId: z.string().optional(),
  deduplicationId: z.string().optional(),
  /** Epoch milliseconds the message was first sent (SentTimestamp). */
  sentAt: z.number(),
  delaySeconds: z.number().optional(),
  /** ApproximateReceiveCount as of the last receive. */
  receiveCount: z.number().int().nonnegative(),
});
/** A message on a local queue as the journal keeps it. */
export type JournaledMessage = z.infer<typeof MessageSchema>;

const EntrySchema = z.discriminatedUnion('op', [
  MessageSchema.extend({ op: z.literal('put') }),
  z.object({ op: z.literal('receive'), queue: z.string(), id: z.string(), count: z.number().int().nonnegative() }),
  z.object({ op: z.literal('delete'), queue: z.string(), id: z.string() }),
  z.object({ op: z.literal('purge'), queue: z.string() }),
]);
export type JournalEntry = z.infer<typeof EntrySchema>;

/** The journal could not be written: what waits for it must not be acknowledged. */
export class QueueJournalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueJournalError';
  }
}

export interface QueueJournalOptions {
  /** Folder of the journal; created if missing. */
  readonly dir: string;
  readonly log?: (line: string) => void;
  /** Rewrite the file once it holds this many entries and four times the live messages. Default 10,000. */
  readonly compactAfterEntries?: number;
}

/** What opening found in the file. */
export interface JournalOpened {
  /** Entries read. */
  readonly entries: number;
  /** Messages still on a queue (not deleted). */
  readonly live: number;
  /** Unreadable lines skipped: a torn last line after a kill, or damage. */
  readonly skipped: number;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class QueueJournal {
  readonly #file: string;
  readonly #log: (line: string) => void;
  readonly #compactAfter: number;
  readonly #live = new Map<string, JournaledMessage>();
  #handle: FileHandle | undefined;
  #pending: string[] = [];
  /** Sequence numbers: appended, fsynced, and the last put a sender waits for. */
  #appended = 0;
  #synced = 0;
  #required = 0;
  #entriesInFile = 0;
  #waiters: Waiter[] = [];
  #writing: Promise<void> | undefined;
  #failure: QueueJournalError | undefined;
  #closed = false;
  #syncs = 0;
  #compactions = 0;

  private constructor(options: QueueJournalOptions) {
    this.#file = path.join(options.dir, JOURNAL_FILE);
    this.#log = options.log ?? (() => {});
    this.#compactAfter = options.compactAfterEntries ?? 10_000;
  }

  /**
   * Opens (or creates) the journal in `options.dir`, reads the live messages and compacts
   * the file to them.
   */
  static async open(options: QueueJournalOptions): Promise<{ journal: QueueJournal; opened: JournalOpened }> {
    await mkdir(options.dir, { recursive: true });
    const journal = new QueueJournal(options);
    const { entries, skipped } = await journal.#read();
    await journal.#compact();
    if (skipped > 0) journal.#log(`queue journal ${journal.#file}: skipped ${skipped} unreadable line(s)`);
    return { journal, opened: { entries, live: journal.#live.size, skipped } };
  }

  /** The path of the journal file. */
  get file(): string {
    return this.#file;
  }

  /** fsyncs of appended entries and rewrites of the file since open (the one at open included). */
  stats(): { readonly syncs: number; readonly compactions: number; readonly entriesInFile: number } {
    return { syncs: this.#syncs, compactions: this.#compactions, entriesInFile: this.#entriesInFile };
  }

  /** The messages on the queues, in the order they were put. */
  messages(): JournaledMessage[] {
    return [...this.#live.values()];
  }

  /**
   * Records a message put on a queue (a send, a move to the DLQ, a redrive). A message id
   * already on another queue has moved from there.
   * @param options.wait whether a sender will wait for it through `durable()` (default true)
   */
  put(message: JournaledMessage, options: { wait?: boolean } = {}): void {
    this.#live.delete(message.id);
    this.#live.set(message.id, message);
    this.#append({ op: 'put', ...message }, options.wait ?? true);
  }

  /** Records a receive and its ApproximateReceiveCount. */
  receive(queue: string, id: string, count: number): void {
    const message = this.#live.get(id);
    if (message?.queue !== queue) return;
    this.#live.set(id, { ...message, receiveCount: count });
    this.#append({ op: 'receive', queue, id, count }, false);
  }

  /** Records a deletion; a message that has moved to another queue stays there. */
  delete(queue: string, id: string): void {
    if (this.#live.get(id)?.queue !== queue) return;
    this.#live.delete(id);
    this.#append({ op: 'delete', queue, id }, false);
  }

  /** Records that a queue was emptied. */
  purge(queue: string): void {
    for (const [id, message] of this.#live) if (message.queue === queue) this.#live.delete(id);
    this.#append({ op: 'purge', queue }, false);
  }

  /**
   * Resolves once every put appended so far is fsynced; at once when there is none, so
   * receives and deletions go on after a write failure and only new sends are refused.
   * @throws QueueJournalError when a put cannot be written
   */
  durable(): Promise<void> {
    if (this.#required <= this.#synced) return Promise.resolve();
    if (this.#failure) return Promise.reject(this.#failure);
    const seq = this.#required;
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Writes and fsyncs what is pending, then closes the file; later entries are not recorded. */
  async close(): Promise<void> {
    if (this.#closed) return;
    while ((this.#pending.length > 0 || this.#writing) && !this.#failure) {
      this.#required = this.#appended;
      this.#schedule();
      await this.#writing;
    }
    this.#closed = true;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  #append(entry: JournalEntry, wait: boolean): void {
    if (this.#closed) return;
    this.#pending.push(`${JSON.stringify(entry)}\n`);
    this.#appended++;
    if (wait) this.#required = this.#appended;
    this.#schedule();
  }

  #schedule(): void {
    this.#writing ??= this.#drain();
  }

  /** The single writer: batches whatever was appended meanwhile into one write (and one fsync). */
  async #drain(): Promise<void> {
    // Let the appends of this tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.#pending.length > 0 && !this.#failure) {
        await this.#writeBatch();
        this.#settle();
      }
      this.#settle();
    } finally {
      // In the same step as the last look at #pending (no await between): an append after
      // it starts a new writer.
      this.#writing = undefined;
    }
  }

  async #writeBatch(): Promise<void> {
    const lines = this.#pending;
    const upTo = this.#appended;
    const sync = this.#required > this.#synced;
    this.#pending = [];
    try {
      const handle = this.#handle as FileHandle;
      await handle.write(lines.join(''));
      this.#entriesInFile += lines.length;
      if (sync) {
        await handle.datasync();
        this.#syncs++;
        this.#synced = upTo;
      }
      if (this.#entriesInFile >= this.#compactAfter && this.#entriesInFile >= 4 * this.#live.size)
        await this.#compact();
    } catch (error) {
      this.#failure = new QueueJournalError(
        `the queue journal ${this.#file} cannot be written: ${(error as Error).message}`,
        { cause: error },
      );
      this.#log(this.#failure.message);
    }
  }

  #settle(): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (waiter.seq <= this.#synced) waiter.resolve();
      else if (this.#failure) waiter.reject(this.#failure);
      else this.#waiters.push(waiter);
    }
  }

  async #read(): Promise<{ entries: number; skipped: number }> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: 0, skipped: 0 };
      throw error;
    }
    let entries = 0;
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const entry = parseEntry(line);
      if (!entry) {
        skipped++;
        continue;
      }
      entries++;
      if (entry.op === 'put') {
        const { op: _op, ...message } = entry;
        this.#live.delete(message.id);
        this.#live.set(message.id, message);
      } else if (entry.op === 'receive') {
        const message = this.#live.get(entry.id);
        if (message?.queue === entry.queue) this.#live.set(entry.id, { ...message, receiveCount: entry.count });
      } else if (entry.op === 'delete') {
        if (this.#live.get(entry.id)?.queue === entry.queue) this.#live.delete(entry.id);
      } else {
        for (const [id, message] of this.#live) if (message.queue === entry.queue) this.#live.delete(id);
      }
    }
    return { entries, skipped };
  }

  /**
   * Replaces the file with one put per live message: written to a temporary file, fsynced,
   * renamed over the journal and the folder fsynced, so a kill at any point leaves either
   * the old or the new file whole. What was pending is in the live messages already.
   */
  async #compact(): Promise<void> {
    const lines = [...this.#live.values()].map((message) => `${JSON.stringify({ op: 'put', ...message })}\n`);
    const upTo = this.#appended;
    this.#pending = [];
    const temporary = `${this.#file}.compacting`;
    const out = await open(temporary, 'w', 0o600);
    try {
      await out.write(lines.join(''));
      await out.datasync();
    } finally {
      await out.close();
    }
    await rename(temporary, this.#file);
    const dir = await open(path.dirname(this.#file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    await this.#handle?.close();
    this.#handle = await open(this.#file, 'a', 0o600);
    this.#entriesInFile = lines.length;
    this.#synced = upTo;
    this.#compactions++;
  }
}

function parseEntry(line: string): JournalEntry | undefined {
  try {
    const parsed = EntrySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
