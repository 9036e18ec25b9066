import { AWAITING_RESPONSE_STATES, type Case } from './case.ts';
import type { CaseCommand } from './case-lifecycle.ts';
import { changeCase, type ChangeCaseDeps } from './change-case.ts';
import { DomainError } from './errors.ts';
import type { CaseRepository } from './ports.ts';
import { addMinutes } from './time.ts';

/** The actor of every change the sweep makes. */
export const CHECK_SLA_ACTOR = 'system:check-sla';

/** Which overdue cases also go to other departments (`cases.escalate` of the config, with its targets resolved). */
export interface EscalationPolicy {
  readonly categories: readonly string[];
  readonly tags: readonly string[];
  /** Departments an overdue escalating case goes to; empty: nobody (no escalation). */
  readonly to: readonly string[];
}

export interface CheckSlaDeps extends Omit<ChangeCaseDeps, 'cases'> {
  readonly cases: Pick<CaseRepository, 'get' | 'saveTransition' | 'listCases'>;
  /** The departments to sweep (the config's). */
  readonly departments: readonly string[];
  /** Minutes before the due time at which the department is warned (`cases.slaWarning`). */
  readonly slaWarningMinutes: number;
  readonly escalation: EscalationPolicy;
  /** Cases read per index query (default 100). */
  readonly pageSize?: number;
  /** Called after each department, with that department's counts. */
  readonly onProgress?: (progress: DepartmentSweep) => void;
  /** Called for each change that could not be made (the run fails at the end). */
  readonly onFailure?: (failure: SlaFailure) => void;
}

export interface SlaSweepCounts {
  /** Cases the index returned (due before now + warning, awaiting a response). */
  readonly scanned: number;
  readonly warned: number;
  readonly breached: number;
  readonly escalated: number;
  /** Changes that were no longer due when the case was read again (answered, resolved, new due time). */
  readonly skipped: number;
  /** Changes (or department listings) that failed; they are tried again by the next run. */
  readonly failed: number;
}

export interface DepartmentSweep extends SlaSweepCounts {
  readonly department: string;
}

export interface SlaSweepResult extends SlaSweepCounts {
  readonly departments: readonly DepartmentSweep[];
  readonly failures: readonly SlaFailure[];
}

export type SlaAction = 'warn-sla' | 'breach-sla' | 'escalate';

export interface SlaFailure {
  readonly department: string;
  /** Absent when listing the department's cases failed. */
  readonly caseId?: string;
  readonly action?: SlaAction;
  readonly error: unknown;
}

/**
 * A sweep in which some changes failed. Every other case was still handled; the changes'
 * transition ids make the scheduler's retry (or the next run) apply only what is missing.
 */
export class SlaSweepError extends DomainError {
  override readonly expose = false;

  constructor(readonly result: SlaSweepResult) {
    super(
      `SLA sweep: ${result.failed} change(s) failed (${result.warned} warned, ${result.breached} breached, ${result.escalated} escalated)`,
      {
        cause: new AggregateError(
          result.failures.map((f) => f.error),
          'failed SLA changes',
        ),
      },
    );
  }
}

/** One change a case is due for, with its idempotency key. */
export interface SlaChange {
  readonly action: SlaAction;
  readonly transitionId: string;
  readonly command: CaseCommand;
}

/**
 * The SLA changes a case is due for at `now`: pure, so the sweep asks it again on the fresh
 * case right before each write.
 *
 * - due within the warning and not warned yet: `warn-sla` (`sla-warn:<dueAt>`)
 * - due (at or before now) and not marked breached: `breach-sla` (`sla-breach:<dueAt>`);
 *   a case past due is not warned any more
 * - due, of an escalating category or tag, and not escalated to every target since its
 *   current SLA started: `escalate` (`sla-escalate:<dueAt>`)
 *
 * Only cases still awaiting a response (new, assigned, waiting without a paused clock) are due for anything; each
 * change happens once per due time (a reopened or rerouted case has a new one).
 */
export function slaChangesFor(c: Case, now: Date, warningMinutes: number, escalation: EscalationPolicy): SlaChange[] {
  if (!(AWAITING_RESPONSE_STATES as readonly string[]).includes(c.state)) return [];
  // Waiting for the customer with the clock paused: nothing is due until it runs again.
  if (c.state === 'waiting' && c.slaPausedAt !== undefined) return [];
  const due = Date.parse(c.dueAt);
  if (Number.isNaN(due)) return [];
  const done = new Set((c.history ?? []).map((entry) => entry.transitionId));
  const changes: SlaChange[] = [];
  const nowMs = now.getTime();
  if (due > nowMs) {
    const transitionId = `sla-warn:${c.dueAt}`;
    if (due <= addMinutes(now, warningMinutes).getTime() && !c.slaWarnedAt && !done.has(transitionId)) {
      changes.push({ action: 'warn-sla', transitionId, command: { type: 'warn-sla' } });
    }
    return changes;
  }
  const breachId = `sla-breach:${c.dueAt}`;
  if (!c.breachedAt && !done.has(breachId))
    changes.push({ action: 'breach-sla', transitionId: breachId, command: { type: 'breach-sla' } });
  const why = escalationReason(c, escalation);
  const escalateId = `sla-escalate:${c.dueAt}`;
  if (why && escalation.to.length > 0 && !done.has(escalateId) && !alreadyEscalated(c, escalation.to)) {
    changes.push({
      action: 'escalate',
      transitionId: escalateId,
      command: {
        type: 'escalate',
        to: [...escalation.to],
        reason: `SLA breached: the ${c.priority}-priority SLA of ${c.department} ran out at ${c.dueAt} (${why})`,
      },
    });
  }
  return changes;
}

