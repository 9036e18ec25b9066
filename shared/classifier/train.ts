import { CATEGORIES, SENTIMENTS } from '../domain/mention.ts';
import type { Category, Sentiment } from '../domain/mention.ts';
import { calibratedStage, calibrateHead, calibrationFold, fitTemperature } from './calibration.ts';
import { unitHash, type CorpusExample } from './corpus.ts';
import {
  copyVector,
  DEFAULT_FEATURES,
  FeatureExtractor,
  inverseDocumentFrequencies,
  lexiconSignalBuckets,
  signalIndex,
  type FeatureOptions,
  type SparseVector,
} from './features.ts';
import { argmax, predict, quantizeHead, scoresOf, softmaxInPlace, type LinearHead } from './linear-model.ts';
import {
  HEAD_NAMES,
  type HeadName,
  type HeldOutScores,
  type LanguageModel,
  type ModelLanguage,
} from './model-codec.ts';
import { normalizeText, type NormalizedText } from './normalize.ts';
import {
  STAGE_BITS,
  StageScratch,
  stageInputs,
  stageProbabilities,
  type SentimentStage,
  type StageInputs,
} from './sentiment-stage.ts';

/**
 * Training of the softmax heads: stochastic gradient descent with exact L2 regularization
 * (the weight-scale trick) and a learning rate that decays as 1/(1 + lr0 * lambda * t).
 * Everything is deterministic: a seeded shuffle and a fixed order of float operations, so
 * the same corpus and options give the same bytes.
 */

export interface TrainOptions {
  readonly epochs: number;
  /** L2 regularization strength. */
  readonly lambda: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Average the weights of the epochs from this fraction of training on (1 = no averaging). */
  readonly averageFrom?: number;
  /**
   * Train this many times with different shuffles (seed, seed + 1, ...) and average the
   * weights: still one linear model, with less of the variance of one SGD order.
   */
  readonly runs?: number;
  /**
   * NB-SVM style log-count-ratio scaling (Wang & Manning 2012), generalized to softmax: the
   * weight of feature j for class c is learned as `r[c][j] * w[c][j]`, where `r` is the
   * absolute log ratio of how often the feature occurs (binarized, smoothed by this value)
   * in texts of class c and in all other texts. L2 then holds back features that say little
   * about the classes and lets the telling ones move. The scaled weights are what is
   * shipped: inference is the same dot product. Undefined: no scaling.
   */
  readonly logCountRatio?: number;
  /**
   * Log-odds added to each class's bias after training: a class prior or decision threshold
   * chosen by cross-validation (for two classes, `[0, -ln(t / (1 - t))]` answers the second
   * class when its probability is at least t). Undefined: none.
   */
  readonly biasShift?: readonly number[];
  /**
   * Reweigh the examples so that every class carries the same total weight (each example's
   * own weight times total / (classes * its class's total)): a class-balanced loss, for
   * macro-F1 when one class is rare. Undefined: the examples' weights as given.
   */
  readonly classBalanced?: boolean;
  /**
   * Fit the calibration temperature on the fold's examples without a weight (the written
   * corpus) only: real examples train the head, but the head's confidence is fitted to the
   * mentions it will see. Undefined: on every example of the fold.
   */
  readonly calibrateOnUnweighted?: boolean;
  /**
   * Fit the calibration temperature with each example of the fold counting as much as it
   * counts in training (its `weight`), not 1 each: the temperature then suits the mix of
   * sources the head was trained for, instead of the mix of the fold, where real texts
   * (weight 0.25 on average) outnumber the written ones by five to one. Undefined: 1 each.
   */
  readonly calibrateWeighted?: boolean;
  /**
   * Per-source class priors: besides the weights and the bias, training learns a bias offset
   * per class for each source other than the reference (examples without a `source`: the
   * written corpus and the corrections). An example's scores add its source's offsets, so a
   * source's label mix and labelling convention (the reviews have no neutral class, PotTS is
   * 46 % positive) land in its offsets and the weights learn the words. The offsets are
   * dropped after training: the shipped head carries the reference bias only, so inference
   * costs nothing more. Undefined: one bias for all sources.
   */
  readonly sourcePriors?: boolean;
  /**
   * The sentiment head only: train a second stage over its calibrated out-of-fold
   * probabilities and these dense inputs (sentiment-stage.ts, `trainSentimentStage`); its
   * neutral margin and temperature are fitted on its own calibration fold, so `biasShift`
   * should not be set with it. Undefined: the head alone.
   */
  readonly stage?: StageInputs;
}

