import type { Case, CaseHistoryEntry } from './case.ts';
import { applyCaseCommand, appliedTransition, type CaseCommand, type TransitionContext } from './case-lifecycle.ts';
import { NotFoundError, StaleCaseError } from './errors.ts';
import type { CaseEvent } from './events.ts';
import type { CaseEventPublisher, CaseRepository, Clock, MetricRepository } from './ports.ts';
import { routedMentionFields, TALLY, type ReportTallies } from './reports/tallies.ts';
import { dayIn, expiresAtEpochSeconds } from './time.ts';

export interface ChangeCaseDeps {
  readonly companyId: string;
  readonly retentionDays: number;
  readonly cases: Pick<CaseRepository, 'get' | 'saveTransition'>;
  readonly events: CaseEventPublisher;
  readonly clock: Clock;
  /** Writes tried before a lost race is given up (default 4). */
  readonly maxAttempts?: number;
  /**
   * Where first-response and resolution times go as histograms (per day of `timezone` and
   * department); without it they are only stored on the case.
   */
  readonly metrics?: Pick<MetricRepository, 'observe'>;
  readonly timezone?: string;
  /**
   * The reports' tallies: first responses (SLA met, in public), resolutions, reopenings, and
   * reroutes (a case's primary mentions move to the department it ends in; that needs
   * `caseMentions`). Like the histograms, only the write that made the change adds to them.
   */
  readonly tallies?: Pick<ReportTallies, 'tally'>;
  readonly caseMentions?: Pick<CaseRepository, 'mentionsOf'>;
}

export interface ChangeCaseOutcome {
  readonly case: Case;
  /** The history entry of the change; absent when the command function found nothing to change. */
  readonly entry?: CaseHistoryEntry;
  /** False when this transition id had been applied before (a redelivery), or there was nothing to change: nothing was written. */
  readonly applied: boolean;
}

/**
 * The command to apply, given the case as it is now (read again after a lost race);
 * a function may return null when, on the fresh case, there is nothing left to change.
 */
export type CommandFor = CaseCommand | ((current: Case) => CaseCommand | null);

/**
 * Changes a case through the lifecycle state machine and tells the bus.
 *
 * 1. load the case (NotFoundError when there is none)
 * 2. when its history has this transition id, the change was made before: publish its
 *    event again (the first publish may have been lost in a crash) and stop
 * 3. apply the command (ConflictError when it is not allowed in the case's state)
 * 4. write it on the condition that nobody changed the case since step 1; when somebody
 *    did (StaleCaseError), start again from step 1, up to `maxAttempts` times
 * 5. publish the change's event (`Case Assigned`, `Case Responded`, ...) with the
 *    departments to notify
 *
 * @throws NotFoundError, ConflictError, StaleCaseError (after the last attempt)
 */
export async function changeCase(
  caseId: string,
  command: CommandFor,
  ctx: Omit<TransitionContext, 'at'> & { readonly at?: string },
  deps: ChangeCaseDeps,
  /**
   * The case as the caller just read or wrote it: the first attempt starts from it instead
   * of reading it again (the versioned write still refuses it when it is stale, and the
   * next attempt reads).
   */
  known?: Case,
): Promise<ChangeCaseOutcome> {
  const maxAttempts = deps.maxAttempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && known?.id === caseId ? known : await deps.cases.get(caseId);
    if (!current) throw new NotFoundError(`case ${caseId} does not exist`);
    const done = appliedTransition(current, ctx.transitionId);
    if (done) {
      await deps.events.publishCaseEvents([caseEventOf(deps.companyId, current, done)]);
      return { case: current, entry: done, applied: false };
    }
    const now = deps.clock.now();
    const resolved = typeof command === 'function' ? command(current) : command;
    if (resolved === null) return { case: current, applied: false };
    const transition = applyCaseCommand(current, resolved, { ...ctx, at: ctx.at ?? now.toISOString() });
    try {
      await deps.cases.saveTransition(
        transition.case,
        current.version ?? 0,
        expiresAtEpochSeconds(now, deps.retentionDays),
        current,
      );
    } catch (error) {
      if (error instanceof StaleCaseError && attempt < maxAttempts) continue;
      throw error;
    }
    await observeDurations(current, transition.case, deps);
    await tallyChange(current, transition.case, transition.entry, deps);
    await deps.events.publishCaseEvents([caseEventOf(deps.companyId, transition.case, transition.entry)]);
    return { case: transition.case, entry: transition.entry, applied: true };
  }
}

