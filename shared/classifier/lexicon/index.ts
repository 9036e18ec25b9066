import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GERMAN_LEXICON, GERMAN_PHRASES } from './de.ts';

/*
 * VADER's English lexicon (70 KB of source) is in a Lambda bundle only when a shipped feature
 * set (SHIPPED_FEATURES, features.ts) or a shipped sentiment stage (SHIPPED_TRAINING,
 * build-models.ts; the English one since round w19) reads it: otherwise infra/bundling.ts defines
 * `process.env.BACKCHANNEL_LEXICON_OFF_EN`, esbuild folds the condition and drops the
 * `import()` with the lexicon. Without the variable (npm start, tests, the CLI, the benches)
 * it loads. test/infra/lexicon-bundling.test.ts holds a bundle to it.
 */
/*
 * Where a bundle serves them (a function that loads models, since the English sentiment stage reads
 * them), they are a file of their own beside it (`BACKCHANNEL_LEXICON_FILE_EN`, infra/bundling.ts),
 * so they do not count in the function's bundle. Each expression is spelled out so that esbuild
 * drops the branches the variables rule out, and the modules with them.
 */
const BESIDE_EN = process.env.BACKCHANNEL_LEXICON_FILE_EN
  ? ((await import(
      pathToFileURL(path.join(import.meta.dirname, process.env.BACKCHANNEL_LEXICON_FILE_EN)).href
    )) as typeof import('./vader-en.ts') & typeof import('./en-cx.ts'))
  : undefined;
const VADER_EN = process.env.BACKCHANNEL_LEXICON_OFF_EN
  ? undefined
  : process.env.BACKCHANNEL_LEXICON_FILE_EN
    ? BESIDE_EN?.VADER_EN
    : (await import('./vader-en.ts')).VADER_EN;
/* The project's English customer lexicon (en-cx.ts), likewise: `BACKCHANNEL_LEXICON_OFF_EN_CX` drops it. */
const CUSTOMER_EN = process.env.BACKCHANNEL_LEXICON_OFF_EN_CX
  ? undefined
  : process.env.BACKCHANNEL_LEXICON_FILE_EN
    ? BESIDE_EN
    : await import('./en-cx.ts');

/**
 * Sentiment cues beside the hashed n-grams (issue 15): which tokens stand in a negation's
 * scope, a VADER-style lexicon score, and emoji classes. Pure: tokens in, numbers out. The
 * feature extractor turns them into a few binned features (see `features.ts`), so a model
 * learns how much to trust them, and a word the training data never showed still counts
 * through its lexicon valence.
 */

/**
 * Lexicons by name, as `FeatureOptions.lexicon` names them: VADER's English one (`en`), and
 * the two this project wrote (see DATA-LICENSES.md): German (`de`, `de.ts`) and English
 * customer sentiment (`en-cx`, `en-cx.ts`).
 */
export type LexiconName = 'en' | 'de' | 'en-cx';

/** Words that open a negation scope (after normalization: lower case, umlauts folded, no apostrophes). */
const NEGATORS: ReadonlySet<string> = new Set([
  // English; "n't" is tokenized as "...n" "t" and caught in `isNegator`.
  'not',
  'no',
  'never',
  'nor',
  'neither',
  'cannot',
  'nothing',
  'nobody',
  'none',
  'nowhere',
  'without',
  'aint',
  'arent',
  'cant',
  'couldnt',
  'didnt',
  'doesnt',
  'dont',
  'hadnt',
  'hasnt',
  'havent',
  'isnt',
  'shouldnt',
  'wasnt',
  'werent',
  'wont',
  'wouldnt',
  // German
  'nicht',
  'kein',
  'keine',
  'keinen',
  'keinem',
  'keiner',
  'keines',
  'keinerlei',
  'nie',
  'niemals',
  'nichts',
  'nix',
  'weder',
  'ohne',
]);

/** Words that end a negation scope like punctuation does ("not cheap but good"). */
const SCOPE_BREAKERS: ReadonlySet<string> = new Set([
  'but',
  'however',
  'although',
  'aber',
  'sondern',
  'doch',
  'jedoch',
]);

/** Markers that normalization inserts (URL, handle, ...): never negated, and they end a scope. */
const MARKERS: ReadonlySet<string> = new Set(['xurl', 'xuser', 'xtag', 'xsmile', 'xfrown', 'xbang', 'xquestion']);

