import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import dynalite from 'dynalite';
import { createRequestHandler } from 'local-aws-sqs';
import { journalSqs, type ReplaySummary } from './journaled-sqs.ts';
import { QueueJournal, type JournalOpened } from './queue-journal.ts';

/** A local AWS-compatible backend listening on loopback. */
export interface LocalBackend {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Credentials the local backends accept; they never leave this machine. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Region and account of every local ARN. */
export const LOCAL_REGION = 'eu-central-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Starts dynalite on 127.0.0.1. With `dataDir` the tables persist there (LevelDB);
 * without it they live in memory. Port 0 picks a free port.
 */
export async function startDynamoDb(options: { port?: number; dataDir?: string } = {}): Promise<LocalBackend> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  const answering = requestsInFlight(server);
  await listen(server, options.port ?? 0);
  return {
    endpoint: endpointOf(server),
    // A request cut by the close still runs inside dynalite and then meets a closed database,
    // which throws outside any caller (LEVEL_DATABASE_NOT_OPEN): let running requests finish first.
    stop: async () => {
      await answering.settled(STOP_GRACE_MS);
      await close(server);
    },
  };
}

/** How long a backend's stop waits for the requests it is answering. */
const STOP_GRACE_MS = 5_000;

/** Counts the requests a server has not finished answering; `settled` waits until there are none (or `graceMs` passed). */
function requestsInFlight(server: Server): { settled(graceMs: number): Promise<void> } {
  let running = 0;
  let idle: (() => void)[] = [];
  server.on('request', (_req, res) => {
    running++;
    res.once('close', () => {
      running--;
      if (running > 0) return;
      for (const resolve of idle) resolve();
      idle = [];
    });
  });
  return {
    settled: (graceMs) =>
      running === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, graceMs);
            idle.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
}

/** local-aws-sqs, with the queue journal when it was started with one. */
export interface LocalSqsBackend extends LocalBackend {
  /** What the journal held at start; undefined without a journal. */
  readonly journal: (JournalOpened & { readonly file: string }) | undefined;
  /**
   * Puts the journal's messages back on their queues; call once, after creating the
   * queues and before anything receives. Without a journal it puts back nothing.
   */
  replayJournal(now?: number): ReplaySummary;
}

/**
 * Starts local-aws-sqs on 127.0.0.1 (JSON protocol). Port 0 picks a free port. Queue ARNs
 * carry `region` and `accountId` (default LOCAL_REGION, LOCAL_ACCOUNT_ID).
 *
 * local-aws-sqs keeps messages only in memory. With `journalDir` every message is written
 * to a journal there (fsynced before SendMessage answers) and put back by `replayJournal`
 * after a restart, so a message a sender saw accepted survives a kill of the process.
 */
export async function startSqs(
  options: {
    port?: number;
    region?: string;
    accountId?: string;
    journalDir?: string;
    log?: (line: string) => void;
    /**
     * Told which queues were sent messages (SendMessage, SendMessageBatch, a redrive), at
     * most once per event-loop turn: the runtime wakes those queues' pollers with it.
     */
    onPuts?: (queueNames: readonly string[]) => void;
  } = {},
): Promise<LocalSqsBackend> {
  const local = createRequestHandler({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region: options.region ?? LOCAL_REGION,
    accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
    // A restarted runtime recreates its queues at once; AWS's 60 s wait would only slow tests.
    emulateQueueCreationLifecycle: false,
  });
  const opened = options.journalDir
    ? await QueueJournal.open({ dir: options.journalDir, ...(options.log ? { log: options.log } : {}) })
    : undefined;
  const journaled = opened ? journalSqs(local, opened.journal, options.log) : undefined;
  const handler = journaled?.requestHandler ?? local.requestHandler;
  const onPuts = options.onPuts;
  const server = createServer(onPuts ? notifyingPuts(local.service, handler, onPuts) : handler);
  try {
    await listen(server, options.port ?? 0);
  } catch (error) {
    await opened?.journal.close();
    throw error;
  }
  // Queue URLs carry the port; with port 0 it is known only now.
  local.service.PORT = (server.address() as AddressInfo).port;
  return {
    endpoint: endpointOf(server),
    journal: opened ? { ...opened.opened, file: opened.journal.file } : undefined,
    replayJournal: (now) => journaled?.replay(now) ?? { replayed: 0, movedToDlq: 0, expired: 0, orphaned: 0 },
    stop: async () => {
      await close(server);
      await opened?.journal.close();
    },
  };
}

type SqsService = ReturnType<typeof createRequestHandler>['service'];
type SqsQueue = SqsService['Queues'][number];

/**
 * Wraps `handler` so that every message put on a queue of `service` (a send, a redrive, a
 * journal replay) names its queue to `onPuts`, collected over one event-loop turn. Queues
 * are hooked as journaled-sqs.ts hooks them: before each request, those created since too.
 */
function notifyingPuts(
  service: SqsService,
  handler: RequestListener,
  onPuts: (queueNames: readonly string[]) => void,
): RequestListener {
  const hooked = new WeakSet<SqsQueue>();
  const pending = new Set<string>();
  const flush = () => {
    const names = [...pending];
    pending.clear();
    onPuts(names);
  };
  const hookAll = () => {
    for (const queue of service.Queues) {
      if (hooked.has(queue)) continue;
      hooked.add(queue);
      const name = queue.QueueName;
      const setRecord = queue.setRecord;
      queue.setRecord = ((...args: Parameters<SqsQueue['setRecord']>) => {
        const result = setRecord(...args);
        if (pending.size === 0) setImmediate(flush);
        pending.add(name);
        return result;
      }) as SqsQueue['setRecord'];
    }
  };
  return (req, res) => {
    hookAll();
    // A CreateQueue has just made a queue: hook it before anyone can send to it.
    res.once('finish', hookAll);
    handler(req, res);
  };
}

/** Listens on loopback (or `host`); port 0 picks a free port. */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/**
 * Stops accepting connections, lets running requests finish for up to `graceMs`, then cuts
 * whatever keeps the socket open.
 */
export function closeGracefully(server: Server, graceMs = 2000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeIdleConnections();
    server.close((error) => (error ? reject(error) : resolve()));
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections?.();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

function endpointOf(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
