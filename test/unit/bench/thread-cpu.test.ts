import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { byThread, cpuPerRequest, processCpu } from '../../../bench/throughput/thread-cpu.ts';
import { startTsxWorker } from '../../../infra/local/backend-thread.ts';

const NAMED_WORKER = new URL('../../support/named-worker.ts', import.meta.url);

/**
 * Keeps this thread busy until the process has used `ms` milliseconds of CPU (by Node's own
 * count, not /proc's). A wall-clock spin is not enough on a shared machine: a thread that
 * waits for a core spins for less CPU than its wall time.
 */
function spin(ms: number): void {
  const start = process.cpuUsage();
  while (true) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe('processCpu', () => {
  it.runIf(process.platform === 'linux')('counts the CPU the main thread spent between two readings', async () => {
    // Arrange
    const before = await processCpu(process.pid);

    // Act
    spin(60);
    const after = await processCpu(process.pid);

    // Assess
    const spent = cpuPerRequest(before, after, 1);
    expect(spent?.mainThreadMs).toBeGreaterThan(30);
    expect(spent?.processMs).toBeGreaterThanOrEqual(0);
  });

  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  });

  it.runIf(process.platform === 'linux')('reads the CPU of a thread the runtime named, by its name', async () => {
    // Arrange
    const worker = startTsxWorker(NAMED_WORKER, 'bc-bench-test');
    workers.push(worker);
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });

    // Act
    const cpu = await processCpu(process.pid);

    // Assess
    expect(cpu?.namedThreadsMs?.['bc-bench-test']).toBeGreaterThan(0);
  });

  it('reads nothing for a process that does not exist', async () => {
    // Act
    const cpu = await processCpu(2 ** 30);

    // Assess
    expect(cpu).toBeUndefined();
  });
});

describe('cpuPerRequest', () => {
  it('divides the CPU between two readings by the requests answered', () => {
    // Act
    const perRequest = cpuPerRequest(
      { mainThreadMs: 100, processMs: 250 },
      { mainThreadMs: 500, processMs: 1050 },
      400,
    );

    // Assess
    expect(perRequest).toEqual({ mainThreadMs: 1, processMs: 2 });
  });

  it('gives nothing when a reading is missing or nothing was answered', () => {
    // Act / Assess
    expect(cpuPerRequest(undefined, { mainThreadMs: 1, processMs: 1 }, 10)).toBeUndefined();
    expect(cpuPerRequest({ mainThreadMs: 1, processMs: 1 }, { mainThreadMs: 2, processMs: 2 }, 0)).toBeUndefined();
  });
});

describe('CPU by thread', () => {
  it("divides each named thread's CPU by the requests, a thread started between the readings from 0", () => {
    // Act
    const perRequest = cpuPerRequest(
      { mainThreadMs: 0, processMs: 0, namedThreadsMs: { 'bc-pipeline': 100 } },
      { mainThreadMs: 0, processMs: 0, namedThreadsMs: { 'bc-pipeline': 300, 'bc-sqs': 50 } },
      100,
    );

    // Assess
    expect(perRequest?.namedThreadsMs).toEqual({ 'bc-pipeline': 2, 'bc-sqs': 0.5 });
  });

  it('gives the main thread, each named thread and the rest of the process', () => {
    // Act
    const threads = byThread({ mainThreadMs: 1, processMs: 10, namedThreadsMs: { 'bc-sqs': 2, 'bc-pipeline': 4 } });

    // Assess
    expect(threads).toEqual([
      { name: 'main', ms: 1 },
      { name: 'bc-pipeline', ms: 4 },
      { name: 'bc-sqs', ms: 2 },
      { name: 'other threads', ms: 3 },
    ]);
  });
});
