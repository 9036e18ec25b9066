/**
 * Variants of the English sentiment stage's inputs and training for `bench/stage-cv.ts` (round
 * w20): the shipped inputs (`stageInputs`) with extra dense signals after them.
 */
import type { SparseVector } from '../shared/classifier/features.ts';
import { lexiconOf, lexiconScore, markNegationScopes } from '../shared/classifier/lexicon/index.ts';
import type { NormalizedText } from '../shared/classifier/normalize.ts';
import { STAGE_BITS, STAGE_INPUT_NAMES, StageScratch, stageInputs } from '../shared/classifier/sentiment-stage.ts';
import type { TrainOptions } from '../shared/classifier/train.ts';

export interface StageVariant {
  readonly what: string;
  /** log2 of the input size. */
  readonly bits: number;
  readonly inputs: (probabilities: ArrayLike<number>, normalized: NormalizedText) => SparseVector;
  readonly training?: Partial<TrainOptions>;
  /**
   * How the stage weighs the real texts (the first stage keeps the shipped weighting): the
   * shipped weights (undefined), without the class-mix matching (`unmatched`), or times a factor.
   */
  readonly realWeights?: 'unmatched' | number;
  /** Choose the stage's neutral margin on the real texts only (default: the mean of written and real, as shipped). */
  readonly marginOn?: 'real';
}

const scratch = new StageScratch();
const negated = new Uint8Array(4096);

type Extra = (normalized: NormalizedText, probabilities: ArrayLike<number>) => number[];

const CONTRAST = new Set(['but', 'however', 'though', 'although', 'yet']);
const WH = new Set(['why', 'how', 'when', 'where', 'what', 'who', 'whats', 'hows']);
const clip = (v: number) => Math.min(v, 4) / 4;

const EXTRAS: Readonly<Record<string, Extra>> = {
  /** Positive and negative emoji classes (the lexicon score counts them; the shipped stage reads only "an emoji"). */
  emoji: (n) => {
    markNegationScopes(n.text, n.tokens, 3, negated);
    const s = lexiconScore(n.tokens, negated, lexiconOf('en'));
    return [Math.min(s.emojiPositive, 2) / 2, Math.min(s.emojiNegative, 2) / 2];
  },
  /** A contrast word, and VADER's positive and negative sums of the clause after the last one. */
  contrast: (n) => {
    const { tokens } = n;
    let at = -1;
    for (let t = 0; t < tokens.length; t++) if (CONTRAST.has(tokens[t]!)) at = t;
    if (at < 0) return [0, 0, 0];
    markNegationScopes(n.text, tokens, 3, negated);
    const s = lexiconScore(tokens.slice(at + 1), negated.subarray(at + 1), lexiconOf('en'));
    return [1, clip(s.positive), clip(s.negative)];
  },
  /** A question that opens with a question word, and a question with a negative lexicon word. */
  question: (n) => {
    const { tokens, signals } = n;
    if (signals.questionMarks === 0) return [0, 0];
    markNegationScopes(n.text, tokens, 3, negated);
    const s = lexiconScore(tokens, negated, lexiconOf('en'));
    return [tokens.length > 0 && WH.has(tokens[0]!) ? 1 : 0, s.negative > 0 ? 1 : 0];
  },
  /** Words in capitals, and lexicon hits at all (none: a neutral cue). */
  caps: (n) => [n.signals.capsWords > 0 ? 1 : 0],
  hits: (n) => {
    markNegationScopes(n.text, n.tokens, 3, negated);
    const a = lexiconScore(n.tokens, negated, lexiconOf('en'));
    const b = lexiconScore(n.tokens, negated, lexiconOf('en-cx'));
    return [a.hits + b.hits === 0 ? 1 : 0];
  },
  /** A negator anywhere (with or without a lexicon word in its scope). */
  negator: (n) => [markNegationScopes(n.text, n.tokens, 3, negated) > 0 ? 1 : 0],
  /** Lexicon sums per token (density) beside the clipped sums. */
  density: (n) => {
    markNegationScopes(n.text, n.tokens, 3, negated);
    const a = lexiconScore(n.tokens, negated, lexiconOf('en'));
    const len = Math.max(n.tokens.length, 1);
    return [Math.min(a.positive / len, 1), Math.min(a.negative / len, 1)];
  },
  /** Both compound scores binned (5 bins each, VADER's thresholds -0.5, -0.05, 0.05, 0.5): a non-linear response to them. */
  bins: (n) => {
    markNegationScopes(n.text, n.tokens, 3, negated);
    const out: number[] = [];
    for (const lexicon of ['en', 'en-cx'] as const) {
      const c = lexiconScore(n.tokens, negated, lexiconOf(lexicon)).compound;
      const bin = c <= -0.5 ? 0 : c < -0.05 ? 1 : c <= 0.05 ? 2 : c < 0.5 ? 3 : 4;
      for (let b = 0; b < 5; b++) out.push(b === bin ? 1 : 0);
    }
    return out;
  },
  /** The head's probabilities times VADER's compound score: how far to trust the lexicon when the head is sure. */
  interact: (n, p) => {
    markNegationScopes(n.text, n.tokens, 3, negated);
    const c = lexiconScore(n.tokens, negated, lexiconOf('en')).compound;
    const d = lexiconScore(n.tokens, negated, lexiconOf('en-cx')).compound;
    return [p[0]! * c, p[1]! * Math.abs(c), p[2]! * c, p[0]! * d, p[1]! * Math.abs(d), p[2]! * d];
  },
  /** URLs and handles (a link or a mention: news and ads are neutral). */
  links: (n) => [n.signals.urls > 0 ? 1 : 0, n.signals.handles > 0 ? 1 : 0],
};

