import { lexiconOf, lexiconScore, markNegationScopes, type LexiconName } from './lexicon/index.ts';
import type { NormalizedText } from './normalize.ts';

/**
 * Hashed word and character n-gram features. A feature's index is the FNV-1a hash of its
 * kind and text, modulo 2^bits: no vocabulary is stored, unseen words cost nothing, and
 * the models stay a fixed size. The extractor remembers where each feature came from so
 * the few that decide can be named in the reasons without building every n-gram string.
 */

/** How texts become vectors; stored in every model so training and inference agree. */
export interface FeatureOptions {
  /** log2 of the number of hash buckets. */
  readonly bits: number;
  /** Character n-gram orders (inclusive), taken inside each word padded with spaces. */
  readonly charMin: number;
  readonly charMax: number;
  /** Include pairs of neighbouring words. */
  readonly wordBigrams: boolean;
  /** Weight of word features relative to character n-grams before length normalization. */
  readonly wordWeight: number;
  readonly charWeight: number;
  /** Scale features by inverse document frequency (learned from the training texts, shipped with the model). */
  readonly idf?: boolean;
  /**
   * Negation scope marking: a word within this many tokens after "not", "never", "no", "n't",
   * "nicht", "kein", "nie", ... (and before punctuation, "but"/"aber", a marker or an emoji)
   * is a different word feature ("not good" is not "good"); its character n-grams stay.
   * Undefined (models trained before): off.
   */
  readonly negationScope?: number;
  /**
   * A sentiment lexicon whose VADER-style score (valences with degree adverbs, negation and
   * "but", see `lexicon/index.ts`) adds a few binned signals (`lexicon positive >= 2`,
   * `lexicon very negative`, `negated positive word`, ...). Undefined: none.
   */
  readonly lexicon?: LexiconName;
  /** Signals for emojis of the positive and negative classes (`emoji positive`). Undefined: off. */
  readonly emojiClasses?: boolean;
  /**
   * The heads that read the lexicon's and emoji classes' signals (`LEXICON_SIGNAL_NAMES`);
   * undefined: all three (models trained before round w14). The other heads are trained
   * without those signals' buckets, so their weights there are zero and classification
   * needs nothing else: the vector and its norm are the same for every head, and a release
   * that does not know this field scores such a model exactly as one that does.
   */
  readonly lexiconHeads?: readonly ('relevance' | 'sentiment' | 'category')[];
}

/**
 * The shipped models' features. n-gram orders and word weight: 5-fold cross-validation on
 * the GermEval dev set; idf: 4-fold cross-validation on the corpus train split (it helps the
 * category head on short texts, where words like "aus" or "mein" otherwise weigh).
 */
export const DEFAULT_FEATURES: FeatureOptions = {
  bits: 18,
  charMin: 3,
  charMax: 5,
  wordBigrams: true,
  wordWeight: 2,
  charWeight: 1,
  idf: true,
};

/**
 * The shipped (and company) models' features per language. The sentiment options
 * (negation scope, VADER lexicon, emoji classes) are measured by `npm run bench:lexicon` and
 * not shipped (see docs/classifier.md): for English the lexicon gains 0.014 mean out-of-fold
 * sentiment accuracy on the training parts (0.703 -> 0.718) and 0.016 on the real held-out
 * texts (0.671 -> 0.687), but costs the written corpus's held-out sentiment 0.022
 * (0.746 -> 0.724, over the 0.02 the project allows) and reads "Why is my order still not
 * here? Its been 2 weeks" as neutral. German reads the project's own lexicon (lexicon/de.ts,
 * round w12, second pass w13): +0.021 mean out-of-fold accuracy (0.692 -> 0.713), held-out
 * written 0.774 -> 0.793 and real 0.681 -> 0.698; negation scope and emoji classes add nothing
 * there. The project's English customer lexicon (`en-cx`, lexicon/en-cx.ts, round w13) is
 * not shipped: fed to all three heads it cost the written held-out category 0.020; in the
 * sentiment head only (`lexiconHeads`, round w14, with the neutral margin at -0.5) it gains
 * 0.005 real held-out over the same model without it (0.690 -> 0.695), loses 0.018 written
 * held-out sentiment (0.815 -> 0.797) and reads "cant log in" as negative, but its 4 KB put
 * train-model over its bundle line (1.3x) and cost about 5 % of the 280-character throughput.
 * Shipped in round w14: no lexicon, neutral margin -0.5 (written 0.791 -> 0.815, real 0.684
 * -> 0.690).
 * Turning one on is one line here, then `npm run train`.
 */
