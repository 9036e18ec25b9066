import type { Condition, Rule } from './rules/types.ts';

/**
 * Triage: a mention the classifier is not sure about goes to a person instead of
 * confidently to a wrong department. Below the company's confidence threshold
 * (`classifier.triage.belowConfidence`), the routing engine sends it to the fallback
 * department with the tag `needs-triage`; that department lists such cases first
 * (their index sort key starts earlier, shared/adapters/dynamodb/keys.ts), and a person's
 * correction (reroute, category) clears the tag.
 */

/** The tag of a case that waits for a person to decide where it belongs. */
export const TRIAGE_TAG = 'needs-triage';

/** The part of the company config that triage reads. */
export interface TriagePolicy {
  /** Mentions whose category confidence is below this go to triage. */
  readonly belowConfidence: number;
}

/** Whether a case (or a routing decision) carries the triage tag. */
export function isInTriage(subject: { readonly tags?: readonly string[] | undefined }): boolean {
  return (subject.tags ?? []).includes(TRIAGE_TAG);
}

/**
 * The tags without the triage tag: what a person's correction leaves on a case, since a
 * person decided. Undefined when no tag is left.
 */
export function withoutTriage(tags: readonly string[] | undefined): string[] | undefined {
  const kept = (tags ?? []).filter((t) => t !== TRIAGE_TAG);
  return kept.length > 0 ? kept : undefined;
}

/**
 * Whether a rule's decision rests on the classifier's category: it (or a part of it)
 * reads `category`, and the company did not bound the confidence itself (a rule with a
 * `confidence` condition says what it wants at which confidence). Rules on keywords,
 * authors, key accounts or platforms decide by what the text says, not by a guess: triage
 * leaves them alone.
 */
export function restsOnCategory(rule: Pick<Rule, 'when'>): boolean {
  const reads = (condition: Condition | undefined, key: 'category' | 'confidence'): boolean =>
    condition !== undefined &&
    (condition[key] !== undefined ||
      (condition.any ?? []).some((c) => reads(c, key)) ||
      (condition.all ?? []).some((c) => reads(c, key)) ||
      reads(condition.not, key));
  return reads(rule.when, 'category') && !reads(rule.when, 'confidence');
}
