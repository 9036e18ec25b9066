/**
 * How much a real example counts against a written-corpus example when the shipped models
 * are trained (`REAL_DATA_WEIGHT` in shared/classifier/build-models.ts): k-fold
 * cross-validation of the sentiment head on the TRAINING parts only (the written corpus's
 * train split plus the real data's train split; their held-out parts and GermEval are never
 * read here). Prints, per language and weight, out-of-fold sentiment accuracy and macro-F1 on
 * the written corpus and on the real texts, and their mean (the criterion).
 *
 *   npm run bench:real-weight -- [weights, e.g. 0,0.25,0.5,1,2] [folds, default 4] ['{"lambda": 3e-5}']
 *
 * The optional JSON overrides the sentiment head's training options.
 */
import { corpusFiles, realTrainingExamples } from '../shared/classifier/build-models.ts';
import { readCorpus, splitCorpus, unitHash } from '../shared/classifier/corpus.ts';
import { DEFAULT_FEATURES } from '../shared/classifier/features.ts';
import { argmax, predict } from '../shared/classifier/linear-model.ts';
import { readRealData } from '../shared/classifier/real-data.ts';
import { foldOf as foldVectors, scoresOfPart } from './sentiment-folds.ts';
import {
  DEFAULT_HEAD_TRAINING,
  labeledFor,
  trainHead,
  type TrainingExample,
  type TrainOptions,
} from '../shared/classifier/train.ts';
import { SENTIMENTS } from '../shared/domain/mention.ts';

const [weightList = '0,0.25,0.5,1,2', foldArg = '4', overrides = '{}'] = process.argv.slice(2);
const training = { ...DEFAULT_HEAD_TRAINING.sentiment, ...(JSON.parse(overrides) as Partial<TrainOptions>) };
const weights = weightList.split(',').map(Number);
const folds = Number(foldArg);
if (weights.some((w) => !Number.isFinite(w) || w < 0) || !Number.isInteger(folds) || folds < 2) {
  process.stderr.write('Usage: npm run bench:real-weight -- [weights, e.g. 0,0.25,0.5,1] [folds >= 2]\n');
  process.exit(2);
}

type Example = TrainingExample & { readonly id: string; readonly language: string; readonly real: boolean };

const corpusTrain = splitCorpus(readCorpus(corpusFiles())).train;
// Weights as the shipped training gives them (class mix matched to the written corpus), for weight 1: scaled below.
const corpus = corpusTrain.map((e): Example => ({ ...e, real: false }));
const real = realTrainingExamples(readRealData(), 1, corpusTrain).map((e): Example => ({ ...e, real: true }));
// A fold from a second hash of the id (the first decided train vs held-out).
const foldOf = (id: string) => Math.floor(unitHash(`fold:${id}`) * folds);
const f3 = (x: number) => x.toFixed(3);

process.stdout.write(`sentiment training ${JSON.stringify(training)}, ${folds} folds\n\n`);
process.stdout.write(
  `| language | real weight | corpus acc / macro-F1 | real acc / macro-F1 | mean acc |\n|---|---:|---:|---:|---:|\n`,
);
for (const language of ['de', 'en'] as const) {
  const all = [...corpus, ...real].filter((e) => e.language === language && e.sentiment !== undefined);
  const gold = new Map<number, number[]>();
  const predicted = new Map<number, number[]>();
  for (const w of weights) {
    gold.set(w, new Array(all.length));
    predicted.set(w, new Array(all.length));
  }
  for (let k = 0; k < folds; k++) {
    const { trainAt, testAt, vectors, testVectors } = foldVectors(all, (e) => foldOf(e.id) === k, DEFAULT_FEATURES);
    for (const w of weights) {
      const examples = trainAt.map((i) => (all[i]!.real ? { ...all[i]!, weight: w * (all[i]!.weight ?? 1) } : all[i]!));
      const head = trainHead(
        'sentiment',
        SENTIMENTS,
        labeledFor('sentiment', examples, vectors).filter((e) => e.weight !== 0),
        DEFAULT_FEATURES.bits,
        training,
      );
      testAt.forEach((i, t) => {
        gold.get(w)![i] = SENTIMENTS.indexOf(all[i]!.sentiment!);
        predicted.get(w)![i] = argmax(predict(head, testVectors[t]!));
      });
    }
  }
  for (const w of weights) {
    const part = (isReal: boolean) =>
      scoresOfPart(
        all,
        isReal,
        (i) => gold.get(w)![i]!,
        (i) => predicted.get(w)![i]!,
      );
    const c = part(false);
    const r = part(true);
    process.stdout.write(
      `| ${language} | ${w} | ${f3(c.accuracy)} / ${f3(c.macroF1)} | ${f3(r.accuracy)} / ${f3(r.macroF1)} | ${f3((c.accuracy + r.accuracy) / 2)} |\n`,
    );
  }
}