export const SHIPPED_FEATURES: Readonly<Record<'de' | 'en' | 'any', FeatureOptions>> = {
  de: { ...DEFAULT_FEATURES, lexicon: 'de' },
  en: DEFAULT_FEATURES,
  any: DEFAULT_FEATURES,
};

/**
 * Features of one text before weighting: bucket, count, kind (CHAR_KIND for character
 * n-grams) and reason group of each (see `FeatureExtractor.strongest`).
 */
export interface CollectedFeatures {
  readonly indices: Int32Array;
  readonly counts: Float32Array;
  readonly kinds: Uint8Array;
  readonly groups: Int32Array;
  /** Number of reason groups: 2 per token (the word with its character n-grams; the pair it starts) and one per signal. */
  readonly groupCount: number;
}

/** The `kinds` value of character n-grams (weighted by `charWeight`; all others by `wordWeight`). */
export const CHAR_KIND = 3;

/** A sparse, L2-normalized feature vector. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

enum Kind {
  Word = 1,
  Bigram = 2,
  Char = 3,
  Signal = 4,
  /** A word inside a negation scope (FeatureOptions.negationScope). */
  NegatedWord = 5,
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Signal features: names that normalization turns into extra tokens. */
export const SIGNAL_NAMES = [
  'length:short',
  'length:medium',
  'length:long',
  'caps',
  'emoji',
  'url',
  'handle',
  'no letters',
  'spam words',
  // FeatureOptions.lexicon: positive and negative valence sums as thresholds, the compound score in five bins.
  'lexicon positive',
  'lexicon positive >= 2',
  'lexicon positive >= 4',
  'lexicon negative',
  'lexicon negative >= 2',
  'lexicon negative >= 4',
  'lexicon very negative',
  'lexicon negative overall',
  'lexicon balanced',
  'lexicon positive overall',
  'lexicon very positive',
  'negated positive word',
  'negated negative word',
  // FeatureOptions.emojiClasses
  'emoji positive',
  'emoji negative',
] as const;

const LEXICON_SIGNAL = SIGNAL_NAMES.indexOf('lexicon positive');

/** The signals that `FeatureOptions.lexicon` and `emojiClasses` add (what `lexiconHeads` scopes). */
export const LEXICON_SIGNAL_NAMES = SIGNAL_NAMES.slice(LEXICON_SIGNAL);
const EMOJI_SIGNAL = SIGNAL_NAMES.indexOf('emoji positive');
const NO_LEXICON: ReadonlyMap<string, number> = new Map();

/** Turns normalized texts into sparse vectors. One instance reuses its buffers; it is not re-entrant. */
export class FeatureExtractor {
  readonly options: FeatureOptions;
  private readonly mask: number;
  /**
   * Open-addressing table from bucket to slot, sized to the text, not to the 2^bits buckets:
   * it stays in the processor's cache. Each entry is four numbers side by side (stamp,
   * bucket, slot, unused), so a probe reads one cache line. An entry is valid when its stamp
   * is the current one, so nothing is cleared between texts.
   */
  private table = new Int32Array(4 * 2048);
  private stamp = 0;
  private counts = new Float32Array(1024);
  private touched = new Int32Array(1024);
  private originKind = new Uint8Array(1024);
  /** Reason group of each feature: the token (word and its character n-grams), token count + token (the pair it starts), or 2 * token count + signal. */
  private originGroup = new Int32Array(1024);
  private size = 0;
  private groups = new Float64Array(256);
  private tokens: readonly string[] = [];
  private readonly signalIds: number[] = [];
  /** Per token of the last text: 1 when it stands in a negation scope. */
  private negated = new Uint8Array(256);
  private negatedCount = 0;
  private readonly lexicon: ReadonlyMap<string, number> | undefined;

