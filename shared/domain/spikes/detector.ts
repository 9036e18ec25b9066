import type { SpikeDimension } from '../insights.ts';

/**
 * The spike detector: pure, deterministic, no I/O. For one dimension value (a category, a
 * platform, a theme) it compares the count of one hour with that value's own baseline for
 * the same hour of the week, and calls it a spike only when the count is improbable under
 * the baseline, large enough to matter and a multiple of what is usual.
 *
 * The baseline is a small hierarchy of means, each shrunk toward the coarser one when its
 * own history is thin:
 * 1. the value's overall hourly mean over the window (up to `weeks` weeks back);
 * 2. its mean at the same hour of the day, shrunk toward (1) with weight `dailyPrior` days;
 * 3. its mean at the same hour of the week, shrunk toward (2) with weight `weeklyPrior` weeks.
 * A value with six weeks of history is judged by its own hour of the week; a theme born
 * yesterday by its hour of the day and its overall rate.
 *
 * The test: (3) is the mean of a Gamma belief about the hour's rate (shape = weighted sum,
 * rate = weighted number of samples), so the count of the hour is negative binomial, the
 * Poisson distribution widened by how little history there is. A spike is an upper-tail
 * probability below `alpha`, at least `minCount` mentions, and at least `minRatio` times the
 * expected count.
 */

/** How the detector decides; the company config's `spikes:` may override each. */
export interface SpikeParameters {
  /** Weeks of history the baseline looks back (default 6). */
  readonly weeks: number;
  /** Largest upper-tail probability that still counts as a spike (default 1e-5). */
  readonly alpha: number;
  /** Fewest mentions in the hour for a spike (default 5). */
  readonly minCount: number;
  /** Smallest ratio of observed to expected (default 3). */
  readonly minRatio: number;
  /** Weight, in weeks, of the hour-of-day level in the hour-of-week baseline (default 2). */
  readonly weeklyPrior: number;
  /** Weight, in days, of the overall mean in the hour-of-day level (default 7). */
  readonly dailyPrior: number;
  /** Lowest baseline rate per hour, so a value never seen before is not infinitely surprising (default 0.05). */
  readonly minExpected: number;
  /** A surge of the same value within this many hours after a spike's last hour continues that spike: no second alarm (default 6). */
  readonly cooldownHours: number;
}

export const DEFAULT_SPIKE_PARAMETERS: SpikeParameters = {
  weeks: 6,
  alpha: 1e-5,
  minCount: 5,
  minRatio: 3,
  weeklyPrior: 2,
  dailyPrior: 7,
  minExpected: 0.05,
  cooldownHours: 6,
};

export const HOUR_MS = 3_600_000;
export const WEEK_HOURS = 168;

/** One dimension value's count in one hour (UTC hour start, ISO). */
export interface RateCount {
  readonly dimension: SpikeDimension;
  readonly value: string;
  readonly hour: string;
  readonly count: number;
}

/**
 * Where an hour falls in the week and the day, for the seasonality. The company's wall clock
 * (see {@link seasonOfHourIn}), so the Monday 9 o'clock rush stays at 9 across a DST change.
 */
export interface HourSeason {
  /** 0..167 */
  readonly hourOfWeek: number;
  /** 0..23 */
  readonly hourOfDay: number;
}
export type SeasonOf = (hourMs: number) => HourSeason;

/** Seasons by UTC hour. */
export const utcSeason: SeasonOf = (hourMs) => {
  const d = new Date(hourMs);
  // Monday 0: weeks start on Monday, as the reports' weeks do.
  const weekday = (d.getUTCDay() + 6) % 7;
  return { hourOfWeek: weekday * 24 + d.getUTCHours(), hourOfDay: d.getUTCHours() };
};

