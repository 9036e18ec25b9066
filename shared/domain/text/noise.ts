import type { NormalizedText } from './normalize.ts';

/**
 * Noise: mentions nobody in the company needs to act on, whatever the models make of them.
 * Empty texts, texts of handles, links and emojis only (`@DB_Bahn`), follow-bait ("follow
 * for follow", "F4F", "check my profile") and crypto or giveaway spam are not relevant; a
 * model that sees a brand's handle beside "Free BTC giveaway!" would otherwise call it a
 * positive complaint. Only clear cases are decided here; the models learn the rest from the
 * corpus's spam examples, helped by the `spam words` signal that counts the same cues.
 */

/** What kind of noise a text is, and the reason shown for it. */
export interface NoiseVerdict {
  readonly kind: 'empty' | 'no words' | 'follow-bait' | 'spam';
  readonly reason: string;
}

/**
 * Spam cues as normalized tokens (folded, lower case, digits as `0`: "F4F" is `f0f`). Strong
 * ones hardly occur in a customer's message; weak ones do, and count only beside others.
 */
const STRONG_CUES = new Set([
  'crypto',
  'cryptos',
  'krypto',
  'bitcoin',
  'btc',
  'eth',
  'ethereum',
  'usdt',
  'nft',
  'nfts',
  'airdrop',
  'forex',
  'binance',
  'metamask',
  'dogecoin',
  'doge',
  'solana',
  'memecoin',
  'onlyfans',
  'cashapp',
]);
const WEAK_CUES = new Set([
  'giveaway',
  'gewinnspiel',
  'claim',
  'profit',
  'profits',
  'invest',
  'investment',
  'investing',
  'income',
  'passive',
  'telegram',
  'whatsapp',
  'promo',
  'promotion',
  'earn',
  'earning',
  'verdienen',
  'verdient',
  'dm',
  'gratis',
  'wallet',
  'limited',
  'signals',
  'trading',
]);
/** Token sequences of follow-bait and profile spam; one is enough. */
const FOLLOW_BAIT: readonly (readonly string[])[] = [
  ['f0f'],
  ['l0l'],
  ['s0s'],
  ['follow0follow'],
  ['like0like'],
  ['sub0sub'],
  ['followforfollow'],
  ['teamfollowback'],
  ['follow', 'for', 'follow'],
  ['like', 'for', 'like'],
  ['sub', 'for', 'sub'],
  ['follow', '0', 'follow'],
  ['like', '0', 'like'],
  ['check', 'my', 'profile'],
  ['check', 'out', 'my', 'profile'],
  ['check', 'my', 'bio'],
  ['check', 'out', 'my', 'page'],
  ['visit', 'my', 'profile'],
  ['link', 'in', 'bio'],
  ['link', 'in', 'my', 'bio'],
  ['free', 'followers'],
  ['buy', 'followers'],
  ['real', 'followers'],
  ['dm', 'for', 'promo'],
  ['dm', 'me', 'for', 'promo'],
  ['folge', 'fuer', 'folge'],
  ['folgst', 'du', 'mir'],
  ['schau', 'auf', 'meinem', 'profil'],
  ['schaut', 'auf', 'meinem', 'profil'],
  ['schau', 'mal', 'auf', 'meinem', 'profil'],
  ['link', 'in', 'der', 'bio'],
  ['follower', 'kaufen'],
];
const STRONG = 1;
const WEAK = 2;
const PHRASE_START = 4;
/** Every cue word with what it is (bits), so each token costs one lookup. */
const CUES = new Map<string, number>();
for (const word of STRONG_CUES) CUES.set(word, STRONG);
for (const word of WEAK_CUES) CUES.set(word, WEAK);
for (const phrase of FOLLOW_BAIT) CUES.set(phrase[0]!, (CUES.get(phrase[0]!) ?? 0) | PHRASE_START);
/** No cue word is longer. */
const MAX_CUE_LENGTH = Math.max(...[...CUES.keys()].map((w) => w.length));

/** Strong and weak spam cues among the tokens (each word once), and the first follow-bait phrase. */
export interface SpamCues {
  readonly strong: readonly string[];
  readonly weak: readonly string[];
  readonly followBait?: string;
}

/** The spam cues of normalized tokens: one pass, a set lookup per token. */
export function spamCuesOf(tokens: readonly string[]): SpamCues {
  let strong: string[] | undefined;
  let weak: string[] | undefined;
  let followBait: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.length > MAX_CUE_LENGTH) continue;
    const kind = CUES.get(token);
    if (kind === undefined) continue;
    if (kind & STRONG) {
      strong ??= [];
      if (!strong.includes(token)) strong.push(token);
    } else if (kind & WEAK) {
      weak ??= [];
      if (!weak.includes(token)) weak.push(token);
    }
    if (followBait === undefined && kind & PHRASE_START) followBait = followBaitAt(tokens, i);
  }
  return { strong: strong ?? NONE, weak: weak ?? NONE, ...(followBait ? { followBait } : {}) };
}

const NONE: readonly string[] = [];

function followBaitAt(tokens: readonly string[], at: number): string | undefined {
  for (const phrase of FOLLOW_BAIT) {
    if (phrase[0] !== tokens[at] || at + phrase.length > tokens.length) continue;
    if (phrase.every((word, k) => tokens[at + k] === word)) return phrase.join(' ');
  }
  return undefined;
}

/**
 * The noise verdict of a normalized text, or undefined when it is for the models to judge.
 * `ignore` lists words that are no spam cue for this company (its brand and product names:
 * to a crypto exchange, "bitcoin" is business).
 */
export function noiseOf(normalized: NormalizedText, ignore?: ReadonlySet<string>): NoiseVerdict | undefined {
  const { signals } = normalized;
  const cues = signals.spam;
  if (signals.letters === 0) {
    if (signals.emojis === 0 && signals.handles === 0 && signals.urls === 0) {
      return normalized.tokens.length === 0
        ? { kind: 'empty', reason: 'noise: no text' }
        : { kind: 'no words', reason: 'noise: no words, only digits or punctuation' };
    }
    const parts = [
      signals.handles > 0 ? 'handles' : '',
      signals.urls > 0 ? 'links' : '',
      signals.emojis > 0 ? 'emojis' : '',
    ].filter((p) => p);
    return {
      kind: 'no words',
      reason: `noise: no words, only ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]}`,
    };
  }
  if (cues.followBait) return { kind: 'follow-bait', reason: `noise: follow-bait "${cues.followBait}"` };
  if (cues.strong.length === 0 && cues.weak.length < 4) return undefined; // the usual mention: nothing to filter
  const strong = ignore && ignore.size > 0 ? cues.strong.filter((c) => !ignore.has(c)) : cues.strong;
  const weak = ignore && ignore.size > 0 ? cues.weak.filter((c) => !ignore.has(c)) : cues.weak;
  // One strong cue is a question about paying in bitcoin; three cues with a strong one, or
  // four weak ones beside a link, are an advertisement.
  if ((strong.length >= 1 && strong.length + weak.length >= 3) || (weak.length >= 4 && signals.urls > 0)) {
    return { kind: 'spam', reason: `noise: spam words ${[...strong, ...weak].map((w) => `"${w}"`).join(', ')}` };
  }
  return undefined;
}