  private readonly idf: Float32Array | undefined;

  /** `idf` (one weight per bucket) is required when `options.idf` is set, except to count document frequencies. */
  constructor(options: FeatureOptions = DEFAULT_FEATURES, idf?: Float32Array) {
    this.options = options;
    this.idf = idf;
    this.mask = (1 << options.bits) - 1;
    this.lexicon = options.lexicon ? lexiconOf(options.lexicon) : options.emojiClasses ? NO_LEXICON : undefined;
  }

  get dimension(): number {
    return this.mask + 1;
  }

  /**
   * The vector of one text. The returned arrays are views of internal buffers, valid until
   * the next call; `copy` them to keep them.
   */
  extract(normalized: NormalizedText): SparseVector {
    this.collect(normalized);
    return this.finish(this.options.wordWeight, this.options.charWeight);
  }

  /**
   * The features of one text, counted but not yet weighted: `indices`, and per feature its
   * count, whether it is a character n-gram and its reason group. Inference weighs them
   * itself (with the idf stored beside the weights, see `scoreFused`); views valid until the
   * next call.
   */
  collect(normalized: NormalizedText): CollectedFeatures {
    this.reset();
    const { tokens, signals } = normalized;
    this.tokens = tokens;
    const { charMin, charMax, wordBigrams } = this.options;
    const tokenCount = tokens.length;
    const { negationScope } = this.options;
    if (this.negated.length < tokenCount) this.negated = new Uint8Array(tokenCount * 2);
    const negated = this.negated;
    this.negatedCount =
      negationScope !== undefined || this.lexicon !== undefined
        ? markNegationScopes(normalized.text, tokens, negationScope ?? 3, negated)
        : 0;
    const markNegated = negationScope !== undefined && this.negatedCount > 0;

    for (let t = 0; t < tokenCount; t++) {
      const token = tokens[t]!;
      const wordKind = markNegated && negated[t] === 1 ? Kind.NegatedWord : Kind.Word;
      this.add(hashString(FNV_OFFSET ^ wordKind, token, 0, token.length), Kind.Word, t);
      if (wordBigrams && t + 1 < tokens.length) {
        const next = tokens[t + 1]!;
        let h = hashString(FNV_OFFSET ^ Kind.Bigram, token, 0, token.length);
        h = Math.imul(h ^ 32, FNV_PRIME);
        h = hashString(h, next, 0, next.length);
        this.add(h, Kind.Bigram, tokenCount + t);
      }
      // Character n-grams only for words, not for markers or emojis.
      if (token.length < 2 || token.codePointAt(0)! > 0x2000 || isMarker(token)) continue;
      const padded = token.length + 2;
      for (let start = 0; start < padded; start++) {
        let h = FNV_OFFSET ^ Kind.Char;
        for (let n = 1; n <= charMax && start + n <= padded; n++) {
          const at = start + n - 1;
          const code = at === 0 || at === padded - 1 ? 32 : token.charCodeAt(at - 1);
          h = Math.imul(h ^ code, FNV_PRIME);
          if (n >= charMin) this.add(h, Kind.Char, t);
        }
      }
    }

    const signalIds = this.signalIds;
    signalIds.length = 0;
    if (signals.letters === 0) signalIds.push(7);
    else signalIds.push(signals.length < 60 ? 0 : signals.length < 400 ? 1 : 2);
    if (signals.capsWords >= 2 || (signals.capsRatio > 0.6 && signals.letters >= 8)) signalIds.push(3);
    if (signals.emojis > 0) signalIds.push(4);
    if (signals.urls > 0) signalIds.push(5);
    if (signals.handles > 0) signalIds.push(6);
    // Follow-bait, or two spam cues ("giveaway", "btc"): rare in one customer's message.
    if (signals.spam.followBait !== undefined || signals.spam.strong.length + signals.spam.weak.length >= 2)
      signalIds.push(8);
    if (this.lexicon) this.lexiconSignals(tokens, signalIds);
    for (const id of signalIds) this.add(SIGNAL_HASHES[id]!, Kind.Signal, 2 * tokenCount + id);

    return {
      indices: this.touched.subarray(0, this.size),
      counts: this.counts.subarray(0, this.size),
      kinds: this.originKind.subarray(0, this.size),
      groups: this.originGroup.subarray(0, this.size),
      groupCount: 2 * tokenCount + SIGNAL_NAMES.length,
    };
  }

