/**
 * The English sentiment stage's inputs and training, chosen on the TRAINING data only (issue 15,
 * round w20): 4-fold cross-validation of the shipped English sentiment training (the written
 * corpus's train split, the written-only texts and the weighted real texts' train split, as
 * `trainShippedLanguageModel('en')` assembles them; held-out parts and GermEval never read).
 *
 * Per outer fold the first stage is trained as the shipped training trains it (its calibration
 * temperature, its 3 inner folds for out-of-fold probabilities, the head on the whole fold) once,
 * and its probabilities are cached (`tmp/stage-cv-cache.json`, keyed by the data and training);
 * then every stage variant is fitted on the cached out-of-fold probabilities with
 * `fitSentimentStage` (the shipped margin and temperature fitting) and scored on the fold's test
 * texts. Prints out-of-fold accuracy / macro-F1 on the written and on the real texts.
 *
 *   npx tsx bench/stage-cv.ts [variants, e.g. shipped,emoji] [folds, default 4]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  loadBaseData,
  REAL_DATA_WEIGHT,
  type RealWeighting,
  realTrainingExamples,
  SHIPPED_TRAINING,
} from '../shared/classifier/build-models.ts';
import { readRealData } from '../shared/classifier/real-data.ts';
import { calibratedStage, calibrateHead } from '../shared/classifier/calibration.ts';
import { splitCorpus, unitHash } from '../shared/classifier/corpus.ts';
import { type FeatureOptions, SHIPPED_FEATURES } from '../shared/classifier/features.ts';
import { argmax, scoresOf, softmaxInPlace } from '../shared/classifier/linear-model.ts';
import { type NormalizedText, normalizeText } from '../shared/classifier/normalize.ts';
import { STAGE_VARIANTS, type StageVariant } from './stage-variants.ts';
import {
  fitSentimentStage,
  headTemperature,
  outOfFoldProbabilities,
  scores,
  STAGE_INNER_FOLDS,
  STAGE_TRAINING,
  trainHead,
  type TrainingExample,
  type TrainOptions,
  vectorizeWithIdfOf,
} from '../shared/classifier/train.ts';
import { SENTIMENTS } from '../shared/domain/mention.ts';

type Example = TrainingExample & { readonly id: string; readonly real: boolean; readonly corpus: boolean };

interface FoldCache {
  readonly trainAt: number[];
  readonly testAt: number[];
  /** Out-of-fold first-stage probabilities of the training part, flattened (3 per example). */
  readonly oof: number[];
  /** The fold's first stage (trained on its whole training part) on its test part, flattened. */
  readonly test: number[];
  readonly temperature: number;
}

/** First stages the stages can sit on: the shipped one, and variants of its training (`STAGE_CV_HEAD`). */
interface FirstStage {
  readonly features: FeatureOptions;
  readonly training: TrainOptions;
  readonly innerFolds: number;
  /** How the real texts are weighted; the shipped weighting when not given. */
  readonly weighting?: RealWeighting;
}
const HEADS: Readonly<Record<string, FirstStage>> = {
  shipped: { features: SHIPPED_FEATURES.en, training: SHIPPED_TRAINING.en.sentiment, innerFolds: STAGE_INNER_FOLDS },
  /** Round w19's English head (L2 1e-5): the reference of round w20's tables. */
  w19: {
    features: SHIPPED_FEATURES.en,
    training: { ...SHIPPED_TRAINING.en.sentiment, lambda: 1e-5 },
    innerFolds: STAGE_INNER_FOLDS,
  },
  inner5: { features: SHIPPED_FEATURES.en, training: SHIPPED_TRAINING.en.sentiment, innerFolds: 5 },
  l2div3: {
    features: SHIPPED_FEATURES.en,
    training: { ...SHIPPED_TRAINING.en.sentiment, lambda: 3e-6 },
    innerFolds: STAGE_INNER_FOLDS,
  },
  unmatched: {
    features: SHIPPED_FEATURES.en,
    training: SHIPPED_TRAINING.en.sentiment,
    innerFolds: STAGE_INNER_FOLDS,
    weighting: { matchClassMix: false },
  },
  'l2div3+unmatched': {
    features: SHIPPED_FEATURES.en,
    training: { ...SHIPPED_TRAINING.en.sentiment, lambda: 3e-6 },
    innerFolds: STAGE_INNER_FOLDS,
    weighting: { matchClassMix: false },
  },
  encx: {
    features: { ...SHIPPED_FEATURES.en, lexicon: 'en-cx', lexiconHeads: ['sentiment'] },
    training: SHIPPED_TRAINING.en.sentiment,
    innerFolds: STAGE_INNER_FOLDS,
  },
};

