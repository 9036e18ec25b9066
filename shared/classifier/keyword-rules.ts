import type { Category } from '../domain/mention.ts';
import { fold } from './normalize.ts';

/**
 * A company's keyword rules on top of the model: a rule whose keyword occurs (at a word
 * start, case- and umlaut-insensitive: "Rückruf" matches "rueckruf") forces its category or
 * adds it beside the model's.
 */
export interface KeywordRule {
  readonly id: string;
  readonly keywords: readonly string[];
  readonly category: Category;
  readonly mode: 'force' | 'add';
}

export interface KeywordRuleHit {
  readonly rule: KeywordRule;
  readonly keyword: string;
}

/** Rules compiled once: keywords folded like the text they are matched in. */
export class KeywordRuleMatcher {
  private readonly compiled: readonly {
    rule: KeywordRule;
    keywords: readonly { original: string; folded: string }[];
  }[];

  constructor(rules: readonly KeywordRule[]) {
    this.compiled = rules.map((rule) => ({
      rule,
      keywords: rule.keywords
        .map((k) => ({ original: k, folded: fold(k.trim().toLowerCase()) }))
        .filter((k) => k.folded.length > 0),
    }));
  }

  get size(): number {
    return this.compiled.length;
  }

  /** The first matching keyword of each rule, in rule order. `foldedText` comes from `foldForRules`. */
  match(foldedText: string): KeywordRuleHit[] {
    const hits: KeywordRuleHit[] = [];
    for (const { rule, keywords } of this.compiled) {
      const keyword = keywords.find((k) => containsAtWordStart(foldedText, k.folded));
      if (keyword) hits.push({ rule, keyword: keyword.original });
    }
    return hits;
  }
}

/** The text as keyword rules and brand terms see it: lower case, folded, not otherwise changed. */
export function foldForRules(text: string): string {
  return fold(text.toLowerCase());
}

/** True when `needle` occurs in `text` at a word start (or anywhere, if it starts with a symbol). */
export function containsAtWordStart(text: string, needle: string): boolean {
  if (!/^[\p{L}\p{N}]/u.test(needle)) return text.includes(needle);
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const before = at === 0 ? ' ' : text[at - 1]!;
    if (!/[\p{L}\p{N}]/u.test(before)) return true;
  }
  return false;
}