  /**
   * The lexicon's and emoji classes' signals of a text (see FeatureOptions.lexicon): the
   * score is VADER's, but binned, so the model weighs each range and needs no new arithmetic.
   */
  private lexiconSignals(tokens: readonly string[], signalIds: number[]): void {
    const score = lexiconScore(tokens, this.negated, this.lexicon!);
    if (score.hits === 0) return;
    if (this.options.emojiClasses) {
      if (score.emojiPositive > 0) signalIds.push(EMOJI_SIGNAL);
      if (score.emojiNegative > 0) signalIds.push(EMOJI_SIGNAL + 1);
    }
    if (!this.options.lexicon) return;
    const { positive, negative, compound } = score;
    if (positive > 0) signalIds.push(LEXICON_SIGNAL);
    if (positive >= 2) signalIds.push(LEXICON_SIGNAL + 1);
    if (positive >= 4) signalIds.push(LEXICON_SIGNAL + 2);
    if (negative > 0) signalIds.push(LEXICON_SIGNAL + 3);
    if (negative >= 2) signalIds.push(LEXICON_SIGNAL + 4);
    if (negative >= 4) signalIds.push(LEXICON_SIGNAL + 5);
    const bin = compound <= -0.5 ? 0 : compound < -0.05 ? 1 : compound <= 0.05 ? 2 : compound < 0.5 ? 3 : 4;
    signalIds.push(LEXICON_SIGNAL + 6 + bin);
    if (score.negatedPositive > 0) signalIds.push(LEXICON_SIGNAL + 11);
    if (score.negatedNegative > 0) signalIds.push(LEXICON_SIGNAL + 12);
  }

  /**
   * The `limit` strongest groups of the last extracted vector, given one contribution per
   * feature (in vector order). A word's own feature and its character n-grams form one
   * group named after the word, so reasons read `word "kaputt"`, not `chars "apu"`.
   */
  strongest(contributions: Float64Array, limit: number): { name: string; weight: number }[] {
    const tokenCount = this.tokens.length;
    const size = 2 * tokenCount + SIGNAL_NAMES.length;
    if (this.groups.length < size) this.groups = new Float64Array(size * 2);
    const groups = this.groups;
    groups.fill(0, 0, size);
    for (let i = 0; i < this.size; i++) groups[this.originGroup[i]!]! += contributions[i]!;
    const out: { name: string; weight: number }[] = [];
    const taken: string[] = [];
    // Bounded: a word repeated many times yields duplicate groups, which are skipped.
    for (let round = 0; round < limit * 4 && out.length < limit; round++) {
      let best = -1;
      for (let g = 0; g < size; g++) {
        if (groups[g] !== 0 && (best < 0 || Math.abs(groups[g]!) > Math.abs(groups[best]!))) best = g;
      }
      if (best < 0) break;
      const name = this.groupName(best, tokenCount);
      if (!taken.includes(name)) {
        taken.push(name);
        out.push({ name, weight: groups[best]! });
      }
      groups[best] = 0;
    }
    return out;
  }

  /** Number of reason groups of the last extracted text (see `strongest`). */
  get groupCount(): number {
    return 2 * this.tokens.length + SIGNAL_NAMES.length;
  }

