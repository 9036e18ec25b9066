import type { Classification } from './classification.ts';
import type { Priority } from './mention.ts';

/** Where a mention goes, and why. */
export interface Routing {
  readonly department: string;
  readonly cc: readonly string[];
  readonly priority: Priority;
  readonly reasons: readonly string[];
}

/** The part of the company config that routing reads. */
export interface RoutingPolicy {
  readonly departments: readonly { readonly id: string; readonly categories: readonly string[] }[];
  readonly fallback: string;
}

/**
 * Routes a classified mention to the department that owns its category, or to the
 * fallback department. (The full rules engine replaces this with ordered, explainable rules.)
 */
export function routeMention(classification: Classification, policy: RoutingPolicy): Routing {
  const owner = policy.departments.find((d) => d.categories.includes(classification.category));
  const reasons: string[] = [];
  let department: string;
  if (!classification.relevant) {
    department = policy.fallback;
    reasons.push(`not relevant to the company: fallback department ${policy.fallback}`);
  } else if (owner) {
    department = owner.id;
    reasons.push(`category ${classification.category} is owned by ${owner.id}`);
  } else {
    department = policy.fallback;
    reasons.push(`no department owns category ${classification.category}: fallback department ${policy.fallback}`);
  }
  const priority = priorityOf(classification);
  reasons.push(`priority ${priority} from urgency ${classification.urgency.toFixed(2)}`);
  return { department, cc: [], priority, reasons };
}

function priorityOf(classification: Classification): Priority {
  if (classification.urgency >= 0.7 || classification.category === 'legal_risk') return 'high';
  if (classification.urgency >= 0.3 || classification.sentiment === 'negative') return 'normal';
  return 'low';
}
