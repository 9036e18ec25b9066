import type { AssignmentPolicy } from '../domain/assignment.ts';
import type { EscalationPolicy } from '../domain/check-sla.ts';
import {
  addBusinessDuration,
  businessMinutesBetween,
  isWithinBusinessHours,
  type BusinessCalendar,
  type SlaDuration,
} from '../domain/business-time.ts';
import type { Priority } from '../domain/mention.ts';
import { calendarOf } from './calendar.ts';
import { approverDepartment, escalationTargets } from './config-views.ts';
import type { CompanyConfig } from './schema.ts';

/**
 * The company config's case rules as the domain reads them: SLA time in each department's
 * business hours, who is on duty, who approves. Built once per cold start.
 */
export interface CasePolicy {
  /** `sla` of a department's business time (business days, then minutes) after `from`. */
  addSlaTime(department: string, from: Date, sla: SlaDuration): Date;
  /** Business minutes of a department between two instants. */
  businessMinutes(department: string, from: Date, to: Date): number;
  /** The due time of a case of a department and priority that starts (again) at `from`. */
  dueAt(department: string, priority: Priority, from: Date): string;
  assignment(department: string): AssignmentPolicy;
  approverDepartment(department: string): string;
  /** Whether a case of the department stops its SLA clock while it waits (`sla.pauseWhileWaiting`, default true). */
  pauseWhileWaiting(department: string): boolean;
  readonly reopenWindowMinutes: number;
  /** `cases.escalate` with its targets resolved: what escalates, and to whom. */
  readonly escalation: EscalationPolicy;
}

export function casePolicyOf(config: CompanyConfig): CasePolicy {
  const calendars = new Map<string, BusinessCalendar>(config.departments.map((d) => [d.id, calendarOf(config, d.id)]));
  const calendar = (department: string): BusinessCalendar => {
    const found = calendars.get(department);
    if (!found) throw new Error(`unknown department "${department}"`);
    return found;
  };
  const department = (id: string) => {
    const found = config.departments.find((d) => d.id === id);
    if (!found) throw new Error(`unknown department "${id}"`);
    return found;
  };
  const addSlaTime = (id: string, from: Date, sla: SlaDuration) => addBusinessDuration(from, sla, calendar(id));
  return {
    addSlaTime,
    businessMinutes: (id, from, to) => businessMinutesBetween(from, to, calendar(id)),
    dueAt: (id, priority, from) => addSlaTime(id, from, department(id).sla[priority]).toISOString(),
    assignment: (id) => {
      const d = department(id);
      return {
        department: id,
        mode: d.assignment ?? 'round-robin',
        members: d.members ?? [],
        onDuty: (at) => isWithinBusinessHours(at, calendar(id)),
      };
    },
    approverDepartment: (id) => approverDepartment(config, id),
    pauseWhileWaiting: (id) => department(id).sla.pauseWhileWaiting ?? true,
    reopenWindowMinutes: config.cases.reopenWindow,
    escalation: {
      categories: config.cases.escalate.categories,
      tags: config.cases.escalate.tags,
      to: escalationTargets(config),
    },
  };
}