const [variantList = Object.keys(STAGE_VARIANTS).join(','), foldArg = '4'] = process.argv.slice(2);
const folds = Number(foldArg);
const headName = process.env.STAGE_CV_HEAD ?? 'shipped';
// Round w20's tables (docs/classifier.md) were measured with round w19's head as `shipped`: `w19` now.
const firstStage = HEADS[headName];
if (!firstStage) throw new Error(`unknown first stage ${headName}; known: ${Object.keys(HEADS).join(', ')}`);
const { features, training: headTraining, innerFolds, weighting } = firstStage;

const base = loadBaseData();
const en = <T extends { readonly language: string }>(all: readonly T[]) => all.filter((e) => e.language === 'en');
const corpusTrain = splitCorpus(en(base.corpus)).train;
const all: Example[] = [
  ...corpusTrain.map((e) => ({ ...e, real: false, corpus: true })),
  ...en(base.writtenOnly).map((e) => ({ ...e, id: e.id ?? e.text, real: false, corpus: false })),
  ...en(
    weighting
      ? realTrainingExamples(readRealData(), REAL_DATA_WEIGHT, splitCorpus(base.corpus).train, weighting)
      : base.real,
  ).map((e) => ({ ...e, id: e.id ?? e.text, real: true, corpus: false })),
].filter((e) => e.sentiment !== undefined);
const gold = all.map((e) => SENTIMENTS.indexOf(e.sentiment!));
const normalized: NormalizedText[] = all.map((e) => normalizeText(e.text));
const foldOf = (id: string) => Math.floor(unitHash(`fold:${id}`) * folds);

const key = createHash('sha256')
  .update(
    JSON.stringify([
      folds,
      ...(innerFolds === STAGE_INNER_FOLDS ? [] : [innerFolds]),
      features,
      headTraining,
      all.map((e) => [e.id, e.text, e.sentiment, e.weight]),
    ]),
  )
  .digest('hex')
  .slice(0, 16);
const cacheFile = path.join(import.meta.dirname, '..', 'tmp', `stage-cv-${key}.json`);