function withExtras(names: readonly string[]): StageVariant['inputs'] {
  const extras = names.map((n) => {
    const extra = EXTRAS[n];
    if (!extra) throw new Error(`unknown extra ${n}`);
    return extra;
  });
  return (probabilities, normalized) => {
    stageInputs(probabilities, normalized, scratch);
    const values = Array.from(scratch.values.slice(0, STAGE_INPUT_NAMES.length));
    for (const extra of extras) values.push(...extra(normalized, probabilities));
    return { indices: Int32Array.from(values, (_, i) => i), values: Float32Array.from(values) };
  };
}

const variant = (
  what: string,
  extras: readonly string[],
  training?: Partial<TrainOptions>,
  realWeights?: StageVariant['realWeights'],
): StageVariant => ({
  what,
  bits: extras.length === 0 ? STAGE_BITS : 5,
  inputs: withExtras(extras),
  ...(training ? { training } : {}),
  ...(realWeights === undefined ? {} : { realWeights }),
});

export const STAGE_VARIANTS: Readonly<Record<string, StageVariant>> = {
  shipped: variant('the shipped stage (inputs, STAGE_TRAINING)', []),
  w19: variant("round w19's stage (L2 1e-5)", [], { lambda: 1e-5 }),
  emoji: variant('+ positive and negative emoji', ['emoji']),
  contrast: variant('+ contrast word and the clause after it', ['contrast']),
  question: variant('+ question shape (question word first; question with a negative word)', ['question']),
  caps: variant('+ words in capitals', ['caps']),
  hits: variant('+ no lexicon hit', ['hits']),
  negator: variant('+ a negator', ['negator']),
  density: variant('+ VADER sums per token', ['density']),
  links: variant('+ URL, handle', ['links']),
  all: variant('+ all of the above', ['emoji', 'contrast', 'question', 'caps', 'hits', 'negator', 'density', 'links']),
  ep40: variant('shipped inputs, 40 epochs', [], { epochs: 40 }),
  lr02: variant('shipped inputs, learning rate 0.2', [], { learningRate: 0.2 }),
  l2x10: variant('shipped inputs, L2 x10', [], { lambda: 1e-4 }),
  'stage-unmatched': variant(
    'shipped inputs, the stage weighs real texts without the class-mix matching',
    [],
    undefined,
    'unmatched',
  ),
  bins: variant('+ both compound scores in 5 bins', ['bins']),
  interact: variant("+ the head's probabilities times the compound scores", ['interact']),
  'bins+interact': variant('+ bins and interactions', ['bins', 'interact']),
  'margin-real': { ...variant('shipped inputs, neutral margin chosen on the real texts only', []), marginOn: 'real' },
  'stage-real2': variant('shipped inputs, the stage weighs real texts x2', [], undefined, 2),
  'stage-real05': variant('shipped inputs, the stage weighs real texts x0.5', [], undefined, 0.5),
  'stage-unmatched-caps': variant(
    '+ words in capitals, the stage weighs real texts without the class-mix matching',
    ['caps'],
    undefined,
    'unmatched',
  ),
};
