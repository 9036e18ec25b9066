/**
 * A ratio against a baseline measured in pairs (issue 12, bench:bundles): each round runs a
 * function's process and a baseline process next to each other, so a busy or quiet moment of
 * a shared machine hits both, and the round gives one ratio. The median of the rounds' ratios
 * is the figure; a bootstrap of that median says how far it could move in another run.
 */
import { mulberry32 } from '../shared/classifier/train.ts';
import { quantile } from './throughput/load.ts';

/** The median of the per-round ratios and how far it could move. */
export interface PairedRatio {
  /** Median of the per-round ratios. */
  readonly median: number;
  /** The bootstrap interval of that median (90 % by default): low and high ends. */
  readonly low: number;
  readonly high: number;
  /** The smallest and largest single round. */
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

export interface PairedRatioOptions {
  /** Bootstrap resamples; 2,000 unless told. */
  readonly resamples?: number;
  /** Width of the interval, 0..1; 0.9 unless told. */
  readonly confidence?: number;
  /** Seed of the resampling, so that the same rounds print the same interval. */
  readonly seed?: number;
}

/** The median of values (the lower middle one for an even count, as bench:bundles always took it); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/**
 * Whether round `round` runs the baseline first: the order alternates, so that whatever the
 * first process of a pair pays (a colder cache, a CPU that has not ramped up) falls on each side
 * equally often.
 */
export const baselineFirst = (round: number): boolean => round % 2 === 0;

/**
 * The paired ratio of `measured[i] / baseline[i]` over the rounds `i`, with a seeded
 * percentile bootstrap of its median.
 *
 * @throws RangeError when the two lists differ in length, are empty, or hold a baseline of 0 or less.
 * @example pairedRatio([66, 60, 63], [50, 52, 49]).median // 1.29: the rounds give 1.32, 1.15 and 1.29
 */
export function pairedRatio(
  measured: readonly number[],
  baseline: readonly number[],
  options: PairedRatioOptions = {},
): PairedRatio {
  if (measured.length !== baseline.length || measured.length === 0) {
    throw new RangeError(`paired rounds need the same, non-zero count: ${measured.length} vs ${baseline.length}`);
  }
  if (baseline.some((b) => !(b > 0))) throw new RangeError('a baseline round measured 0 ms or less');
  const ratios = measured.map((m, i) => m / (baseline[i] as number)).sort((a, b) => a - b);
  const resamples = options.resamples ?? 2000;
  const tail = (1 - (options.confidence ?? 0.9)) / 2;
  const random = mulberry32(options.seed ?? 12);
  const medians: number[] = [];
  const sample: number[] = new Array(ratios.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < ratios.length; i++) sample[i] = ratios[Math.floor(random() * ratios.length)] as number;
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  return {
    median: median(ratios),
    low: quantile(medians, tail),
    high: quantile(medians, 1 - tail),
    min: ratios[0] as number,
    max: ratios[ratios.length - 1] as number,
    rounds: ratios.length,
  };
}

/**
 * The verdict on a line (such as 1.3x): `ok` when the whole interval is at or under it,
 * `MISSED` when the whole interval is over it, `unclear` when the interval straddles it (more
 * rounds, or a quieter machine, may decide it).
 */
export function verdictOf(ratio: PairedRatio, line: number): 'ok' | 'MISSED' | 'unclear' {
  if (ratio.high <= line) return 'ok';
  if (ratio.low > line) return 'MISSED';
  return 'unclear';
}
