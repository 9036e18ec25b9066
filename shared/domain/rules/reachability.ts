import type { Condition, Range, Rule } from './types.ts';

/** A rule that can never match because an earlier rule takes every mention it would. */
export interface UnreachableRule {
  /** Index of the rule that can never match. */
  readonly index: number;
  /** Index of the earlier rule that catches its mentions and stops. */
  readonly shadowedBy: number;
  /** True when the earlier rule catches every mention at all. */
  readonly catchAll: boolean;
}

/** Whether a condition holds for every mention (absent or empty). */
export function isCatchAll(condition: Condition | undefined): boolean {
  return condition === undefined || Object.keys(condition).length === 0;
}

const LIST_KEYS = [
  'category',
  'sentiment',
  'language',
  'platform',
  'kind',
  'keywords',
  'keywordLists',
  'regex',
  'risk',
] as const;
const RANGE_KEYS = ['urgency', 'confidence'] as const;

/**
 * Whether every mention that `narrow` matches is also matched by `broad`: for each key of
 * `broad`, `narrow` asks for the same or less (a subset of its "any of" list, a range
 * inside its range, an equal combination). Sound, not complete: when in doubt, false.
 */
export function covers(broad: Condition | undefined, narrow: Condition | undefined): boolean {
  if (isCatchAll(broad)) return true;
  if (isCatchAll(narrow)) return false;
  const b = broad as Condition;
  const n = narrow as Condition;
  for (const key of Object.keys(b) as (keyof Condition)[]) {
    if (n[key] === undefined) return false;
    if ((LIST_KEYS as readonly string[]).includes(key)) {
      const wide = b[key] as readonly string[];
      const slim = n[key] as readonly string[];
      const isText = key === 'regex';
      const norm = (v: string) => (isText ? v : v.toLowerCase());
      if (!slim.every((v) => wide.map(norm).includes(norm(v)))) return false;
    } else if ((RANGE_KEYS as readonly string[]).includes(key)) {
      if (!rangeWithin(n[key] as Range, b[key] as Range)) return false;
    } else if (JSON.stringify(b[key]) !== JSON.stringify(n[key])) {
      return false;
    }
  }
  return true;
}

function rangeWithin(inner: Range, outer: Range): boolean {
  const lowOk = outer.min === undefined || (inner.min !== undefined && inner.min >= outer.min);
  const highOk = outer.max === undefined || (inner.max !== undefined && inner.max <= outer.max);
  return lowOk && highOk;
}

/**
 * Rules that can never match: an earlier rule that stops catches every mention they would.
 * Each unreachable rule is reported once, against the first rule that shadows it.
 */
export function findUnreachableRules(rules: readonly Rule[]): UnreachableRule[] {
  const found: UnreachableRule[] = [];
  rules.forEach((rule, index) => {
    for (let earlier = 0; earlier < index; earlier++) {
      const candidate = rules[earlier] as Rule;
      if (candidate.then.continue) continue;
      if (covers(candidate.when, rule.when)) {
        found.push({ index, shadowedBy: earlier, catchAll: isCatchAll(candidate.when) });
        return;
      }
    }
  });
  return found;
}

/** The index of the first rule that catches every mention and stops, if any. */
export function firstStoppingCatchAll(rules: readonly Rule[]): number | undefined {
  const index = rules.findIndex((r) => !r.then.continue && isCatchAll(r.when));
  return index < 0 ? undefined : index;
}