export const DEFAULT_TRAINING: TrainOptions = { epochs: 30, lambda: 1e-5, learningRate: 0.5, seed: 20170915 };

/**
 * The shipped models' training, per head: chosen by 4-fold cross-validation on the train
 * split of the project corpus (the held-out split is only measured). Short social-media
 * texts want less regularization than GermEval's longer posts.
 */
export const DEFAULT_HEAD_TRAINING: Readonly<Record<HeadName, TrainOptions>> = {
  relevance: DEFAULT_TRAINING,
  sentiment: DEFAULT_TRAINING,
  category: DEFAULT_TRAINING,
};

export const RELEVANCE_CLASSES = ['irrelevant', 'relevant'] as const;

export interface LabeledVector {
  readonly x: SparseVector;
  readonly y: number;
  /** Scales this example's gradient (1 when undefined): how much a source counts against the others. */
  readonly weight?: number;
  /** Where the example comes from, for `TrainOptions.sourcePriors` (undefined: the reference source). */
  readonly source?: string;
}

/**
 * A text to train on: the project corpus labels every head; a real-data source only the
 * heads it has labels for (a head without a label does not learn from the example).
 */
export interface TrainingExample {
  /** Stable id, for the calibration fold (the text stands in when there is none). */
  readonly id?: string;
  readonly text: string;
  readonly relevant?: boolean;
  readonly sentiment?: Sentiment;
  readonly category?: Category;
  /** See `LabeledVector.weight`. */
  readonly weight?: number;
  /** See `LabeledVector.source`: a real-data source; undefined for the written corpus and corrections. */
  readonly source?: string;
  /**
   * Leave the length signals out of this example's vector: a set of written short texts
   * (corpus/short) would otherwise teach that a short text has their label.
   */
  readonly withoutLength?: boolean;
}

/** Vectors of texts, each an owned copy. */
export function vectorize(
  texts: readonly string[],
  features: FeatureOptions = DEFAULT_FEATURES,
  idf?: Float32Array,
): SparseVector[] {
  const extractor = new FeatureExtractor(features, idf);
  return texts.map((text) => copyVector(extractor.extract(normalizeText(text))));
}

/**
 * Vectors of training texts and, when the features use idf, the idf learned from them
 * (apply it to any other texts with `vectorize(texts, features, idf)`).
 */
export function vectorizeTraining(
  texts: readonly string[],
  features: FeatureOptions = DEFAULT_FEATURES,
): { vectors: SparseVector[]; idf?: Float32Array } {
  const plain = vectorize(texts, features);
  if (!features.idf) return { vectors: plain };
  const idf = inverseDocumentFrequencies(plain, features.bits);
  return { vectors: vectorize(texts, features, idf), idf };
}

/** Vectors of `texts` with the idf (when the features use it) learned from `idfTexts`. */
export function vectorizeWithIdfOf(
  texts: readonly string[],
  idfTexts: readonly string[],
  features: FeatureOptions = DEFAULT_FEATURES,
): { vectors: SparseVector[]; idf?: Float32Array } {
  if (!features.idf) return { vectors: vectorize(texts, features) };
  const idf = inverseDocumentFrequencies(vectorize(idfTexts, features), features.bits);
  return { vectors: vectorize(texts, features, idf), idf };
}

/** Trains one head and returns it quantized, as it will be shipped and measured. */
export function trainHead(
  name: string,
  classes: readonly string[],
  examples: readonly LabeledVector[],
  bits: number,
  options: TrainOptions = DEFAULT_TRAINING,
): LinearHead {
  return trainHeadWithOffsets(name, classes, examples, bits, options).head;
}

/**
 * `trainHead`, and the per-source class offsets it learned beside the head
 * (`TrainOptions.sourcePriors`; empty without it). The offsets are not part of the head:
 * they say how each source's labels lean, for benches and docs.
 */
