import type { AssignmentCursor } from './ports.ts';

/** Someone who works a department's cases. */
export interface Member {
  readonly name: string;
  readonly email?: string | undefined;
}

/** How a department hands out new cases. */
export interface AssignmentPolicy {
  readonly department: string;
  /** round-robin: in turn among the members on duty; team-queue: nobody, the team picks. */
  readonly mode: 'round-robin' | 'team-queue';
  readonly members: readonly Member[];
  /** Whether the department works at an instant (its business hours and holidays). */
  readonly onDuty: (at: Date) => boolean;
}

export interface AssignmentDecision {
  /** The member's e-mail (or name when it has none); absent: the case stays in the team queue. */
  readonly assignee?: string;
  readonly reason: string;
}

/** The id a member is assigned by: the e-mail, which the admin API's tokens carry too. */
export function memberId(member: Member): string {
  return member.email?.toLowerCase() ?? member.name;
}

/**
 * Who gets a new case: the next member in turn while the department is on duty, else the
 * team queue, with the reason either way (the case records both).
 *
 * The turn is an atomic counter per department, so two cases assigned at once go to two
 * different members.
 */
export async function decideAssignment(
  policy: AssignmentPolicy,
  at: Date,
  cursor: AssignmentCursor,
): Promise<AssignmentDecision> {
  if (policy.mode === 'team-queue') return { reason: 'team queue: the department assigns its cases itself' };
  if (policy.members.length === 0) return { reason: 'team queue: the department has no members to assign to' };
  // Outside business hours nobody is on duty: the case waits for the team in the morning.
  if (!policy.onDuty(at)) return { reason: "team queue: outside the department's business hours, nobody is on duty" };
  const turn = await cursor.next(policy.department);
  const member = policy.members[(turn - 1) % policy.members.length] as Member;
  return {
    assignee: memberId(member),
    reason: `round robin: turn ${turn} of ${policy.members.length} members on duty (${member.name})`,
  };
}