/** Seasons by the wall clock of a timezone (cached per hour: a detector run asks for the same hours again and again). */
export function seasonOfHourIn(timezone: string): SeasonOf {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const cache = new Map<number, HourSeason>();
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return (hourMs) => {
    const cached = cache.get(hourMs);
    if (cached) return cached;
    const parts = Object.fromEntries(format.formatToParts(new Date(hourMs)).map((p) => [p.type, p.value]));
    const hourOfDay = Number(parts.hour) % 24;
    const season = { hourOfWeek: Math.max(0, days.indexOf(parts.weekday ?? 'Mon')) * 24 + hourOfDay, hourOfDay };
    cache.set(hourMs, season);
    return season;
  };
}

/** A value's hourly counts by hour start (epoch ms); hours without mentions are absent. */
export type HourlySeries = ReadonlyMap<number, number>;

/** The expected count of an hour and how sure the baseline is of it. */
export interface Baseline {
  /** Expected mentions in the hour. */
  readonly expected: number;
  /** Gamma shape and rate of the belief about the hour's rate (expected = shape / rate). */
  readonly shape: number;
  readonly rate: number;
  /** Hours of the same hour of the week in the window (0..weeks). */
  readonly weeksSeen: number;
}

/**
 * The baseline of hour `hourMs` from the value's series, looking back over the window
 * [max(historyStartMs, hourMs - weeks), hourMs). Hours before `historyStartMs` (before any
 * data was kept) are unknown, not zero; hours after it without a count are zero.
 */
export function baselineOf(
  series: HourlySeries,
  hourMs: number,
  historyStartMs: number,
  params: SpikeParameters,
  seasonOf: SeasonOf,
): Baseline {
  const start = Math.max(historyStartMs, hourMs - params.weeks * WEEK_HOURS * HOUR_MS);
  const target = seasonOf(hourMs);
  let hours = 0;
  let sum = 0;
  let daySamples = 0;
  let daySum = 0;
  let weekSamples = 0;
  let weekSum = 0;
  for (let h = Math.ceil(start / HOUR_MS) * HOUR_MS; h < hourMs; h += HOUR_MS) {
    const count = series.get(h) ?? 0;
    hours++;
    sum += count;
    const season = seasonOf(h);
    if (season.hourOfDay !== target.hourOfDay) continue;
    daySamples++;
    daySum += count;
    if (season.hourOfWeek !== target.hourOfWeek) continue;
    weekSamples++;
    weekSum += count;
  }
  const overall = hours > 0 ? sum / hours : 0;
  const daily = (daySum + params.dailyPrior * overall) / (daySamples + params.dailyPrior);
  const rate = weekSamples + params.weeklyPrior;
  const shape = Math.max(weekSum + params.weeklyPrior * daily, params.minExpected * rate);
  return { expected: shape / rate, shape, rate, weeksSeen: weekSamples };
}

/**
 * P(X >= x) for the count X of an hour whose rate has a Gamma(shape, rate) belief: the
 * negative binomial with r = shape and p = rate / (rate + 1). With much history (a large
 * rate) it is the Poisson tail of the expected count.
 */
