import { describe, expect, it } from 'vitest';
import { histogramBucketOf, HISTOGRAM_BUCKETS } from '../../../shared/adapters/dynamodb/metric-repository.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';

describe('histogramBucketOf', () => {
  it.each([
    [0, 'le_15'],
    [15, 'le_15'],
    [15.5, 'le_30'],
    [61, 'le_120'],
    [1440, 'le_1440'],
    [10080, 'le_10080'],
    [10081, 'gt_10080'],
  ])('counts %s minutes in %s', (minutes, bucket) => {
    expect(histogramBucketOf(minutes)).toBe(bucket);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s minutes', (minutes) => {
    expect(() => histogramBucketOf(minutes)).toThrow(ValidationError);
  });

  it('names every bucket in order, the open one last', () => {
    expect(HISTOGRAM_BUCKETS).toEqual([
      'le_15',
      'le_30',
      'le_60',
      'le_120',
      'le_240',
      'le_480',
      'le_1440',
      'le_2880',
      'le_10080',
      'gt_10080',
    ]);
  });
});
