import { describe, expect, it } from 'vitest';
import { MAX_PIPELINE_THREADS, pipelineGroups, slotsPerThread } from '../../../infra/local/pipeline-thread.ts';

const DEMO = ['classify-mention', 'handle-department', 'record-insights', 'erase-author'];

describe('pipelineGroups', () => {
  it('keeps every function in one thread by default', () => {
    // Act, Assess
    expect(pipelineGroups(DEMO, 1)).toEqual([DEMO]);
  });

  it('gives the threads one function each in turn, in topology order', () => {
    // Act, Assess
    expect(pipelineGroups(DEMO, 2)).toEqual([
      ['classify-mention', 'record-insights'],
      ['handle-department', 'erase-author'],
    ]);
  });

  it('makes no empty thread when there are fewer functions than threads', () => {
    // Act, Assess
    expect(pipelineGroups(['classify-mention', 'handle-department'], 4)).toEqual([
      ['classify-mention'],
      ['handle-department'],
    ]);
    expect(pipelineGroups([], 2)).toEqual([]);
  });

  it.each([0, 1.5, MAX_PIPELINE_THREADS + 1, Number.NaN])('refuses %s threads', (threads) => {
    // Act, Assess
    expect(() => pipelineGroups(DEMO, threads)).toThrow(RangeError);
  });
});

describe('slotsPerThread', () => {
  it("shares the local account's concurrency between the threads, rounding up", () => {
    // Act, Assess
    expect(slotsPerThread(4, 1)).toBe(4);
    expect(slotsPerThread(4, 2)).toBe(2);
    expect(slotsPerThread(5, 2)).toBe(3);
  });

  it('leaves every thread at least one slot', () => {
    // Act, Assess
    expect(slotsPerThread(1, 3)).toBe(1);
  });
});
