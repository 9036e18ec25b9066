import {
  AWAITING_RESPONSE_STATES,
  CASE_STATES,
  type Actor,
  type Case,
  type CaseAction,
  type CaseHistoryEntry,
  type CaseState,
  type ReplyDraft,
} from './case.ts';
import { ConflictError } from './errors.ts';
import { PRIORITIES, type Priority } from './mention.ts';
import { withoutTriage } from './triage.ts';

/**
 * What someone asks of a case. `assign`, `wait`, `respond`, `resolve` and `reopen` move it
 * between states; the others note something on it and keep its state.
 */
export type CaseCommand =
  /** To a person, or (no assignee) back to the department's team queue. */
  | { readonly type: 'assign'; readonly assignee?: string; readonly reason: string }
  /**
   * The department waits for the customer or a colleague; `pauseSla`: the SLA clock stops
   * until the customer writes again (`resume`) or a person reopens the case.
   */
  | { readonly type: 'wait'; readonly reason?: string; readonly pauseSla?: boolean }
  /**
   * The company answered: seen on the platform (its own account replied in the thread) or
   * marked through the API. `businessMinutes` is the response time in the department's
   * business hours, computed by the caller, which knows the calendar.
   */
  | {
      readonly type: 'respond';
      readonly via: 'platform' | 'api';
      readonly at: string;
      readonly mentionId?: string;
      readonly replyId?: string;
      readonly businessMinutes?: number;
      /** The case names key accounts: their owners are told (key-accounts.ts ownerNoticeOf). */
      readonly notice?: OwnerNotice;
    }
  | { readonly type: 'resolve'; readonly note?: string }
  /**
   * Work on the case starts again: the customer wrote after resolution, within the reopen
   * window (`mentionId`), or a person reopened a resolved, responded or waiting case (`note`).
   * `dueAt` is the new SLA.
   */
  | { readonly type: 'reopen'; readonly mentionId?: string; readonly note?: string; readonly dueAt: string }
  /**
   * The customer answered a case that waited with its SLA clock paused: it is worked again,
   * due `pausedMinutes` business minutes later than before (`dueAt`, computed by the caller).
   */
  | { readonly type: 'resume'; readonly mentionId: string; readonly dueAt: string; readonly pausedMinutes: number }
  | { readonly type: 'escalate'; readonly to: readonly string[]; readonly reason: string }
  | { readonly type: 'warn-sla' }
  | { readonly type: 'breach-sla' }
  | { readonly type: 'draft-reply'; readonly replyId: string; readonly text: string }
  /**
   * `approverIsMember`: the caller checked that the actor is a member of the approving department
   * (or, `as: 'owner'`, the owner of a key account the case names whose approval a rule requires).
   */
  | {
      readonly type: 'approve-reply';
      readonly replyId: string;
      readonly approverIsMember: boolean;
      readonly as?: 'department' | 'owner';
    }
  /**
   * Claims the send of an approved reply through the platform's API: the conditional write
   * of this change is what keeps two sends of one reply from both posting. `ownerApproval`:
   * the caller found that a rule requires the key account owner's approval.
   */
  | { readonly type: 'send-reply'; readonly replyId: string; readonly ownerApproval?: boolean }
  /** The platform took the claimed reply: the case is responded (response time in business minutes, as for `respond`). */
  | {
      readonly type: 'publish-reply';
      readonly replyId: string;
      readonly platformPostId: string;
      readonly url?: string;
      readonly attempts: number;
      readonly businessMinutes?: number;
      readonly notice?: OwnerNotice;
    }
  /** The platform refused the claimed reply, or kept failing: the claim is released with the reason. */
  | { readonly type: 'fail-reply'; readonly replyId: string; readonly error: string; readonly attempts: number }
  /** A person moves the case to another department (stored as a correction); `dueAt` is that department's SLA. */
  | { readonly type: 'reroute'; readonly department: string; readonly reason: string; readonly dueAt: string }
  /**
   * The routing decision of a mention that joined the case (same thread), applied as one
   * change that only ever raises: a higher priority (with `dueAt`, the due time of the raised
   * priority: the earlier of it and the current one holds), more tags and cc, approval
   * required (never removed), and an escalation to `escalate.to`. See thread-routing.ts.
   */
  | ApplyRoutingCommand
  /** Tags the case (a spike it belongs to: `spike:<id>`), in any state; the tags it has already are left as they are. */
  | { readonly type: 'tag'; readonly tags: readonly string[]; readonly reason: string };