/** Whether `text` between `from` and `to` holds a character that ends a negation scope: . , ; : ! ? ( ) " or a line break. */
function hasClauseEnd(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (
      c === 46 ||
      c === 44 ||
      c === 59 ||
      c === 58 ||
      c === 33 ||
      c === 63 ||
      c === 40 ||
      c === 41 ||
      c === 34 ||
      c === 10
    )
      return true;
  }
  return false;
}

function isNegator(tokens: readonly string[], t: number): boolean {
  const token = tokens[t]!;
  if (NEGATORS.has(token)) return true;
  // don't, isn't, can't: "don" "t"
  return token === 't' && t > 0 && tokens[t - 1]!.endsWith('n');
}

/**
 * Marks the tokens in a negation's scope: the tokens after a negator ("not", "never", "no",
 * "n't", "nicht", "kein", "nie", ...) up to the next punctuation, "but"/"aber", marker or
 * emoji, at most `maxTokens` of them. `text` is the normalized text the tokens were cut from
 * (its punctuation ends scopes). Writes 1 to `out[t]` for each negated token and 0 for the
 * others; returns the number negated (0 without a negator, after one cheap pass).
 */
export function markNegationScopes(
  text: string,
  tokens: readonly string[],
  maxTokens: number,
  out: Uint8Array,
): number {
  const n = tokens.length;
  out.fill(0, 0, n);
  let first = -1;
  for (let t = 0; t < n; t++) {
    if (isNegator(tokens, t)) {
      first = t;
      break;
    }
  }
  if (first < 0) return 0;
  // Where each token starts in `text`: tokens are cut from it in order, and what lies between
  // two tokens is never part of a token, so the next occurrence from the cursor is the token.
  let cursor = 0;
  let remaining = 0;
  let negated = 0;
  for (let t = 0; t < n; t++) {
    const token = tokens[t]!;
    const at = text.indexOf(token, cursor);
    const start = at < 0 ? cursor : at;
    if (remaining > 0 && t > 0 && hasClauseEnd(text, cursor, start)) remaining = 0;
    cursor = start + token.length;
    if (t < first) continue;
    if (isNegator(tokens, t)) {
      remaining = maxTokens;
      continue;
    }
    if (SCOPE_BREAKERS.has(token) || MARKERS.has(token) || token.codePointAt(0)! > 0x2000) {
      remaining = 0;
      continue;
    }
    if (remaining > 0) {
      out[t] = 1;
      negated++;
      remaining--;
    }
  }
  return negated;
}

/** VADER's empirically derived constants (Hutto & Gilbert 2014). */
const BOOST = 0.293;
const NEGATION_SCALAR = -0.74;
/** VADER's normalization constant of the compound score. */
const ALPHA = 15;

/** Degree adverbs (VADER's booster list, single words, plus German ones): raise or lower the next word's valence. */
const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...'absolutely amazingly awfully completely considerably decidedly deeply effing enormously entirely especially exceptionally extremely fabulously flipping fricking frigging fully fucking greatly hella highly hugely incredibly intensely majorly more most particularly purely quite really remarkably so substantially thoroughly totally tremendously uber unbelievably unusually utterly very sehr total voll echt extrem absolut wirklich richtig super mega'
    .split(' ')
    .map((w): [string, number] => [w, BOOST]),
  ...'almost barely hardly kinda less little marginally occasionally partly scarcely slightly somewhat sorta kaum etwas bisschen wenig'
    .split(' ')
    .map((w): [string, number] => [w, -BOOST]),
]);

/**
 * Emoji classes: the faces and hands people use to say they are pleased or annoyed. Written
 * for this project (no lexicon licence involved); valences on VADER's scale. Variation
 * selectors are removed by normalization, so `❤️` is `❤`.
 */
const EMOJI_VALENCE: ReadonlyMap<string, number> = new Map([
  ...'😀 😃 😄 😁 😆 😊 🙂 😍 🥰 😘 😻 🤩 😎 🥳 👍 👏 🙌 🙏 💪 ❤ 💕 💖 💗 💙 💚 💛 💜 🧡 💯 🎉 🥇 🏆 ✨ 🌟 ⭐ ✅ 👌 😂 🤣 😅 😉 🤗'
    .split(' ')
    .map((e): [string, number] => [e, 2]),
  ...'😠 😡 🤬 😤 😞 😢 😭 😩 😫 😖 😣 😟 😕 🙁 ☹ 😒 🙄 🤦 🤮 🤢 💩 👎 💔 😱 😨 😰 🖕 ❌ 🚫 ⚠ 😓 😪'
    .split(' ')
    .map((e): [string, number] => [e, -2]),
]);

