/**
 * The cross-validation step the sentiment benches share (bench:real-weight, bench:lexicon):
 * one fold's training and test indexes and vectors, with the idf learned from the written
 * corpus's training texts only, as the shipped training learns it.
 */
import { DEFAULT_FEATURES, type FeatureOptions, type SparseVector } from '../shared/classifier/features.ts';
import { scores, vectorize, vectorizeWithIdfOf } from '../shared/classifier/train.ts';

export interface FoldExample {
  readonly text: string;
  /** A real-data example (true) or one of the written corpus (false). */
  readonly real: boolean;
}

export interface Fold {
  /** Indexes into the examples of the fold's training part, and of its test part. */
  readonly trainAt: readonly number[];
  readonly testAt: readonly number[];
  readonly vectors: SparseVector[];
  readonly testVectors: SparseVector[];
}

/** The fold in which `isTest` holds for the test part and fails for the training part. */
export function foldOf<E extends FoldExample>(
  all: readonly E[],
  isTest: (example: E) => boolean,
  features: FeatureOptions,
): Fold {
  const trainAt = all.flatMap((e, i) => (isTest(e) ? [] : [i]));
  const testAt = all.flatMap((e, i) => (isTest(e) ? [i] : []));
  const { vectors, idf } = vectorizeWithIdfOf(
    trainAt.map((i) => all[i]!.text),
    trainAt.filter((i) => !all[i]!.real).map((i) => all[i]!.text),
    features,
  );
  const testVectors = vectorize(
    testAt.map((i) => all[i]!.text),
    features,
    idf,
  );
  return { trainAt, testAt, vectors, testVectors };
}

/** Accuracy and macro-F1 over the real (or the written) examples, from gold and predicted class indexes. */
export function scoresOfPart<E extends FoldExample>(
  all: readonly E[],
  real: boolean,
  gold: (index: number) => number,
  predicted: (index: number) => number,
): ReturnType<typeof scores> {
  const at = all.flatMap((e, i) => (e.real === real ? [i] : []));
  return scores(at.map(gold), at.map(predicted), 3);
}

/** Hashed word unigrams only, no idf: the plain-LR baseline every sentiment bench prints. */
export const WORDS_ONLY: FeatureOptions = {
  ...DEFAULT_FEATURES,
  charMin: 6,
  charMax: 5,
  wordBigrams: false,
  wordWeight: 1,
  idf: false,
};

/** A variant bench's table builder: variants, folds, languages, a progress line sink. */
export type VariantSection = (
  variants: string[],
  folds: number,
  languages: ('de' | 'en')[],
  progress: (line: string) => void,
) => string;

/**
 * The command line of a variant bench (`[variants] [folds >= 2] [languages]`): prints the
 * section's table on stdout, progress on stderr, exits 2 on bad arguments.
 */
export function runVariantBench(script: string, variants: readonly string[], section: VariantSection): void {
  const [variantList = variants.join(','), foldArg = '4', languageList = 'en,de'] = process.argv.slice(2);
  const folds = Number(foldArg);
  if (!Number.isInteger(folds) || folds < 2) {
    process.stderr.write(`Usage: npm run ${script} -- [variants] [folds >= 2] [languages]\n`);
    process.exit(2);
  }
  const languages = languageList.split(',') as ('de' | 'en')[];
  process.stdout.write(
    `${section(variantList.split(','), folds, languages, (line) => process.stderr.write(`${line}\n`))}\n`,
  );
}
