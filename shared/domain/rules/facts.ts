import type { Classification } from '../classification.ts';
import type { Category, Mention, MentionKind, Platform, Sentiment } from '../mention.ts';
import { firstTermIn, normalizeHandle, normalizeText } from './text-match.ts';
import type { KeyAccount, RiskFlag, RoutingPolicy } from './types.ts';

/** The parts of a mention that rules read; every field is optional so a bare classification routes too. */
export type RoutedMention = Partial<Pick<Mention, 'text' | 'platform' | 'kind' | 'author' | 'language'>>;

/** A key account named by a mention, and where it was found. */
export interface KeyAccountHit {
  readonly account: KeyAccount;
  /** `"Stadtwerke Kiel" in the text` or `author @stadtwerkekiel`. */
  readonly evidence: string;
}

/** Everything a condition can look at, computed once per mention. */
export interface RoutingFacts {
  readonly category: Category;
  readonly sentiment: Sentiment;
  readonly urgency: number;
  readonly confidence: number;
  readonly relevant: boolean;
  readonly language: string | undefined;
  readonly platform: Platform | undefined;
  readonly kind: MentionKind | undefined;
  /** Normalized text (NFC, lower case), for keywords. */
  readonly text: string;
  /** The text as written, for regexes. */
  readonly rawText: string;
  readonly author: { readonly id?: string; readonly handle?: string; readonly followers?: number };
  readonly keyAccounts: readonly KeyAccountHit[];
  readonly risks: ReadonlyMap<RiskFlag, string>;
}

export const DEFAULT_HIGH_REACH_FOLLOWERS = 10_000;
const URGENT = 0.7;
const UNKNOWN_LANGUAGES = new Set(['', 'und', 'unknown', 'xx']);

/**
 * The facts of one classified mention.
 *
 * Risk flags: `legal` (category legal_risk), `urgent` (urgency >= 0.7), `high_reach` (the
 * author has at least `highReachFollowers`), `negative_high_reach` (a negative mention by
 * such an author), `key_account` (a key account is named).
 */
export function factsOf(classification: Classification, mention: RoutedMention, policy: RoutingPolicy): RoutingFacts {
  const text = normalizeText(mention.text ?? '');
  const author: Partial<Mention['author']> = mention.author ?? {};
  const handle = author.handle ? normalizeHandle(author.handle) : undefined;
  const keyAccounts: KeyAccountHit[] = [];
  for (const account of policy.keyAccounts ?? []) {
    const term = firstTermIn(text, account.terms);
    if (term !== undefined) {
      keyAccounts.push({ account, evidence: `"${term}" in the text` });
    } else if (handle && (account.handles ?? []).some((h) => normalizeHandle(h) === handle)) {
      keyAccounts.push({ account, evidence: `author @${handle}` });
    }
  }

  const risks = new Map<RiskFlag, string>();
  if (classification.category === 'legal_risk') risks.set('legal', 'category legal_risk');
  if (classification.urgency >= URGENT)
    risks.set('urgent', `urgency ${classification.urgency.toFixed(2)} >= ${URGENT}`);
  const threshold = policy.highReachFollowers ?? DEFAULT_HIGH_REACH_FOLLOWERS;
  if (author.followers !== undefined && author.followers >= threshold) {
    risks.set('high_reach', `author has ${author.followers} followers (>= ${threshold})`);
    if (classification.sentiment === 'negative')
      risks.set('negative_high_reach', `negative, by an author with ${author.followers} followers`);
  }
  if (keyAccounts.length > 0) risks.set('key_account', `key account ${keyAccounts[0]?.account.name} named`);

  const language = UNKNOWN_LANGUAGES.has(classification.language) ? mention.language : classification.language;
  return {
    category: classification.category,
    sentiment: classification.sentiment,
    urgency: classification.urgency,
    confidence: classification.confidence,
    relevant: classification.relevant,
    language: language?.toLowerCase(),
    platform: mention.platform,
    kind: mention.kind,
    text,
    rawText: mention.text ?? '',
    author: {
      ...(author.id !== undefined ? { id: author.id } : {}),
      ...(handle !== undefined ? { handle } : {}),
      ...(author.followers !== undefined ? { followers: author.followers } : {}),
    },
    keyAccounts,
    risks,
  };
}
