import { parentPort, workerData } from 'node:worker_threads';
import { startDynamoDb, startSqs, type LocalBackend, type LocalSqsBackend } from './backends.ts';
import type { BackendThreadReply, BackendThreadRequest, BackendThreadStart } from './backend-thread.ts';
import { nameThisThread, niceThisThread } from './thread-priority.ts';

/**
 * The worker side of backend-thread.ts: starts one emulated backend in this thread and
 * answers the main thread's requests (replay the journal, stop). The SDK clients reach the
 * backend on its port, as before; only start, replay and stop cross the thread boundary.
 */

const port = parentPort;
if (!port) throw new Error('backend-worker.ts runs only as a worker thread (see backend-thread.ts)');
const start = workerData as BackendThreadStart;
const reply = (message: BackendThreadReply) => port.postMessage(message);
const log = (line: string) => reply({ type: 'log', line });

// Its CPU apart from the other threads' in /proc (bench:throughput's CPU per thread).
nameThisThread(start.backend === 'dynamodb' ? 'bc-dynamodb' : 'bc-sqs');
if (start.backend === 'dynamodb' && start.nice) {
  const niced = niceThisThread(start.nice);
  if (!niced.applied) log(`DynamoDB thread: left at the default priority (${niced.reason})`);
}

const backend = await startBackend().catch((error: unknown) => {
  // The main thread rejects its start with this error and ends the thread.
  reply({ type: 'failed', error: plainError(error) });
  return undefined;
});
if (backend) {
  reply({ type: 'started', endpoint: backend.endpoint, journal: 'journal' in backend ? backend.journal : undefined });
  port.on('message', (request: BackendThreadRequest) => answer(backend, request));
}

function startBackend(): Promise<LocalBackend | LocalSqsBackend> {
  return start.backend === 'dynamodb'
    ? startDynamoDb(start.dataDir ? { dataDir: start.dataDir } : {})
    : startSqs({
        region: start.region,
        accountId: start.accountId,
        ...(start.journalDir ? { journalDir: start.journalDir, log } : {}),
        ...(putsOf(start) ?? {}),
      });
}

/** Where the queues sent messages are named: the port the runtime handed over (the pipeline thread's), else the starting thread. */
function putsOf(
  sqs: Extract<BackendThreadStart, { backend: 'sqs' }>,
): { onPuts(queues: readonly string[]): void } | undefined {
  const { putsPort } = sqs;
  if (putsPort)
    return { onPuts: (queues) => putsPort.postMessage({ type: 'puts', queues } satisfies BackendThreadReply) };
  return sqs.notifyPuts ? { onPuts: (queues) => reply({ type: 'puts', queues }) } : undefined;
}

function answer(running: LocalBackend | LocalSqsBackend, request: BackendThreadRequest): void {
  if (request.type === 'replay') {
    try {
      const summary =
        'replayJournal' in running
          ? running.replayJournal(request.now)
          : { replayed: 0, movedToDlq: 0, expired: 0, orphaned: 0 };
      reply({ type: 'replayed', summary });
    } catch (error) {
      reply({ type: 'failed', error: plainError(error) });
    }
    return;
  }
  running.stop().then(
    () => reply({ type: 'stopped' }),
    (error: unknown) => reply({ type: 'failed', error: plainError(error) }),
  );
}

/** An error as structured clone keeps it: a class and its cause do not cross the thread. */
function plainError(error: unknown): { name: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
}
