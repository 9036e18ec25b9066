import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileModelStore } from '../shared/adapters/models/index.ts';
import { baseTrainingExamples, corpusFiles, type BaseData } from '../shared/classifier/build-models.ts';
import {
  decodeArtifact,
  loadBaseExamples,
  loadPromotedModels,
  scoreClassifier,
  trainCompanyArtifact,
} from '../shared/classifier/company-model.ts';
import { decodeModel } from '../shared/classifier/model-codec.ts';
import { SHIPPED_MODELS } from '../shared/classifier/models/index.ts';
import { NgramClassifier } from '../shared/classifier/ngram-classifier.ts';
import { readRealData, realDataFiles } from '../shared/classifier/real-data.ts';
import { splitCorpus } from '../shared/classifier/corpus.ts';
import { mulberry32 } from '../shared/classifier/train.ts';
import { SENTIMENTS } from '../shared/domain/mention.ts';
import {
  CORRECTION_WEIGHT,
  splitByHash,
  type LabelledExample,
  type ModelArtifact,
} from '../shared/domain/company-model.ts';

/**
 * `npm run bench:learning`: how a company model learns from corrections. The labelled
 * mentions of a made-up bike maker (bench/data/rahmenwerk-mentions.jsonl, written by
 * bench/data/generate-learning-set.ts; it labels frame cracks legal_risk and job
 * applications other) are split by a hash of their id: a quarter held out, never trained on.
 * Corrections are drawn from the rest in a seeded order; after 0, 100, 300 and 1,000 of them
 * the held-out mentions are classified by
 * - the company model: the shipped models' base data (written corpus, real texts, written-only
 *   examples, held-out parts left out) plus the corrections, each weighted CORRECTION_WEIGHT
 *   times, trained as `npm run train` trains (what `backchannel train` builds);
 * - a baseline trained on the corrections alone (the same training options, no base data);
 * - the shipped models (the 0-corrections row of the company model).
 * The bench trains the German and English models (the language-agnostic one stays the
 * shipped one) to keep the run short; `backchannel train` trains all three.
 * `npm run bench:learning -- --weights` also compares correction weights at 100 corrections.
 * On real text: the same company models (0, 100 and 1,000 corrections) beside the shipped
 * models on the held-out part of the real data (never trained on): the English pool and
 * German PotTS, sentiment accuracy / macro-F1 end to end. A company model must learn the
 * company's corrections without forgetting what the shipped models read right.
 * It then measures what the functions pay: training all three models as train-model does
 * (time and peak memory), and classify-mention's cold-start load of a promoted model from
 * the data-directory store beside decoding the shipped models.
 */

const SET = path.resolve(import.meta.dirname, 'data', 'rahmenwerk-mentions.jsonl');
// `--steps 100,1000` draws fewer steps (0 is always measured): a full run trains the models many times.
const stepsAt = process.argv.indexOf('--steps');
const STEPS =
  stepsAt >= 0
    ? [
        0,
        ...(process.argv[stepsAt + 1] ?? '')
          .split(',')
          .map(Number)
          .filter((n) => n > 0),
      ]
    : [0, 100, 300, 1000];
const LANGUAGES = ['de', 'en'] as const;

const examples: LabelledExample[] = readFileSync(SET, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as LabelledExample);
const { train: pool, heldOut } = splitByHash(examples, 0.25);
const random = mulberry32(7);
const order = [...pool];
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const base: BaseData = loadBaseExamples();
const NO_BASE: BaseData = { corpus: [], real: [], writtenOnly: [] };
const baseCount = baseTrainingExamples(base, 'any');
const shippedAny = decodeModel(SHIPPED_MODELS.any.base64, SHIPPED_MODELS.any.id);

const f3 = (x: number) => x.toFixed(3);
const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

function classifierOf(artifact: ModelArtifact | undefined): NgramClassifier {
  if (!artifact) return new NgramClassifier();
  const models = decodeArtifact({ format: 1, models: { ...artifact.models, any: SHIPPED_MODELS.any.base64 } }, 'bench');
  return new NgramClassifier({ models: { ...models, any: shippedAny } });
}

function measure(artifact: ModelArtifact | undefined) {
  return scoreClassifier(classifierOf(artifact), heldOut);
}

