/**
 * `npm run bench:real-sources`: which real-data sources (and at what weight) the sentiment
 * head should learn from. Per language, the sentiment head is trained as `npm run train`
 * trains it (written corpus train split plus the real sources' train splits, class mix
 * matched, idf from the written corpus) with each listed mix of sources, and measured on the
 * held-out part of every source, the written corpus's held-out split and, for German,
 * GermEval 2017 test_syn (zero-shot). The head alone, without eld: `npm run bench:classifier`
 * measures the shipped models end to end.
 *
 * Sources that are checked but not committed are imported in this run from a snapshot:
 * `XED_DIR=<XED checkout, or bare-git-dir:>` adds XED (`xed`, `xed-de`; see DATA-LICENSES.md).
 * A mix naming a source that is not there is skipped.
 *
 *   XED_DIR=... GERMEVAL_DIR=... npm run bench:real-sources -- ['{"de": [...], "en": [...]}']
 *
 * A mix is `{ "sources": { "<source>": <weight factor> }, "biasShift"?: [neg, neu, pos], "features"?: {...} }`;
 * the factor multiplies `REAL_DATA_WEIGHT`.
 */
import { corpusFiles, REAL_DATA_WEIGHT, realTrainingExamples } from '../shared/classifier/build-models.ts';
import { readCorpus, splitCorpus } from '../shared/classifier/corpus.ts';
import { DEFAULT_FEATURES, type FeatureOptions, type SparseVector } from '../shared/classifier/features.ts';
import { argmax, predict } from '../shared/classifier/linear-model.ts';
import { importXed } from '../shared/classifier/import-real-data.ts';
import { type RealExample, readRealData } from '../shared/classifier/real-data.ts';
import {
  DEFAULT_HEAD_TRAINING,
  labeledFor,
  scores,
  trainHead,
  vectorize,
  vectorizeWithIdfOf,
  type TrainingExample,
} from '../shared/classifier/train.ts';
import { SENTIMENTS, type Sentiment } from '../shared/domain/mention.ts';
import { loadGermEval } from './germeval.ts';

interface Mix {
  readonly sources: Readonly<Record<string, number>>;
  readonly biasShift?: readonly number[];
  /** Feature options over the shipped ones (e.g. `{ "negationScope": 3 }`). */
  readonly features?: Partial<FeatureOptions>;
}

/** The English sources `npm run train` uses, each at factor 1. */
const SHIPPED_EN: Readonly<Record<string, number>> = {
  goemotions: 1,
  'uci-amazon': 1,
  'uci-imdb': 1,
  'uci-yelp': 1,
  'clothing-reviews': 1,
};

const DEFAULT_MIXES: Readonly<Record<'de' | 'en', readonly Mix[]>> = {
  en: [
    // The shipped mix without the UCI review sentences: the row they were judged against.
    { sources: { goemotions: 1 } },
    ...[0, 0.2, 0.5, 1, 2].map((xed): Mix => ({ sources: xed ? { ...SHIPPED_EN, xed } : SHIPPED_EN })),
    // The neutral margin (round w8; -0.25 shipped until round w14, -0.5 in w14, -0.25 again since w15: ENGLISH_NEUTRAL_MARGIN).
    ...[-0.25, -0.5].map((neutral): Mix => ({ sources: SHIPPED_EN, biasShift: [0, neutral, 0] })),
  ],
  de: [
    ...[0, 0.25, 1].map((xed): Mix => ({ sources: xed ? { potts: 1, 'xed-de': xed } : { potts: 1 } })),
    // "The German head almost never says positive" (issue 15): a prior towards positive.
    { sources: { potts: 1 }, biasShift: [0, 0, 0.5] },
    // UD German PUD's neutral sentences (round w8); x3 is shipped (REAL_SOURCE_FACTORS).
    ...[1, 3, 5, 10].map((pud): Mix => ({ sources: { potts: 1, 'ud-german-pud': pud } })),
  ],
};

const [mixArg] = process.argv.slice(2);
const xedDir = process.env.XED_DIR;
const mixes = { ...DEFAULT_MIXES, ...(mixArg ? (JSON.parse(mixArg) as Partial<typeof DEFAULT_MIXES>) : {}) };
const f3 = (x: number) => x.toFixed(3);