/**
 * A model reads a lexicon its Lambda bundle was built without: the bundle keeps only the
 * lexicons of the shipped feature sets (infra/bundling.ts), and a model trained with another
 * one (not one the project ships) cannot be served by it.
 */
export class LexiconNotBundledError extends Error {
  constructor(readonly lexicon: LexiconName) {
    super(
      `The "${lexicon}" sentiment lexicon is not in this bundle: infra/bundling.ts bundles only the lexicons of SHIPPED_FEATURES (shared/classifier/features.ts); ship a feature set that reads it, or retrain the model with the shipped features`,
    );
    this.name = 'LexiconNotBundledError';
  }
}

let vaderEn: ReadonlyMap<string, number> | undefined;
let german: StemLexicon | undefined;
let customerEn: StemLexicon | undefined;

/**
 * Throws unless this process can serve the lexicon: a name this code knows, bundled here. Checked
 * when a model is decoded (model-codec.ts), so a company model that reads a lexicon its bundle
 * lacks, or a later release's lexicon, is refused at load, where classify-mention falls back
 * to the shipped models, not at its first classification. Builds nothing.
 * @throws LexiconNotBundledError when the bundle was built without it; Error when the name is unknown
 */
export function assertLexiconServable(name: string): asserts name is LexiconName {
  if (name === 'en-cx') customerEnSource();
  else if (name === 'en') vaderEnSource();
  else if (name !== 'de') throw new Error(`unknown lexicon ${name}`);
}

function customerEnSource(): NonNullable<typeof CUSTOMER_EN> {
  if (!CUSTOMER_EN) throw new LexiconNotBundledError('en-cx');
  return CUSTOMER_EN;
}

function vaderEnSource(): NonNullable<typeof VADER_EN> {
  if (!VADER_EN) throw new LexiconNotBundledError('en');
  return VADER_EN;
}

/**
 * The lexicon's valences (-4 to +4) by normalized word, built once on first use. The German
 * one also matches stems and compound heads, and knows two-word phrases (`StemLexicon`).
 */
export function lexiconOf(name: LexiconName): ReadonlyMap<string, number> {
  assertLexiconServable(name);
  if (name === 'de') {
    german ??= new StemLexicon(GERMAN_LEXICON, GERMAN_PHRASES);
    return german;
  }
  if (name === 'en-cx') {
    const source = customerEnSource();
    customerEn ??= new StemLexicon(source.CUSTOMER_LEXICON_EN, source.CUSTOMER_PHRASES_EN);
    return customerEn;
  }
  if (!vaderEn) {
    const map = new Map<string, number>();
    for (const [tenths, words] of vaderEnSource()) for (const word of words.split(' ')) map.set(word, tenths / 10);
    vaderEn = map;
  }
  return vaderEn;
}

/** A word as normalization folds it: lower case, umlauts as ae/oe/ue, ß as ss. */
function foldWord(word: string): string {
  return word.toLowerCase().replaceAll('ä', 'ae').replaceAll('ö', 'oe').replaceAll('ü', 'ue').replaceAll('ß', 'ss');
}

/** How many distinct tokens a stem lexicon remembers the answer for before it starts over. */
const STEM_MEMO_LIMIT = 50_000;

/** What a stem lexicon knows of one token: its valence, and the phrases it ends (by first word). */
export interface LexiconEntry {
  readonly valence: number | undefined;
  readonly firsts: ReadonlyMap<string, number> | undefined;
}

const NO_ENTRY: LexiconEntry = { valence: undefined, firsts: undefined };

/**
 * A lexicon of full words, stems (`verspät*`: every word that starts so) and compound heads
 * (`*ausfall`: every word that ends so), read like a map: `get(token)` is the full word's
 * valence, else the longest matching stem's, else the longest matching head's. Answers are
 * remembered per token (bounded), with the phrases the token ends, so that scoring a token is
 * one lookup (`entryOf`) once the token has been seen.
 */
export class StemLexicon extends Map<string, number> {
  /** By second word, then first word: the phrase's valence. */
  readonly phrases: ReadonlyMap<string, ReadonlyMap<string, number>>;
  private readonly prefixes = new Map<string, number>();
  private readonly suffixes = new Map<string, number>();
  private readonly memo = new Map<string, LexiconEntry>();
  private longestStem = 0;

