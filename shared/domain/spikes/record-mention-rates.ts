import type { RateObservation } from '../insights.ts';
import { hourOf } from './detector.ts';
import type { DimensionValue, RateStore } from './ports.ts';

export interface RecordMentionRatesDeps {
  readonly rates: RateStore;
  /** Epoch seconds when the counters and the mention's note expire (see RATE_RETENTION_DAYS). */
  readonly expiresAt: number;
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

/**
 * Counts a routed mention (primary department) in the hourly rates of its category, platform
 * and theme, keyed by the UTC hour of its `createdAt`.
 *
 * 1. note the mention in its hour (a conditional write): noted before -> a redelivery, stop
 * 2. add one to the hour's counters of its dimension values (one write)
 *
 * Two writes per mention. A crash between them loses that one mention's count (the retry
 * finds it noted); it never counts a mention twice.
 *
 * @returns whether the mention was counted now
 */
export async function recordMentionRates(observation: RateObservation, deps: RecordMentionRatesDeps): Promise<boolean> {
  const hour = hourOf(observation.createdAt);
  if (!(await deps.rates.claimMention(hour, observation, deps.expiresAt))) return false;
  await deps.rates.addToCounters(hour, dimensionValuesOf(observation), deps.expiresAt);
  return true;
}
