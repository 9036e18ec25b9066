import { describe, expect, it } from 'vitest';
import {
  DYNAMODB_MIX,
  mentionsPerSecond,
  requestsPerMention,
  requestsPerSecondOnCores,
  scheduleOf,
} from '../../../bench/throughput/request-mix.ts';

function countOf(schedule: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of schedule) counts[op] = (counts[op] ?? 0) + 1;
  return counts;
}

describe('scheduleOf', () => {
  it('sends each operation its rate times the mentions, rounded', () => {
    // Act
    const schedule = scheduleOf(DYNAMODB_MIX, 1000);

    // Assess
    expect(countOf(schedule)).toEqual({ BatchGetItem: 230, GetItem: 40, PutItem: 3750, Query: 210, UpdateItem: 470 });
  });

  it('spreads the operations evenly, so that every stretch of the schedule holds the mix', () => {
    // Act
    const schedule = scheduleOf({ PutItem: 3, GetItem: 1 }, 100);

    // Assess
    for (let start = 0; start + 40 <= schedule.length; start += 40) {
      expect(countOf(schedule.slice(start, start + 40))).toEqual({ PutItem: 30, GetItem: 10 });
    }
  });

  it('gives a rare operation its turns through the run, not all at one end', () => {
    // Act
    const schedule = scheduleOf({ PutItem: 3.71, Query: 0.2 }, 100);

    // Assess
    const queries = schedule.flatMap((op, n) => (op === 'Query' ? [n] : []));
    expect(queries).toHaveLength(20);
    expect(queries[0]).toBeLessThan(30);
    expect(queries.at(-1)).toBeGreaterThan(schedule.length - 30);
  });

  it('is the same schedule every time', () => {
    // Act, Assess
    expect(scheduleOf(DYNAMODB_MIX, 50)).toEqual(scheduleOf(DYNAMODB_MIX, 50));
  });

  it('is empty for no mentions', () => {
    // Act, Assess
    expect(scheduleOf(DYNAMODB_MIX, 0)).toEqual([]);
  });
});

describe('the ceiling arithmetic', () => {
  it('counts a mix as its requests per mention', () => {
    // Act, Assess
    expect(requestsPerMention(DYNAMODB_MIX)).toBeCloseTo(4.7, 10);
    expect(mentionsPerSecond(470, DYNAMODB_MIX)).toBeCloseTo(100, 10);
  });

  it('turns CPU per request into the requests per second the cores allow', () => {
    // Act, Assess
    expect(requestsPerSecondOnCores(0.5)).toBe(2000);
    expect(requestsPerSecondOnCores(0.5, 2)).toBe(4000);
  });

  it('allows nothing it cannot know: no reading, or none spent', () => {
    // Act, Assess
    expect(requestsPerSecondOnCores(undefined)).toBeUndefined();
    expect(requestsPerSecondOnCores(0)).toBeUndefined();
  });
});
