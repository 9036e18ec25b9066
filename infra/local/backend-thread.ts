import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type MessagePort, Worker } from 'node:worker_threads';
import type { LocalBackend } from './backends.ts';
import type { ReplaySummary } from './journaled-sqs.ts';
import type { JournalOpened } from './queue-journal.ts';

/**
 * The emulated backends (dynalite; local-aws-sqs with its queue journal) each in a worker
 * thread of their own, so that their CPU (about a fifth of a mention's, Round w8) runs on
 * another core than the HTTP API and the functions. They are HTTP servers already: the SDK
 * clients reach them on their port as before, and only start, the journal's replay and stop
 * cross the thread boundary. A worker thread ends with its process, SIGKILL included, so
 * nothing outlives the runtime; the journal's fsync before SendMessage answers is unchanged.
 */

/** What a backend thread starts (its workerData). */
export type BackendThreadStart =
  | {
      readonly backend: 'dynamodb';
      readonly dataDir?: string;
      /** The thread's nice value (thread-priority.ts); absent or 0: the process's priority. */
      readonly nice?: number;
    }
  | {
      readonly backend: 'sqs';
      readonly region: string;
      readonly accountId: string;
      readonly journalDir?: string;
      /** Whether the thread names the queues it was sent messages to (a `puts` reply per event-loop turn). */
      readonly notifyPuts?: boolean;
      /** Where those `puts` go instead of to the thread that started it (startSqsThread's `putsPort`). */
      readonly putsPort?: MessagePort;
    };

export type BackendThreadRequest = { readonly type: 'replay'; readonly now?: number } | { readonly type: 'stop' };

export type BackendThreadReply =
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'puts'; readonly queues: readonly string[] }
  | {
      readonly type: 'started';
      readonly endpoint: string;
      readonly journal: (JournalOpened & { readonly file: string }) | undefined;
    }
  | { readonly type: 'replayed'; readonly summary: ReplaySummary }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: { name: string; message: string; stack?: string } };

/** A backend thread failed: at start, at a request, or on its own while running. */
export class BackendThreadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendThreadError';
  }
}

/** local-aws-sqs in its thread; the journal's replay is a request to that thread. */
export interface ThreadedSqsBackend extends LocalBackend {
  /** What the journal held at start; undefined without a journal. */
  readonly journal: (JournalOpened & { readonly file: string }) | undefined;
  /**
   * Puts the journal's messages back on their queues; call once, after creating the queues
   * and before anything receives. Without a journal it puts back nothing.
   */
  replayJournal(now?: number): Promise<ReplaySummary>;
}

interface ThreadOptions {
  /** The backend's lines (the journal's compaction and repairs). */
  readonly log?: (line: string) => void;
  /**
   * Told when the thread fails after it started (an uncaught error, an exit nobody asked
   * for). Default: thrown on the main thread, as the backend's own error was when it ran there.
   */
  readonly onFailure?: (error: BackendThreadError) => void;
  /** The queues named by the thread's `puts` replies. */
  readonly onPuts?: (queueNames: readonly string[]) => void;
}

/**
 * Starts dynalite in a worker thread (see startDynamoDb for `dataDir`), at `nice` when given
 * (thread-priority.ts: only the pipeline and the admin API use the table, not the acks).
 * @throws BackendThreadError when it does not start, with the backend's message
 */
export async function startDynamoDbThread(
  options: { dataDir?: string; nice?: number } & ThreadOptions = {},
): Promise<LocalBackend> {
  const { log, onFailure, ...start } = options;
  const thread = await startThread({ backend: 'dynamodb', ...start }, 'local DynamoDB (dynalite)', {
    ...(log ? { log } : {}),
    ...(onFailure ? { onFailure } : {}),
  });
  return { endpoint: thread.endpoint, stop: thread.stop };
}

/**
 * Starts local-aws-sqs, with the queue journal when given `journalDir`, in a worker thread
 * (see startSqs).
 * @throws BackendThreadError when it does not start, with the backend's message
 */
export async function startSqsThread(
  options: {
    region: string;
    accountId: string;
    journalDir?: string;
    /** Told which queues were sent messages, at most once per turn of the thread's event loop (startSqs's onPuts). */
    onPuts?: (queueNames: readonly string[]) => void;
    /**
     * Instead of `onPuts`: the SQS thread posts the same `puts` messages to this port (one end of
     * a MessageChannel, handed over to the SQS thread). The other end in the thread whose
     * pollers they wake (the pipeline's) takes them off this thread's event loop, which serves
     * the webhooks' acks (Round w22).
     */
    putsPort?: MessagePort;
  } & ThreadOptions,
): Promise<ThreadedSqsBackend> {
  const { log, onFailure, onPuts, putsPort, ...start } = options;
  const thread = await startThread(
    { backend: 'sqs', ...start, ...(putsPort ? { putsPort } : onPuts ? { notifyPuts: true } : {}) },
    'local SQS (local-aws-sqs)',
    {
      ...(log ? { log } : {}),
      ...(onFailure ? { onFailure } : {}),
      ...(onPuts && !putsPort ? { onPuts } : {}),
    },
  );
  return {
    endpoint: thread.endpoint,
    journal: thread.journal,
    replayJournal: async (now) => {
      const answer = await thread.request({ type: 'replay', ...(now === undefined ? {} : { now }) }, 'replayed');
      return answer.summary;
    },
    stop: thread.stop,
  };
}

