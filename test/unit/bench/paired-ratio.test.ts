import { describe, expect, it } from 'vitest';
import { baselineFirst, median, pairedRatio, verdictOf } from '../../../bench/paired-ratio.ts';

describe('pairedRatio', () => {
  it('takes the median of the per-round ratios, not the ratio of the medians', () => {
    // Arrange: the machine slows down over the run; each function process ran beside its own baseline.
    const baseline = [50, 50, 100, 100, 100];
    const measured = [60, 60, 120, 120, 120];

    // Act
    const ratio = pairedRatio(measured, baseline);

    // Assess: every round says 1.2x; the median of unpaired values would say 120 / 100 = 1.2x only by luck of the split.
    expect(ratio.median).toBeCloseTo(1.2, 10);
    expect(ratio.low).toBeCloseTo(1.2, 10);
    expect(ratio.high).toBeCloseTo(1.2, 10);
    expect(ratio.rounds).toBe(5);
  });

  it('ignores drift that the unpaired ratio of medians follows', () => {
    // Arrange: the function's rounds happened to fall in the busy half, the baseline's medians in the quiet one.
    const baseline = [40, 40, 40, 80, 80];
    const measured = [48, 48, 96, 96, 96];

    // Act
    const ratio = pairedRatio(measured, baseline);

    // Assess: rounds 1.2, 1.2, 2.4, 1.2, 1.2 -> 1.2; the ratio of medians would say 96 / 40 = 2.4.
    expect(ratio.median).toBeCloseTo(1.2, 10);
    expect(median(measured) / median(baseline)).toBeCloseTo(2.4, 10);
    expect(ratio.max).toBeCloseTo(2.4, 10);
  });

  it('gives an interval that holds the median and lies within the rounds', () => {
    // Arrange
    const baseline = Array.from({ length: 15 }, () => 50);
    const measured = [55, 58, 60, 61, 62, 63, 64, 65, 66, 67, 68, 70, 72, 75, 80];

    // Act
    const ratio = pairedRatio(measured, baseline);

    // Assess
    expect(ratio.median).toBeCloseTo(65 / 50, 10);
    expect(ratio.low).toBeLessThan(ratio.median);
    expect(ratio.high).toBeGreaterThan(ratio.median);
    expect(ratio.low).toBeGreaterThanOrEqual(ratio.min);
    expect(ratio.high).toBeLessThanOrEqual(ratio.max);
  });

  it('prints the same interval for the same rounds and seed', () => {
    // Arrange
    const baseline = [50, 52, 49, 55, 51, 48, 53];
    const measured = [62, 70, 58, 66, 61, 75, 60];

    // Act
    const first = pairedRatio(measured, baseline, { seed: 3 });
    const second = pairedRatio(measured, baseline, { seed: 3 });

    // Assess
    expect(second).toEqual(first);
  });

  it('throws when the rounds do not pair up', () => {
    // Act / Assess
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
    expect(() => pairedRatio([1], [0])).toThrow(/0 ms or less/);
  });
});

describe('verdictOf', () => {
  const ratio = (low: number, high: number) => ({
    median: (low + high) / 2,
    low,
    high,
    min: low,
    max: high,
    rounds: 15,
  });

  it('is ok only when the whole interval is at or under the line', () => {
    expect(verdictOf(ratio(1.1, 1.3), 1.3)).toBe('ok');
  });

  it('is MISSED only when the whole interval is over the line', () => {
    expect(verdictOf(ratio(1.31, 1.5), 1.3)).toBe('MISSED');
  });

  it('is unclear when the interval straddles the line', () => {
    expect(verdictOf(ratio(1.2, 1.4), 1.3)).toBe('unclear');
  });
});

describe('baselineFirst', () => {
  it('alternates which side of a pair runs first', () => {
    expect([0, 1, 2, 3].map(baselineFirst)).toEqual([true, false, true, false]);
  });
});
