import type { Case, CaseState } from './case.ts';
import type { Classification } from './classification.ts';
import type { Mention } from './mention.ts';
import type { IntakeMessage } from './mention-deletion.ts';
import type { CaseEvent, MentionRouted, MentionsRouted } from './events.ts';
import type { Routing } from './route-mention.ts';
import type { Tally } from './reports/tallies.ts';

/** A mention as stored, with what was decided about it. */
export interface StoredMention {
  readonly mention: Mention;
  readonly classification: Classification;
  readonly routing: Routing;
  readonly caseId: string;
  /** Set once every `Mention Routed` event of this mention was published. */
  readonly routedAt?: string;
  /**
   * The routed mark of the batch that stored the mention (classifyBatch): the mention is
   * routed once its id is in that mark, which one write per batch fills. Without it, the
   * mention's own mark (markRouted) says so.
   */
  readonly routeMark?: string;
}

/** Port: mentions, deduplicated by `(platform, externalId)`. */
export interface MentionRepository {
  /**
   * Stores the mention unless one with the same id exists.
   * @returns the stored mention: the new one, or the one that was there before.
   */
  putIfAbsent(stored: StoredMention, expiresAt: number): Promise<{ created: boolean; stored: StoredMention }>;
  /**
   * Marks the mention as fully published, so a later duplicate is skipped; the first mark
   * stays. `expiresAt` (epoch seconds): when the mark may go, with the mention.
   */
  markRouted(mentionId: string, routedAt: string, expiresAt: number): Promise<void>;
  /**
   * Marks mentions stored with the routed mark `mark` as fully published, in one write: it
   * adds their ids to the mark (a mention in it is routed; adding one twice changes nothing).
   */
  markRoutedTogether(mark: string, mentionIds: readonly string[], routedAt: string, expiresAt: number): Promise<void>;
  get(mentionId: string): Promise<StoredMention | undefined>;
}

/** One page of stored mentions, as a replay reads them. */
export interface StoredMentionPage {
  readonly items: readonly StoredMention[];
  /** Items the store looked at for this page (matching or not), for progress. */
  readonly scanned: number;
}

/** Port: reads stored mentions page by page, for what-if replays. It never writes. */
export interface StoredMentionReader {
  /** Every stored mention created at or after `since` (ISO time), in pages of about `pageSize` items looked at. */
  pages(options: { readonly since?: string; readonly pageSize?: number }): AsyncIterable<StoredMentionPage>;
}

/** Port: cases, one per conversation thread. */
export interface CaseRepository {
  /** Creates the case unless it exists; returns the case as stored. */
  ensure(c: Case, expiresAt: number): Promise<Case>;
  /** The case; read strongly consistent unless `consistent: false` (half the read units, may be a moment old). */
  get(caseId: string, options?: { readonly consistent?: boolean }): Promise<Case | undefined>;
  /**
   * The cases of these ids that exist, read eventually consistent (a moment old, as
   * `get` with `consistent: false`) in as few requests as the store allows: one
   * BatchGetItem per 100 ids instead of a GetItem each. Missing ids are left out.
   */
  getMany(caseIds: readonly string[]): Promise<Map<string, Case>>;
  /**
   * Records a routed mention on a department's case.
   * @returns false when this mention was already recorded for this department (a redelivery).
   */
  /**
   * `claim`: the new record is written holding the claim of the mention's notification for
   * its department (NotificationClaims.onRecordOf), in the same write; a record that existed
   * holds none of this call's.
   */
  recordMention(event: MentionRouted, expiresAt: number, claim?: DeliveryClaimRequest): Promise<boolean>;
  /** The mentions recorded on a case, oldest first. */
  mentionsOf(caseId: string): Promise<MentionRouted[]>;
  /**
   * The latest mention recorded on a case (the last of `mentionsOf`), read alone: one item
   * instead of the case's whole thread. Eventually consistent, as `mentionsOf` is.
   */
  latestMentionOf(caseId: string): Promise<MentionRouted | undefined>;
  /** Open cases of a department, earliest due first. */
  openCasesOf(department: string, limit?: number): Promise<Case[]>;
  /**
   * Writes a case changed by a transition (applyCaseCommand), on the condition that the
   * stored version is still `expectedVersion` (0: a case stored before versions existed).
   * The index entry follows the case's department, state and due time; so do the entries of
   * the departments it names (cc, approver), changed only where they differ from `previous`
   * (the case as read) when it is given.
   * @throws StaleCaseError when another writer changed the case since it was read
   */
  saveTransition(next: Case, expectedVersion: number, expiresAt: number, previous?: Case): Promise<void>;
  /** Cases of a department in the given states, earliest due first, one page at a time (an index query, never a scan). */
  listCases(query: CaseQuery): Promise<CasePage>;
}

