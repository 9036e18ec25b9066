import type { RoutingFacts } from './facts.ts';
import { firstTermIn, normalizeHandle } from './text-match.ts';
import type { Condition, Range, RoutingPolicy } from './types.ts';

/** Whether a condition holds, and why (each satisfied part in words), or why not. */
export interface ConditionResult {
  readonly holds: boolean;
  /** When it holds: every part that held. When not: the first part that failed. */
  readonly why: readonly string[];
}

const regexCache = new Map<string, RegExp>();

/** The compiled form of a rule regex: case-insensitive, Unicode. */
export function compileRuleRegex(pattern: string): RegExp {
  let compiled = regexCache.get(pattern);
  if (!compiled) {
    compiled = new RegExp(pattern, 'iu');
    regexCache.set(pattern, compiled);
  }
  return compiled;
}

const list = (values: readonly unknown[]) => values.join(', ');

function inRange(value: number, range: Range): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

function describeRange(range: Range): string {
  if (range.min !== undefined && range.max !== undefined) return `between ${range.min} and ${range.max}`;
  if (range.min !== undefined) return `>= ${range.min}`;
  return `<= ${range.max}`;
}

type Check = { holds: true; why: string } | { holds: false; why: string };
const yes = (why: string): Check => ({ holds: true, why });
const no = (why: string): Check => ({ holds: false, why });

/** That a fact is one of the listed values; `named` is the reason when it is (`category legal_risk`). */
function oneOf<T extends string>(
  name: string,
  value: T | undefined,
  values: readonly T[],
  named = `${name} ${value}`,
): Check {
  return value !== undefined && values.includes(value)
    ? yes(named)
    : no(`${name} ${value ?? 'unknown'} is not one of ${list(values)}`);
}

/** That a score lies in a range (`urgency 0.80 >= 0.7`). */
function inRangeCheck(name: string, value: number, range: Range): Check {
  return inRange(value, range)
    ? yes(`${name} ${value.toFixed(2)} ${describeRange(range)}`)
    : no(`${name} ${value.toFixed(2)} is not ${describeRange(range)}`);
}

/**
 * Evaluates a condition against the facts of a mention. Pure and deterministic: the same
 * facts and condition always give the same answer and the same words.
 */
export function evaluateCondition(condition: Condition, facts: RoutingFacts, policy: RoutingPolicy): ConditionResult {
  const why: string[] = [];
  for (const check of checksOf(condition, facts, policy)) {
    const result = check();
    if (!result.holds) return { holds: false, why: [result.why] };
    why.push(result.why);
  }
  return { holds: true, why: why.length > 0 ? why : ['matches every mention'] };
}