  constructor(
    entries: readonly (readonly [number, string])[],
    phrases: readonly (readonly [number, readonly string[]])[] = [],
  ) {
    super();
    for (const [tenths, words] of entries) {
      for (const entry of words.split(' ')) {
        const valence = tenths / 10;
        if (entry.endsWith('*')) this.addStem(this.prefixes, foldWord(entry.slice(0, -1)), valence);
        else if (entry.startsWith('*')) this.addStem(this.suffixes, foldWord(entry.slice(1)), valence);
        else super.set(foldWord(entry), valence);
      }
    }
    const byLast = new Map<string, Map<string, number>>();
    for (const [tenths, list] of phrases) {
      for (const phrase of list) {
        const [first, second] = phrase.split(' ').map(foldWord) as [string, string];
        const firsts = byLast.get(second) ?? new Map<string, number>();
        firsts.set(first, tenths / 10);
        byLast.set(second, firsts);
      }
    }
    this.phrases = byLast;
  }

  override get(token: string): number | undefined {
    return this.entryOf(token).valence;
  }

  override has(token: string): boolean {
    return this.get(token) !== undefined;
  }

  /** The token's valence (full word, else stem, else compound head) and the phrases it ends. */
  entryOf(token: string): LexiconEntry {
    const known = this.memo.get(token);
    if (known !== undefined) return known;
    const valence = super.get(token) ?? this.stemValence(token);
    const firsts = this.phrases.get(token);
    const entry = valence === undefined && firsts === undefined ? NO_ENTRY : { valence, firsts };
    if (this.memo.size >= STEM_MEMO_LIMIT) this.memo.clear();
    this.memo.set(token, entry);
    return entry;
  }

  private addStem(stems: Map<string, number>, stem: string, valence: number): void {
    stems.set(stem, valence);
    this.longestStem = Math.max(this.longestStem, stem.length);
  }

  private stemValence(token: string): number | undefined {
    // Stems shorter than 3 letters would match too much; numbers and markers are no words.
    for (let n = Math.min(token.length, this.longestStem); n >= 3; n--) {
      const valence = this.prefixes.get(token.slice(0, n));
      if (valence !== undefined) return valence;
    }
    for (let n = Math.min(token.length - 1, this.longestStem); n >= 4; n--) {
      const valence = this.suffixes.get(token.slice(token.length - n));
      if (valence !== undefined) return valence;
    }
    return undefined;
  }
}

/** What the lexicon says about a text. */
export interface LexiconScore {
  /** Sum of the positive valences after boosters, negation and "but" (VADER's scale, 0 when none). */
  readonly positive: number;
  /** Sum of the negative valences' magnitudes, likewise. */
  readonly negative: number;
  /** VADER's compound score, (positive - negative) normalized to -1..1. */
  readonly compound: number;
  /** Lexicon words found (emojis included). */
  readonly hits: number;
  /** Lexicon words inside a negation scope, by their valence before negation. */
  readonly negatedPositive: number;
  readonly negatedNegative: number;
  /** Emojis of the positive and negative classes. */
  readonly emojiPositive: number;
  readonly emojiNegative: number;
}

/**
 * A VADER-style score of a normalized text's tokens: each lexicon word's valence, raised or
 * lowered by a degree adverb before it ("very good", "kinda bad"), times -0.74 inside a
 * negation scope (`negated[t]` from `markNegationScopes`), halved before "but" and times 1.5
 * after it; emojis of the classes count with their own valence. Capitals and punctuation
 * emphasis are left to the other features.
 */
