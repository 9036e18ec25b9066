import { describe, expect, it } from 'vitest';
import { inParallel } from '../../../bench/throughput/load.ts';

describe('inParallel', () => {
  it('calls the work once for every index, starting them in order', async () => {
    // Arrange
    const started: number[] = [];

    // Act
    await inParallel(7, 3, async (n) => {
      started.push(n);
    });

    // Assess
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('never has more than the concurrency in hand, and starts the next as one ends', async () => {
    // Arrange
    let inHand = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const work = async () => {
      inHand++;
      most = Math.max(most, inHand);
      await new Promise<void>((resolve) => release.push(resolve));
      inHand--;
    };

    // Act
    const done = inParallel(10, 4, work);
    while (release.length > 0 || inHand > 0) {
      await Promise.resolve();
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;

    // Assess
    expect(most).toBe(4);
    expect(inHand).toBe(0);
  });

  it('runs one at a time when asked for none at once, and nothing for no work', async () => {
    // Arrange
    const calls: number[] = [];

    // Act
    await inParallel(2, 0, async (n) => {
      calls.push(n);
    });
    await inParallel(0, 4, async (n) => {
      calls.push(n);
    });

    // Assess
    expect(calls).toEqual([0, 1]);
  });
});