export function trainHeadWithOffsets(
  name: string,
  classes: readonly string[],
  examples: readonly LabeledVector[],
  bits: number,
  options: TrainOptions = DEFAULT_TRAINING,
): { head: LinearHead; offsets: ReadonlyMap<string, Float64Array> } {
  const runs = options.runs ?? 1;
  const k = classes.length;
  const data = options.classBalanced ? balanceClasses(k, examples) : examples;
  const weights = new Float64Array((1 << bits) * k);
  const bias = new Float64Array(k);
  const offsets = new Map<string, Float64Array>();
  const ratios = options.logCountRatio === undefined ? undefined : logCountRatios(k, data, bits, options.logCountRatio);
  for (let run = 0; run < runs; run++) {
    const one = trainFloat(classes.length, data, bits, { ...options, seed: options.seed + run }, ratios);
    for (let j = 0; j < weights.length; j++) weights[j]! += one.weights[j]! / runs;
    for (let c = 0; c < k; c++) bias[c]! += one.bias[c]! / runs;
    for (const [source, offset] of one.offsets) {
      const sum = offsets.get(source) ?? new Float64Array(k);
      for (let c = 0; c < k; c++) sum[c]! += offset[c]! / runs;
      offsets.set(source, sum);
    }
  }
  if (ratios) for (let j = 0; j < weights.length; j++) weights[j]! *= ratios[j]!;
  if (options.biasShift) for (let c = 0; c < k; c++) bias[c]! += options.biasShift[c] ?? 0;
  return { head: quantizeHead(name, classes, weights, bias), offsets };
}

/** The examples reweighed so that every class that occurs carries the same total weight. */
export function balanceClasses(k: number, examples: readonly LabeledVector[]): LabeledVector[] {
  const totals = new Float64Array(k);
  for (const e of examples) totals[e.y]! += e.weight ?? 1;
  const sum = totals.reduce((a, b) => a + b, 0);
  const present = totals.filter((t) => t > 0).length;
  return examples.map((e) => ({ ...e, weight: ((e.weight ?? 1) * sum) / (present * totals[e.y]!) }));
}

/**
 * Per feature and class (row-major like the weights), the absolute log ratio of the
 * feature's smoothed share among texts of the class to its share among all other texts,
 * over the buckets the training texts use (0 elsewhere: those weights stay 0 anyway),
 * scaled to a mean of 1 so the learning rate and lambda keep their meaning.
 */
export function logCountRatios(
  k: number,
  examples: readonly LabeledVector[],
  bits: number,
  alpha: number,
): Float64Array {
  const dimension = 1 << bits;
  const counts = new Float64Array(dimension * k);
  const seen = new Uint8Array(dimension);
  for (const { x, y } of examples) {
    for (const j of x.indices) {
      counts[j * k + y]! += 1;
      seen[j] = 1;
    }
  }
  const perClass = new Float64Array(k);
  let total = 0;
  let used = 0;
  for (let j = 0; j < dimension; j++) {
    if (!seen[j]) continue;
    used++;
    for (let c = 0; c < k; c++) perClass[c]! += counts[j * k + c]! + alpha;
  }
  for (let c = 0; c < k; c++) total += perClass[c]!;
  const ratios = new Float64Array(dimension * k);
  let sum = 0;
  for (let j = 0; j < dimension; j++) {
    if (!seen[j]) continue;
    let all = 0;
    for (let c = 0; c < k; c++) all += counts[j * k + c]! + alpha;
    for (let c = 0; c < k; c++) {
      const inClass = (counts[j * k + c]! + alpha) / perClass[c]!;
      const rest = (all - counts[j * k + c]! - alpha) / (total - perClass[c]!);
      const r = Math.abs(Math.log(inClass / rest));
      ratios[j * k + c] = r;
      sum += r;
    }
  }
  const mean = used === 0 ? 1 : sum / (used * k);
  if (mean > 0) for (let j = 0; j < ratios.length; j++) ratios[j]! /= mean;
  return ratios;
}

