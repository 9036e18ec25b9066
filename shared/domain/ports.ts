import type { Case } from './case.ts';
import type { Classification } from './classification.ts';
import type { Mention } from './mention.ts';
import type { MentionRouted } from './events.ts';
import type { Routing } from './route-mention.ts';

/** A mention as stored, with what was decided about it. */
export interface StoredMention {
  readonly mention: Mention;
  readonly classification: Classification;
  readonly routing: Routing;
  readonly caseId: string;
  /** Set once every `Mention Routed` event of this mention was published. */
  readonly routedAt?: string;
}

/** Port: mentions, deduplicated by `(platform, externalId)`. */
export interface MentionRepository {
  /**
   * Stores the mention unless one with the same id exists.
   * @returns the stored mention: the new one, or the one that was there before.
   */
  putIfAbsent(stored: StoredMention, expiresAt: number): Promise<{ created: boolean; stored: StoredMention }>;
  /** Marks the mention as fully published, so a later duplicate is skipped. */
  markRouted(mentionId: string, routedAt: string): Promise<void>;
  get(mentionId: string): Promise<StoredMention | undefined>;
}

/** Port: cases, one per conversation thread. */
export interface CaseRepository {
  /** Creates the case unless it exists; returns the case as stored. */
  ensure(c: Case, expiresAt: number): Promise<Case>;
  get(caseId: string): Promise<Case | undefined>;
  /**
   * Records a routed mention on a department's case.
   * @returns false when this mention was already recorded for this department (a redelivery).
   */
  recordMention(event: MentionRouted, expiresAt: number): Promise<boolean>;
  /** The mentions recorded on a case, oldest first. */
  mentionsOf(caseId: string): Promise<MentionRouted[]>;
  /** Open cases of a department, earliest due first. */
  openCasesOf(department: string, limit?: number): Promise<Case[]>;
}

/** A counter of one day and one set of dimensions. */
export interface Counter {
  readonly day: string;
  readonly department: string;
  readonly category: string;
  readonly count: number;
}

/** Port: metric counters per day x dimension, added to atomically. */
export interface MetricRepository {
  increment(day: string, department: string, category: string, by: number): Promise<void>;
  countersOf(day: string): Promise<Counter[]>;
}

/** A stored daily summary for one department. */
export interface DailyReport {
  readonly day: string;
  readonly department: string;
  readonly total: number;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly generatedAt: string;
}

/** Port: stored reports. */
export interface ReportRepository {
  put(report: DailyReport, expiresAt: number): Promise<void>;
  dailyReports(day: string): Promise<DailyReport[]>;
}

/** Port: the company's event bus. */
export interface EventPublisher {
  /** Publishes every event or throws; entries that failed once are resent. */
  publishMentionRouted(events: readonly MentionRouted[]): Promise<void>;
}

/** Port: the intake queue between ingest and classification. */
export interface IntakeQueue {
  /** Enqueues every mention or throws; entries that failed once are resent. */
  enqueue(mentions: readonly Mention[]): Promise<void>;
}

/** Port: the time. */
export interface Clock {
  now(): Date;
}