type ReplyOf<T extends BackendThreadReply['type']> = Extract<BackendThreadReply, { type: T }>;

interface RunningThread {
  readonly endpoint: string;
  readonly journal: ReplyOf<'started'>['journal'];
  request<T extends 'replayed' | 'stopped'>(request: BackendThreadRequest, expected: T): Promise<ReplyOf<T>>;
  stop(): Promise<void>;
}

async function startThread(start: BackendThreadStart, label: string, options: ThreadOptions): Promise<RunningThread> {
  const worker = startTsxWorker(BACKEND_WORKER, start, 'putsPort' in start && start.putsPort ? [start.putsPort] : []);
  // One request at a time: start, then replay, then stop, each awaited by the runtime.
  let waiting:
    | { phase: string; resolve: (reply: BackendThreadReply) => void; reject: (error: Error) => void }
    | undefined;
  let stopping = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fail = (error: BackendThreadError) => {
    if (waiting) {
      const { reject } = waiting;
      waiting = undefined;
      reject(error);
    } else if (!stopping) {
      (options.onFailure ?? throwLater)(error);
    }
  };
  worker.on('message', (reply: BackendThreadReply) => {
    if (reply.type === 'log') {
      options.log?.(reply.line);
      return;
    }
    if (reply.type === 'puts') {
      options.onPuts?.(reply.queues);
      return;
    }
    const current = waiting;
    waiting = undefined;
    if (reply.type === 'failed') {
      const what = current ? current.phase : 'failed';
      const error = new BackendThreadError(`${label} ${what}: ${reply.error.message}`, { cause: reply.error });
      if (current) current.reject(error);
      else fail(error);
      return;
    }
    current?.resolve(reply);
  });
  worker.on('error', (error) => fail(new BackendThreadError(`${label} failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => {
    exited = true;
    fail(new BackendThreadError(`${label} did not start or stopped unexpectedly (thread exit code ${code})`));
  });
  /** The next reply; `phase` words a failure ("did not start"). */
  const next = <T extends BackendThreadReply['type']>(expected: T, phase: string): Promise<ReplyOf<T>> =>
    new Promise<BackendThreadReply>((resolve, reject) => {
      waiting = { phase, resolve, reject };
    }).then((reply) => {
      if (reply.type !== expected) throw new BackendThreadError(`${label}: expected ${expected}, got ${reply.type}`);
      return reply as ReplyOf<T>;
    });

  let started: ReplyOf<'started'>;
  try {
    started = await next('started', 'did not start');
  } catch (error) {
    stopping = true;
    await worker.terminate();
    throw error;
  }
  const request = <T extends 'replayed' | 'stopped'>(message: BackendThreadRequest, expected: T) => {
    if (exited) return Promise.reject(new BackendThreadError(`${label} is not running`));
    const answer = next(expected, `failed to ${message.type}`);
    worker.postMessage(message);
    return answer;
  };
  return {
    endpoint: started.endpoint,
    journal: started.journal,
    request,
    stop: async () => {
      if (stopping) return exit;
      stopping = true;
      try {
        if (!exited) await request({ type: 'stop' }, 'stopped');
      } finally {
        // The backend closed its server and journal; nothing is left for the thread to do.
        await worker.terminate();
        await exit;
      }
    },
  };
}

/** A thread's failure after its start: thrown as an uncaught error, as it was on the main thread. */
export function throwLater(error: Error): void {
  setImmediate(() => {
    throw error;
  });
}

/**
 * Starts `entry` (a module beside this one) in a worker thread with `workerData`: the
 * bootstrap registers tsx in the new thread (a worker does not inherit the parent's loader
 * hooks on Node 20), under `tsx` and under vitest alike. Not the parent's tsx flags (the
 * bootstrap registers tsx once); a CPU profile, when the runtime writes one, covers the
 * thread too. `transfer` names the ports in `workerData` that move to the new thread.
 */
export function startTsxWorker(entry: URL, workerData: unknown, transfer: readonly MessagePort[] = []): Worker {
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/index\.cjs$/, 'index.mjs');
  const bootstrap = [
    `import { register } from ${JSON.stringify(pathToFileURL(tsxApi).href)};`,
    'register();',
    `await import(${JSON.stringify(entry.href)});`,
  ].join('\n');
  return new Worker(bootstrap, {
    eval: true,
    workerData,
    transferList: [...transfer],
    execArgv: process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')),
  });
}

const BACKEND_WORKER = new URL('./backend-worker.ts', import.meta.url);
