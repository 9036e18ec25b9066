import type { Case, CaseHistoryEntry } from './case.ts';
import { decideAssignment, type AssignmentPolicy } from './assignment.ts';
import { changeCase, type ChangeCaseDeps } from './change-case.ts';
import { NotFoundError } from './errors.ts';
import type { CaseEvent, MentionRouted } from './events.ts';
import type { Priority } from './mention.ts';
import type { AssignmentCursor, CaseRepository, DeliveryClaimRequest } from './ports.ts';
import { recordRoutedMention, type RecordRoutedMentionDeps } from './record-routed-mention.ts';
import type { Tally } from './reports/tallies.ts';

/** Tells a department about a mention or a case change (shared/domain/notify-department.ts does the sending). */
export interface DepartmentNotifier {
  /**
   * A routed mention arrived for the department: a new case, a new message on a case, a
   * reopening. `claimed`: the claim of its notification that the record of the mention was
   * written holding (claimFor), so it is not claimed again.
   */
  mention(event: MentionRouted, kase: Case, claimed?: DeliveryClaimRequest): Promise<void>;
  /**
   * The claim of the mention's notification to write with its record, when the department
   * has targets and the claims can be kept on the record; else none.
   */
  claimFor?(event: MentionRouted): DeliveryClaimRequest | undefined;
  /** A case change names the department among its recipients. */
  caseEvent(event: CaseEvent, kase: Case, department: string): Promise<void>;
  /**
   * A notifier for one batch of messages whose settlements are written together by
   * `flush` (BatchNotificationClaims), when the claims can be; else none. `timeLeftMs`: the
   * invocation's remaining time; at 0 or less it claims and sends nothing (OutOfTimeError).
   */
  batch?(
    timeLeftMs?: () => number,
  ):
    | { readonly notifier: DepartmentNotifier; flush(tallies?: readonly Tally[]): Promise<readonly Tally[]> }
    | undefined;
}

export interface DepartmentInboxDeps extends RecordRoutedMentionDeps {
  readonly cases: CaseRepository;
  readonly change: ChangeCaseDeps;
  readonly assignment: (department: string) => AssignmentPolicy;
  readonly cursor: AssignmentCursor;
  /** The due time of a case of a department and priority that starts (again) at `from`. */
  readonly dueAt: (department: string, priority: Priority, from: Date) => string;
  readonly notifier: DepartmentNotifier;
}

export type InboxOutcome = {
  readonly recorded: boolean;
  readonly reopened: boolean;
  readonly assignee?: string;
  readonly state: Case['state'];
};

const ACTOR = 'system:handle-department';

/**
 * A department receives a routed mention.
 *
 * 1. record it on the case and count it (once per mention and department)
 * 2. for the case's own department: a resolved case is reopened (the customer wrote
 *    again; classify-mention starts a new case instead when the reopen window is over),
 *    and a case nobody has been assigned to since it (re)opened is assigned (round robin
 *    over the members on duty, or the team queue)
 * 3. notify the department
 *
 * Every step is keyed by the mention (`reopen:<mentionId>`, `assign:<mentionId>`, the
 * notification's sent-marker), so a redelivered message finishes what a failed attempt
 * left undone and repeats nothing.
 *
 * @throws NotFoundError when the case does not exist (classify-mention creates it before publishing)
 */
export async function receiveRoutedMention(event: MentionRouted, deps: DepartmentInboxDeps): Promise<InboxOutcome> {
  // The record's write claims the notification too (one write instead of a claim item's).
  const claim = deps.notifier.claimFor?.(event);
  const recorded = await recordRoutedMention(event, deps, claim);
  // classify-mention wrote the case before it published the event: an eventually consistent
  // read (half the units) finds it but in the moment right after, when a strongly consistent
  // one does. A stale copy is no risk: every change is a versioned write that reads again.
  // (handle-department reads its batch's cases in one request before: BatchCaseCache.getMany;
  // a case that read did not find is read strongly consistent here.)
  let kase =
    (await deps.cases.get(event.caseId, { consistent: false })) ??
    (await deps.cases.get(event.caseId, { consistent: true }));
  if (!kase) throw new NotFoundError(`case ${event.caseId} of mention ${event.mentionId} does not exist`);
  let reopened = false;
  if (event.role === 'primary' && kase.department === event.department) {
    if (kase.state === 'resolved' && kase.resolvedAt !== undefined && event.createdAt > kase.resolvedAt) {
      const dueAt = deps.dueAt(kase.department, kase.priority, deps.clock.now());
      const outcome = await changeCase(
        kase.id,
        { type: 'reopen', mentionId: event.mentionId, dueAt },
        { transitionId: `reopen:${event.mentionId}`, actor: ACTOR },
        deps.change,
        kase,
      );
      kase = outcome.case;
      reopened = outcome.applied;
    }
    if (needsAssignment(kase)) {
      const decision = await decideAssignment(deps.assignment(kase.department), deps.clock.now(), deps.cursor, {
        category: kase.category,
        ...(kase.tags ? { tags: kase.tags } : {}),
        // Cases stored before they carried their language take the routed mention's.
        language: kase.language ?? event.language,
      });
      const outcome = await changeCase(
        kase.id,
        // Another writer may have assigned it meanwhile: then this turn changes nothing.
        (current) =>
          needsAssignment(current)
            ? { type: 'assign', reason: decision.reason, ...(decision.assignee ? { assignee: decision.assignee } : {}) }
            : null,
        { transitionId: `assign:${event.mentionId}`, actor: ACTOR },
        deps.change,
        kase,
      );
      kase = outcome.case;
    }
  }
  await deps.notifier.mention(event, kase, recorded ? claim : undefined);
  return { recorded, reopened, state: kase.state, ...(kase.assignee ? { assignee: kase.assignee } : {}) };
}

/**
 * A case change names this department among its recipients: tell the department.
 * @throws NotFoundError when the case is gone (erased): nothing to tell
 */
export async function receiveCaseEvent(
  event: CaseEvent,
  department: string,
  deps: Pick<DepartmentInboxDeps, 'cases' | 'notifier'>,
): Promise<void> {
  // Strongly consistent: the change that raised the event was written just before.
  const kase = await deps.cases.get(event.caseId, { consistent: true });
  if (!kase) throw new NotFoundError(`case ${event.caseId} of ${event.transitionId} does not exist`);
  await deps.notifier.caseEvent(event, kase, department);
}

/** Whether nobody was assigned since the case opened or was last reopened. */
export function needsAssignment(kase: Case): boolean {
  if (kase.state !== 'new' || kase.assignee) return false;
  const history: readonly CaseHistoryEntry[] = kase.history ?? [];
  const lastReopen = history.findLastIndex((entry) => entry.action === 'reopen' || entry.action === 'reroute');
  const lastAssign = history.findLastIndex((entry) => entry.action === 'assign');
  return lastAssign < lastReopen || lastAssign === -1;
}