function trainFloat(
  k: number,
  examples: readonly LabeledVector[],
  bits: number,
  options: TrainOptions,
  ratios?: Float64Array,
): { weights: Float64Array; bias: Float64Array; offsets: Map<string, Float64Array> } {
  const weights = new Float64Array((1 << bits) * k);
  const bias = new Float64Array(k);
  const order = examples.map((_, i) => i);
  const random = mulberry32(options.seed);
  const { lambda, learningRate } = options;
  let scale = 1;
  let t = 0;
  const averageFrom = options.averageFrom ?? 1;
  const firstAveraged = Math.floor(options.epochs * averageFrom);
  const averaged = averageFrom < 1 ? new Float64Array(weights.length) : undefined;
  const averagedBias = averaged ? new Float64Array(k) : undefined;
  let snapshots = 0;
  const probs = new Float64Array(k);
  // Per-source class offsets (TrainOptions.sourcePriors): learned beside the bias, never returned.
  const sourceIndex = options.sourcePriors ? sourceIndices(examples) : undefined;
  const offsets = new Float64Array((sourceIndex?.size ?? 0) * k);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const { x, y, weight = 1, source } = examples[i]!;
      const lr = learningRate / (1 + learningRate * lambda * t);
      t++;
      const at = source === undefined || !sourceIndex ? -1 : sourceIndex.get(source)! * k;
      // Scores with the current (scaled) weights.
      for (let c = 0; c < k; c++) probs[c] = at < 0 ? bias[c]! : bias[c]! + offsets[at + c]!;
      for (let f = 0; f < x.indices.length; f++) {
        const row = x.indices[f]! * k;
        const v = x.values[f]! * scale;
        if (ratios) for (let c = 0; c < k; c++) probs[c]! += v * weights[row + c]! * ratios[row + c]!;
        else for (let c = 0; c < k; c++) probs[c]! += v * weights[row + c]!;
      }
      softmaxInPlace(probs);
      // L2 shrinks every weight by (1 - lr * lambda): kept in `scale`, O(1) per step.
      scale *= 1 - lr * lambda;
      const step = lr / scale;
      for (let c = 0; c < k; c++) {
        const g = (probs[c]! - (c === y ? 1 : 0)) * weight;
        if (g === 0) continue;
        bias[c]! -= lr * g;
        if (at >= 0) offsets[at + c]! -= lr * g;
        if (ratios) {
          for (let f = 0; f < x.indices.length; f++) {
            const at = x.indices[f]! * k + c;
            weights[at]! -= step * g * x.values[f]! * ratios[at]!;
          }
        } else {
          for (let f = 0; f < x.indices.length; f++) weights[x.indices[f]! * k + c]! -= step * g * x.values[f]!;
        }
      }
      if (scale < 1e-6) {
        for (let j = 0; j < weights.length; j++) weights[j]! *= scale;
        scale = 1;
      }
    }
    // Averaging the late epochs' weights smooths the last steps' noise.
    if (averaged && epoch >= firstAveraged) {
      for (let j = 0; j < weights.length; j++) averaged[j]! += weights[j]! * scale;
      for (let c = 0; c < k; c++) averagedBias![c]! += bias[c]!;
      snapshots++;
    }
  }
  if (averaged && snapshots > 0) {
    for (let j = 0; j < weights.length; j++) averaged[j]! /= snapshots;
    for (let c = 0; c < k; c++) averagedBias![c]! /= snapshots;
    return { weights: averaged, bias: averagedBias!, offsets: offsetsBySource(sourceIndex, offsets, k) };
  }
  for (let j = 0; j < weights.length; j++) weights[j]! *= scale;
  return { weights, bias, offsets: offsetsBySource(sourceIndex, offsets, k) };
}

/** An index per source that occurs (the reference source, undefined, has none), in order of first occurrence. */
function sourceIndices(examples: readonly LabeledVector[]): Map<string, number> {
  const index = new Map<string, number>();
  for (const { source } of examples) if (source !== undefined && !index.has(source)) index.set(source, index.size);
  return index;
}

function offsetsBySource(
  index: ReadonlyMap<string, number> | undefined,
  offsets: Float64Array,
  k: number,
): Map<string, Float64Array> {
  return new Map([...(index ?? [])].map(([source, at]) => [source, offsets.slice(at * k, at * k + k)]));
}

/** Accuracy and macro-F1 of a head on labeled vectors. */
export function evaluateHead(
  head: LinearHead,
  examples: readonly LabeledVector[],
): { accuracy: number; macroF1: number } {
  const predicted = examples.map((e) => argmax(predict(head, e.x)));
  return scores(
    examples.map((e) => e.y),
    predicted,
    head.classes.length,
  );
}