/** One lazy check per key of the condition, in a fixed order (cheap ones first). */
function checksOf(c: Condition, f: RoutingFacts, policy: RoutingPolicy): (() => Check)[] {
  const checks: (() => Check)[] = [];
  if (c.relevant !== undefined) {
    checks.push(() =>
      f.relevant === c.relevant
        ? yes(c.relevant ? 'relevant to the company' : 'not relevant to the company')
        : no(f.relevant ? 'relevant to the company' : 'not relevant to the company'),
    );
  }
  if (c.category) {
    const values = c.category;
    checks.push(() => oneOf('category', f.category, values, `category ${f.category} is one of ${list(values)}`));
  }
  if (c.sentiment) {
    const values = c.sentiment;
    checks.push(() => oneOf('sentiment', f.sentiment, values));
  }
  if (c.urgency) {
    const range = c.urgency;
    checks.push(() => inRangeCheck('urgency', f.urgency, range));
  }
  if (c.confidence) {
    const range = c.confidence;
    checks.push(() => inRangeCheck('confidence', f.confidence, range));
  }
  if (c.language) {
    const values = c.language.map((l) => l.toLowerCase());
    checks.push(() => oneOf('language', f.language, values));
  }
  if (c.platform) {
    const values = c.platform;
    checks.push(() => oneOf('platform', f.platform, values));
  }
  if (c.kind) {
    const values = c.kind;
    checks.push(() => oneOf('kind', f.kind, values, `a ${f.kind}`));
  }
  if (c.author) {
    const author = c.author;
    checks.push(() => checkAuthor(author, f));
  }
  if (c.risk) {
    const values = c.risk;
    checks.push(() => {
      const flag = values.find((r) => f.risks.has(r));
      return flag ? yes(`risk ${flag}: ${f.risks.get(flag)}`) : no(`none of the risks ${list(values)}`);
    });
  }
  if (c.keyAccount !== undefined) {
    const wanted = c.keyAccount;
    checks.push(() => {
      if (wanted === false) {
        return f.keyAccounts.length === 0
          ? yes('no key account named')
          : no(`key account ${f.keyAccounts[0]?.account.name} named`);
      }
      const hit = wanted === true ? f.keyAccounts[0] : f.keyAccounts.find((k) => wanted.includes(k.account.id));
      return hit
        ? yes(`key account ${hit.account.name} (${hit.evidence}), account owner ${hit.account.owner.name}`)
        : no(wanted === true ? 'no key account named' : `none of the key accounts ${list(wanted)} named`);
    });
  }
  if (c.keywords) {
    const terms = c.keywords;
    checks.push(() => {
      const term = firstTermIn(f.text, terms);
      return term !== undefined
        ? yes(`text contains "${term}"`)
        : no(`text contains none of ${list(terms.map((t) => `"${t}"`))}`);
    });
  }
  if (c.keywordLists) {
    const names = c.keywordLists;
    checks.push(() => {
      for (const name of names) {
        const term = firstTermIn(f.text, policy.keywordLists?.[name] ?? []);
        if (term !== undefined) return yes(`text contains "${term}" (keyword list ${name})`);
      }
      return no(`text contains no word of the keyword lists ${list(names)}`);
    });
  }
  if (c.regex) {
    const patterns = c.regex;
    checks.push(() => {
      for (const pattern of patterns) {
        const found = compileRuleRegex(pattern).exec(f.rawText);
        if (found) return yes(`text matches /${pattern}/ ("${found[0]}")`);
      }
      return no(`text matches none of ${list(patterns.map((p) => `/${p}/`))}`);
    });
  }
  if (c.all) {
    const parts = c.all;
    checks.push(() => {
      const why: string[] = [];
      for (const part of parts) {
        const result = evaluateCondition(part, f, policy);
        if (!result.holds) return no(`not all of: ${result.why.join('; ')}`);
        why.push(...result.why);
      }
      return yes(`all of: ${why.join('; ')}`);
    });
  }
  if (c.any) {
    const parts = c.any;
    checks.push(() => {
      const failed: string[] = [];
      for (const part of parts) {
        const result = evaluateCondition(part, f, policy);
        if (result.holds) return yes(`any of: ${result.why.join('; ')}`);
        failed.push(...result.why);
      }
      return no(`none of: ${failed.join('; ')}`);
    });
  }
  if (c.not) {
    const inner = c.not;
    checks.push(() => {
      const result = evaluateCondition(inner, f, policy);
      return result.holds ? no(`not, but ${result.why.join('; ')}`) : yes(`not: ${result.why.join('; ')}`);
    });
  }
  return checks;
}

function checkAuthor(author: NonNullable<Condition['author']>, f: RoutingFacts): Check {
  const why: string[] = [];
  if (author.handles) {
    const handles = author.handles.map(normalizeHandle);
    if (!f.author.handle || !handles.includes(f.author.handle))
      return no(
        `author ${f.author.handle ? `@${f.author.handle}` : 'without handle'} is not one of ${list(author.handles)}`,
      );
    why.push(`author @${f.author.handle} is listed`);
  }
  if (author.ids) {
    if (!f.author.id || !author.ids.includes(f.author.id))
      return no(`author id ${f.author.id ?? 'unknown'} is not listed`);
    why.push(`author id ${f.author.id} is listed`);
  }
  if (author.minFollowers !== undefined || author.maxFollowers !== undefined) {
    const followers = f.author.followers;
    const range = { min: author.minFollowers, max: author.maxFollowers };
    if (followers === undefined) return no("the author's follower count is unknown");
    if (!inRange(followers, range)) return no(`author has ${followers} followers, not ${describeRange(range)}`);
    why.push(`author has ${followers} followers (${describeRange(range)})`);
  }
  return yes(why.join(', ') || 'any author');
}