/** A public reply to a key account: the department that tells the owners, and the accounts with their owners in words. */
export interface OwnerNotice {
  readonly notify: string;
  readonly keyAccounts: string;
}

/** See {@link CaseCommand}: the `apply-routing` command. */
export interface ApplyRoutingCommand {
  readonly type: 'apply-routing';
  readonly mentionId: string;
  /** Ids of the routing rules that matched the mention. */
  readonly rules: readonly string[];
  readonly priority?: Priority;
  readonly dueAt?: string;
  readonly tags?: readonly string[];
  readonly cc?: readonly string[];
  /** Replies need the approval of this department from now on. */
  readonly approverDepartment?: string;
  readonly escalate?: { readonly to: readonly string[]; readonly reason: string };
}

/** Who asks, when, and the idempotency key of the change. */
export interface TransitionContext {
  /**
   * Deterministic for a cause (`own-reply:<mentionId>`, `sla-breach:<dueAt>`,
   * `api:<request id>`), so a redelivered cause is applied once.
   */
  readonly transitionId: string;
  readonly actor: Actor;
  readonly at: string;
}

/** The case after a command, with the history entry that records it. */
export interface Transition {
  readonly case: Case;
  readonly entry: CaseHistoryEntry;
}

/** The states each state-changing action may start from. */
const ALLOWED_FROM: Readonly<
  Record<'assign' | 'wait' | 'respond' | 'resolve' | 'reopen' | 'resume', readonly CaseState[]>
> = {
  assign: ['new', 'assigned', 'waiting', 'responded'],
  wait: ['assigned', 'responded'],
  respond: AWAITING_RESPONSE_STATES,
  resolve: ['new', 'assigned', 'waiting', 'responded'],
  reopen: ['resolved', 'responded', 'waiting'],
  resume: ['waiting'],
};

/** Actions that note something on a case in any state: a mention may join a resolved case within its reopen window. */
const ANY_STATE: readonly CaseAction[] = ['apply-routing', 'tag', 'publish-reply', 'fail-reply'];

/** Whether a state-changing action may start from a state (the notes need a case that is not resolved). */
export function isAllowed(action: CaseAction, from: CaseState): boolean {
  if (ANY_STATE.includes(action)) return CASE_STATES.includes(from);
  const allowed = (ALLOWED_FROM as Partial<Record<CaseAction, readonly CaseState[]>>)[action];
  return allowed ? allowed.includes(from) : from !== 'resolved';
}

/** The history entry of a change that was already applied, if any. */
export function appliedTransition(c: Case, transitionId: string): CaseHistoryEntry | undefined {
  return c.history?.find((entry) => entry.transitionId === transitionId);
}

/**
 * Applies a command to a case: the pure state machine of the case lifecycle.
 *
 * new -> assigned -> waiting -> responded -> resolved, and resolved, responded or waiting
 * -> new (or assigned, when it has an assignee) on reopen; waiting -> new or assigned on
 * resume. Leaving `waiting` ends a paused SLA clock. Every change raises the version by one
 * and appends a history entry (who, when, what).
 *
 * @throws ConflictError when the command is not allowed in the case's state (e.g. resolving
 *   a resolved case, marking an unapproved reply as sent when approval is required)
 * @example
 * const { case: assigned } = applyCaseCommand(c, { type: 'assign', assignee: 'jana@example.de', reason: 'round robin' }, ctx);
 */
