import type { AssignmentCursor } from './ports.ts';

/** Someone who works a department's cases. */
export interface Member {
  readonly name: string;
  readonly email?: string | undefined;
  /** Categories or routing tags the member handles best (`assignment: skill`). */
  readonly skills?: readonly string[] | undefined;
  /** Languages the member answers in (`assignment: language`). */
  readonly languages?: readonly string[] | undefined;
}

/** How a department hands out new cases. */
export interface AssignmentPolicy {
  readonly department: string;
  /**
   * round-robin: in turn among the members on duty; team-queue: nobody, the team picks;
   * skill / language: in turn among the members whose skills name the case's category or
   * a tag / whose languages hold the case's language, else round robin over all.
   */
  readonly mode: 'round-robin' | 'team-queue' | 'skill' | 'language';
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

/** What of a case decides assignment by skill or language. */
export interface AssignmentFacts {
  readonly category?: string;
  readonly tags?: readonly string[];
  readonly language?: string;
}

/**
 * Who gets a new case: the next member in turn while the department is on duty, else the
 * team queue, with the reason either way (the case records both). By skill or language,
 * the turn goes round the members who fit the case (their own counter, so each group
 * shares its cases evenly); when nobody fits, round robin over all members.
 *
 * The turn is an atomic counter per department (and group), so two cases assigned at once
 * go to two different members. A group of one member has no turn to take: its case goes
 * to that member without touching the counter (a write saved per case).
 */
export async function decideAssignment(
  policy: AssignmentPolicy,
  at: Date,
  cursor: AssignmentCursor,
  facts: AssignmentFacts = {},
): Promise<AssignmentDecision> {
  if (policy.mode === 'team-queue') return { reason: 'team queue: the department assigns its cases itself' };
  if (policy.members.length === 0) return { reason: 'team queue: the department has no members to assign to' };
  // Outside business hours nobody is on duty: the case waits for the team in the morning.
  if (!policy.onDuty(at)) return { reason: "team queue: outside the department's business hours, nobody is on duty" };
  const group = fittingGroup(policy, facts);
  if (group) {
    const only = onlyMember(group.members);
    if (only) return { assignee: memberId(only), reason: `${group.why}: the only member on duty (${only.name})` };
    const turn = await cursor.next(`${policy.department}#${group.key}`);
    const member = group.members[(turn - 1) % group.members.length] as Member;
    return {
      assignee: memberId(member),
      reason: `${group.why}: turn ${turn} of ${group.members.length} members on duty (${member.name})`,
    };
  }
  const fallback =
    policy.mode === 'round-robin' ? '' : ` (nobody's ${policy.mode === 'skill' ? 'skills' : 'languages'} fit the case)`;
  const only = onlyMember(policy.members);
  if (only)
    return { assignee: memberId(only), reason: `round robin${fallback}: the only member on duty (${only.name})` };
  const turn = await cursor.next(policy.department);
  const member = policy.members[(turn - 1) % policy.members.length] as Member;
  return {
    assignee: memberId(member),
    reason: `round robin${fallback}: turn ${turn} of ${policy.members.length} members on duty (${member.name})`,
  };
}

/** The member of a group of one (nobody to take turns with), else undefined. */
function onlyMember(members: readonly Member[]): Member | undefined {
  return members.length === 1 ? members[0] : undefined;
}

/** The members who fit a case by skill or language, with the counter key and the reason; undefined when nobody fits. */
function fittingGroup(
  policy: AssignmentPolicy,
  facts: AssignmentFacts,
): { readonly key: string; readonly members: readonly Member[]; readonly why: string } | undefined {
  if (policy.mode === 'language' && facts.language) {
    const language = facts.language.toLowerCase();
    const members = policy.members.filter((m) => (m.languages ?? []).some((l) => l.toLowerCase() === language));
    return members.length > 0 ? { key: `lang:${language}`, members, why: `by language ${language}` } : undefined;
  }
  if (policy.mode === 'skill') {
    const wanted = [...(facts.category ? [facts.category] : []), ...(facts.tags ?? [])];
    const skill = wanted.find((w) => policy.members.some((m) => (m.skills ?? []).includes(w)));
    if (!skill) return undefined;
    const members = policy.members.filter((m) => (m.skills ?? []).includes(skill));
    return { key: `skill:${skill}`, members, why: `by skill ${skill}` };
  }
  return undefined;
}
