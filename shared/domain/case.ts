import { createHash } from 'node:crypto';
import type { Category, Platform, Priority, Sentiment } from './mention.ts';

import { CASE_STATES } from './vocabulary.ts';

export { CASE_STATES };
export type CaseState = (typeof CASE_STATES)[number];

/** Who did something to a case: a person (`user:<email or sub>`), a function (`system:<id>`) or the platform (`platform:<mentionId>`). */
export type Actor = string;

/** One line of a case's history: who did what, when, and the state before and after. */
export interface CaseHistoryEntry {
  /** Idempotency key of the change: the same cause applied twice is recorded once. */
  readonly transitionId: string;
  readonly at: string;
  readonly actor: Actor;
  readonly action: CaseAction;
  readonly from: CaseState;
  readonly to: CaseState;
  /** What the change was about, for a person reading the history (assignee, reason, target department, ...). */
  readonly detail?: Readonly<Record<string, string>>;
}

/** A reply drafted through the API; with approval required it must be approved before it is marked sent. */
export interface ReplyDraft {
  readonly id: string;
  readonly text: string;
  readonly draftedBy: Actor;
  readonly draftedAt: string;
  readonly approvedBy?: Actor;
  readonly approvedAt?: string;
  readonly sentBy?: Actor;
  readonly sentAt?: string;
  /** A send through the platform's API is under way since then (the claim: nobody else posts it meanwhile). */
  readonly sendingAt?: string;
  /** Requests made to the platform for this reply, over all its sends. */
  readonly sendAttempts?: number;
  /** The platform's id of the posted reply: set once the platform took it (then `sentAt` is set too). */
  readonly platformPostId?: string;
  readonly url?: string;
  /** Why the last send failed (the platform's status and message, never a token), and when. */
  readonly sendError?: string;
  readonly failedAt?: string;
  /** The key account owner's approval, when a rule requires it (`ownerApproval`). */
  readonly ownerApprovedBy?: Actor;
  readonly ownerApprovedAt?: string;
}

/** Where a reply is, as the console shows it. */
export type ReplyState = 'draft' | 'approved' | 'sending' | 'sent' | 'failed' | 'sent-elsewhere';

/** The state of a reply: posted through the platform's API, marked sent elsewhere, being sent, failed, approved or a draft. */
export function replyStateOf(reply: ReplyDraft): ReplyState {
  if (reply.platformPostId) return 'sent';
  if (reply.sentAt) return 'sent-elsewhere';
  if (reply.sendingAt) return 'sending';
  if (reply.sendError) return 'failed';
  return reply.approvedAt ? 'approved' : 'draft';
}

/** A reply the platform took: kept on the case after later drafts replace `reply`, so the platform's echo of it is recognised. */
export interface PublishedReplyRecord {
  readonly replyId: string;
  readonly platformPostId: string;
  readonly url?: string;
  readonly at: string;
  readonly by: Actor;
  readonly text: string;
}

/** A department change made by a person: training data for the classifier and an audit trail. */
export interface RoutingCorrection {
  readonly from: string;
  readonly to: string;
  readonly by: Actor;
  readonly at: string;
  readonly reason: string;
  readonly category: Category;
}

/** A unit of work for one department: one conversation thread on one platform. */
export interface Case {
  readonly id: string;
  readonly platform: Platform;
  readonly threadId: string;
  readonly department: string;
  readonly cc: readonly string[];
  readonly state: CaseState;
  readonly priority: Priority;
  readonly category: Category;
  readonly openedAt: string;
  readonly dueAt: string;
  readonly firstMentionId: string;
  readonly authorId: string;
  /**
   * Optimistic-lock version: every transition writes version + 1 on the condition that the
   * stored version is still the one it read. Cases stored before the lifecycle have none (0).
   */
  readonly version?: number;
  /** Generation of the thread's case: 1, or n + 1 when the customer wrote after the reopen window of case n. */
  readonly generation?: number;
  /** Tags the routing rules gave the mention that opened the case (escalation looks at them). */
  readonly tags?: readonly string[];
  readonly assignee?: string;
  /** Why the case has its assignee, or why it stays in the team queue. */
  readonly assignedReason?: string;
  /** Replies need approval by a member of this department before they are marked sent. */
  readonly requireApproval?: boolean;
  readonly approverDepartment?: string;
  readonly firstResponseAt?: string;
  /** Minutes from opening to the first response, wall-clock and business time. */
  readonly responseMinutes?: number;
  readonly responseBusinessMinutes?: number;
  readonly resolvedAt?: string;
  readonly resolutionMinutes?: number;
  readonly reopenedAt?: string;
  /**
   * Set while the case waits for the customer with its department's SLA clock paused
   * (`sla.pauseWhileWaiting`): the due time moves by the paused business time when the
   * customer writes again (`resume`) or a person reopens it.
   */
  readonly slaPausedAt?: string;
  /** The first words of the mention that opened the case (for lists; erased with the mention). */
  readonly title?: string;
  /** Sentiment and language of the mention that opened the case (lists, assignment by language). */
  readonly sentiment?: Sentiment;
  readonly language?: string;
  /** Set by the SLA sweep: the warning before the due time, and the breach after it. */
  readonly slaWarnedAt?: string;
  readonly breachedAt?: string;
  readonly escalatedAt?: string;
  readonly escalatedTo?: readonly string[];
  readonly reply?: ReplyDraft;
  /** Every reply posted through the platform's API, oldest first. */
  readonly publishedReplies?: readonly PublishedReplyRecord[];
  readonly corrections?: readonly RoutingCorrection[];
  /** Every transition, oldest first (stored on the case item, so it is written atomically with it). */
  readonly history?: readonly CaseHistoryEntry[];
}

/** Everything that can happen to a case; `assign`, `wait`, `respond`, `resolve`, `reopen` and `resume` change its state. */
export const CASE_ACTIONS = [
  'assign',
  'wait',
  'respond',
  'resolve',
  'reopen',
  'resume',
  'escalate',
  'warn-sla',
  'breach-sla',
  'draft-reply',
  'approve-reply',
  'send-reply',
  'publish-reply',
  'fail-reply',
  'reroute',
  'apply-routing',
  'tag',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** States in which the department still owes the customer something. */
export const OPEN_STATES = ['new', 'assigned', 'waiting', 'responded'] as const satisfies readonly CaseState[];
/** States in which the first response is still due: the SLA sweep looks at these. */
export const AWAITING_RESPONSE_STATES = ['new', 'assigned', 'waiting'] as const satisfies readonly CaseState[];

/**
 * The case id of a conversation thread (and of its n-th case, when the customer wrote
 * again after the reopen window). It is derived from the thread, so every redelivery of a
 * mention of the same thread finds the same case.
 */
export function caseIdForThread(platform: Platform, threadId: string, generation = 1): string {
  // Generation 1 keeps the id of the releases before the lifecycle; later ones are new cases of the same thread.
  const key = generation === 1 ? `${platform}\u0000${threadId}` : `${platform}\u0000${threadId}\u0000${generation}`;
  return `case_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

/** Whether a case has a reply drafted that waits for approval (the approving department's queue). */
export function waitingForApproval(c: Pick<Case, 'requireApproval' | 'reply' | 'state'>): boolean {
  return c.requireApproval === true && c.reply !== undefined && !c.reply.approvedAt && c.state !== 'resolved';
}