export function upperTailProbability(x: number, shape: number, rate: number): number {
  if (x <= 0) return 1;
  const p = rate / (rate + 1);
  const logP = -Math.log1p(1 / rate);
  const logQ = -Math.log1p(rate);
  // ln Γ(k + r) - ln Γ(r) as a sum of logs: exact for a huge r (a long, certain baseline), where the difference of two lgammas is not.
  const logRising = (k: number) => {
    if (k > 1000) return logGamma(k + shape) - logGamma(shape);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.log(shape + i);
    return sum;
  };
  const logPmf = (k: number) => logRising(k) - logGamma(k + 1) + shape * logP + k * logQ;
  const mean = (shape * (1 - p)) / p;
  if (x <= mean + 1) {
    // Not in the tail: 1 - P(X < x), summed from 0 (few terms, no loss of precision that matters here).
    let cdf = 0;
    for (let k = 0; k < x; k++) cdf += Math.exp(logPmf(k));
    return Math.min(1, Math.max(0, 1 - cdf));
  }
  // In the tail: sum upward from x; the terms fall at least geometrically past the mean.
  let term = Math.exp(logPmf(x));
  let tail = term;
  for (let k = x; term > tail * 1e-14 && k < x + 100_000; k++) {
    term *= ((k + shape) / (k + 1)) * (1 - p);
    tail += term;
  }
  return Math.min(1, tail);
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const x = z - 1;
  let a = c[0] as number;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The verdict on one dimension value in one hour. */
export interface SpikeTest {
  readonly dimension: SpikeDimension;
  readonly value: string;
  readonly hour: string;
  readonly observed: number;
  readonly expected: number;
  /** P(X >= observed) under the baseline. */
  readonly probability: number;
  readonly spike: boolean;
}

/** Whether a count is a spike against its baseline, by the three conditions of the parameters. */
export function judge(
  observed: number,
  baseline: Baseline,
  params: SpikeParameters,
): { probability: number; spike: boolean } {
  const probability = upperTailProbability(observed, baseline.shape, baseline.rate);
  const spike =
    observed >= params.minCount && observed >= params.minRatio * baseline.expected && probability < params.alpha;
  return { probability, spike };
}

/** Hourly counts grouped into one series per dimension value (`<dimension>\u0000<value>`). */
export function seriesOf(counts: readonly RateCount[]): Map<string, Map<number, number>> {
  const series = new Map<string, Map<number, number>>();
  for (const c of counts) {
    const key = seriesKey(c.dimension, c.value);
    let s = series.get(key);
    if (!s) {
      s = new Map();
      series.set(key, s);
    }
    const hourMs = Date.parse(c.hour);
    s.set(hourMs, (s.get(hourMs) ?? 0) + c.count);
  }
  return series;
}

export function seriesKey(dimension: SpikeDimension, value: string): string {
  return `${dimension}\u0000${value}`;
}

/**
 * Tests every dimension value with mentions in `hour` against its baseline.
 *
 * @param counts the hour's counts and the history before it (at least `params.weeks` weeks back when there is that much)
 * @param historyStart the first hour counters were kept (ISO); earlier hours are unknown, not zero
 * @returns one test per value with a count in the hour, spikes first, then by probability
 * @example
 * const spikes = detectSpikes('2026-12-03T10:00:00.000Z', counts, firstHour, DEFAULT_SPIKE_PARAMETERS, seasonOfHourIn('Europe/Berlin')).filter((t) => t.spike);
 */
export function detectSpikes(
  hour: string,
  counts: readonly RateCount[],
  historyStart: string,
  params: SpikeParameters,
  seasonOf: SeasonOf,
): SpikeTest[] {
  return detectInSeries(Date.parse(hour), seriesOf(counts), Date.parse(historyStart), params, seasonOf);
}

/** {@link detectSpikes} on series grouped once (see {@link seriesOf}), for evaluating many hours of one history. */
export function detectInSeries(
  hourMs: number,
  series: ReadonlyMap<string, HourlySeries>,
  historyStartMs: number,
  params: SpikeParameters,
  seasonOf: SeasonOf,
): SpikeTest[] {
  const tests: SpikeTest[] = [];
  for (const [key, counts] of series) {
    const observed = counts.get(hourMs) ?? 0;
    if (observed === 0) continue;
    const [dimension, value] = key.split('\u0000') as [SpikeDimension, string];
    const baseline = baselineOf(counts, hourMs, historyStartMs, params, seasonOf);
    const verdict = judge(observed, baseline, params);
    tests.push({
      dimension,
      value,
      hour: new Date(hourMs).toISOString(),
      observed,
      expected: baseline.expected,
      ...verdict,
    });
  }
  return tests.sort((a, b) => Number(b.spike) - Number(a.spike) || a.probability - b.probability);
}

/** The UTC hour start (ISO) of an instant. */
export function hourOf(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();
}

/** The hour `n` hours after `hour` (ISO; n may be negative). */
export function addHours(hour: string, n: number): string {
  return new Date(Date.parse(hour) + n * HOUR_MS).toISOString();
}
