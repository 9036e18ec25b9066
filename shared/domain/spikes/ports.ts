import type { RateObservation, SpikeDimension, SpikeSource, SpikeSummary } from '../insights.ts';
import type { SpikeDetected } from '../events.ts';
import type { RateCount } from './detector.ts';

/** One dimension value a mention counts toward. */
export interface DimensionValue {
  readonly dimension: SpikeDimension;
  readonly value: string;
}

/** A dimension value and how many mentions add to it (1 when absent). */
export interface DimensionCount extends DimensionValue {
  readonly count?: number;
}

/** A mention as its hour's rate counters remember it: what a spike tags. */
export interface RateMember {
  readonly mentionId: string;
  readonly caseId: string;
  readonly department: string;
}

/** What a mention's note in its hour says after {@link RateStore.claimMention}. */
export interface RateClaim {
  /** True when this call noted the mention (or a released note again): the caller must count it. */
  readonly noted: boolean;
  /** The theme recorded for the mention (the first claim's), when it has one. */
  readonly themeId?: string;
}

/**
 * Port: hourly mention counters per dimension value, and the mentions behind them.
 * Hours are UTC hour starts (ISO).
 */
export interface RateStore {
  /**
   * Notes the mention in its hour, once, with its theme (`observation.themeId`): the note is
   * also the mention's theme claim, so the first claim's theme stays (a redelivery gets it
   * back, as does a theme claim an earlier release kept apart). A released note is noted again.
   * @returns `noted` false when it was noted before (a redelivery): then it must not be counted again
   */
  claimMention(hour: string, observation: RateObservation, expiresAt: number): Promise<RateClaim>;
  /**
   * Marks a note whose count could not be added as uncounted (its theme stays), so that a
   * redelivery counts the mention and joins the same theme.
   */
  releaseMention(hour: string, mentionId: string): Promise<void>;
  /** Adds each value's count (1 when it has none) to the hour's counters (one write for all of them). */
  addToCounters(hour: string, values: readonly DimensionCount[], expiresAt: number): Promise<void>;
  /** Counts of every value in the hours from `fromHour` up to and including `toHour`; hours without mentions are absent. */
  counts(fromHour: string, toHour: string): Promise<RateCount[]>;
  /** Mentions of a value in an hour, at most `limit` distinct cases. */
  membersOf(hour: string, value: DimensionValue, limit: number): Promise<RateMember[]>;
}

/** A spike as stored: the summary, how long the surge went on, and whether its news went out. */
export interface StoredSpike extends SpikeSummary {
  /** Probability of the first hour's count under its baseline. */
  readonly probability: number;
  /** The last hour of the surge (the first one, `hour`, until it goes on). */
  readonly lastHour: string;
  /** Hours that surged (1 for a one-hour spike). */
  readonly hours: number;
  /** Mentions over all its hours (`observed` is the first hour's). */
  readonly totalObserved: number;
  /** Set once the event, the notifications and the case tags are done. */
  readonly publishedAt?: string;
}

/** Port: spikes and the evaluation's cursor. Lists spikes for the reports (SpikeSource). */
export interface SpikeRepository extends SpikeSource {
  /** The last hour evaluated by the schedule, if any. */
  cursor(): Promise<string | undefined>;
  /** Records that `hour` was evaluated (only forward: an older hour leaves the cursor where it is). */
  advanceCursor(hour: string): Promise<void>;
  /**
   * Stores a new spike unless one with its id exists.
   * @returns the spike as stored (the earlier one when it existed)
   */
  putIfAbsent(spike: StoredSpike, expiresAt: number): Promise<{ created: boolean; stored: StoredSpike }>;
  /**
   * Adds a further surging hour to a spike, once per hour.
   * @returns false when the spike already reaches that hour
   */
  extend(spike: StoredSpike, hour: string, observed: number, caseIds: readonly string[]): Promise<boolean>;
  markPublished(spike: StoredSpike, at: string): Promise<void>;
  /** Spikes whose first hour lies in [fromHour, toHour], oldest first. */
  spikesBetween(fromHour: string, toHour: string): Promise<StoredSpike[]>;
}

/** Port: the bus, for `Spike Detected`. */
export interface SpikeEventPublisher {
  /** Publishes every event or throws. */
  publishSpikeDetected(events: readonly SpikeDetected[]): Promise<void>;
}