// The real held-out pools: what the shipped models are measured on (bench/classifier.ts "real").
const realHeldOut = splitCorpus(readRealData()).heldOut.filter((e) => e.sentiment !== undefined);
const REAL_POOLS = [
  { label: 'en held-out real (all sources)', examples: realHeldOut.filter((e) => e.language === 'en') },
  { label: 'de PotTS held out', examples: realHeldOut.filter((e) => e.source === 'potts') },
];

/** Sentiment accuracy / macro-F1 of a classifier on a real pool, end to end. */
function realCell(classifier: NgramClassifier, examples: readonly { text: string; sentiment?: string }[]): string {
  const k = SENTIMENTS.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const e of examples) {
    const predicted = SENTIMENTS.indexOf(classifier.classify({ text: e.text }).sentiment);
    confusion[SENTIMENTS.indexOf(e.sentiment as (typeof SENTIMENTS)[number])]![predicted]!++;
  }
  const right = confusion.reduce((sum, row, i) => sum + row[i]!, 0);
  const f1s = confusion.map((row, i) => {
    const tp = row[i]!;
    const predictedAs = confusion.reduce((sum, r) => sum + r[i]!, 0);
    const actual = row.reduce((a, b) => a + b, 0);
    return tp === 0 ? 0 : (2 * tp) / (predictedAs + actual);
  });
  return `${f3(right / examples.length)} / ${f3(f1s.reduce((a, b) => a + b, 0) / k)}`;
}

const cell = (s: { categoryAccuracy: number; accuracy: number }) => `${f3(s.categoryAccuracy)} / ${f3(s.accuracy)}`;
const rows: string[][] = [];
let trainSeconds = 0;
const shipped = measure(undefined);
const realModels = new Map<string, ModelArtifact | undefined>([['shipped models', undefined]]);
const zero = trainCompanyArtifact(base, [], CORRECTION_WEIGHT, LANGUAGES);
realModels.set('company model, 0 corrections', zero);
// With no corrections the company build is `npm run train`'s: the same bytes as the shipped models, or say which differ.
const sameAsShipped = LANGUAGES.map(
  (l) => `${l} ${zero.models[l] === SHIPPED_MODELS[l].base64 ? 'same bytes as shipped' : 'DIFFERS from shipped'}`,
).join(', ');
for (const n of STEPS) {
  const corrections = order.slice(0, n);
  if (n === 0) {
    rows.push(['0', cell(shipped), '—', cell(shipped)]);
    continue;
  }
  const started = performance.now();
  const company = trainCompanyArtifact(base, corrections, CORRECTION_WEIGHT, LANGUAGES);
  trainSeconds = (performance.now() - started) / 1000;
  if (n === 100 || n === 1000) realModels.set(`company model, ${n} corrections`, company);
  const alone = trainCompanyArtifact(NO_BASE, corrections, 1, LANGUAGES);
  rows.push([String(n), cell(measure(company)), cell(measure(alone)), cell(shipped)]);
  process.stderr.write(`  ${n} corrections done (company model trained in ${trainSeconds.toFixed(1)} s)\n`);
}

process.stdout.write(
  `## Learning from corrections (Rahmenwerk, ${heldOut.length} held-out mentions, ${pool.length} to draw corrections from)\n\n`,
);
process.stdout.write(
  'Category accuracy (relevant mentions) / accuracy over category, sentiment and relevance labels.\n\n',
);
process.stdout.write(
  `${table(['corrections', `company model (base ${baseCount} + corrections x${CORRECTION_WEIGHT})`, 'corrections alone', 'shipped models'], rows)}\n\n`,
);
process.stdout.write(
  `Training the German and English models on base + 1,000 corrections took ${trainSeconds.toFixed(1)} s in this run.\n`,
);

const realRows = [...realModels].map(([label, artifact]) => [
  label,
  ...REAL_POOLS.map((p) => realCell(classifierOf(artifact), p.examples)),
  cell(measure(artifact)),
]);
process.stdout.write(
  `### On real text (held out, never trained on): sentiment accuracy / macro-F1\n\n${table(
    [
      'model (de, en trained; any shipped)',
      ...REAL_POOLS.map((p) => `${p.label} (${p.examples.length})`),
      'Rahmenwerk held out (category / all)',
    ],
    realRows,
  )}\n\n`,
);