export interface CaseQuery {
  readonly department: string;
  /**
   * Whose listing: `owner` (default) the department's own cases; `cc` the cases that name
   * it as cc; `approver` those whose draft waits for its approval (states ignored).
   */
  readonly role?: 'owner' | 'cc' | 'approver';
  /** Default: the open states (new, assigned, waiting, responded). */
  readonly states?: readonly CaseState[];
  /** Only cases due at or before this ISO time. */
  readonly dueBefore?: string;
  /** Page size (default 50). */
  readonly limit?: number;
  /** The `cursor` of the previous page. */
  readonly cursor?: string;
}

export interface CasePage {
  readonly items: readonly Case[];
  /** Present when there are more: pass it as `cursor` for the next page. */
  readonly cursor?: string;
}

/** Port: round-robin position per department (an atomic counter). */
export interface AssignmentCursor {
  /** Adds one to the department's counter and returns the new value (1, 2, 3, ...). */
  next(department: string): Promise<number>;
}

/**
 * The answer to a claim on one delivery: `claimed` (send it now), `sent` (it went out
 * before: skip it) or `held` (another sender claimed it and its lease runs: skip it; when
 * that sender fails it releases the claim and its own message is retried).
 */
export type DeliveryClaim = 'claimed' | 'sent' | 'held';

/** Who claims a delivery, when, and until when the claim keeps others away. */
export interface DeliveryClaimRequest {
  /** A token of this attempt (unique per call), so only its holder releases it. */
  readonly owner: string;
  /** ISO time of the claim. */
  readonly at: string;
  /** ISO time after which a claim that was neither marked sent nor released is free again (its holder died). */
  readonly leaseUntil: string;
  /** Epoch seconds when the item expires (the company's retention). */
  readonly expiresAt: number;
  /**
   * Where the sender's batch settles the claim (BatchNotificationClaims.markOf), written with
   * a claim kept on a mention's record: a complete settlement goes into the batch's one write
   * per day and department (with the batch's tally there) instead of an update of the record.
   */
  readonly mark?: string;
}

/**
 * Port: which notifications went out, so that redelivered, concurrent and retried causes
 * notify each target once. The key is the notification's id and its target.
 *
 * A sender claims a delivery atomically before it sends (the claim is the only
 * check-and-set: two concurrent claimers never both get `claimed`), marks it sent after a
 * successful send, and releases it when the send failed, so a retry can claim it again.
 */
export interface NotificationLog {
  /** Claims the delivery unless it was sent or another live claim holds it. */
  claim(caseId: string, key: string, request: DeliveryClaimRequest): Promise<DeliveryClaim>;
  /** Records the delivery as sent: every later claim answers `sent`. */
  markSent(caseId: string, key: string, sentAt: string, expiresAt: number): Promise<void>;
  /** Gives up this owner's claim (the send failed); a claim of another owner or a sent marker stays. */
  release(caseId: string, key: string, owner: string): Promise<void>;
}

/**
 * The answer to a claim on all the targets of one notification: `claimed` (send the
 * targets not in `sent`, then settle), `held` by another live sender, or `done` (a sender
 * settled it with every target sent).
 */
export type NotificationClaim =
  | { readonly claim: 'claimed'; readonly sent: readonly string[] }
  | { readonly claim: 'held' }
  | { readonly claim: 'done'; readonly sent: readonly string[] };

/**
 * Port: one claim per notification for all of its targets, so that a delivery costs two
 * writes (the claim, then the settlement) whatever the number of targets, where a claim and
 * a sent-marker per target cost two per target.
 *
 * The claim is the only check-and-set (two concurrent claimers never both get `claimed`);
 * it answers the delivery keys sent before. `settle` adds the keys sent now and gives the
 * claim up: `complete` when every target is sent (every later claim answers `done`),
 * otherwise free for the retry of the failed targets.
 */
