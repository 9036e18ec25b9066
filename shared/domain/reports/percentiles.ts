import { HISTOGRAM_BOUNDS_MINUTES, type Histogram } from '../ports.ts';

/** Percentiles of durations, in minutes; null when nothing was observed. */
export interface DurationPercentiles {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly count: number;
}

/** Sums histograms bucket by bucket (e.g. the days of a week). */
export function mergeBuckets(histograms: readonly Pick<Histogram, 'buckets'>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const h of histograms) for (const [bucket, n] of Object.entries(h.buckets)) sum[bucket] = (sum[bucket] ?? 0) + n;
  return sum;
}

/**
 * A percentile of the durations counted in histogram buckets. The stored histograms keep
 * only counts per bucket, so the value is interpolated linearly within the bucket the
 * percentile falls in (as Prometheus' histogram_quantile does): exact at bucket bounds,
 * otherwise off by at most the bucket's width. In the open last bucket (over 7 days) its
 * lower bound is returned.
 */
export function percentileOf(buckets: Readonly<Record<string, number>>, q: number): number | null {
  const bounds = [...HISTOGRAM_BOUNDS_MINUTES];
  const counts = [...bounds.map((b) => buckets[`le_${b}`] ?? 0), buckets[`gt_${bounds[bounds.length - 1]}`] ?? 0];
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (const [i, n] of counts.entries()) {
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : (bounds[i - 1] as number);
      if (i >= bounds.length) return lower;
      const upper = bounds[i] as number;
      return Math.round(lower + ((rank - below) / n) * (upper - lower));
    }
    below += n;
  }
  return bounds[bounds.length - 1] as number;
}

export function percentilesOf(buckets: Readonly<Record<string, number>>): DurationPercentiles {
  const count = Object.values(buckets).reduce((a, b) => a + b, 0);
  return { p50: percentileOf(buckets, 0.5), p90: percentileOf(buckets, 0.9), count };
}
