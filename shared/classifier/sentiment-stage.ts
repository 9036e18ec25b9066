import { SENTIMENTS } from '../domain/mention.ts';
import type { SparseVector } from './features.ts';
import { emptyLexiconScore, englishLexiconPair, type LexiconName, type LexiconScore } from './lexicon/index.ts';
import { scoresOf, softmaxInPlace, type LinearHead } from './linear-model.ts';
import type { NormalizedText } from './normalize.ts';

/**
 * The English sentiment head's second stage (issue 15, chosen in round w18 as `stack-lr`, shipped
 * in round w19): a softmax regression over the n-gram head's calibrated log-probabilities and a
 * few dense signals the hashed features only see as buckets: VADER's and the customer lexicon's
 * positive and negative sums and compound scores, negated lexicon words, a question mark, an
 * exclamation run, an emoji, the length. It learns from out-of-fold first-stage scores (the
 * first stage retrained on the other folds), so it learns how far to trust the head on texts the
 * head never saw. Pure: tokens and probabilities in, probabilities out.
 */

/** What a stage reads besides the first stage's log-probabilities: one set so far, both English lexicons. */
export type StageInputs = 'en-lexicons';
export const STAGE_INPUTS: readonly StageInputs[] = ['en-lexicons'];
/** The lexicons a stage's inputs read: a bundle that serves a model with that stage must hold them (infra/bundling.ts). */
export const STAGE_LEXICONS: Readonly<Record<StageInputs, readonly LexiconName[]>> = { 'en-lexicons': ['en', 'en-cx'] };

/** A trained second stage, as a model carries it. */
export interface SentimentStage {
  readonly inputs: StageInputs;
  /** Over `STAGE_BITS` dense inputs; the neutral margin is in its bias. */
  readonly head: LinearHead;
  /** Its calibration temperature (calibration.ts). */
  readonly temperature: number;
}

/** log2 of the stage's input size (`STAGE_INPUT_NAMES` has fewer than 16). */
export const STAGE_BITS = 4;

/** The inputs by position, as the reasons name them. */
export const STAGE_INPUT_NAMES = [
  'n-gram head negative',
  'n-gram head neutral',
  'n-gram head positive',
  'VADER positive words',
  'VADER negative words',
  'VADER compound',
  'customer lexicon positive words',
  'customer lexicon negative words',
  'customer lexicon compound',
  'negated positive words',
  'negated negative words',
  'question mark',
  'exclamation marks',
  'emoji',
  'length',
] as const;

/** Where the signals start (after the three log-probabilities). */
export const FIRST_SIGNAL = SENTIMENTS.length;

/** Tokens negated after a negator, as the feature extractor's lexicon signals count them. */
const NEGATION_SCOPE = 3;

const clip = (v: number) => Math.min(v, 4) / 4;

/**
 * Reusable scratch for `stageInputs` (one per classifier): the inputs and the negation marks.
 */
export class StageScratch {
  readonly values = new Float64Array(1 << STAGE_BITS);
  negated = new Uint8Array(512);
  /** VADER's and the customer lexicon's scores of the current text. */
  readonly vader = emptyLexiconScore();
  readonly customer = emptyLexiconScore();
  /** The inputs as a sparse vector over all `STAGE_BITS` positions (unused ones stay 0). */
  readonly vector: SparseVector = {
    indices: Int32Array.from({ length: 1 << STAGE_BITS }, (_, i) => i),
    values: new Float32Array(1 << STAGE_BITS),
  };
}

/**
 * The stage's inputs for one text, written to `scratch.values` (and `scratch.vector`): from the
 * normalized text classify already has (no second normalization) and the first stage's class
 * probabilities.
 */
export function stageInputs(probabilities: ArrayLike<number>, normalized: NormalizedText, scratch: StageScratch): void {
  const { tokens, signals } = normalized;
  const v = scratch.values;
  for (let c = 0; c < FIRST_SIGNAL; c++) v[c] = Math.max(Math.log(probabilities[c]! + 1e-12), -8) / 4;
  if (scratch.negated.length < tokens.length) scratch.negated = new Uint8Array(tokens.length * 2);
  // Both lexicons in one pass over the tokens (the same numbers as one `lexiconScore` each).
  englishLexiconPair().score(normalized.text, tokens, NEGATION_SCOPE, scratch.negated, scratch.vader, scratch.customer);
  writeLexicons(v, scratch.vader, scratch.customer);
  v[11] = signals.questionMarks > 0 ? 1 : 0;
  v[12] = signals.exclamationRuns > 0 ? 1 : 0;
  v[13] = signals.emojis > 0 ? 1 : 0;
  v[14] = Math.log1p(tokens.length) / 4;
  const out = scratch.vector.values;
  for (let i = 0; i < out.length; i++) out[i] = v[i]!;
}

function writeLexicons(v: Float64Array, vader: LexiconScore, customer: LexiconScore): void {
  v[3] = clip(vader.positive);
  v[4] = clip(vader.negative);
  v[5] = vader.compound;
  v[6] = clip(customer.positive);
  v[7] = clip(customer.negative);
  v[8] = customer.compound;
  v[9] = Math.min(vader.negatedPositive + customer.negatedPositive, 2) / 2;
  v[10] = Math.min(vader.negatedNegative + customer.negatedNegative, 2) / 2;
}

/**
 * The stage's class probabilities for the inputs in `scratch`, written to `out`; `head` is
 * `calibratedStage(stage)` (calibration.ts).
 */
export function stageProbabilities(head: LinearHead, scratch: StageScratch, out: Float64Array): Float64Array {
  const scores = scoresOf(head, scratch.vector);
  for (let c = 0; c < out.length; c++) out[c] = scores[c]!;
  return softmaxInPlace(out);
}

/**
 * The signal (not one of the first stage's log-probabilities) that moved the stage most from
 * `from` to `to`: its name, its value and its part in the log-odds of `to` over `from`.
 * Undefined when no signal moved it that way.
 */
export function decidingSignal(
  head: LinearHead,
  scratch: StageScratch,
  from: number,
  to: number,
): { name: string; value: number; weight: number } | undefined {
  const k = head.classes.length;
  let best: { name: string; value: number; weight: number } | undefined;
  for (let i = FIRST_SIGNAL; i < STAGE_INPUT_NAMES.length; i++) {
    const x = scratch.values[i]!;
    const part = x * (head.weights[i * k + to]! * head.scales[to]! - head.weights[i * k + from]! * head.scales[from]!);
    if (part > 0 && (!best || part > best.weight)) best = { name: STAGE_INPUT_NAMES[i]!, value: x, weight: part };
  }
  return best;
}