/** Accuracy (micro-F1 for single-label tasks) and macro-F1 over classes that occur. */
export function scores(
  gold: readonly number[],
  predicted: readonly number[],
  classes: number,
): { accuracy: number; macroF1: number } {
  let correct = 0;
  const tp = new Array<number>(classes).fill(0);
  const fp = new Array<number>(classes).fill(0);
  const fn = new Array<number>(classes).fill(0);
  gold.forEach((g, i) => {
    const p = predicted[i]!;
    if (g === p) {
      correct++;
      tp[g]!++;
    } else {
      fp[p]!++;
      fn[g]!++;
    }
  });
  const f1s: number[] = [];
  for (let c = 0; c < classes; c++) {
    if (tp[c]! + fn[c]! === 0) continue;
    const precision = tp[c]! + fp[c]! === 0 ? 0 : tp[c]! / (tp[c]! + fp[c]!);
    const recall = tp[c]! / (tp[c]! + fn[c]!);
    f1s.push(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall));
  }
  return {
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: f1s.length === 0 ? 0 : f1s.reduce((a, b) => a + b, 0) / f1s.length,
  };
}

const CLASSES: Readonly<Record<HeadName, readonly string[]>> = {
  relevance: RELEVANCE_CLASSES,
  sentiment: SENTIMENTS,
  category: CATEGORIES,
};

/** The class index of an example for one head, or undefined when it has no label for that head. */
function labelOf(head: HeadName, example: TrainingExample): number | undefined {
  switch (head) {
    case 'relevance':
      return example.relevant === undefined ? undefined : example.relevant ? 1 : 0;
    case 'sentiment':
      return example.sentiment === undefined ? undefined : SENTIMENTS.indexOf(example.sentiment);
    case 'category':
      // The category head learns from relevant mentions only: spam and unrelated chatter are
      // the relevance head's business, and would otherwise teach "other" every everyday word.
      // A real source that labels the category only (BANKING77: messages to a bank) has no
      // relevance label and counts as relevant.
      return example.category === undefined || example.relevant === false
        ? undefined
        : CATEGORIES.indexOf(example.category);
  }
}

/** The examples that have a label for one head, as labeled vectors (`vectors[i]` is `examples[i]`'s). */
export function labeledFor(
  head: HeadName,
  examples: readonly TrainingExample[],
  vectors: readonly SparseVector[],
): LabeledVector[] {
  return examples.flatMap((e, i) => {
    const y = labelOf(head, e);
    if (y === undefined) return [];
    return [
      {
        x: vectors[i]!,
        y,
        ...(e.weight === undefined ? {} : { weight: e.weight }),
        ...(e.source === undefined ? {} : { source: e.source }),
      },
    ];
  });
}

export interface TrainModelInput {
  readonly language: ModelLanguage;
  readonly train: readonly TrainingExample[];
  readonly heldOut: readonly CorpusExample[];
  readonly features?: FeatureOptions;
  readonly training?: Readonly<Record<HeadName, TrainOptions>>;
  /**
   * The texts the idf is learned from (default: every training text). The shipped models
   * learn it from the written corpus only, so real texts that label only sentiment leave
   * the relevance and category heads exactly as the corpus trains them.
   */
  readonly idfTexts?: readonly string[];
  /**
   * Fit each head's calibration temperature (calibration.ts) on a fold of the training
   * examples that a second head, trained on the rest, never saw. Default true; it trains
   * each head once more on 80 % of the examples.
   */
  readonly calibrate?: boolean;
  /**
   * Leave the length signals (`length:short`, `length:medium`, `length:long`) out of the
   * vectors of examples that label the category only (BANKING77). Those messages are all
   * short and never praise, so with their length the category head learned "short means
   * not praise": "Love the new update, great job!" came out complaint. Default false.
   */
  readonly categoryOnlyWithoutLength?: boolean;
}

/**
 * Trains the three heads of one language model, fits their calibration temperatures and
 * measures them on the held-out split.
 */
