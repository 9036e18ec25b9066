import type { RateObservation } from '../insights.ts';
import { hourOf } from './detector.ts';
import type { DimensionCount, DimensionValue, RateStore } from './ports.ts';

export interface RecordMentionRatesDeps {
  readonly rates: RateStore;
  /** Epoch seconds when the counters expire (see RATE_RETENTION_DAYS). */
  readonly expiresAt: number;
  /** Epoch seconds when the mentions' claims (with their themes) expire; default `expiresAt`. */
  readonly claimsExpireAt?: number;
}

/**
 * Days the hourly counters are kept: the detector looks back six weeks by default (and at
 * most twelve); two more weeks cover a late evaluation.
 */
export const RATE_RETENTION_DAYS = 14 * 7;

/** The dimension values a mention counts toward: its category, its platform, and its theme when it has one. */
export function dimensionValuesOf(observation: RateObservation): DimensionValue[] {
  return [
    { dimension: 'category', value: observation.category },
    { dimension: 'platform', value: observation.platform },
    ...(observation.themeId ? [{ dimension: 'theme' as const, value: observation.themeId }] : []),
  ];
}

/** The mentions of one hour whose count could not be added now (their claims stay: the next count of the hour adds them). */
export interface UncountedRates {
  readonly hour: string;
  readonly observations: readonly RateObservation[];
  readonly error: unknown;
}

/**
 * The values the mentions count toward, summed per UTC hour: a batch's mentions add to each
 * hour's counters in one write instead of one write each.
 */
export function hourlyCountsOf(observations: readonly RateObservation[]): Map<string, DimensionCount[]> {
  const byHour = new Map<string, Map<string, DimensionCount>>();
  for (const observation of observations) {
    const hour = hourOf(observation.createdAt);
    const counts = byHour.get(hour) ?? new Map<string, DimensionCount>();
    byHour.set(hour, counts);
    for (const v of dimensionValuesOf(observation)) {
      const key = `${v.dimension}#${v.value}`;
      counts.set(key, { ...v, count: (counts.get(key)?.count ?? 0) + 1 });
    }
  }
  return new Map([...byHour].map(([hour, counts]) => [hour, [...counts.values()]]));
}

/**
 * Counts the routed mentions of one SQS batch (primary department) in the hourly rates of
 * their UTC hours, once each ({@link RateStore.countOnce}: one claim and one counter write
 * per hour, whatever the number of mentions). Mentions counted before (a redelivery) are
 * passed too: they count nowhere again, and their hour's claims not added yet are added.
 *
 * A write that fails leaves the hour's claims to the next count of the hour (the redelivery of
 * the failed records makes one): a mention is never counted twice, and a claimed one is added
 * once some later call for its hour succeeds.
 *
 * @returns the hours whose counts were not added, with their mentions (empty when all were)
 */
export async function countNotedRates(
  observations: readonly RateObservation[],
  deps: RecordMentionRatesDeps,
): Promise<UncountedRates[]> {
  const byHour = new Map<string, RateObservation[]>();
  for (const o of observations) {
    const hour = hourOf(o.createdAt);
    byHour.set(hour, [...(byHour.get(hour) ?? []), o]);
  }
  const uncounted: UncountedRates[] = [];
  for (const [hour, ofHour] of byHour) {
    try {
      await deps.rates.countOnce(hour, ofHour, deps.expiresAt, deps.claimsExpireAt);
    } catch (error) {
      uncounted.push({ hour, observations: ofHour, error });
    }
  }
  return uncounted;
}

/**
 * Counts one routed mention (primary department) in the hourly rates of its category,
 * platform and theme, keyed by the UTC hour of its `createdAt`, once
 * ({@link countNotedRates} for it alone; record-insights counts a whole batch at once).
 *
 * @returns whether the mention was counted now (false: a redelivery)
 * @throws the write's error (a retry counts the mention)
 */
export async function recordMentionRates(observation: RateObservation, deps: RecordMentionRatesDeps): Promise<boolean> {
  const counted = await deps.rates.countOnce(
    hourOf(observation.createdAt),
    [observation],
    deps.expiresAt,
    deps.claimsExpireAt,
  );
  return counted.length > 0;
}
