import { createHash } from 'node:crypto';
import { actorOf, type AdminRequest, type AdminUser } from './admin-user.ts';
import type { CompanyDirectory, DirectoryDepartment } from './company-directory.ts';
import { authorizeCase, authorizeListing, type CaseAccess } from './access-policy.ts';
import {
  OPEN_STATES,
  replyStateOf,
  type Case,
  type CaseHistoryEntry,
  type CaseState,
  type ReplyDraft,
  type ReplyState,
} from './case.ts';
import type { CaseCommand } from './case-lifecycle.ts';
import { changeCase, type ChangeCaseDeps, type ChangeCaseOutcome } from './change-case.ts';
import { recordCorrection, type CorrectionStore } from './corrections.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import type { MentionRouted } from './events.ts';
import type { Category, Priority } from './mention.ts';
import type { CasePage, CaseRepository, MentionRepository } from './ports.ts';
import { resumedDueAt, slaStatusOf, type SlaCalendar, type SlaStatus } from './sla-clock.ts';

/**
 * What people do with cases through the admin API: list, read, assign, move through the
 * lifecycle, draft and approve replies, re-route. Every change goes through `changeCase`
 * (the state machine, the optimistic lock, the event) with the acting person as actor and
 * the request's id as transition id, so a retried request is applied once. Every use case
 * asks the access policy (access-policy.ts) first, on the case as it is when the change is
 * applied, and refuses with ForbiddenError.
 */

// Who acts lives in admin-user.ts (corrections.ts and themes/ use it without importing the case use cases).
export { actorOf, type AdminRequest, type AdminUser } from './admin-user.ts';

export interface CaseAdminDeps extends ChangeCaseDeps {
  readonly config: CompanyDirectory;
  readonly cases: Pick<CaseRepository, 'get' | 'saveTransition' | 'listCases' | 'mentionsOf'>;
  /** When (ISO) a case of this priority is due in a department, counted from `from` (its SLA in business time; CasePolicy.dueAt). */
  readonly dueAt: (department: string, priority: Priority, from: Date) => string;
  /** Business minutes of a response time in a department; absent: the case stores wall-clock minutes only. */
  readonly businessMinutes?: (department: string, from: Date, to: Date) => number;
  /** Business time of a department after an instant (CasePolicy.addSlaTime): moves a paused case's due time. */
  readonly addSlaTime?: SlaCalendar['addSlaTime'];
  /** Whether waiting stops a department's SLA clock (`sla.pauseWhileWaiting`); absent: it never does. */
  readonly pauseWhileWaiting?: (department: string) => boolean;
  /** Where a reroute stores its labelled example (corrections.ts); absent: none is stored. */
  readonly corrections?: CorrectionStore;
  /** The stored mentions, for the text and model of a correction. */
  readonly mentions?: Pick<MentionRepository, 'get'>;
}

/** The transition id of a request: the same request retried is the same change. */
export function transitionIdOf(request: AdminRequest): string {
  return `api:${request.requestId}`;
}

/** The id of the reply a request drafts: derived from the request, so a retry drafts the same reply. */
export function replyIdOf(request: AdminRequest): string {
  return `reply_${createHash('sha256').update(request.requestId).digest('hex').slice(0, 16)}`;
}