const corpusSplit = splitCorpus(readCorpus(corpusFiles()));
// In id order, as `import-real-data` writes a source's examples.jsonl: the same order trains the same head.
const byId = (a: RealExample, b: RealExample) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const real = [
  ...readRealData(),
  ...(xedDir ? [...importXed(xedDir, 'en').sort(byId), ...importXed(xedDir, 'de').sort(byId)] : []),
];
const present = new Set(real.map((e) => e.source));
// No shipped source factors (REAL_SOURCE_FACTORS): a mix's factors are the whole story.
const realTrain = realTrainingExamples(real, REAL_DATA_WEIGHT, corpusSplit.train, { sourceFactors: {} });
const realHeldOut = splitCorpus(real).heldOut;
const germEval = loadGermEval();

process.stdout.write(
  `Sentiment head only (no eld), accuracy / macro-F1; real weight ${REAL_DATA_WEIGHT} times the factor per source.\n\n`,
);
for (const language of ['en', 'de'] as const) {
  const corpusTrain = corpusSplit.train.filter((e) => e.language === language);
  const mine = realTrain.filter((e) => e.language === language);
  const train = [...corpusTrain, ...mine];
  // Vectors per feature set (a mix may change the features), computed once each.
  const vectorized = new Map<string, { vectors: SparseVector[]; test: SparseVector[][] }>();
  const vectorsFor = (features: FeatureOptions) => {
    const key = JSON.stringify(features);
    let v = vectorized.get(key);
    if (!v) {
      const { vectors, idf } = vectorizeWithIdfOf(
        train.map((e) => e.text),
        corpusTrain.map((e) => e.text),
        features,
      );
      const test = testSets.map(([, set]) =>
        vectorize(
          set.map((e) => e.text),
          features,
          idf,
        ),
      );
      v = { vectors, test };
      vectorized.set(key, v);
    }
    return v;
  };
  const testSets: [string, { readonly text: string; readonly sentiment?: Sentiment }[]][] = [
    [`corpus ${language}`, corpusSplit.heldOut.filter((e) => e.language === language)],
    ...[...new Set(real.filter((e) => e.language === language).map((e) => e.source))]
      .sort()
      .map((source): [string, typeof realHeldOut] => [source, realHeldOut.filter((e) => e.source === source)]),
    ...(language === 'de' && germEval ? [['GermEval test_syn', germEval.testSyn] as [string, typeof realHeldOut]] : []),
  ];
  process.stdout.write(
    `| ${language}: sources x weight factor | ${testSets.map(([name, set]) => `${name} (${set.length})`).join(' | ')} | positive share on GermEval |\n`,
  );
  process.stdout.write(`|---|${testSets.map(() => '---:').join('|')}|---:|\n`);
  for (const mix of mixes[language]) {
    const missing = Object.keys(mix.sources).filter((source) => !present.has(source));
    if (missing.length > 0) {
      process.stdout.write(`| ${missing.join(', ')} not present (XED_DIR unset?): mix skipped |\n`);
      continue;
    }
    // A source left out of the mix weighs 0 (and is filtered out below): the vectors stay aligned.
    const examples: TrainingExample[] = [
      ...corpusTrain,
      ...mine.map((e) => ({ ...e, weight: (e.weight ?? 1) * (mix.sources[e.source] ?? 0) })),
    ];
    const features = { ...DEFAULT_FEATURES, ...mix.features };
    const { vectors, test: testVectors } = vectorsFor(features);
    const head = trainHead(
      'sentiment',
      SENTIMENTS,
      labeledFor('sentiment', examples, vectors).filter((e) => e.weight !== 0),
      features.bits,
      { ...DEFAULT_HEAD_TRAINING.sentiment, ...(mix.biasShift ? { biasShift: mix.biasShift } : {}) },
    );
    let positiveShare = '-';
    const cells = testSets.map(([name, set], t) => {
      const predicted = testVectors[t]!.map((x) => argmax(predict(head, x)));
      if (name === 'GermEval test_syn')
        positiveShare = f3(predicted.filter((p) => p === SENTIMENTS.indexOf('positive')).length / predicted.length);
      const s = scores(
        set.map((e) => SENTIMENTS.indexOf(e.sentiment!)),
        predicted,
        3,
      );
      return `${f3(s.accuracy)} / ${f3(s.macroF1)}`;
    });
    const name = Object.entries(mix.sources)
      .map(([s, w]) => `${s} x${w}`)
      .join(' + ');
    process.stdout.write(
      `| ${name}${mix.biasShift ? ` bias ${mix.biasShift.join(',')}` : ''}${mix.features ? ` ${JSON.stringify(mix.features)}` : ''} | ${cells.join(' | ')} | ${positiveShare} |\n`,
    );
  }
  process.stdout.write('\n');
}
