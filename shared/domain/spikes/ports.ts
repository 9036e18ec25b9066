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

/**
 * What its hour's rates say of a mention counted (or being counted) there: the claim of the
 * batch that counts it, or of an earlier release's note.
 */
export interface RateClaim {
  /**
   * False only for a note an earlier release released (its count refused, the theme kept):
   * that mention must be counted again.
   */
  readonly counted: boolean;
  /** The theme recorded for the mention (the first claim's), when it has one. */
  readonly themeId?: string;
}

/**
 * Port: hourly mention counters per dimension value, and the mentions behind them.
 * Hours are UTC hour starts (ISO). A mention is counted once: a batch's mentions of one hour
 * are claimed together (one write per batch and hour, not one per mention, up to a cap of
 * claims per hour; past it, one note per mention) and then added.
 */
export interface RateStore {
  /**
   * What the hour's rates hold of these mentions, by mention id (those found only): the hour's
   * claims, and the notes of an hour past the claim cap or of an earlier release (with their
   * themes). A redelivery finds its mention here and keeps the theme recorded for it. Bounded:
   * the hour's claims are capped, notes are read by key, never by a query of the hour.
   */
  claimsOf(hour: string, mentionIds: readonly string[]): Promise<ReadonlyMap<string, RateClaim>>;
  /**
   * The themes an earlier release claimed for these mentions in items of their own (read only),
   * by mention id (those found only): one batched read for many mentions.
   */
  legacyThemesOf(mentionIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * Counts the mentions of one hour once each, however often and however concurrently they are
   * delivered: those not claimed yet are claimed together (with the theme each carries), then
   * added to the hour's counters together with every earlier claim not added yet.
   * @param expiresAt when the hour's counters expire (epoch seconds)
   * @param claimsExpireAt when the claims expire (they record the themes erasure looks up; default `expiresAt`)
   * @returns the observations counted by this call (not those claimed before)
   * @throws the write's error: the claims made stay and are added by the next call for the hour
   */
  countOnce(
    hour: string,
    observations: readonly RateObservation[],
    expiresAt: number,
    claimsExpireAt?: number,
  ): Promise<RateObservation[]>;
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
