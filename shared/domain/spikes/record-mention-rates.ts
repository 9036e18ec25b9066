import type { RateObservation } from '../insights.ts';
import { hourOf } from './detector.ts';
import type { DimensionCount, DimensionValue, RateStore } from './ports.ts';

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
 * Notes a routed mention (primary department) in the UTC hour of its `createdAt`, once
 * (a conditional write): the first step of counting it, see {@link countNotedRates}.
 *
 * @returns false when it was noted before (a redelivery): then it must not be counted again
 */
export async function noteMentionRate(observation: RateObservation, deps: RecordMentionRatesDeps): Promise<boolean> {
  return (await deps.rates.claimMention(hourOf(observation.createdAt), observation, deps.expiresAt)).noted;
}

/** The mentions of one hour whose count could not be added (their notes were released where possible: marked uncounted, their themes kept). */
export interface UncountedRates {
  readonly hour: string;
  readonly observations: readonly RateObservation[];
  readonly error: unknown;
}

/**
 * The values the noted mentions count toward, summed per UTC hour: a batch's mentions add to
 * each hour's counters in one write instead of one write each.
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
 * Adds mentions noted by {@link noteMentionRate} (all of one SQS batch) to their hours'
 * counters: one write per hour, whatever the number of mentions.
 *
 * A write that fails releases the notes of that hour's mentions (marks them uncounted; the
 * theme each records stays), so their redelivery counts them and joins the same themes; only a crash between the notes and the write (or a failed release) loses those
 * mentions' counts. A mention is never counted twice.
 *
 * @returns the hours whose counts were not added, with their mentions (empty when all were)
 */
export async function countNotedRates(
  noted: readonly RateObservation[],
  deps: RecordMentionRatesDeps,
): Promise<UncountedRates[]> {
  const uncounted: UncountedRates[] = [];
  for (const [hour, counts] of hourlyCountsOf(noted)) {
    try {
      await deps.rates.addToCounters(hour, counts, deps.expiresAt);
    } catch (error) {
      const observations = noted.filter((o) => hourOf(o.createdAt) === hour);
      // Best effort: a note that stays loses its mention's count, as a crash here would.
      await Promise.allSettled(observations.map((o) => deps.rates.releaseMention(hour, o.mentionId)));
      uncounted.push({ hour, observations, error });
    }
  }
  return uncounted;
}

/**
 * Counts one routed mention (primary department) in the hourly rates of its category,
 * platform and theme, keyed by the UTC hour of its `createdAt`: {@link noteMentionRate}, then
 * {@link countNotedRates} for it alone (record-insights does the second step once per batch).
 *
 * @returns whether the mention was counted now (false: a redelivery)
 * @throws the counter write's error (the note is released, so a retry counts the mention)
 */
export async function recordMentionRates(observation: RateObservation, deps: RecordMentionRatesDeps): Promise<boolean> {
  if (!(await noteMentionRate(observation, deps))) return false;
  const [uncounted] = await countNotedRates([observation], deps);
  if (uncounted) throw uncounted.error;
  return true;
}
