import { parentPort, workerData } from 'node:worker_threads';
import { niceThisThread } from '../../infra/local/thread-priority.ts';

/**
 * A worker thread that nices itself (thread-priority.test.ts) and stays until ended: the
 * listener keeps its port, and so the thread, alive, or it would end right after answering
 * and its /proc entry could be gone before the test reads it.
 */
parentPort?.on('message', () => undefined);
parentPort?.postMessage(niceThisThread(workerData as number));