export function trainLanguageModel(input: TrainModelInput): Omit<LanguageModel, 'id'> {
  const features = input.features ?? DEFAULT_FEATURES;
  const training = input.training ?? DEFAULT_HEAD_TRAINING;
  const { vectors: trainVectors, idf } = input.idfTexts
    ? vectorizeWithIdfOf(
        input.train.map((e) => e.text),
        input.idfTexts,
        features,
      )
    : vectorizeTraining(
        input.train.map((e) => e.text),
        features,
      );
  if (input.categoryOnlyWithoutLength) {
    const lengths = new Set(
      (['length:short', 'length:medium', 'length:long'] as const).map((n) => signalIndex(n, features.bits)),
    );
    input.train.forEach((e, i) => {
      if (e.category !== undefined && e.relevant === undefined && e.sentiment === undefined)
        trainVectors[i] = withoutIndices(trainVectors[i]!, lengths);
    });
  }
  if (input.train.some((e) => e.withoutLength)) {
    const lengths = new Set(
      (['length:short', 'length:medium', 'length:long'] as const).map((n) => signalIndex(n, features.bits)),
    );
    input.train.forEach((e, i) => {
      if (e.withoutLength) trainVectors[i] = withoutIndices(trainVectors[i]!, lengths);
    });
  }
  const heldOutVectors = vectorize(
    input.heldOut.map((e) => e.text),
    features,
    idf,
  );
  // Heads outside `features.lexiconHeads` learn without the lexicon's signals: their weights
  // there stay zero, so the shipped vector (signals included) scores them as trained.
  const readsLexicon = (name: HeadName) => features.lexiconHeads === undefined || features.lexiconHeads.includes(name);
  const lexiconBuckets =
    features.lexiconHeads !== undefined && (features.lexicon !== undefined || features.emojiClasses)
      ? lexiconSignalBuckets(features.bits)
      : undefined;
  const withoutLexicon = lexiconBuckets ? trainVectors.map((v) => withoutIndices(v, lexiconBuckets)) : undefined;
  const heads = {} as Record<HeadName, LinearHead>;
  const measured = {} as Record<HeadName, { accuracy: number; macroF1: number }>;
  const temperatures = {} as Record<HeadName, number>;
  const calibrate = input.calibrate ?? true;
  let stage: SentimentStage | undefined;
  for (const name of HEAD_NAMES) {
    const masked = withoutLexicon !== undefined && !readsLexicon(name);
    const headVectors = masked ? withoutLexicon : trainVectors;
    // Each head learns from the examples that carry its label (labelOf: the category head
    // from relevant mentions only; real texts label sentiment or category only), weighted where given.
    const labeledAt = input.train.flatMap((e, i) => {
      const y = labelOf(name, e);
      if (y === undefined) return [];
      return [
        {
          id: e.id ?? e.text,
          text: e.text,
          x: headVectors[i]!,
          y,
          ...(e.weight === undefined ? {} : { weight: e.weight }),
          ...(e.source === undefined ? {} : { source: e.source }),
        },
      ];
    });
    heads[name] = trainHead(name, CLASSES[name], labeledAt, features.bits, training[name]);
    if (calibrate) temperatures[name] = headTemperature(name, labeledAt, features.bits, training[name]);
    const stageInputsOf = training[name].stage;
    if (name === 'sentiment' && stageInputsOf !== undefined) {
      stage = trainSentimentStage(
        stageInputsOf,
        labeledAt.map((e) => ({ ...e, normalized: normalizeText(e.text) })),
        (part) => trainHead(name, CLASSES[name], part, features.bits, training[name]),
        temperatures[name] ?? 1,
        training[name].calibrateWeighted === true,
      );
      measured[name] = round(
        evaluateStaged(heads[name], temperatures[name] ?? 1, stage, input.heldOut, heldOutVectors),
      );
      continue;
    }
    const heldOutLabeled = labeledFor(name, input.heldOut, heldOutVectors);
    measured[name] = round(evaluateHead(heads[name], heldOutLabeled));
  }
  const heldOut: HeldOutScores | undefined =
    input.heldOut.length > 0 ? { examples: input.heldOut.length, heads: measured } : undefined;
  return {
    language: input.language,
    features,
    heads,
    trainExamples: input.train.length,
    ...(idf ? { idf } : {}),
    ...(heldOut ? { heldOut } : {}),
    ...(calibrate ? { temperatures } : {}),
    ...(stage ? { stage } : {}),
  };
}

/**
 * A head's calibration temperature, out of fold: a head trained without the calibration fold
 * (`calibrationFold`) scores it, and the temperature that makes those scores honest is the one
 * applied to the head trained on all of `labeled`.
 */
export function headTemperature(
  name: HeadName,
  labeled: readonly (LabeledVector & { readonly id: string })[],
  bits: number,
  options: TrainOptions,
): number {
  const { fit, calibrate: all } = calibrationFold(labeled);
  const fold = options.calibrateOnUnweighted ? all.filter((e) => e.weight === undefined) : all;
  const probe = trainHead(name, CLASSES[name], fit, bits, options);
  return fitTemperature(
    fold.map((e) => scoresOf(probe, e.x)),
    fold.map((e) => e.y),
    options.calibrateWeighted ? fold.map((e) => e.weight ?? 1) : undefined,
  );
}