/** A first response and a resolution add to the day's histograms (once: only the write that made them does). */
async function observeDurations(before: Case, after: Case, deps: ChangeCaseDeps): Promise<void> {
  if (!deps.metrics || !deps.timezone) return;
  if (after.firstResponseAt && after.firstResponseAt !== before.firstResponseAt) {
    const day = dayIn(new Date(after.firstResponseAt), deps.timezone);
    for (const [metric, minutes] of [
      ['response', after.responseMinutes],
      ['response-business', after.responseBusinessMinutes],
    ] as const) {
      if (minutes !== undefined) await deps.metrics.observe(day, after.department, metric, minutes);
    }
  }
  if (after.resolutionMinutes !== undefined && after.resolvedAt !== before.resolvedAt && after.resolvedAt) {
    await deps.metrics.observe(
      dayIn(new Date(after.resolvedAt), deps.timezone),
      after.department,
      'resolution',
      after.resolutionMinutes,
    );
  }
}

/** What a change adds to the reports' tallies: one write per response, resolution or reopening; two per primary mention of a rerouted case. */
async function tallyChange(before: Case, after: Case, entry: CaseHistoryEntry, deps: ChangeCaseDeps): Promise<void> {
  const tallies = deps.tallies;
  const timezone = deps.timezone;
  if (!tallies || !timezone) return;
  const dayOf = (iso: string) => dayIn(new Date(iso), timezone);
  if (after.firstResponseAt && after.firstResponseAt !== before.firstResponseAt) {
    await tallies.tally(dayOf(after.firstResponseAt), after.department, {
      [TALLY.responded]: 1,
      [after.firstResponseAt <= before.dueAt ? TALLY.slaMet : TALLY.slaMissed]: 1,
      ...(entry.detail?.via === 'platform' || entry.action === 'publish-reply' ? { [TALLY.answeredPublicly]: 1 } : {}),
    });
  }
  if (after.resolvedAt && after.resolvedAt !== before.resolvedAt)
    await tallies.tally(dayOf(after.resolvedAt), after.department, { [TALLY.resolved]: 1 });
  if (entry.action === 'reopen') await tallies.tally(dayOf(entry.at), after.department, { [TALLY.reopened]: 1 });
  if (before.department !== after.department && deps.caseMentions) {
    // The case ends elsewhere: its primary mentions count there, on the days they were written.
    const moved = (await deps.caseMentions.mentionsOf(after.id)).filter(
      (m) => m.role === 'primary' && m.department === before.department,
    );
    for (const m of moved) {
      await tallies.tally(dayOf(m.createdAt), before.department, routedMentionFields(m, -1));
      await tallies.tally(dayOf(m.createdAt), after.department, routedMentionFields(m));
    }
  }
}

/**
 * The departments a change must reach: escalations (also by a joining mention's routing) go to their targets, SLA marks and
 * reopenings to the case's department (its lead), drafts that need approval to the
 * approving department, reroutes to the new department. Other changes notify nobody.
 */
export function recipientsOf(c: Case, entry: CaseHistoryEntry): string[] {
  switch (entry.action) {
    case 'escalate':
    case 'apply-routing':
      // A joining mention's routing reaches only the departments it escalated to (its cc hear of the mention itself).
      return (entry.detail?.to ?? '').split(', ').filter((d) => d.length > 0);
    case 'warn-sla':
    case 'breach-sla':
    case 'reopen':
    case 'reroute':
      return [c.department];
    case 'draft-reply':
      return c.requireApproval ? [c.approverDepartment ?? c.department] : [];
    case 'respond':
    case 'publish-reply':
      // A public reply to a key account reaches the department that tells its owner.
      return entry.detail?.notify ? [entry.detail.notify] : [];
    default:
      return [];
  }
}

/** The bus event of a history entry of a case. */
export function caseEventOf(companyId: string, c: Case, entry: CaseHistoryEntry): CaseEvent {
  return {
    companyId,
    caseId: c.id,
    transitionId: entry.transitionId,
    action: entry.action,
    from: entry.from,
    to: entry.to,
    at: entry.at,
    actor: entry.actor,
    department: c.department,
    recipients: recipientsOf(c, entry),
    platform: c.platform,
    category: c.category,
    priority: c.priority,
    dueAt: c.dueAt,
    ...(c.assignee ? { assignee: c.assignee } : {}),
    ...(c.firstResponseAt ? { firstResponseAt: c.firstResponseAt } : {}),
    ...(c.responseMinutes !== undefined ? { responseMinutes: c.responseMinutes } : {}),
    ...(c.resolutionMinutes !== undefined ? { resolutionMinutes: c.resolutionMinutes } : {}),
    ...(entry.detail ? { detail: { ...entry.detail } } : {}),
  };
}