export function applyCaseCommand(c: Case, command: CaseCommand, ctx: TransitionContext): Transition {
  if (!isAllowed(command.type, c.state)) {
    throw new ConflictError(
      `cannot ${command.type} case ${c.id}: it is ${c.state}${c.state === 'resolved' ? ' (reopen it first)' : ''}`,
    );
  }
  const { changes: made, to, detail } = changesOf(c, command, ctx);
  // The clock is paused only while the case waits.
  const changes = to !== 'waiting' && c.slaPausedAt !== undefined ? { ...made, slaPausedAt: undefined } : made;
  const entry: CaseHistoryEntry = {
    transitionId: ctx.transitionId,
    at: ctx.at,
    actor: ctx.actor,
    action: command.type,
    from: c.state,
    to,
    ...(detail && Object.keys(detail).length > 0 ? { detail } : {}),
  };
  return {
    case: { ...c, ...changes, state: to, version: (c.version ?? 0) + 1, history: [...(c.history ?? []), entry] },
    entry,
  };
}

interface Changes {
  readonly changes: Partial<Case>;
  readonly to: CaseState;
  readonly detail?: Record<string, string>;
}

function changesOf(c: Case, command: CaseCommand, ctx: TransitionContext): Changes {
  switch (command.type) {
    case 'assign':
      return command.assignee
        ? {
            changes: { assignee: command.assignee, assignedReason: command.reason },
            to: 'assigned',
            detail: { assignee: command.assignee, reason: command.reason },
          }
        : // Back to (or left in) the team queue: nobody owns it yet.
          {
            changes: { assignee: undefined, assignedReason: command.reason },
            to: 'new',
            detail: { reason: command.reason },
          };
    case 'wait':
      return {
        changes: command.pauseSla ? { slaPausedAt: c.slaPausedAt ?? ctx.at } : {},
        to: 'waiting',
        detail: {
          ...(command.reason ? { reason: command.reason } : {}),
          ...(command.pauseSla ? { sla: 'paused' } : {}),
        },
      };
    case 'respond':
      return respond(c, command, ctx);
    case 'resolve':
      return {
        changes: { resolvedAt: ctx.at, resolutionMinutes: minutesBetween(c.openedAt, ctx.at) },
        to: 'resolved',
        detail: command.note ? { note: command.note } : {},
      };
    case 'reopen':
      return {
        // A new due time, and the SLA marks of the old one no longer apply.
        changes: { reopenedAt: ctx.at, dueAt: command.dueAt, slaWarnedAt: undefined, breachedAt: undefined },
        to: c.assignee ? 'assigned' : 'new',
        detail: {
          ...(command.mentionId ? { mentionId: command.mentionId } : {}),
          ...(command.note ? { note: command.note } : {}),
          dueAt: command.dueAt,
        },
      };
    case 'resume':
      return {
        changes: {
          dueAt: command.dueAt,
          ...(command.dueAt !== c.dueAt ? { slaWarnedAt: undefined, breachedAt: undefined } : {}),
        },
        to: c.assignee ? 'assigned' : 'new',
        detail: { mentionId: command.mentionId, pausedMinutes: String(command.pausedMinutes), dueAt: command.dueAt },
      };
    case 'escalate':
      return {
        changes: { escalatedAt: ctx.at, escalatedTo: unique([...(c.escalatedTo ?? []), ...command.to]) },
        to: c.state,
        detail: { to: command.to.join(', '), reason: command.reason },
      };
    case 'warn-sla':
      return { changes: { slaWarnedAt: ctx.at }, to: c.state, detail: { dueAt: c.dueAt } };
    case 'breach-sla':
      return { changes: { breachedAt: ctx.at }, to: c.state, detail: { dueAt: c.dueAt } };
    case 'draft-reply': {
      if (c.reply?.sendingAt)
        throw new ConflictError(
          `the reply ${c.reply.id} of case ${c.id} is being sent; draft again when it is sent or failed`,
        );
      const reply: ReplyDraft = { id: command.replyId, text: command.text, draftedBy: ctx.actor, draftedAt: ctx.at };
      return { changes: { reply }, to: c.state, detail: { replyId: command.replyId } };
    }
    case 'approve-reply':
      return command.as === 'owner' ? approveAsOwner(c, command, ctx) : approve(c, command, ctx);
    case 'send-reply':
      return claimSend(c, command, ctx);
    case 'publish-reply':
      return publish(c, command, ctx);
    case 'fail-reply': {
      const reply = sendingReply(c, command.replyId);
      return {
        changes: {
          reply: {
            ...withoutSending(reply),
            sendError: command.error,
            failedAt: ctx.at,
            sendAttempts: (reply.sendAttempts ?? 0) + command.attempts,
          },
        },
        to: c.state,
        detail: { replyId: reply.id, error: command.error, attempts: String(command.attempts) },
      };
    }
    case 'apply-routing':
      return applyRouting(c, command, ctx);
    case 'tag': {
      const tags = command.tags.filter((t) => !(c.tags ?? []).includes(t));
      if (tags.length === 0) throw new ConflictError(`case ${c.id} has the tags ${command.tags.join(', ')} already`);
      return {
        changes: { tags: unique([...(c.tags ?? []), ...tags]) },
        to: c.state,
        detail: { tags: tags.join(', '), reason: command.reason },
      };
    }
    case 'reroute': {
      if (command.department === c.department)
        throw new ConflictError(`case ${c.id} already belongs to ${c.department}`);
      const correction = {
        from: c.department,
        to: command.department,
        by: ctx.actor,
        at: ctx.at,
        reason: command.reason,
        category: c.category,
      };
      return {
        // The new department starts with its own queue and SLA.
        changes: {
          department: command.department,
          dueAt: command.dueAt,
          assignee: undefined,
          assignedReason: `rerouted from ${c.department}`,
          slaWarnedAt: undefined,
          breachedAt: undefined,
          corrections: [...(c.corrections ?? []), correction],
          // A person decided where it belongs: it no longer waits in triage.
          tags: withoutTriage(c.tags),
        },
        to: c.state === 'resolved' ? 'resolved' : 'new',
        detail: { from: c.department, to: command.department, reason: command.reason },
      };
    }
  }
}