/** Accuracy and macro-F1 of a sentiment head and its second stage on the labeled held-out examples. */
function evaluateStaged(
  head: LinearHead,
  temperature: number,
  stage: SentimentStage,
  heldOut: readonly CorpusExample[],
  vectors: readonly SparseVector[],
): { accuracy: number; macroF1: number } {
  const first = calibrateHead(head, temperature);
  const second = calibratedStage(stage);
  const scratch = new StageScratch();
  const gold: number[] = [];
  const predicted: number[] = [];
  heldOut.forEach((e, i) => {
    if (e.sentiment === undefined) return;
    stageInputs(softmaxInPlace(scoresOf(first, vectors[i]!)), normalizeText(e.text), scratch);
    gold.push(SENTIMENTS.indexOf(e.sentiment));
    predicted.push(argmax(stageProbabilities(second, scratch, new Float64Array(SENTIMENTS.length))));
  });
  return scores(gold, predicted, SENTIMENTS.length);
}

/** A copy of `v` without the entries at `drop`. */
function withoutIndices(v: SparseVector, drop: ReadonlySet<number>): SparseVector {
  const keep: number[] = [];
  for (let i = 0; i < v.indices.length; i++) if (!drop.has(v.indices[i]!)) keep.push(i);
  return { indices: Int32Array.from(keep, (i) => v.indices[i]!), values: Float32Array.from(keep, (i) => v.values[i]!) };
}

