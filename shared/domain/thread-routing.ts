import type { Case } from './case.ts';
import { routingRaises, type ApplyRoutingCommand } from './case-lifecycle.ts';
import type { EscalationPolicy } from './check-sla.ts';
import type { Category, Priority } from './mention.ts';
import type { Routing } from './route-mention.ts';
import { TRIAGE_TAG } from './triage.ts';

/** What the company config says about raising a case (built once per cold start). */
export interface ThreadRoutingPolicy {
  /** `cases.escalate`: the categories and tags that escalate, and to whom (check-sla uses the same). */
  readonly escalation?: EscalationPolicy;
  /** The department whose members approve replies when a rule routing to `department` requires approval. */
  readonly approverDepartment?: (department: string) => string;
  /** The case's due time at `priority`, counted from now (a rule's own SLA when it has one). */
  readonly dueAt: (priority: Priority) => string;
}

/**
 * What a mention that joined an existing case (same conversation thread) asks of it, from
 * the mention's routing decision; null when it would raise nothing.
 *
 * - priority: raised to the decision's when that is higher (never lowered), with the due
 *   time of the raised priority from now when that is earlier than the current one
 * - tags and cc: added (the case keeps its own)
 * - approval: required from now on when the decision requires it (never removed)
 * - escalation: when the mention's category or a decided tag is in `cases.escalate`, the
 *   case escalates to `cases.escalate.to` (the departments check-sla escalates overdue
 *   cases to), unless it went to them already
 *
 * A decision for another department does not move the case: the department that owns the
 * conversation keeps it (with its assignee, history and SLA), and the decision's department
 * joins the cc (it receives the mention as a copy, and the escalation when there is one).
 * Moving a case is a person's decision (`reroute`).
 *
 * @example
 * // a second comment with a crisis keyword on a service case:
 * routingCommandFor(serviceCase, { id, category: 'complaint' }, crisisRouting, policy);
 * // { type: 'apply-routing', priority: 'high', tags: ['crisis'], cc: ['press', 'legal'],
 * //   approverDepartment: 'press', escalate: { to: ['press', 'legal'], reason: ... }, ... }
 */
export function routingCommandFor(
  c: Case,
  mention: { readonly id: string; readonly category: Category },
  routing: Routing,
  policy: ThreadRoutingPolicy,
): ApplyRoutingCommand | null {
  const rules = (routing.matched ?? []).map((m) => m.rule);
  const why = escalationReason(mention.category, routing.tags ?? [], policy.escalation);
  const command: ApplyRoutingCommand = {
    type: 'apply-routing',
    mentionId: mention.id,
    rules,
    priority: routing.priority,
    dueAt: policy.dueAt(routing.priority),
    // Triage is about where a new case goes; a case that has its department keeps it.
    tags: (routing.tags ?? []).filter((t) => t !== TRIAGE_TAG),
    cc: [routing.department, ...routing.cc].filter((d) => d !== c.department),
    ...(routing.requireApproval
      ? { approverDepartment: policy.approverDepartment?.(routing.department) ?? routing.department }
      : {}),
    ...(why && policy.escalation && policy.escalation.to.length > 0
      ? {
          escalate: {
            to: [...policy.escalation.to],
            reason: `A new message in the thread (${mention.id})${rules.length > 0 ? ` matched rule ${rules.join(', ')}` : ''}: ${why}`,
          },
        }
      : {}),
  };
  return routingRaises(c, command) ? command : null;
}

/** Why a joining mention escalates its case (its category or a decided tag), or undefined. */
function escalationReason(
  category: Category,
  tags: readonly string[],
  escalation: EscalationPolicy | undefined,
): string | undefined {
  if (!escalation) return undefined;
  if (escalation.categories.includes(category)) return `category ${category}`;
  const tag = tags.find((t) => escalation.tags.includes(t));
  return tag ? `tag ${tag}` : undefined;
}