if (process.argv.includes('--weights')) {
  const corrections = order.slice(0, 100);
  const weightRows = [1, 3, 5, 10].map((w) => [
    String(w),
    cell(measure(trainCompanyArtifact(base, corrections, w, LANGUAGES))),
  ]);
  process.stdout.write(
    `\n### Correction weight at 100 corrections\n\n${table(['weight', 'company model'], weightRows)}\n`,
  );
}

// What train-model pays: all three models on base + 1,000 corrections, as `backchannel train`.
const fullStarted = performance.now();
const fullCpuStarted = process.cpuUsage();
const full = trainCompanyArtifact(base, order.slice(0, 1000), CORRECTION_WEIGHT);
const fullSeconds = (performance.now() - fullStarted) / 1000;
const fullCpu = process.cpuUsage(fullCpuStarted);
const fullCpuSeconds = (fullCpu.user + fullCpu.system) / 1e6;
const peakMb = process.resourceUsage().maxRSS / 1024;
const corpusBytes = corpusFiles().reduce((sum, f) => sum + statSync(f).size, 0);
const realBytes = realDataFiles().reduce((sum, f) => sum + statSync(f).size, 0);

// What classify-mention pays at a cold start: read the promoted artifact from the store and decode it.
const dir = mkdtempSync(path.join(os.tmpdir(), 'bc-bench-models-'));
const store = fileModelStore(dir);
const versionId = 'company-bench';
await store.save(
  {
    id: versionId,
    trainedAt: new Date().toISOString(),
    trainedBy: 'bench',
    status: 'promoted',
    reason: 'bench',
    training: {
      baseExamples: baseCount,
      corrections: 1000,
      trainCorrections: 1000,
      heldOutCorrections: 0,
      correctionWeight: CORRECTION_WEIGHT,
      seconds: fullSeconds,
    },
    scores: {
      candidate: { accuracy: 0, categoryAccuracy: 0, examples: 0 },
      current: { accuracy: 0, categoryAccuracy: 0, examples: 0 },
      currentModel: 'shipped',
    },
  },
  full,
);
await store.setPromotion({ current: versionId, previous: [] });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const loads: number[] = [];
const shippedDecodes: number[] = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const promoted = await loadPromotedModels(store);
  loads.push(performance.now() - t0);
  if (!promoted.models) throw new Error(`bench: the promoted model did not load: ${promoted.error?.message}`);
  const t1 = performance.now();
  for (const language of ['de', 'en', 'any'] as const)
    decodeModel(SHIPPED_MODELS[language].base64, SHIPPED_MODELS[language].id);
  shippedDecodes.push(performance.now() - t1);
}
const artifactBytes = statSync(path.join(dir, 'artifacts', `${versionId}.json`)).size;
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `\n### What the functions pay\n\n${table(
    ['measure', 'this run'],
    [
      ['train-model: train de, en, any on base + 1,000 corrections (wall)', `${fullSeconds.toFixed(1)} s`],
      ['the same, CPU time (user + system; what one Lambda vCPU needs)', `${fullCpuSeconds.toFixed(1)} s`],
      ['company model, 0 corrections, against the shipped models', sameAsShipped],
      ['peak memory of this bench process (resident)', `${peakMb.toFixed(0)} MB`],
      [
        'base corpus bundled with train-model',
        `${(corpusBytes / 1024).toFixed(0)} KB in ${corpusFiles().length} files`,
      ],
      [
        'real data shipped beside train-model (examples.jsonl)',
        `${(realBytes / 1024).toFixed(0)} KB in ${realDataFiles().length} files`,
      ],
      ['company model artifact (three models)', `${(artifactBytes / 1024).toFixed(0)} KB`],
      [
        'classify-mention cold start: load the promoted model from the store (median of 7)',
        `${median(loads).toFixed(1)} ms`,
      ],
      ['baseline: decode the three shipped models (median of 7)', `${median(shippedDecodes).toFixed(1)} ms`],
    ],
  )}\n`,
);
