import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startTsxWorker } from '../../../infra/local/backend-thread.ts';
import {
  nameThisThread,
  niceThisThread,
  parseNice,
  type ThreadPriorityResult,
} from '../../../infra/local/thread-priority.ts';
import { niceOf, PER_THREAD_NICE } from '../../support/thread-nice.ts';

const NICE_WORKER = new URL('../../support/nice-worker.ts', import.meta.url);
const NAMED_WORKER = new URL('../../support/named-worker.ts', import.meta.url);

describe('niceThisThread', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  });

  /** Starts a thread that nices itself to `nice`; its answer, while it still runs. */
  async function nicedThread(nice: number): Promise<ThreadPriorityResult> {
    const worker = startTsxWorker(NICE_WORKER, nice);
    workers.push(worker);
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  }

  it.skipIf(!PER_THREAD_NICE)('lowers the priority of the calling thread alone (Linux: /proc shows it)', async () => {
    // Arrange
    const mainBefore = niceOf(process.pid);

    // Act
    const result = await nicedThread(10);

    // Assess
    expect(result).toMatchObject({ applied: true, nice: 10 });
    const tid = (result as Extract<ThreadPriorityResult, { applied: true }>).tid;
    expect(tid).not.toBe(process.pid);
    expect(niceOf(tid)).toBe(10);
    expect(niceOf(process.pid)).toBe(mainBefore);
  });

  it('leaves the thread as it is at nice 0', () => {
    // Act
    const result = niceThisThread(0);

    // Assess
    expect(result.applied).toBe(false);
  });
});

describe('parseNice', () => {
  it('accepts an integer from 0 to 19', () => {
    expect([0, 10, 19].map((n) => parseNice(n, 'BACKCHANNEL_PIPELINE_NICE'))).toEqual([0, 10, 19]);
  });

  it('throws for a negative, fractional or missing value, naming the setting', () => {
    for (const bad of [-1, 20, 2.5, Number.NaN]) {
      expect(() => parseNice(bad, 'BACKCHANNEL_PIPELINE_NICE')).toThrow(/BACKCHANNEL_PIPELINE_NICE must be an integer/);
    }
  });
});

describe('nameThisThread', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  });

  it.skipIf(!PER_THREAD_NICE)('names the calling thread alone, cut to the 15 characters Linux keeps', async () => {
    // Arrange
    const mainName = readFileSync(`/proc/${process.pid}/comm`, 'utf8');
    const worker = startTsxWorker(NAMED_WORKER, 'bc-a-thread-name-too-long');
    workers.push(worker);

    // Act
    const answer = await new Promise<{ named: boolean; tid: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });

    // Assess
    expect(answer.named).toBe(true);
    expect(readFileSync(`/proc/${process.pid}/task/${answer.tid}/comm`, 'utf8').trim()).toBe('bc-a-thread-nam');
    expect(readFileSync(`/proc/${process.pid}/comm`, 'utf8')).toBe(mainName);
  });

  it.skipIf(PER_THREAD_NICE)('names nothing off Linux', () => {
    // Act, Assess
    expect(nameThisThread('bc-anything')).toBe(false);
  });
});