export interface NotificationClaims {
  claimTargets(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<NotificationClaim>;
  /** Records `sent` (delivery keys) and gives up this owner's claim; a claim another owner took over stays, the keys are added anyway. */
  settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void>;
  /**
   * Extends this owner's claim to `request.leaseUntil`, if it still holds it (not settled, not
   * taken over after its lease ran out): one conditional write. False when it does not.
   */
  renew?(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean>;
  /**
   * The claims of the notification of a routed mention for its department kept on the
   * mention's record on its case (recordMention with a claim), instead of an item of their
   * own: the record's write is the claim, the settlement its one further write. A record
   * written without a claim (before, or by another writer) keeps them on their own item.
   */
  onRecordOf?(event: MentionRouted): NotificationClaims;
  /**
   * Claims for one batch of messages whose complete settlements of claims kept on records
   * are written together, once, by `flush` (with the batch's tallies) instead of one update per record.
   */
  batch?(): BatchNotificationClaims;
}

/**
 * The claims of one batch (NotificationClaims.batch): the record of a routed mention claimed
 * through `onRecordOf` names `markOf(event)`; a complete settlement of such a claim is kept
 * until `flush`, which writes the batch's settlements of a day and department together with
 * the batch's tally of that day and department, in one write. Until then a claim of the same
 * record in this batch answers `done` from memory; after it every sender reads the batch's
 * item. Call `flush` before the batch's messages are acknowledged, within the function's
 * timeout (shorter than a claim's lease, so no sender takes a settled claim over meanwhile).
 */
export interface BatchNotificationClaims extends NotificationClaims {
  /** What the record of `event` names as the place of its settlement (written with its claim). */
  markOf(event: MentionRouted): string;
  /**
   * Writes the batch's settlements, each day and department's with that day and
   * department's tally of `tallies` (written with them, in place of the day's own item).
   * Idempotent: a second call writes the same again.
   * @returns the tallies it did not write (their day and department had no settlement), for the day's own items
   * @throws SettlementsNotWrittenError when some settlements were written neither together nor
   *   (then) on their records; it names the tallies not written
   */
  flush(tallies?: readonly Tally[]): Promise<readonly Tally[]>;
}

/**
 * Some of a batch's settlements could be written neither in the batch's items nor on their
 * records (BatchNotificationClaims.flush); `tallies` are the batch's tallies that were not
 * written either (those of the failed items, and those that had no settlement).
 */
export class SettlementsNotWrittenError extends Error {
  constructor(
    message: string,
    readonly tallies: readonly Tally[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface NotificationSettlement {
  readonly owner: string;
  /** Delivery keys sent by this owner. */
  readonly sent: readonly string[];
  /** Whether every target of the notification is sent now. */
  readonly complete: boolean;
  /** ISO time of the settlement. */
  readonly at: string;
  /** Epoch seconds when the item expires (the company's retention). */
  readonly expiresAt: number;
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
  /** Adds one observation (minutes) to the day's histogram of a department's response or resolution times. */
  observe(day: string, department: string, metric: DurationMetric, minutes: number): Promise<void>;
  histogramsOf(day: string): Promise<Histogram[]>;
}

/** `response-business`: first responses in business minutes (the reports' percentiles). */
export type DurationMetric = 'response' | 'response-business' | 'resolution';

/** Upper bounds (minutes) of the histogram buckets; the last bucket is everything above. */
export const HISTOGRAM_BOUNDS_MINUTES = [15, 30, 60, 120, 240, 480, 1440, 2880, 10080] as const;

/** A day's histogram of one department and metric: counts per bucket (`le_15`, ..., `gt_10080`) and the sum. */
export interface Histogram {
  readonly day: string;
  readonly department: string;
  readonly metric: DurationMetric;
  readonly buckets: Readonly<Record<string, number>>;
  readonly count: number;
  readonly sumMinutes: number;
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
  /**
   * Publishes `Mentions Routed` details (routed-batch.ts) and, in the same calls, case
   * changes (one entry each, detail-type by action), resending entries that failed.
   * Does not throw for a refused entry: it returns the details the bus still refused after
   * every attempt (all of them when the call itself failed), with the last cause. A case
   * change that nothing consumes (case-event-publishing.ts) may be withheld instead of put:
   * it is counted in `withheldCaseEvents`, and is not a failure.
   */
  publishMentionsRouted(
    batches: readonly MentionsRouted[],
    caseEvents?: readonly CaseEvent[],
  ): Promise<
    PublishOutcome<MentionsRouted> & {
      readonly failedCaseEvents?: readonly CaseEvent[];
      readonly withheldCaseEvents?: number;
    }
  >;
}

/** What a publisher could not publish after every attempt, and why (the last error). */
export interface PublishOutcome<T> {
  readonly failed: readonly T[];
  readonly cause?: Error;
}

/** Port: publishes case changes (detail-type from CASE_DETAIL_TYPES by the event's action). */
export interface CaseEventPublisher {
  /**
   * Publishes every event or throws; entries that failed once are resent. A publisher may
   * withhold a change that nothing consumes (case-event-publishing.ts): that is no failure.
   */
  publishCaseEvents(events: readonly CaseEvent[]): Promise<void>;
}

/** Port: the intake queue between ingest and classification. */
export interface IntakeQueue {
  /** Enqueues every mention (and deletion notice) or throws; entries that failed once are resent. */
  enqueue(mentions: readonly IntakeMessage[]): Promise<void>;
}

/** Something that happened on a case besides a routed mention, noted once. */
export interface CaseNote {
  readonly kind: 'own-reply' | 'mention-deleted';
  readonly mentionId: string;
  /** When it happened on the platform. */
  readonly at: string;
}

/**
 * Port: what the company did and what authors took back on a case: its replies (the first
 * one timestamps the response time) and deletions. Implemented by the case repository.
 */
export interface CaseJournal {
  /**
   * Records the company's reply on an existing case; the first reply sets `firstResponseAt`.
   * @returns undefined when the case does not exist, else the case's first response time
   */
  recordResponse(
    caseId: string,
    reply: { readonly mentionId: string; readonly at: string },
    expiresAt: number,
  ): Promise<string | undefined>;
  /** Notes an event on a case once (a redelivery notes nothing new). @returns whether it was new */
  addNote(caseId: string, note: CaseNote, expiresAt: number): Promise<boolean>;
  /** The notes of a case, oldest first. */
  notesOf(caseId: string): Promise<CaseNote[]>;
  /** The first response time of a case, if the company has replied. */
  firstResponseAt(caseId: string): Promise<string | undefined>;
}

/** Port: erasing what a deleted mention said and who said it. */
export interface MentionErasure {
  /**
   * Erases the stored mention's text and author, and the copies on its case records.
   * @returns the mention as it was stored (before erasure), or undefined when none is stored
   */
  erase(mentionId: string, erasedAt: string): Promise<StoredMention | undefined>;
}

/**
 * Why a queue record failed. SQS keeps no cause with a message it moves to a DLQ, so the
 * function records it under the message id, which SQS keeps across that move.
 */
export interface RecordFailure {
  /** The SQS message id. */
  readonly messageId: string;
  /** The queue's name. */
  readonly queue: string;
  /** The function that failed on it (`classify-mention`, `handle-department`). */
  readonly functionName: string;
  readonly errorName: string;
  /** The error's message, shortened; error messages never quote a secret or a body. */
  readonly errorMessage: string;
  /** ISO time of the failure. */
  readonly failedAt: string;
  /** The record's ApproximateReceiveCount at that failure. */
  readonly receiveCount: number;
  readonly mentionId?: string;
  readonly caseId?: string;
}

/** A recorded failure with how many failures of the message were recorded. */
export interface RecordedFailure extends RecordFailure {
  readonly failures: number;
}

/** Port: the failure causes of queue records, read by `backchannel dlq`. */
export interface RecordFailureLog {
  /** Records (the latest) cause of a message's failure; the item expires at `expiresAt` (epoch seconds). */
  record(failure: RecordFailure, expiresAt: number): Promise<void>;
  /** The recorded causes of these messages, by message id; a message without one is absent. */
  causesOf(messageIds: readonly string[]): Promise<ReadonlyMap<string, RecordedFailure>>;
}

/** Port: the time. */
export interface Clock {
  now(): Date;
}