export function lexiconScore(
  tokens: readonly string[],
  negated: Uint8Array,
  lexicon: ReadonlyMap<string, number>,
): LexiconScore {
  let positive = 0;
  let negative = 0;
  let hits = 0;
  let negatedPositive = 0;
  let negatedNegative = 0;
  let emojiPositive = 0;
  let emojiNegative = 0;
  let butAt = -1;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token === 'but' || token === 'aber') butAt = t;
  }
  const stems = lexicon instanceof StemLexicon ? lexicon : undefined;
  // The previous token's contribution, taken back when a phrase ends at this token.
  let previousAt = -1;
  let previousValue = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    let valence: number | undefined;
    let phrase: number | undefined;
    if (stems !== undefined) {
      const entry = stems.entryOf(token);
      if (entry.firsts !== undefined && t > 0) phrase = entry.firsts.get(tokens[t - 1]!);
      valence = phrase ?? entry.valence;
    } else valence = lexicon.get(token);
    if (phrase !== undefined && previousAt === t - 1) {
      if (previousValue > 0) positive -= previousValue;
      else negative += previousValue;
      hits--;
    }
    if (valence === undefined) {
      const emoji = token.codePointAt(0)! > 0x2000 ? EMOJI_VALENCE.get(token) : undefined;
      if (emoji === undefined) continue;
      if (emoji >= 2) emojiPositive++;
      else if (emoji <= -2) emojiNegative++;
      valence = emoji;
    }
    hits++;
    for (let back = 1; back <= 2 && t - back >= 0; back++) {
      const boost = BOOSTERS.get(tokens[t - back]!);
      if (boost !== undefined) valence += Math.sign(valence) * boost * (back === 1 ? 1 : 0.95);
    }
    // A phrase that starts with its negator ("keine Antwort") already says what it means.
    if (negated[t] === 1 && (phrase === undefined || !isNegator(tokens, t - 1))) {
      if (valence > 0) negatedPositive++;
      else negatedNegative++;
      valence *= NEGATION_SCALAR;
    }
    if (butAt >= 0) valence *= t < butAt ? 0.5 : t > butAt ? 1.5 : 1;
    if (valence > 0) positive += valence;
    else negative -= valence;
    previousAt = t;
    previousValue = valence;
  }
  const sum = positive - negative;
  return {
    positive,
    negative,
    compound: sum / Math.sqrt(sum * sum + ALPHA),
    hits,
    negatedPositive,
    negatedNegative,
    emojiPositive,
    emojiNegative,
  };
}

/** A `LexiconScore` that `LexiconPair.score` writes into (reused, so scoring allocates nothing). */
export type MutableLexiconScore = { -readonly [K in keyof LexiconScore]: LexiconScore[K] };

/** A score of nothing, to be written by `LexiconPair.score`. */
export function emptyLexiconScore(): MutableLexiconScore {
  return {
    positive: 0,
    negative: 0,
    compound: 0,
    hits: 0,
    negatedPositive: 0,
    negatedNegative: 0,
    emojiPositive: 0,
    emojiNegative: 0,
  };
}

/** What `LexiconPair` knows of one token: both lexicons' entries and the token's own roles. */
interface PairEntry {
  /** The plain lexicon's valence (VADER), else undefined. */
  readonly plain: number | undefined;
  /** The stem lexicon's entry (the customer lexicon). */
  readonly stems: LexiconEntry;
  /** Its degree (`BOOSTERS`), else undefined. */
  readonly boost: number | undefined;
  /** An emoji class's valence, else undefined. */
  readonly emoji: number | undefined;
  /** "but" or "aber". */
  readonly but: boolean;
  /** A word of `NEGATORS` (the "n" "t" of "don't" is checked beside it). */
  readonly negator: boolean;
}

/**
 * Two lexicons scored over the same tokens in one pass (the English sentiment stage reads VADER
 * and the customer lexicon): each token is looked up once, in a memo of everything both scores
 * need to know of it (both valences, the phrases it ends, its degree, whether it negates or is
 * "but"), instead of once per lexicon and again per neighbour. The same numbers as
 * `markNegationScopes` followed by `lexiconScore` for each lexicon, bit for bit
 * (test/unit/classifier/lexicon.test.ts); the 280-character hot path's specialization of them.
 */
export class LexiconPair {
  private readonly memo = new Map<string, PairEntry>();
  private entries: PairEntry[] = [];
  private negatorAt = new Uint8Array(512);

  constructor(
    private readonly plain: ReadonlyMap<string, number>,
    private readonly stems: StemLexicon,
  ) {}

  private entryOf(token: string): PairEntry {
    const known = this.memo.get(token);
    if (known !== undefined) return known;
    const entry: PairEntry = {
      plain: this.plain.get(token),
      stems: this.stems.entryOf(token),
      boost: BOOSTERS.get(token),
      emoji: token.codePointAt(0)! > 0x2000 ? EMOJI_VALENCE.get(token) : undefined,
      but: token === 'but' || token === 'aber',
      negator: NEGATORS.has(token),
    };
    if (this.memo.size >= STEM_MEMO_LIMIT) this.memo.clear();
    this.memo.set(token, entry);
    return entry;
  }

