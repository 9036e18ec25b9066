import { parentPort, workerData } from 'node:worker_threads';
import { nameThisThread } from '../../infra/local/thread-priority.ts';
import { currentThreadId } from './thread-nice.ts';

/**
 * A worker thread that names itself (thread-priority.test.ts), answers with its task id, and
 * stays until ended, so that its /proc entry is still there when the test reads it.
 */
parentPort?.on('message', () => undefined);
parentPort?.postMessage({ named: nameThisThread(workerData as string), tid: currentThreadId() });
