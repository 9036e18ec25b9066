import type { SlaDuration } from './business-time.ts';
import type { Case } from './case.ts';
import type { CaseCommand } from './case-lifecycle.ts';

/**
 * The SLA clock of a case in its department's business time: running, or paused while the
 * case waits for the customer (`sla.pauseWhileWaiting`, default on). A paused clock moves
 * the due time by the business minutes it stood still when it runs again.
 */

/** The department's calendar, as CasePolicy gives it. */
export interface SlaCalendar {
  /** Business minutes of a department between two instants. */
  readonly businessMinutes: (department: string, from: Date, to: Date) => number;
  /** `sla` of a department's business time after `from`. */
  readonly addSlaTime: (department: string, from: Date, sla: SlaDuration) => Date;
}

/** The clock as a person reads it on a case. */
export interface SlaStatus {
  readonly dueAt: string;
  /** Business minutes until the due time (negative: overdue by that many); frozen while paused. */
  readonly businessMinutesLeft: number;
  readonly paused: boolean;
  readonly pausedSince?: string;
}

/**
 * The clock of a case at `now`. A paused clock counts from the moment it stopped.
 * @example
 * slaStatusOf(waitingCase, now, policy.businessMinutes) // { dueAt, businessMinutesLeft: 95, paused: true, pausedSince }
 */
export function slaStatusOf(
  c: Pick<Case, 'department' | 'dueAt' | 'slaPausedAt' | 'state'>,
  now: Date,
  businessMinutes: SlaCalendar['businessMinutes'],
): SlaStatus {
  const paused = c.state === 'waiting' && c.slaPausedAt !== undefined;
  const from = paused ? new Date(c.slaPausedAt as string) : now;
  const due = new Date(c.dueAt);
  const left = due >= from ? businessMinutes(c.department, from, due) : -businessMinutes(c.department, due, from);
  return {
    dueAt: c.dueAt,
    businessMinutesLeft: Math.round(left),
    paused,
    ...(paused ? { pausedSince: c.slaPausedAt as string } : {}),
  };
}

/**
 * The due time of a paused case whose clock runs again at `at`: later by the business
 * minutes it stood still. A case whose clock runs keeps its due time.
 */
export function resumedDueAt(
  c: Pick<Case, 'department' | 'dueAt' | 'slaPausedAt'>,
  at: Date,
  calendar: SlaCalendar,
): { readonly dueAt: string; readonly pausedMinutes: number } {
  if (c.slaPausedAt === undefined) return { dueAt: c.dueAt, pausedMinutes: 0 };
  const since = new Date(c.slaPausedAt);
  const pausedMinutes = at > since ? Math.round(calendar.businessMinutes(c.department, since, at)) : 0;
  if (pausedMinutes === 0) return { dueAt: c.dueAt, pausedMinutes };
  const dueAt = calendar.addSlaTime(c.department, new Date(c.dueAt), { days: 0, minutes: pausedMinutes });
  return { dueAt: dueAt.toISOString(), pausedMinutes };
}

/**
 * What the customer's next message asks of a case that waits with its clock paused:
 * `resume` (worked again, due later by the paused time); null for any other case.
 * The message's own time ends the pause (a late delivery does not stretch it), held
 * between the pause and now (a message written before the pause ends it at once).
 */
export function resumeCommandFor(
  c: Case,
  mention: { readonly id: string; readonly createdAt: string },
  now: Date,
  calendar: SlaCalendar,
): CaseCommand | null {
  if (c.state !== 'waiting' || c.slaPausedAt === undefined) return null;
  const written = Date.parse(mention.createdAt);
  const at = new Date(Math.min(Math.max(written, Date.parse(c.slaPausedAt)), now.getTime()));
  const { dueAt, pausedMinutes } = resumedDueAt(c, at, calendar);
  return { type: 'resume', mentionId: mention.id, dueAt, pausedMinutes };
}