/**
 * Raises a case by a joining mention's routing: every part only adds (a lower priority, a
 * later due time, fewer tags change nothing), so a command decided on a case that changed
 * meanwhile never takes anything away.
 */
function applyRouting(c: Case, command: ApplyRoutingCommand, ctx: TransitionContext): Changes {
  const changes: Record<string, unknown> = {};
  const detail: Record<string, string> = { mentionId: command.mentionId };
  if (command.rules.length > 0) detail.rules = command.rules.join(', ');
  if (command.priority && rank(command.priority) > rank(c.priority)) {
    changes.priority = command.priority;
    detail.priority = `${c.priority} -> ${command.priority}`;
    if (command.dueAt && command.dueAt < c.dueAt) {
      // A new due time: the SLA marks of the old one no longer apply.
      Object.assign(changes, { dueAt: command.dueAt, slaWarnedAt: undefined, breachedAt: undefined });
      detail.dueAt = `${c.dueAt} -> ${command.dueAt}`;
    }
  }
  const tags = (command.tags ?? []).filter((t) => !(c.tags ?? []).includes(t));
  if (tags.length > 0) {
    changes.tags = unique([...(c.tags ?? []), ...tags]);
    detail.tags = tags.join(', ');
  }
  const cc = (command.cc ?? []).filter((d) => d !== c.department && !c.cc.includes(d));
  if (cc.length > 0) {
    changes.cc = unique([...c.cc, ...cc]);
    detail.cc = cc.join(', ');
  }
  if (command.approverDepartment && !c.requireApproval) {
    Object.assign(changes, { requireApproval: true, approverDepartment: command.approverDepartment });
    detail.approval = command.approverDepartment;
  }
  const escalateTo = (command.escalate?.to ?? []).filter((d) => !(c.escalatedTo ?? []).includes(d));
  if (command.escalate && escalateTo.length > 0) {
    Object.assign(changes, { escalatedAt: ctx.at, escalatedTo: unique([...(c.escalatedTo ?? []), ...escalateTo]) });
    // `to` names who the change's event reaches (recipientsOf), as for `escalate`.
    detail.to = escalateTo.join(', ');
    detail.reason = command.escalate.reason;
  }
  if (Object.keys(changes).length === 0)
    throw new ConflictError(`the routing of mention ${command.mentionId} raises nothing on case ${c.id}`);
  return { changes: changes as Partial<Case>, to: c.state, detail };
}

