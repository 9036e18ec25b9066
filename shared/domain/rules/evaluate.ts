import { describeSla, type SlaDuration } from '../business-time.ts';
import type { Classification } from '../classification.ts';
import type { Category, Priority } from '../mention.ts';
import { restsOnCategory, TRIAGE_TAG } from '../triage.ts';
import { evaluateCondition } from './conditions.ts';
import { factsOf, type RoutedMention, type RoutingFacts } from './facts.ts';
import type { MatchedRule, Routing, RoutingPolicy, Rule } from './types.ts';

/**
 * The rules that department category ownership stands for: one per department that owns
 * categories, after the explicit rules, for relevant mentions only.
 */
export function ownershipRules(policy: RoutingPolicy): Rule[] {
  return policy.departments
    .filter((d) => d.categories.length > 0)
    .map((d) => ({
      id: `${d.id}.categories`,
      description: `department ${d.id} owns ${d.categories.join(', ')}`,
      // The config validates categories; a hand-built policy may carry any string, which never matches.
      when: { relevant: true, category: d.categories as readonly Category[] },
      then: { department: d.id },
    }));
}

/** Every rule in evaluation order: the explicit rules, then category ownership. */
export function rulesInOrder(policy: RoutingPolicy): Rule[] {
  return [...(policy.rules ?? []), ...ownershipRules(policy)];
}

/**
 * Routes a classified mention by the company's ordered rules.
 *
 * 1. compute the facts once (language falls back to the platform's, risk flags, key accounts)
 * 2. walk the rules in order; a matching rule applies its actions and stops the walk unless
 *    it says `continue`
 * 3. the first matching rule that names a department decides the department, likewise
 *    priority and SLA; cc and tags add up; approval once required stays required
 * 4. nothing decided the department: the fallback department; no priority: from urgency
 * 5. triage (`policy.triage`): a relevant mention whose category confidence is below the
 *    threshold, routed by its category or by nothing, goes to the fallback department with
 *    the tag `needs-triage` (the rules' priority, cc and other tags stay)
 *
 * Pure and deterministic: no clock, no I/O, the same input gives the same decision and the
 * same reasons.
 */
export function evaluateRules(classification: Classification, mention: RoutedMention, policy: RoutingPolicy): Routing {
  const facts = factsOf(classification, mention, policy);
  let department: { id: string; rule: string; decidedBy: Rule } | undefined;
  let priority: { value: Priority; rule: string } | undefined;
  let sla: { value: SlaDuration; rule: string } | undefined;
  const cc: string[] = [];
  const tags: string[] = [];
  let requireApproval = false;
  const matched: MatchedRule[] = [];

  for (const rule of rulesInOrder(policy)) {
    const result = evaluateCondition(rule.when ?? {}, facts, policy);
    if (!result.holds) continue;
    const then = rule.then;
    const effects: string[] = [];
    if (then.department !== undefined) {
      if (department === undefined) {
        department = { id: then.department, rule: rule.id, decidedBy: rule };
        effects.push(`department ${then.department}`);
      } else {
        effects.push(`department ${then.department} not taken: rule ${department.rule} decided ${department.id}`);
      }
    }
    for (const copy of then.cc ?? []) {
      if (!cc.includes(copy)) cc.push(copy);
      effects.push(`cc ${copy}`);
    }
    if (then.priority !== undefined) {
      if (priority === undefined) {
        priority = { value: then.priority, rule: rule.id };
        effects.push(`priority ${then.priority}`);
      } else {
        effects.push(`priority ${then.priority} not taken: rule ${priority.rule} set ${priority.value}`);
      }
    }
    for (const tag of then.tags ?? []) {
      if (!tags.includes(tag)) tags.push(tag);
      effects.push(`tag ${tag}`);
    }
    if (then.sla !== undefined) {
      if (sla === undefined) {
        sla = { value: then.sla, rule: rule.id };
        effects.push(`SLA ${describeSla(then.sla)}`);
      } else {
        effects.push(`SLA ${describeSla(then.sla)} not taken: rule ${sla.rule} set ${describeSla(sla.value)}`);
      }
    }
    if (then.requireApproval) {
      requireApproval = true;
      effects.push('approval required before replying');
    }
    effects.push(then.continue ? 'continue' : 'stop');
    matched.push({ rule: rule.id, why: result.why, effects });
    if (!then.continue) break;
  }

  const reasons = matched.map((m) => `rule ${m.rule}: ${m.why.join('; ')} -> ${m.effects.join(', ')}`);
  let decided = department?.id ?? policy.fallback;
  if (department === undefined) {
    reasons.unshift(
      `no rule decided the department${facts.relevant ? '' : ' (not relevant to the company)'}: fallback department ${policy.fallback}`,
    );
  }
  const threshold = policy.triage?.belowConfidence;
  if (
    threshold !== undefined &&
    facts.relevant &&
    facts.confidence < threshold &&
    (department === undefined || restsOnCategory(department.decidedBy))
  ) {
    // Unsure of the category: a person decides, not the guess (shared/domain/triage.ts).
    decided = policy.fallback;
    if (!tags.includes(TRIAGE_TAG)) tags.push(TRIAGE_TAG);
    reasons.unshift(
      `triage: category ${facts.category} at confidence ${facts.confidence.toFixed(2)}, below ${threshold.toFixed(2)} -> ` +
        `${department && department.id !== policy.fallback ? `not ${department.id} (rule ${department.rule}), ` : ''}fallback department ${policy.fallback}, tag ${TRIAGE_TAG}, shown first`,
    );
  }
  const finalPriority = priority?.value ?? priorityFromClassification(classification);
  reasons.push(
    priority
      ? `priority ${finalPriority} from rule ${priority.rule}`
      : `priority ${finalPriority} from urgency ${classification.urgency.toFixed(2)}`,
  );
  for (const hit of facts.keyAccounts) {
    reasons.push(`key account ${hit.account.name} (${hit.evidence}): account owner ${hit.account.owner.name}`);
  }

  return {
    department: decided,
    cc: cc.filter((d) => d !== decided),
    priority: finalPriority,
    reasons,
    tags,
    requireApproval,
    ...(sla ? { sla: sla.value } : {}),
    matched,
    keyAccounts: facts.keyAccounts.map((k) => ({ id: k.account.id, name: k.account.name, owner: k.account.owner })),
  };
}

/** The priority when no rule sets one: high for urgent or legal, normal for urgent-ish or negative. */
export function priorityFromClassification(classification: Classification): Priority {
  if (classification.urgency >= 0.7 || classification.category === 'legal_risk') return 'high';
  if (classification.urgency >= 0.3 || classification.sentiment === 'negative') return 'normal';
  return 'low';
}

export type { RoutingFacts };
