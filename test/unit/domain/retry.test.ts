import { describe, expect, it } from 'vitest';
import { retry } from '../../../shared/domain/retry.ts';

/** A sleep that records its pauses instead of waiting. */
function recordingSleep() {
  const pauses: number[] = [];
  return { pauses, sleep: async (ms: number) => void pauses.push(ms) };
}

describe('retry', () => {
  it("returns what the first successful try resolves with, after the policy's pauses", async () => {
    // Arrange
    const { pauses, sleep } = recordingSleep();
    let tries = 0;

    // Act
    const result = await retry(
      async (attempt) => {
        tries++;
        if (attempt < 3) throw new Error(`try ${attempt} failed`);
        return 'done';
      },
      { maxAttempts: 5, delayMs: (attempt) => 100 * attempt, sleep },
    );

    // Assess
    expect(result).toBe('done');
    expect(tries).toBe(3);
    expect(pauses).toEqual([100, 200]);
  });

  it('throws the last error after maxAttempts', async () => {
    // Arrange
    const { pauses, sleep } = recordingSleep();

    // Act
    const run = retry(
      async (attempt) => {
        throw new Error(`try ${attempt} failed`);
      },
      { maxAttempts: 3, delayMs: () => 10, sleep },
    );

    // Assess
    await expect(run).rejects.toThrow('try 3 failed');
    expect(pauses).toEqual([10, 10]);
  });

  it('throws an error that is not retryable at once', async () => {
    // Arrange
    const { pauses, sleep } = recordingSleep();

    // Act
    const run = retry(
      async () => {
        throw new TypeError('permanent');
      },
      { maxAttempts: 5, delayMs: () => 10, retryable: (error) => !(error instanceof TypeError), sleep },
    );

    // Assess
    await expect(run).rejects.toThrow('permanent');
    expect(pauses).toEqual([]);
  });

  it('gives up when the policy has no pause left, and tells onRetry of each pause it took', async () => {
    // Arrange
    const { pauses, sleep } = recordingSleep();
    const told: number[] = [];
    const delays = [200, 1_000];

    // Act
    const run = retry(
      async (attempt) => {
        throw new Error(`try ${attempt} failed`);
      },
      { maxAttempts: 10, delayMs: (attempt) => delays[attempt - 1], onRetry: (info) => told.push(info.attempt), sleep },
    );

    // Assess
    await expect(run).rejects.toThrow('try 3 failed');
    expect(pauses).toEqual([200, 1_000]);
    expect(told).toEqual([1, 2]);
  });
});