export interface ListCasesQuery {
  readonly department: string;
  /** Default: the open states. */
  readonly states?: readonly CaseState[];
  readonly dueBefore?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/**
 * A department's cases in some states, earliest due first, one page at a time.
 * @throws ValidationError when the department is not one of the company's
 * @throws ForbiddenError when the person is neither a member or lead of the department nor an admin
 */
export async function listCases(
  query: ListCasesQuery,
  user: AdminUser,
  deps: Pick<CaseAdminDeps, 'config' | 'cases'>,
): Promise<CasePage> {
  departmentOf(deps.config, query.department);
  authorizeListing(deps.config, user, query.department);
  return deps.cases.listCases({ ...query, states: query.states ?? OPEN_STATES });
}

/** A case as a person reads it: the case, its history (oldest first) and the mentions recorded on it. */
export interface CaseView {
  readonly case: Omit<Case, 'history'>;
  readonly history: readonly CaseHistoryEntry[];
  /** The thread: each mention with author, platform link, text, classification reasons and routing reasons. */
  readonly mentions: readonly MentionRouted[];
  /** The SLA clock in the department's business time. */
  readonly sla: SlaStatus;
  /** The routing rules that matched the case's mentions, and why. */
  readonly matchedRules: readonly MatchedRuleView[];
  readonly replies: readonly ReplyView[];
}

/** A routing rule that matched a mention of the case. */
export interface MatchedRuleView {
  readonly rule: string;
  readonly mentionId: string;
  /** The rule's reason line as routing wrote it (`rule <id>: ... -> department ...`). */
  readonly why: string;
}

/** A reply on the case as the console lists it. */
export interface ReplyView extends ReplyDraft {
  readonly state: ReplyState;
}

/**
 * A case with its mentions, history, SLA clock, matched rules and replies.
 * @throws NotFoundError when there is no such case
 * @throws ForbiddenError when the person may not read it (access-policy.ts)
 */
export async function getCase(
  caseId: string,
  user: AdminUser,
  deps: Pick<CaseAdminDeps, 'config' | 'cases'> & Partial<Pick<CaseAdminDeps, 'clock' | 'businessMinutes'>>,
): Promise<CaseView> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new NotFoundError(`case ${caseId} does not exist`);
  authorizeCase(deps.config, user, found, 'read');
  const { history, ...rest } = found;
  const mentions = await deps.cases.mentionsOf(caseId);
  const businessMinutes =
    deps.businessMinutes ?? ((_: string, from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000);
  return {
    case: rest,
    history: history ?? [],
    mentions,
    sla: slaStatusOf(found, deps.clock?.now() ?? new Date(), businessMinutes),
    // A mention is recorded once per department it reached: its rules count once.
    matchedRules: [
      ...new Map(
        mentions.flatMap((m) =>
          (m.matchedRules ?? []).map((rule): [string, MatchedRuleView] => [
            `${m.mentionId}\u0000${rule}`,
            {
              rule,
              mentionId: m.mentionId,
              why: m.reasons.find((line) => line.startsWith(`rule ${rule}:`)) ?? `rule ${rule}`,
            },
          ]),
        ),
      ).values(),
    ],
    replies: found.reply ? [{ ...found.reply, state: replyStateOf(found.reply) }] : [],
  };
}

export interface AssignInput {
  /** A member's or lead's e-mail; null or absent: back to the department's team queue. */
  readonly assignee?: string | null;
  readonly reason?: string;
}

/**
 * Assigns a case to a person of its department, or returns it to the team queue.
 *
 * 1. check that the assignee is a member or lead of the case's department (as it is when the
 *    change is applied: a re-route in between changes the department)
 * 2. apply `assign` through changeCase
 *
 * @throws ValidationError when the assignee is nobody of the case's department
 * @throws NotFoundError, ConflictError (from changeCase)
 */
export async function assignCase(
  caseId: string,
  input: AssignInput,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome> {
  const actor = actorOf(request.user);
  return change(caseId, 'assign', request, deps, (current): CaseCommand => {
    if (input.assignee === undefined || input.assignee === null) {
      return { type: 'assign', reason: input.reason ?? `returned to the team queue by ${actor}` };
    }
    const person = personOf(deps.config, current.department, input.assignee);
    if (!person) {
      throw new ValidationError(
        `${input.assignee} is not a member or lead of ${current.department}; assign to one of: ${emailsOf(departmentOf(deps.config, current.department)).join(', ') || '(nobody has an e-mail; use the team queue)'}`,
      );
    }
    return { type: 'assign', assignee: person, reason: input.reason ?? `assigned by ${actor}` };
  });
}

export type TransitionAction = 'wait' | 'resolve' | 'respond' | 'reopen';

export interface TransitionInput {
  readonly action: TransitionAction;
  readonly note?: string;
}

/**
 * Moves a case: `wait` (for the customer or a colleague; with the department's
 * `sla.pauseWhileWaiting` its SLA clock stops), `resolve`, `respond` (the company answered
 * outside the API's drafts; refused when the case needs an approved reply), or `reopen`
 * (a resolved, responded or waiting case is worked again: see `reopenCommand`).
 *
 * @throws ValidationError when a note is given to `respond` (nothing would keep it)
 * @throws NotFoundError, ConflictError (from changeCase: not allowed in the case's state)
 */
export async function transitionCase(
  caseId: string,
  input: TransitionInput,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome> {
  switch (input.action) {
    case 'wait':
      return change(caseId, 'transition', request, deps, (current) => ({
        type: 'wait',
        ...(input.note ? { reason: input.note } : {}),
        ...(deps.pauseWhileWaiting?.(current.department) ? { pauseSla: true } : {}),
      }));
    case 'reopen':
      return change(caseId, 'reopen', request, deps, (current) => reopenCommand(current, input.note, deps));
    case 'resolve':
      return change(caseId, 'transition', request, deps, {
        type: 'resolve',
        ...(input.note ? { note: input.note } : {}),
      });
    case 'respond':
      if (input.note)
        throw new ValidationError('respond takes no note: the history records who marked the case responded and when');
      return respond(caseId, 'transition', undefined, request, deps);
  }
}

/**
 * A person reopens a case. Resolved or responded: due by the department's SLA from now.
 * Waiting: the clock runs on from where it stood (a paused clock moves the due time by
 * the paused business time; sla-clock.ts).
 */
function reopenCommand(current: Case, note: string | undefined, deps: CaseAdminDeps): CaseCommand {
  const now = deps.clock.now();
  const dueAt =
    current.state !== 'waiting'
      ? deps.dueAt(current.department, current.priority, now)
      : deps.businessMinutes && deps.addSlaTime
        ? resumedDueAt(current, now, { businessMinutes: deps.businessMinutes, addSlaTime: deps.addSlaTime }).dueAt
        : current.dueAt;
  return { type: 'reopen', dueAt, ...(note ? { note } : {}) };
}

/**
 * Drafts a reply on a case (replacing an earlier draft). With approval required, the
 * approving department is told (the `Reply Drafted` event names it as recipient).
 * @throws NotFoundError, ConflictError (a resolved case)
 */
export async function draftReply(
  caseId: string,
  text: string,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome & { readonly reply: ReplyDraft }> {
  const outcome = await change(caseId, 'draft', request, deps, {
    type: 'draft-reply',
    replyId: replyIdOf(request),
    text,
  });
  // A retried request finds its own draft; a later draft may have replaced it since.
  const reply = outcome.case.reply;
  if (!reply)
    throw new ConflictError(`the reply drafted by request ${request.requestId} is no longer on case ${caseId}`);
  return { ...outcome, reply };
}

/**
 * Approves the reply `replyId` of a case. Only a member or lead of the approving department
 * (the case's, or the company's approver: press by default) or an admin may, and not its author.
 *
 * @throws ForbiddenError when the person is neither a member or lead of the approving department nor an admin
 * @throws NotFoundError, ConflictError (no such draft, already approved, the author approving)
 */
export async function approveReply(
  caseId: string,
  replyId: string,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome> {
  // change() has refused everyone the policy does not let approve.
  return change(caseId, 'approve', request, deps, { type: 'approve-reply', replyId, approverIsMember: true });
}

/**
 * Marks the reply `replyId` as sent: the case is responded (first response time stored).
 * @throws NotFoundError, ConflictError (the reply needs approval and has none, another reply, not allowed in the state)
 */
export async function markReplySent(
  caseId: string,
  replyId: string,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome> {
  return respond(caseId, 'mark-sent', replyId, request, deps);
}

export interface RerouteInput {
  readonly department: string;
  readonly reason: string;
  /** The category the mention should have had, when the person says so (kept with the correction). */
  readonly category?: Category;
}

/**
 * Moves a case to another department: it starts there in the team queue, due by that
 * department's SLA for the case's priority from now, and the move is stored as a routing
 * correction on the case and, with `deps.corrections`, as a labelled example of the case's
 * first mention (training data for the company model; corrections.ts).
 *
 * @throws ValidationError when the department is not one of the company's
 * @throws ForbiddenError unless the person leads the case's department or is an admin
 * @throws NotFoundError, ConflictError (the case is already there)
 */
export async function rerouteCase(
  caseId: string,
  input: RerouteInput,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome> {
  departmentOf(deps.config, input.department);
  const outcome = await change(
    caseId,
    'reroute',
    request,
    deps,
    (current): CaseCommand => ({
      type: 'reroute',
      department: input.department,
      reason: input.reason,
      dueAt: deps.dueAt(input.department, current.priority, deps.clock.now()),
    }),
  );
  if (deps.corrections) {
    // Stored again when the request is retried: the same example, merged over itself. A case
    // whose mention is gone (erased, expired) moves all the same, with no example to keep.
    try {
      await recordCorrection(
        caseId,
        outcome.case.firstMentionId,
        { department: input.department, ...(input.category ? { category: input.category } : {}) },
        actorOf(request.user),
        { ...deps, corrections: deps.corrections },
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return outcome;
}

function respond(
  caseId: string,
  access: CaseAccess,
  replyId: string | undefined,
  request: AdminRequest,
  deps: CaseAdminDeps,
): Promise<ChangeCaseOutcome> {
  const at = deps.clock.now();
  return change(caseId, access, request, deps, (current): CaseCommand => {
    const businessMinutes = deps.businessMinutes?.(current.department, new Date(current.openedAt), at);
    return {
      type: 'respond',
      via: 'api',
      at: at.toISOString(),
      ...(replyId !== undefined ? { replyId } : {}),
      ...(businessMinutes !== undefined ? { businessMinutes: Math.round(businessMinutes) } : {}),
    };
  });
}

/**
 * Applies a person's change through changeCase, asking the access policy first on the case
 * as it is then (read again after a lost race: a reroute in between changes who may act).
 * @throws ForbiddenError when the policy refuses
 */
async function change(
  caseId: string,
  access: CaseAccess,
  request: AdminRequest,
  deps: CaseAdminDeps,
  command: CaseCommand | ((current: Case) => CaseCommand),
): Promise<ChangeCaseOutcome> {
  const outcome = await changeCase(
    caseId,
    (current) => {
      authorizeCase(deps.config, request.user, current, access);
      return typeof command === 'function' ? command(current) : command;
    },
    { transitionId: transitionIdOf(request), actor: actorOf(request.user) },
    deps,
  );
  // A change found applied before returns the case without asking the command: unless it is
  // this person's own (allowed when it was made, whatever it changed since), ask the policy here.
  if (!outcome.applied && outcome.entry?.actor !== actorOf(request.user))
    authorizeCase(deps.config, request.user, outcome.case, access);
  return outcome;
}

/** @throws ValidationError naming the company's departments when there is no such department */
function departmentOf(config: CompanyDirectory, id: string): DirectoryDepartment {
  const found = config.departments.find((d) => d.id === id);
  if (!found)
    throw new ValidationError(
      `unknown department "${id}"; use one of: ${config.departments.map((d) => d.id).join(', ')}`,
    );
  return found;
}

/** The configured e-mail of a member or lead of a department, matched case-insensitively; undefined for anyone else. */
function personOf(config: CompanyDirectory, departmentId: string, email: string): string | undefined {
  const department = config.departments.find((d) => d.id === departmentId);
  if (!department) return undefined;
  const wanted = email.trim().toLowerCase();
  return emailsOf(department).find((e) => e.toLowerCase() === wanted);
}

function emailsOf(department: DirectoryDepartment): string[] {
  return [...(department.leads ?? []), ...(department.members ?? [])].flatMap((p) => (p.email ? [p.email] : []));
}

/** The same change path for use cases beside these (send-reply.ts): the policy asked on the case as it is then. */
export { change as changeAsPerson };
