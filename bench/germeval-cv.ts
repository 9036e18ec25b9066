/**
 * Cross-validation on the GermEval 2017 dev set ONLY (test_syn is never read here): how the
 * GermEval heads' settings in bench/classifier.ts were chosen. Prints the out-of-fold
 * accuracy of each candidate, averaged over shuffled 5-fold splits.
 *
 *   npm run bench:germeval-cv -- relevance '[{}, {"t": {"logCountRatio": 1.5}}]' 1,2,3,4
 *
 * A candidate is `{ f?: FeatureOptions, t?: TrainOptions }` over the head's benchmark
 * settings (`GERMEVAL_FEATURES`, `GERMEVAL_TRAINING`); `{}` is the chosen setting itself.
 */
import { argmax, predict } from '../shared/classifier/linear-model.ts';
import type { FeatureOptions } from '../shared/classifier/features.ts';
import {
  mulberry32,
  RELEVANCE_CLASSES,
  trainHead,
  vectorize,
  vectorizeTraining,
  type TrainOptions,
} from '../shared/classifier/train.ts';
import { SENTIMENTS } from '../shared/domain/mention.ts';
import { GERMEVAL_FEATURES, GERMEVAL_TRAINING } from './classifier.ts';
import { GERMEVAL_DIR, loadGermEval, type GermEvalDocument } from './germeval.ts';

type Head = 'relevance' | 'sentiment';
interface Candidate {
  readonly f?: Partial<FeatureOptions>;
  readonly t?: Partial<TrainOptions>;
}

const FOLDS = 5;

function usage(message: string): never {
  process.stderr.write(
    `${message}\nUsage: npm run bench:germeval-cv -- <relevance|sentiment> '<candidates JSON array>' [seeds, e.g. 1,2,3,4]\n`,
  );
  process.exit(2);
}

/** Fold of each document for one shuffled split. */
function foldsOf(count: number, seed: number): number[] {
  const random = mulberry32(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const folds = new Array<number>(count);
  order.forEach((doc, position) => {
    folds[doc] = position % FOLDS;
  });
  return folds;
}

/** Out-of-fold accuracy of one candidate on one split. */
function accuracy(dev: readonly GermEvalDocument[], head: Head, candidate: Candidate, seed: number): number {
  const features: FeatureOptions = { ...GERMEVAL_FEATURES[head], ...candidate.f };
  const training: TrainOptions = { ...GERMEVAL_TRAINING[head], ...candidate.t };
  const classes = head === 'relevance' ? RELEVANCE_CLASSES : SENTIMENTS;
  const label = (d: GermEvalDocument) =>
    head === 'relevance' ? (d.relevant ? 1 : 0) : SENTIMENTS.indexOf(d.sentiment);
  const folds = foldsOf(dev.length, seed);
  let correct = 0;
  for (let k = 0; k < FOLDS; k++) {
    const train = dev.filter((_, i) => folds[i] !== k);
    const test = dev.filter((_, i) => folds[i] === k);
    const { vectors, idf } = vectorizeTraining(
      train.map((d) => d.text),
      features,
    );
    const model = trainHead(
      head,
      classes,
      train.map((d, i) => ({ x: vectors[i]!, y: label(d) })),
      features.bits,
      training,
    );
    vectorize(
      test.map((d) => d.text),
      features,
      idf,
    ).forEach((x, i) => {
      if (argmax(predict(model, x)) === label(test[i]!)) correct++;
    });
  }
  return correct / dev.length;
}

const [head, json = '[{}]', seedList = '1,2,3,4'] = process.argv.slice(2);
if (head !== 'relevance' && head !== 'sentiment') usage('the head must be relevance or sentiment');
let candidates: Candidate[];
try {
  candidates = JSON.parse(json) as Candidate[];
  if (!Array.isArray(candidates)) throw new Error('not an array');
} catch (error) {
  usage(`the candidates are not a JSON array: ${(error as Error).message}`);
}
const seeds = seedList.split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s))) usage('seeds are integers separated by commas');
const data = loadGermEval();
if (!data) {
  process.stdout.write(`GermEval 2017 not found in ${GERMEVAL_DIR}: nothing to cross-validate.\n`);
  process.exit(0);
}
process.stdout.write(
  `${head}: ${FOLDS}-fold cross-validation on dev (${data.dev.length} documents), seeds ${seeds.join(', ')}\n`,
);
for (const candidate of candidates) {
  const started = performance.now();
  const scores = seeds.map((seed) => accuracy(data.dev, head, candidate, seed));
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  process.stdout.write(
    `${mean.toFixed(4)}  (${scores.map((s) => s.toFixed(4)).join(' ')})  ${JSON.stringify(candidate)}  ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}
