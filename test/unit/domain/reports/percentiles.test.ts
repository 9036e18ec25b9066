import { describe, expect, it } from 'vitest';
import { mergeBuckets, percentileOf } from '../../../../shared/domain/reports/percentiles.ts';

describe('percentiles from histogram buckets', () => {
  it('interpolates linearly within the bucket the percentile falls in', () => {
    // 10 responses: 4 within 15 min, 6 in 15..30 min. p50 is the 5th: 1/6 into the second bucket.
    expect(percentileOf({ le_15: 4, le_30: 6 }, 0.5)).toBe(18);
    expect(percentileOf({ le_15: 4, le_30: 6 }, 0.9)).toBe(28);
  });

  it('answers the lower bound in the open last bucket', () => {
    expect(percentileOf({ gt_10080: 3 }, 0.5)).toBe(10080);
  });

  it('has no percentile without observations', () => {
    expect(percentileOf({}, 0.5)).toBeNull();
  });

  it('merges the histograms of several days bucket by bucket', () => {
    expect(mergeBuckets([{ buckets: { le_15: 1, le_60: 2 } }, { buckets: { le_15: 3 } }])).toEqual({
      le_15: 4,
      le_60: 2,
    });
  });
});
