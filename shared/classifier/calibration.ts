import type { SparseVector } from './features.ts';
import { argmax, scoresOf, softmaxInPlace, type LinearHead } from './linear-model.ts';
import { HEAD_NAMES, type HeadName, type LanguageModel } from './model-codec.ts';
import type { SentimentStage } from './sentiment-stage.ts';

/**
 * Calibration of the softmax heads by temperature scaling (Guo et al. 2017): one number per
 * head divides its scores before the softmax. It changes no decision (the largest score stays
 * the largest), only how sure the probabilities say the head is, so that of the mentions
 * answered with confidence 0.8 about 80 % are right. The temperature is fitted on examples
 * the head was not trained on (see `trainLanguageModel`), never on a benchmark's test set.
 */

/** Temperatures tried: far beyond what a trained head needs, and never 0. */
const MIN_LOG_T = Math.log(0.05);
const MAX_LOG_T = Math.log(20);

/** Share of the training examples a calibration fold holds out (`calibrationFold`). */
export const CALIBRATION_SHARE = 0.2;

/**
 * The temperature that minimizes the mean negative log-likelihood of the gold classes
 * (golden-section search over log T: the likelihood is smooth and unimodal in it).
 * Without examples: 1, the head as trained.
 * @param scores each example's raw class scores (before the softmax)
 * @param gold each example's class index
 * @param weights each example's weight in the likelihood (1 each when not given), e.g. the
 *   weights the head was trained with
 */
export function fitTemperature(
  scores: readonly Float64Array[],
  gold: readonly number[],
  weights?: readonly number[],
): number {
  if (scores.length === 0) return 1;
  const totalWeight = weights ? weights.reduce((a, b) => a + b, 0) : scores.length;
  if (!(totalWeight > 0)) return 1;
  const loss = (logT: number) => {
    const t = Math.exp(logT);
    let sum = 0;
    scores.forEach((s, i) => {
      let max = -Infinity;
      for (const v of s) if (v / t > max) max = v / t;
      let z = 0;
      for (const v of s) z += Math.exp(v / t - max);
      sum += (weights ? weights[i]! : 1) * (max + Math.log(z) - s[gold[i]!]! / t);
    });
    return sum / totalWeight;
  };
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = MIN_LOG_T;
  let b = MAX_LOG_T;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = loss(c);
  let fd = loss(d);
  for (let i = 0; i < 60 && b - a > 1e-4; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = loss(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = loss(d);
    }
  }
  return round(Math.exp((a + b) / 2));
}

/**
 * The head with its temperature folded in: scales and bias divided by `temperature`, so the
 * fused inference path computes calibrated probabilities at no cost.
 */
export function calibrateHead(head: LinearHead, temperature: number): LinearHead {
  if (temperature === 1) return head;
  return {
    name: head.name,
    classes: head.classes,
    // Read through: a decoded model builds its dense weights on first read only (model-codec.ts).
    get weights() {
      return head.weights;
    },
    scales: head.scales.map((s) => s / temperature),
    bias: head.bias.map((b) => b / temperature),
  };
}

/** A model's heads with their temperatures folded in: what classification runs on. */
export function calibratedHeads(model: LanguageModel): Readonly<Record<HeadName, LinearHead>> {
  const heads = {} as Record<HeadName, LinearHead>;
  for (const name of HEAD_NAMES) heads[name] = calibrateHead(model.heads[name], model.temperatures?.[name] ?? 1);
  return heads;
}

/** A sentiment stage's head with its temperature folded in (what classification runs on). */
export function calibratedStage(stage: SentimentStage): LinearHead {
  return calibrateHead(stage.head, stage.temperature);
}

/** Top-label probability and whether that label was right, for one prediction. */
export interface Prediction {
  readonly confidence: number;
  readonly correct: boolean;
}

/**
 * Expected calibration error over equal-width confidence bins: the mean, weighted by the
 * share of predictions in each bin, of |accuracy - mean confidence| of the bin. 0 is
 * perfectly calibrated. Without predictions: 0.
 */
export function expectedCalibrationError(predictions: readonly Prediction[], bins = 10): number {
  if (predictions.length === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const right = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  for (const p of predictions) {
    const bin = Math.min(bins - 1, Math.floor(p.confidence * bins));
    count[bin]!++;
    confidence[bin]! += p.confidence;
    if (p.correct) right[bin]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    ece += (count[b]! / predictions.length) * Math.abs(right[b]! / count[b]! - confidence[b]! / count[b]!);
  }
  return ece;
}

/** Top-label predictions of a head on labeled vectors, at a temperature (1: as trained). */
export function predictionsOf(
  head: LinearHead,
  examples: readonly { readonly x: SparseVector; readonly y: number }[],
  temperature = 1,
): Prediction[] {
  return examples.map(({ x, y }) => {
    const scores = scoresOf(head, x);
    for (let c = 0; c < scores.length; c++) scores[c] = scores[c]! / temperature;
    const probs = softmaxInPlace(scores);
    const best = argmax(probs);
    return { confidence: probs[best]!, correct: best === y };
  });
}

/**
 * Splits training examples into the part a calibration head is trained on and the part its
 * temperature is fitted on, by a hash of each id (salted: the held-out split hashes the same
 * ids), so the fold is stable when the corpus grows.
 */
export function calibrationFold<T extends { readonly id: string }>(
  examples: readonly T[],
  share = CALIBRATION_SHARE,
): { fit: T[]; calibrate: T[] } {
  const fit: T[] = [];
  const calibrate: T[] = [];
  for (const example of examples) (saltedUnitHash(example.id) < share ? calibrate : fit).push(example);
  return { fit, calibrate };
}

function saltedUnitHash(id: string): number {
  let h = 0x243f6a88;
  const salted = `calibration:${id}`;
  for (let i = 0; i < salted.length; i++) h = Math.imul(h ^ salted.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 2 ** 32;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
