import type { SlaDuration } from '../business-time.ts';
import type { Category, MentionKind, Platform, Priority, Sentiment } from '../mention.ts';
import type { TriagePolicy } from '../triage.ts';

/**
 * The rules engine's vocabulary. The company config (shared/config/schema.ts) produces
 * exactly these shapes, already normalized (lists are lists, durations are minutes), so
 * the engine never parses anything.
 */

/** An inclusive range of a number between 0 and 1 (urgency, confidence). */
export interface Range {
  readonly min?: number;
  readonly max?: number;
}

/**
 * Flags that mark a mention as risky. Some come from the classification, some from the
 * mention itself; `facts.ts` says which is which.
 */
export const RISK_FLAGS = ['legal', 'urgent', 'high_reach', 'negative_high_reach', 'key_account'] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

export interface AuthorCondition {
  /** Handles, compared without a leading `@` and case-insensitively. */
  readonly handles?: readonly string[];
  readonly ids?: readonly string[];
  readonly minFollowers?: number;
  readonly maxFollowers?: number;
}

/**
 * A rule's condition. Every key that is present must hold (they are AND-ed); a list means
 * "any of". `any`, `all` and `not` combine conditions.
 */
export interface Condition {
  readonly category?: readonly Category[];
  readonly sentiment?: readonly Sentiment[];
  readonly urgency?: Range;
  readonly confidence?: Range;
  readonly relevant?: boolean;
  /** Language codes (`de`, `en`): the classification's, else the platform's. */
  readonly language?: readonly string[];
  readonly platform?: readonly Platform[];
  readonly kind?: readonly MentionKind[];
  /** Words or phrases, case-insensitive, matched at the start of a word. */
  readonly keywords?: readonly string[];
  /** Names of keyword lists (`brand`, `products`, `competitors` or a custom list). */
  readonly keywordLists?: readonly string[];
  /** Regular expressions over the text, case-insensitive (JavaScript syntax, `u` flag). */
  readonly regex?: readonly string[];
  readonly author?: AuthorCondition;
  /** `true`: any key account is named; a list: one of these key accounts. */
  readonly keyAccount?: boolean | readonly string[];
  readonly risk?: readonly RiskFlag[];
  readonly any?: readonly Condition[];
  readonly all?: readonly Condition[];
  readonly not?: Condition;
}

/** What a matching rule does. */
export interface RuleAction {
  /** The receiving department (the case's). The first matching rule that names one decides. */
  readonly department?: string;
  /** Departments that receive a copy (a `Mention Routed` with role `cc`). */
  readonly cc?: readonly string[];
  readonly priority?: Priority;
  readonly tags?: readonly string[];
  /** Minutes until the case is due, instead of the department's SLA for the priority. */
  readonly sla?: SlaDuration;
  /** Nobody replies publicly before someone approves the answer. */
  readonly requireApproval?: boolean;
  /** Replies to a mention naming a key account need its owner's approval too (checked when sending: send-reply.ts). */
  readonly ownerApproval?: boolean;
  /** Keep evaluating the rules after this one (default: stop). */
  readonly continue?: boolean;
}

export interface Rule {
  readonly id: string;
  readonly description?: string;
  /** Absent or empty: the rule matches every mention. */
  readonly when?: Condition;
  readonly then: RuleAction;
}

/** A customer whose mentions matter to a named account owner. */
export interface KeyAccount {
  readonly id: string;
  readonly name: string;
  /** Names and words that identify the account in a text. */
  readonly terms: readonly string[];
  /** Social handles of the account, compared without `@`. */
  readonly handles?: readonly string[];
  readonly owner: { readonly name: string; readonly email?: string };
}

/** The part of the company config that routing reads. */
export interface RoutingPolicy {
  /** Departments and the categories they own: rules after the explicit ones. */
  readonly departments: readonly { readonly id: string; readonly categories: readonly string[] }[];
  /** Department that receives what no rule routes. */
  readonly fallback: string;
  /** Ordered rules, evaluated before the category ownership of the departments. */
  readonly rules?: readonly Rule[];
  /** Keyword lists by name, for `keywordLists` conditions. */
  readonly keywordLists?: Readonly<Record<string, readonly string[]>>;
  readonly keyAccounts?: readonly KeyAccount[];
  /** Followers from which an author counts as high reach (risk flag `high_reach`). @default 10000 */
  readonly highReachFollowers?: number;
  /** Unsure mentions go to the fallback department's triage (shared/domain/triage.ts); absent: off. */
  readonly triage?: TriagePolicy;
}

/** A rule that matched, and why, in words. */
export interface MatchedRule {
  readonly rule: string;
  readonly why: readonly string[];
  /** What the rule did, in words (`department sales`, `cc service`, `stop`). */
  readonly effects: readonly string[];
}

/** A key account named by a mention, with its owner. */
export interface NamedKeyAccount {
  readonly id: string;
  readonly name: string;
  readonly owner: { readonly name: string; readonly email?: string };
}

/** Where a mention goes, and why. */
export interface Routing {
  readonly department: string;
  readonly cc: readonly string[];
  readonly priority: Priority;
  /** Every reason in words: the matched rules with why, and how the priority came about. */
  readonly reasons: readonly string[];
  readonly tags?: readonly string[];
  readonly requireApproval?: boolean;
  /** Business time until due when a rule overrides the department's SLA. */
  readonly sla?: SlaDuration;
  /** The rules that matched, in order, with why: stored with the mention. */
  readonly matched?: readonly MatchedRule[];
  readonly keyAccounts?: readonly NamedKeyAccount[];
}