function firstStages(): FoldCache[] {
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as FoldCache[];
  const out: FoldCache[] = [];
  for (let k = 0; k < folds; k++) {
    const started = Date.now();
    const trainAt = all.flatMap((e, i) => (foldOf(e.id) === k ? [] : [i]));
    const testAt = all.flatMap((e, i) => (foldOf(e.id) === k ? [i] : []));
    const { vectors } = vectorizeWithIdfOf(
      all.map((e) => e.text),
      trainAt.filter((i) => all[i]!.corpus).map((i) => all[i]!.text),
      features,
    );
    const labeled = trainAt.map((i) => {
      const e = all[i]!;
      return {
        id: e.id,
        x: vectors[i]!,
        y: gold[i]!,
        ...(e.weight === undefined ? {} : { weight: e.weight }),
        ...(e.source === undefined ? {} : { source: e.source }),
      };
    });
    const train = (part: Parameters<typeof trainHead>[2]) =>
      trainHead('sentiment', SENTIMENTS, part, features.bits, headTraining);
    const temperature = headTemperature('sentiment', labeled, features.bits, headTraining);
    const head = calibrateHead(train(labeled), temperature);
    const test = testAt.flatMap((i) => [...softmaxInPlace(scoresOf(head, vectors[i]!))]);
    const oof = outOfFoldProbabilities(labeled, train, temperature, innerFolds).flatMap((p) => [...p]);
    out.push({ trainAt, testAt, oof, test, temperature });
    process.stderr.write(`fold ${k}: first stages in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(out));
  return out;
}

/** The real texts' weights without the class-mix matching, by id (for `StageVariant.realWeights`). */
let unmatchedWeights: Map<string, number | undefined> | undefined;
function stageWeight(variant: StageVariant, e: Example): number | undefined {
  if (!e.real || variant.realWeights === undefined) return e.weight;
  if (typeof variant.realWeights === 'number') return (e.weight ?? 1) * variant.realWeights;
  unmatchedWeights ??= new Map(
    realTrainingExamples(readRealData(), REAL_DATA_WEIGHT, splitCorpus(base.corpus).train, {
      matchClassMix: false,
    }).map((r) => [r.id ?? r.text, r.weight]),
  );
  return unmatchedWeights.get(e.id);
}

function crossValidate(variant: StageVariant, cached: readonly FoldCache[]): number[] {
  const predicted = new Array<number>(all.length);
  for (const fold of cached) {
    const dense = fold.trainAt.map((i, t) => {
      const e = all[i]!;
      const weight = stageWeight(variant, e);
      return {
        id: e.id,
        x: variant.inputs(fold.oof.slice(3 * t, 3 * t + 3), normalized[i]!),
        y: gold[i]!,
        ...(weight === undefined ? {} : { weight }),
        ...(e.source === undefined ? {} : { source: e.source }),
      };
    });
    const stage = fitSentimentStage('en-lexicons', dense, true, {
      bits: variant.bits,
      training: { ...STAGE_TRAINING, ...variant.training },
      ...(variant.marginOn ? { marginOn: variant.marginOn } : {}),
    });
    const head = calibratedStage(stage);
    fold.testAt.forEach((i, t) => {
      predicted[i] = argmax(scoresOf(head, variant.inputs(fold.test.slice(3 * t, 3 * t + 3), normalized[i]!)));
    });
  }
  return predicted;
}

const f3 = (x: number) => x.toFixed(process.env.STAGE_CV_DIGITS ? Number(process.env.STAGE_CV_DIGITS) : 3);
function row(name: string, predicted: readonly number[]): string {
  const part = (real: boolean) => {
    const at = all.flatMap((e, i) => (e.real === real ? [i] : []));
    return scores(
      at.map((i) => gold[i]!),
      at.map((i) => predicted[i]!),
      3,
    );
  };
  const w = part(false);
  const r = part(true);
  return `| ${name} | ${f3(w.accuracy)} / ${f3(w.macroF1)} | ${f3(r.accuracy)} / ${f3(r.macroF1)} | ${f3((w.accuracy + r.accuracy) / 2)} |`;
}

const cached = firstStages();
const lines = [
  `English sentiment, first stage ${headName}, ${folds}-fold CV on the training parts (${all.filter((e) => !e.real).length} written, ${all.filter((e) => e.real).length} real texts); cells: accuracy / macro-F1`,
  '',
  '| variant | CV written | CV real | CV mean acc |',
  '|---|---:|---:|---:|',
];
const headAlone = new Array<number>(all.length);
for (const fold of cached)
  fold.testAt.forEach((i, t) => {
    headAlone[i] = argmax(fold.test.slice(3 * t, 3 * t + 3));
  });
lines.push(row('first stage alone (no stage, no margin)', headAlone));
process.stderr.write(`${lines.at(-1)}\n`);
for (const name of variantList.split(',')) {
  const variant = STAGE_VARIANTS[name];
  if (!variant) throw new Error(`unknown variant ${name}; known: ${Object.keys(STAGE_VARIANTS).join(', ')}`);
  lines.push(row(`${name}: ${variant.what}`, crossValidate(variant, cached)));
  process.stderr.write(`${lines.at(-1)}\n`);
}
process.stdout.write(`${lines.join('\n')}\n`);