function round(s: { accuracy: number; macroF1: number }): { accuracy: number; macroF1: number } {
  return { accuracy: Math.round(s.accuracy * 1e4) / 1e4, macroF1: Math.round(s.macroF1 * 1e4) / 1e4 };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same shuffles everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place, driven by `random` (a seeded `mulberry32`). */
export function shuffle(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}

/** Inner folds that give the stage its out-of-fold first-stage scores. */
export const STAGE_INNER_FOLDS = 3;
/**
 * The stage's training: a few dense values, not 2^18 normalized buckets (round w18's
 * `STACK_TRAINING`); L2 1e-4 since round w20 (was 1e-5; `bench/stage-cv.ts`, with the English
 * head's L2 at 3e-6).
 */
export const STAGE_TRAINING: TrainOptions = { ...DEFAULT_TRAINING, learningRate: 0.05, epochs: 20, lambda: 1e-4 };
/** Neutral log-odds the margin search tries on the stage's calibration fold (round w18's `MARGINS`). */
export const STAGE_MARGINS: readonly number[] = [-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.5, 2];
const STAGE_NEUTRAL = SENTIMENTS.indexOf('neutral');

/** A sentiment example the stage trains on: its first-stage vector, text, label, weight and source. */
export interface StageExample extends LabeledVector {
  readonly id: string;
  readonly normalized: NormalizedText;
}

/**
 * Trains the stage for a first stage trained with `trainFirst`:
 * 1. out-of-fold first-stage probabilities (`STAGE_INNER_FOLDS` inner folds, by a hash of the
 *    id), at the first stage's calibration `temperature`, as classify computes them;
 * 2. on a calibration fold (`calibrationFold`): a stage trained on the rest chooses the neutral
 *    margin (best mean accuracy of the written examples, without a source, and the real ones)
 *    and then the temperature of its scores with the margin (weighted by the examples' weights
 *    when `weighted`);
 * 3. the stage trained on all examples, the margin added to its neutral bias.
 * Deterministic, like `trainHead`.
 */
export function trainSentimentStage(
  inputs: StageInputs,
  examples: readonly StageExample[],
  trainFirst: (examples: readonly LabeledVector[]) => LinearHead,
  temperature: number,
  weighted: boolean,
): SentimentStage {
  const probabilities = outOfFoldProbabilities(examples, trainFirst, temperature);
  const scratch = new StageScratch();
  const dense = examples.map((e, i) => {
    stageInputs(probabilities[i]!, e.normalized, scratch);
    return { ...e, x: { indices: scratch.vector.indices, values: Float32Array.from(scratch.vector.values) } };
  });
  return fitSentimentStage(inputs, dense, weighted);
}

/**
 * Step 1 of `trainSentimentStage`: each example's first-stage class probabilities from a first
 * stage trained without its inner fold (`STAGE_INNER_FOLDS`, by a hash of the id), at the
 * first stage's calibration `temperature`, as classify computes them.
 */
export function outOfFoldProbabilities(
  examples: readonly (LabeledVector & { readonly id: string })[],
  trainFirst: (examples: readonly LabeledVector[]) => LinearHead,
  temperature: number,
  folds: number = STAGE_INNER_FOLDS,
): Float64Array[] {
  const inner = examples.map((e) => Math.floor(unitHash(`stack:${e.id}`) * folds));
  const probabilities = new Array<Float64Array>(examples.length);
  for (let j = 0; j < folds; j++) {
    const head = calibrateHead(trainFirst(examples.filter((_, i) => inner[i] !== j)), temperature);
    examples.forEach((e, i) => {
      if (inner[i] === j) probabilities[i] = softmaxInPlace(scoresOf(head, e.x));
    });
  }
  return probabilities;
}

/**
 * Steps 2 and 3 of `trainSentimentStage`, over the stage's dense input vectors (`x`, over
 * `STAGE_BITS` positions): the neutral margin and temperature on a calibration fold, then the
 * stage on all examples with the margin in its neutral bias.
 */
export function fitSentimentStage(
  inputs: StageInputs,
  examples: readonly (LabeledVector & { readonly id: string })[],
  weighted: boolean,
  options: StageFitOptions = {},
): SentimentStage {
  const { bits = STAGE_BITS, training = STAGE_TRAINING, marginOn = 'mean' } = options;
  const labeled = examples
    .filter((e) => e.weight !== 0)
    .map((e) => ({
      id: e.id,
      x: e.x,
      y: e.y,
      ...(e.weight === undefined ? {} : { weight: e.weight }),
      ...(e.source === undefined ? {} : { source: e.source }),
    }));
  const train = (part: readonly LabeledVector[]) => trainHead('sentiment-stage', SENTIMENTS, part, bits, training);
  const { fit, calibrate } = calibrationFold(labeled);
  const probe = train(fit);
  const probeScores = calibrate.map((e) => scoresOf(probe, e.x));
  const margin = chooseMargin(probeScores, calibrate, marginOn);
  for (const s of probeScores) s[STAGE_NEUTRAL]! += margin;
  const fitted = fitTemperature(
    probeScores,
    calibrate.map((e) => e.y),
    weighted ? calibrate.map((e) => e.weight ?? 1) : undefined,
  );
  const head = train(labeled);
  const bias = Float32Array.from(head.bias);
  bias[STAGE_NEUTRAL]! += margin;
  return { inputs, head: { ...head, bias }, temperature: fitted };
}

/** What a bench may vary in `fitSentimentStage` (the shipped training uses the defaults). */
export interface StageFitOptions {
  /** log2 of the stage's input size; default `STAGE_BITS`. */
  readonly bits?: number;
  /** Default `STAGE_TRAINING`. */
  readonly training?: TrainOptions;
  /** Choose the neutral margin on the mean accuracy of written and real examples (default), or on the real ones. */
  readonly marginOn?: 'mean' | 'real';
}

/**
 * The neutral margin with the best mean accuracy of the written (no source) and the real
 * examples, or (`marginOn` 'real') of the real ones.
 */
function chooseMargin(
  scores: readonly Float64Array[],
  examples: readonly LabeledVector[],
  marginOn: 'mean' | 'real' = 'mean',
): number {
  let best = -1;
  let chosen = 0;
  for (const m of STAGE_MARGINS) {
    const right = [0, 0];
    const total = [0, 0];
    scores.forEach((s, i) => {
      const shifted = Float64Array.from(s);
      shifted[STAGE_NEUTRAL]! += m;
      const part = examples[i]!.source === undefined ? 0 : 1;
      total[part]!++;
      if (argmax(shifted) === examples[i]!.y) right[part]!++;
    });
    const parts = (marginOn === 'real' ? [1] : [0, 1]).filter((p) => total[p]! > 0);
    const mean = parts.reduce((sum, p) => sum + right[p]! / total[p]!, 0) / Math.max(parts.length, 1);
    if (mean > best + 1e-9) [best, chosen] = [mean, m];
  }
  return chosen;
}
