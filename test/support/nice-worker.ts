import { parentPort, workerData } from 'node:worker_threads';
import { niceThisThread } from '../../infra/local/thread-priority.ts';

/** A worker thread that nices itself (thread-priority.test.ts) and stays until ended. */
parentPort?.postMessage(niceThisThread(workerData as number));