/**
 * Warns about and marks cases near or past their due time, and escalates overdue cases of
 * the escalating categories and tags.
 *
 * 1. for each department and each state awaiting a response, page through the cases due
 *    before now + warning with the department index (never a scan)
 * 2. decide each case's changes (slaChangesFor)
 * 3. apply each through changeCase, which deduplicates by transition id, writes with the
 *    version check and publishes the event (`Case SLA Warning`, `Case SLA Breached`,
 *    `Case Escalated`); right before the write the change is decided again on the fresh
 *    case, and dropped (skipped) when it no longer applies
 * 4. collect what failed without stopping: one bad case never holds up the others
 *
 * @throws SlaSweepError after every department was swept, when any change failed
 */
export async function checkSla(deps: CheckSlaDeps): Promise<SlaSweepResult> {
  const now = deps.clock.now();
  const dueBefore = addMinutes(now, deps.slaWarningMinutes).toISOString();
  const departments: DepartmentSweep[] = [];
  const failures: SlaFailure[] = [];
  const fail = (failure: SlaFailure) => {
    failures.push(failure);
    deps.onFailure?.(failure);
  };

  for (const department of deps.departments) {
    const counts = { scanned: 0, warned: 0, breached: 0, escalated: 0, skipped: 0, failed: 0 };
    for (const state of AWAITING_RESPONSE_STATES) {
      let cursor: string | undefined;
      do {
        let page;
        try {
          page = await deps.cases.listCases({
            department,
            states: [state],
            dueBefore,
            limit: deps.pageSize ?? 100,
            ...(cursor ? { cursor } : {}),
          });
        } catch (error) {
          // The other states and departments are still swept; this one is tried again next run.
          counts.failed++;
          fail({ department, error });
          break;
        }
        cursor = page.cursor;
        for (const c of page.items) {
          counts.scanned++;
          for (const change of slaChangesFor(c, now, deps.slaWarningMinutes, deps.escalation)) {
            const outcome = await applyChange(c, change, now, deps);
            if (outcome === 'applied') counts[COUNTER[change.action]]++;
            else if (outcome === 'skipped') counts.skipped++;
            else {
              counts.failed++;
              fail({ department, caseId: c.id, action: change.action, error: outcome.error });
            }
          }
        }
      } while (cursor);
    }
    const sweep = { department, ...counts };
    departments.push(sweep);
    deps.onProgress?.(sweep);
  }

  const total = (key: keyof SlaSweepCounts) => departments.reduce((sum, d) => sum + d[key], 0);
  const result: SlaSweepResult = {
    scanned: total('scanned'),
    warned: total('warned'),
    breached: total('breached'),
    escalated: total('escalated'),
    skipped: total('skipped'),
    failed: total('failed'),
    departments,
    failures,
  };
  if (failures.length > 0) throw new SlaSweepError(result);
  return result;
}

const COUNTER = { 'warn-sla': 'warned', 'breach-sla': 'breached', escalate: 'escalated' } as const;

/** Thrown inside changeCase's command callback when the fresh case no longer needs the change. */
class NoLongerDue extends Error {}

async function applyChange(
  listed: Case,
  change: SlaChange,
  now: Date,
  deps: CheckSlaDeps,
): Promise<'applied' | 'skipped' | { error: unknown }> {
  try {
    const outcome = await changeCase(
      listed.id,
      (current) => {
        // The index is eventually consistent and people act meanwhile: decide again on the case as it is.
        const still = slaChangesFor(current, now, deps.slaWarningMinutes, deps.escalation).find(
          (c) => c.transitionId === change.transitionId,
        );
        if (!still) throw new NoLongerDue();
        return still.command;
      },
      { transitionId: change.transitionId, actor: CHECK_SLA_ACTOR },
      deps,
    );
    return outcome.applied ? 'applied' : 'skipped';
  } catch (error) {
    if (error instanceof NoLongerDue) return 'skipped';
    return { error };
  }
}

/** Why an overdue case escalates (its category or a tag), or undefined when it does not. */
function escalationReason(c: Case, escalation: EscalationPolicy): string | undefined {
  if (escalation.categories.includes(c.category)) return `category ${c.category}`;
  const tag = c.tags?.find((t) => escalation.tags.includes(t));
  return tag ? `tag ${tag}` : undefined;
}

/**
 * Whether the case went to every target since its current SLA started (it opened, was
 * reopened or rerouted), e.g. by hand through the API: then the sweep does not repeat it.
 */
function alreadyEscalated(c: Case, targets: readonly string[]): boolean {
  if (!c.escalatedAt) return false;
  const started = [c.openedAt, c.reopenedAt, c.corrections?.at(-1)?.at]
    .filter((t): t is string => t !== undefined)
    .reduce((a, b) => (a > b ? a : b));
  return c.escalatedAt >= started && targets.every((t) => c.escalatedTo?.includes(t));
}