  /**
   * Marks the negation scopes of `text`'s `tokens` (at most `maxTokens` each) in `negated` and
   * writes the plain lexicon's score to `plainOut` and the stem lexicon's to `stemsOut`.
   */
  score(
    text: string,
    tokens: readonly string[],
    maxTokens: number,
    negated: Uint8Array,
    plainOut: MutableLexiconScore,
    stemsOut: MutableLexiconScore,
  ): void {
    const n = tokens.length;
    if (this.entries.length < n) this.entries = new Array<PairEntry>(n * 2);
    if (this.negatorAt.length < n) this.negatorAt = new Uint8Array(n * 2);
    const entries = this.entries;
    const negatorAt = this.negatorAt;
    let butAt = -1;
    let anyNegator = false;
    for (let t = 0; t < n; t++) {
      const entry = this.entryOf(tokens[t]!);
      entries[t] = entry;
      if (entry.but) butAt = t;
      // As `isNegator`: a negating word, or the "t" of "don't" after a word ending in "n".
      const negator = entry.negator || (t > 0 && tokens[t]! === 't' && tokens[t - 1]!.endsWith('n'));
      negatorAt[t] = negator ? 1 : 0;
      anyNegator ||= negator;
    }
    if (anyNegator) markNegationScopes(text, tokens, maxTokens, negated);
    else negated.fill(0, 0, n);
    scoreWith(entries, tokens, negated, negatorAt, butAt, false, plainOut);
    scoreWith(entries, tokens, negated, negatorAt, butAt, true, stemsOut);
  }
}

/** `lexiconScore`'s loop over `LexiconPair`'s entries, for its plain lexicon or its stem lexicon. */
function scoreWith(
  entries: readonly PairEntry[],
  tokens: readonly string[],
  negated: Uint8Array,
  negatorAt: Uint8Array,
  butAt: number,
  stems: boolean,
  out: MutableLexiconScore,
): void {
  let positive = 0;
  let negative = 0;
  let hits = 0;
  let negatedPositive = 0;
  let negatedNegative = 0;
  let emojiPositive = 0;
  let emojiNegative = 0;
  let previousAt = -1;
  let previousValue = 0;
  for (let t = 0; t < tokens.length; t++) {
    const entry = entries[t]!;
    let valence: number | undefined;
    let phrase: number | undefined;
    if (stems) {
      const firsts = entry.stems.firsts;
      if (firsts !== undefined && t > 0) phrase = firsts.get(tokens[t - 1]!);
      valence = phrase ?? entry.stems.valence;
    } else valence = entry.plain;
    if (phrase !== undefined && previousAt === t - 1) {
      if (previousValue > 0) positive -= previousValue;
      else negative += previousValue;
      hits--;
    }
    if (valence === undefined) {
      const emoji = entry.emoji;
      if (emoji === undefined) continue;
      if (emoji >= 2) emojiPositive++;
      else if (emoji <= -2) emojiNegative++;
      valence = emoji;
    }
    hits++;
    for (let back = 1; back <= 2 && t - back >= 0; back++) {
      const boost = entries[t - back]!.boost;
      if (boost !== undefined) valence += Math.sign(valence) * boost * (back === 1 ? 1 : 0.95);
    }
    if (negated[t] === 1 && (phrase === undefined || negatorAt[t - 1] !== 1)) {
      if (valence > 0) negatedPositive++;
      else negatedNegative++;
      valence *= NEGATION_SCALAR;
    }
    if (butAt >= 0) valence *= t < butAt ? 0.5 : t > butAt ? 1.5 : 1;
    if (valence > 0) positive += valence;
    else negative -= valence;
    previousAt = t;
    previousValue = valence;
  }
  const sum = positive - negative;
  out.positive = positive;
  out.negative = negative;
  out.compound = sum / Math.sqrt(sum * sum + ALPHA);
  out.hits = hits;
  out.negatedPositive = negatedPositive;
  out.negatedNegative = negatedNegative;
  out.emojiPositive = emojiPositive;
  out.emojiNegative = emojiNegative;
}

let englishPair: LexiconPair | undefined;

/** VADER and the customer lexicon as one `LexiconPair`, built once on first use. */
export function englishLexiconPair(): LexiconPair {
  englishPair ??= new LexiconPair(lexiconOf('en'), lexiconOf('en-cx') as StemLexicon);
  return englishPair;
}