/** Whether a routing decision would raise anything on the case (else `apply-routing` is a ConflictError). */
export function routingRaises(c: Case, command: ApplyRoutingCommand): boolean {
  try {
    applyRouting(c, command, { transitionId: '', actor: '', at: '' });
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

/** high 2, normal 1, low 0. */
function rank(priority: Priority): number {
  return PRIORITIES.length - 1 - PRIORITIES.indexOf(priority);
}

function respond(c: Case, command: Extract<CaseCommand, { type: 'respond' }>, ctx: TransitionContext): Changes {
  let reply = c.reply;
  if (command.via === 'api') {
    // The press office's control over public words: an answer that needs approval is only
    // marked sent once a member of the approving department approved this very draft.
    if (c.requireApproval) {
      if (!reply || (command.replyId !== undefined && reply.id !== command.replyId)) {
        throw new ConflictError(
          `case ${c.id} needs an approved reply: draft one and have it approved before marking it sent`,
        );
      }
      if (!reply.approvedAt) throw new ConflictError(`the reply ${reply.id} of case ${c.id} is not approved yet`);
    }
    if (reply && (command.replyId === undefined || reply.id === command.replyId))
      reply = { ...reply, sentBy: ctx.actor, sentAt: command.at };
  }
  const first = c.firstResponseAt === undefined || command.at < c.firstResponseAt;
  const detail: Record<string, string> = { via: command.via };
  if (command.mentionId) detail.mentionId = command.mentionId;
  if (command.replyId) detail.replyId = command.replyId;
  if (command.notice) Object.assign(detail, command.notice);
  // A reply seen on the platform has happened: it is recorded, and flagged when nobody approved it.
  if (command.via === 'platform' && c.requireApproval && !c.reply?.approvedAt) detail.unapproved = 'true';
  return {
    changes: {
      ...(reply ? { reply } : {}),
      ...(first
        ? {
            firstResponseAt: command.at,
            responseMinutes: minutesBetween(c.openedAt, command.at),
            ...(command.businessMinutes !== undefined ? { responseBusinessMinutes: command.businessMinutes } : {}),
          }
        : {}),
    },
    to: 'responded',
    detail,
  };
}

function approve(c: Case, command: Extract<CaseCommand, { type: 'approve-reply' }>, ctx: TransitionContext): Changes {
  const reply = c.reply;
  if (!reply || reply.id !== command.replyId)
    throw new ConflictError(`case ${c.id} has no draft ${command.replyId} to approve`);
  if (reply.approvedAt) throw new ConflictError(`the reply ${reply.id} of case ${c.id} is already approved`);
  if (!command.approverIsMember) {
    throw new ConflictError(
      `only a member of ${c.approverDepartment ?? c.department} may approve replies of case ${c.id}`,
    );
  }
  // Four eyes: whoever drafted the answer cannot approve it too.
  if (reply.draftedBy === ctx.actor)
    throw new ConflictError(`the reply ${reply.id} must be approved by someone other than its author`);
  return {
    changes: { reply: { ...reply, approvedBy: ctx.actor, approvedAt: ctx.at } },
    to: c.state,
    detail: { replyId: reply.id },
  };
}

/** The case's draft `replyId`, which must be claimed for sending. */
function sendingReply(c: Case, replyId: string): ReplyDraft {
  const reply = c.reply;
  if (!reply || reply.id !== replyId) throw new ConflictError(`case ${c.id} has no reply ${replyId}`);
  if (!reply.sendingAt) throw new ConflictError(`the reply ${replyId} of case ${c.id} is not being sent`);
  return reply;
}

function withoutSending(reply: ReplyDraft): ReplyDraft {
  const { sendingAt: _claimed, ...rest } = reply;
  return rest;
}

/**
 * The claim before posting. Refused for a reply that is not the case's current one, already
 * posted or marked sent, being sent (its outcome is not known yet), or missing an approval
 * it needs: the press office's (`requireApproval`) or the key account owner's.
 */
function claimSend(c: Case, command: Extract<CaseCommand, { type: 'send-reply' }>, ctx: TransitionContext): Changes {
  const reply = c.reply;
  if (!reply || reply.id !== command.replyId)
    throw new ConflictError(
      `case ${c.id} has no reply ${command.replyId} to send (only its current draft can be sent)`,
    );
  if (reply.platformPostId || reply.sentAt)
    throw new ConflictError(`the reply ${reply.id} of case ${c.id} was sent already`);
  if (reply.sendingAt)
    throw new ConflictError(
      `the reply ${reply.id} of case ${c.id} is being sent since ${reply.sendingAt}; if that send never finished, check the platform and mark the reply sent elsewhere`,
    );
  if (c.requireApproval && !reply.approvedAt)
    throw new ConflictError(`the reply ${reply.id} of case ${c.id} needs approval before it is sent`);
  if (command.ownerApproval && !reply.ownerApprovedAt)
    throw new ConflictError(
      `the reply ${reply.id} of case ${c.id} needs the key account owner's approval before it is sent`,
    );
  const { sendError: _error, failedAt: _failed, ...rest } = reply;
  return { changes: { reply: { ...rest, sendingAt: ctx.at } }, to: c.state, detail: { replyId: reply.id } };
}

/** The platform took the reply: it is sent (by whoever claimed it), kept in `publishedReplies`, and the case is responded. */
function publish(c: Case, command: Extract<CaseCommand, { type: 'publish-reply' }>, ctx: TransitionContext): Changes {
  const reply = sendingReply(c, command.replyId);
  const sent: ReplyDraft = {
    ...withoutSending(reply),
    sentBy: ctx.actor,
    sentAt: ctx.at,
    platformPostId: command.platformPostId,
    ...(command.url ? { url: command.url } : {}),
    sendAttempts: (reply.sendAttempts ?? 0) + command.attempts,
  };
  const record = {
    replyId: reply.id,
    platformPostId: command.platformPostId,
    ...(command.url ? { url: command.url } : {}),
    at: ctx.at,
    by: ctx.actor,
    text: reply.text,
  };
  const first = c.firstResponseAt === undefined || ctx.at < c.firstResponseAt;
  return {
    changes: {
      reply: sent,
      publishedReplies: [...(c.publishedReplies ?? []), record],
      ...(first
        ? {
            firstResponseAt: ctx.at,
            responseMinutes: minutesBetween(c.openedAt, ctx.at),
            ...(command.businessMinutes !== undefined ? { responseBusinessMinutes: command.businessMinutes } : {}),
          }
        : {}),
    },
    // A case resolved while its reply was on the way stays resolved.
    to: c.state === 'resolved' ? 'resolved' : 'responded',
    detail: {
      replyId: reply.id,
      platformPostId: command.platformPostId,
      ...(command.url ? { url: command.url } : {}),
      attempts: String(command.attempts),
      ...(command.notice ? { ...command.notice } : {}),
    },
  };
}

/** The key account owner approves (four eyes too: not the reply's author). */
function approveAsOwner(
  c: Case,
  command: Extract<CaseCommand, { type: 'approve-reply' }>,
  ctx: TransitionContext,
): Changes {
  const reply = c.reply;
  if (!reply || reply.id !== command.replyId)
    throw new ConflictError(`case ${c.id} has no draft ${command.replyId} to approve`);
  if (reply.ownerApprovedAt)
    throw new ConflictError(`the reply ${reply.id} of case ${c.id} is already approved by the account owner`);
  if (!command.approverIsMember)
    throw new ConflictError(`only the key account's owner may approve replies of case ${c.id} as owner`);
  if (reply.draftedBy === ctx.actor)
    throw new ConflictError(`the reply ${reply.id} must be approved by someone other than its author`);
  return {
    changes: { reply: { ...reply, ownerApprovedBy: ctx.actor, ownerApprovedAt: ctx.at } },
    to: c.state,
    detail: { replyId: reply.id, as: 'owner' },
  };
}

/** Whole minutes between two ISO instants (never negative: a reply's clock may run behind ours). */
export function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