  /**
   * The `limit` strongest of `groups` (weights per group, as `strongest` sums them), by
   * absolute weight, the first on ties, a name only once: the same choice as `strongest`,
   * in one pass over the groups instead of one per pick.
   */
  strongestOf(groups: Float64Array, limit: number): { name: string; weight: number }[] {
    const tokenCount = this.tokens.length;
    const size = 2 * tokenCount + SIGNAL_NAMES.length;
    const keep = limit * 4;
    if (this.topGroups.length < keep) {
      this.topGroups = new Int32Array(keep);
      this.topMagnitudes = new Float64Array(keep);
    }
    const top = this.topGroups;
    // The kept groups' absolute weights beside them: the comparisons read no group twice.
    const magnitudes = this.topMagnitudes;
    let count = 0;
    for (let g = 0; g < size; g++) {
      const weight = groups[g]!;
      if (weight === 0) continue;
      const magnitude = Math.abs(weight);
      if (count === keep && magnitude <= magnitudes[keep - 1]!) continue;
      let at = count < keep ? count++ : keep - 1;
      while (at > 0 && magnitudes[at - 1]! < magnitude) {
        top[at] = top[at - 1]!;
        magnitudes[at] = magnitudes[at - 1]!;
        at--;
      }
      top[at] = g;
      magnitudes[at] = magnitude;
    }
    const out: { name: string; weight: number }[] = [];
    const taken: string[] = [];
    for (let i = 0; i < count && out.length < limit; i++) {
      const name = this.groupName(top[i]!, tokenCount);
      if (!taken.includes(name)) {
        taken.push(name);
        out.push({ name, weight: groups[top[i]!]! });
      }
    }
    return out;
  }

  private topGroups = new Int32Array(16);
  private topMagnitudes = new Float64Array(16);

  private groupName(group: number, tokenCount: number): string {
    if (group < tokenCount)
      return this.options.negationScope !== undefined && this.negatedCount > 0 && this.negated[group] === 1
        ? `word "${this.tokens[group]}" (negated)`
        : `word "${this.tokens[group]}"`;
    if (group < 2 * tokenCount)
      return `words "${this.tokens[group - tokenCount]} ${this.tokens[group - tokenCount + 1]}"`;
    return `signal ${SIGNAL_NAMES[group - 2 * tokenCount]}`;
  }

  private reset(): void {
    this.size = 0;
    this.stamp = (this.stamp + 1) | 0;
    if (this.stamp <= 0) {
      this.table.fill(0);
      this.stamp = 1;
    }
  }

  private add(hash: number, kind: Kind, group: number): void {
    const index = hash & this.mask;
    const table = this.table;
    const stamp = this.stamp;
    const entryMask = (table.length >> 2) - 1;
    // Linear probing from a mixed bucket number; the table is at most half full.
    let entry = (Math.imul(index, 0x9e3779b1) >>> 0) & entryMask;
    while (table[entry << 2] === stamp) {
      if (table[(entry << 2) + 1] === index) {
        this.counts[table[(entry << 2) + 2]!]! += 1;
        return;
      }
      entry = (entry + 1) & entryMask;
    }
    if (this.size === this.touched.length) this.grow();
    const at = entry << 2;
    table[at] = stamp;
    table[at + 1] = index;
    table[at + 2] = this.size;
    this.touched[this.size] = index;
    this.counts[this.size] = 1;
    this.originKind[this.size] = kind;
    this.originGroup[this.size] = group;
    this.size++;
    if (this.size * 2 > table.length >> 2) this.growTable();
  }

  private grow(): void {
    const bigger = <T extends Int32Array | Uint8Array | Float32Array>(old: T, make: (n: number) => T): T => {
      const next = make(old.length * 2);
      next.set(old);
      return next;
    };
    this.touched = bigger(this.touched, (n) => new Int32Array(n));
    this.counts = bigger(this.counts, (n) => new Float32Array(n));
    this.originKind = bigger(this.originKind, (n) => new Uint8Array(n));
    this.originGroup = bigger(this.originGroup, (n) => new Int32Array(n));
  }

  /** Doubles the table and re-inserts the features collected so far. */
  private growTable(): void {
    const table = new Int32Array(this.table.length * 2);
    this.table = table;
    this.stamp = 1;
    const entryMask = (table.length >> 2) - 1;
    for (let slot = 0; slot < this.size; slot++) {
      const index = this.touched[slot]!;
      let entry = (Math.imul(index, 0x9e3779b1) >>> 0) & entryMask;
      while (table[entry << 2] === 1) entry = (entry + 1) & entryMask;
      table[entry << 2] = 1;
      table[(entry << 2) + 1] = index;
      table[(entry << 2) + 2] = slot;
    }
  }

  private finish(wordWeight: number, charWeight: number): SparseVector {
    const values = new Float32Array(this.size);
    let norm = 0;
    for (let i = 0; i < this.size; i++) {
      const c = this.counts[i]!;
      // Sublinear term frequency: the tenth "!!!" says less than the first.
      const idf = this.idf ? this.idf[this.touched[i]!]! : 1;
      const v = idf * (this.originKind[i] === Kind.Char ? charWeight : wordWeight) * (c > 1 ? 1 + Math.log(c) : 1);
      values[i] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < this.size; i++) values[i]! *= scale;
    }
    return { indices: this.touched.subarray(0, this.size), values };
  }
}

/**
 * Inverse document frequencies of the buckets, smoothed: ln((1 + n) / (1 + df)) + 1.
 * Buckets no training text has get the largest value (their weights are zero anyway).
 */
export function inverseDocumentFrequencies(vectors: readonly SparseVector[], bits: number): Float32Array {
  const df = new Float64Array(1 << bits);
  for (const v of vectors) for (const index of v.indices) df[index]! += 1;
  const idf = new Float32Array(1 << bits);
  for (let j = 0; j < idf.length; j++) idf[j] = Math.log((1 + vectors.length) / (1 + df[j]!)) + 1;
  // Quantized here already, so training sees exactly the values the shipped model carries.
  return dequantizeIdf(quantizeIdf(idf));
}

/** Idf values as bytes plus their scale (the largest value / 255). */
export function quantizeIdf(idf: Float32Array): { bytes: Uint8Array; scale: number } {
  let max = 0;
  for (const v of idf) max = Math.max(max, v);
  const scale = max === 0 ? 1 : Math.fround(max / 255);
  const bytes = new Uint8Array(idf.length);
  for (let j = 0; j < idf.length; j++) bytes[j] = Math.min(255, Math.round(idf[j]! / scale));
  return { bytes, scale };
}

export function dequantizeIdf(q: { bytes: Uint8Array; scale: number }): Float32Array {
  const idf = new Float32Array(q.bytes.length);
  for (let j = 0; j < idf.length; j++) idf[j] = q.bytes[j]! * q.scale;
  return idf;
}

/** An owned copy of a vector returned by `extract`. */
export function copyVector(v: SparseVector): SparseVector {
  return { indices: v.indices.slice(), values: v.values.slice() };
}

const SIGNAL_HASHES = SIGNAL_NAMES.map((name) => hashString(FNV_OFFSET ^ Kind.Signal, name, 0, name.length));

/**
 * The buckets of the lexicon's and emoji classes' signals (`LEXICON_SIGNAL_NAMES`) in a model
 * of `bits` hash bits: what a head outside `FeatureOptions.lexiconHeads` is trained without.
 * A word or character n-gram that shares one of these buckets is left out with them (hashing).
 */
export function lexiconSignalBuckets(bits: number): ReadonlySet<number> {
  return new Set(LEXICON_SIGNAL_NAMES.map((name) => signalIndex(name, bits)));
}

/** The vector index of a signal feature (`SIGNAL_NAMES`) in a model of `bits` hash bits. */
export function signalIndex(name: (typeof SIGNAL_NAMES)[number], bits: number): number {
  return SIGNAL_HASHES[SIGNAL_NAMES.indexOf(name)]! & ((1 << bits) - 1);
}

const MARKERS = new Set(['xurl', 'xuser', 'xtag', 'xsmile', 'xfrown', 'xbang', 'xquestion']);
function isMarker(token: string): boolean {
  return token.charCodeAt(0) === 120 /* x */ && MARKERS.has(token);
}

function hashString(seed: number, s: string, from: number, to: number): number {
  let h = seed;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}
