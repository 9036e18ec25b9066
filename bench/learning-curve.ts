import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeArtifact, loadBaseExamples, scoreClassifier, trainCompanyArtifact } from '../shared/classifier/company-model.ts';
import type { CorpusExample } from '../shared/classifier/corpus.ts';
import { decodeModel } from '../shared/classifier/model-codec.ts';
import { SHIPPED_MODELS } from '../shared/classifier/models/index.ts';
import { NgramClassifier } from '../shared/classifier/ngram-classifier.ts';
import { mulberry32 } from '../shared/classifier/train.ts';
import { CORRECTION_WEIGHT, splitByHash, type LabelledExample, type ModelArtifact } from '../shared/domain/company-model.ts';

/**
 * `npm run bench:learning`: how a company model learns from corrections. The labelled
 * mentions of a made-up bike maker (bench/data/rahmenwerk-mentions.jsonl, written by
 * bench/data/generate-learning-set.ts; it labels frame cracks legal_risk and job
 * applications other) are split by a hash of their id: a quarter held out, never trained on.
 * Corrections are drawn from the rest in a seeded order; after 0, 100, 300 and 1,000 of them
 * the held-out mentions are classified by
 * - the company model: the shipped base corpus plus the corrections, each weighted
 *   CORRECTION_WEIGHT times (what `backchannel train` builds);
 * - a baseline trained on the corrections alone;
 * - the shipped models (the 0-corrections row of the company model).
 * The bench trains the German and English models (the language-agnostic one stays the
 * shipped one) to keep the run short; `backchannel train` trains all three.
 * `npm run bench:learning -- --weights` also compares correction weights at 100 corrections.
 */

const SET = path.resolve(import.meta.dirname, 'data', 'rahmenwerk-mentions.jsonl');
const STEPS = [0, 100, 300, 1000];
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
const base: CorpusExample[] = loadBaseExamples();
const shippedAny = decodeModel(SHIPPED_MODELS.any.base64, SHIPPED_MODELS.any.id);

const f3 = (x: number) => x.toFixed(3);
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function classifierOf(artifact: ModelArtifact | undefined): NgramClassifier {
  if (!artifact) return new NgramClassifier();
  const models = decodeArtifact({ format: 1, models: { ...artifact.models, any: SHIPPED_MODELS.any.base64 } }, 'bench');
  return new NgramClassifier({ models: { ...models, any: shippedAny } });
}

function measure(artifact: ModelArtifact | undefined) {
  return scoreClassifier(classifierOf(artifact), heldOut);
}

const cell = (s: { categoryAccuracy: number; accuracy: number }) => `${f3(s.categoryAccuracy)} / ${f3(s.accuracy)}`;
const rows: string[][] = [];
let trainSeconds = 0;
const shipped = measure(undefined);
for (const n of STEPS) {
  const corrections = order.slice(0, n);
  if (n === 0) {
    rows.push(['0', cell(shipped), '—', cell(shipped)]);
    continue;
  }
  const started = performance.now();
  const company = trainCompanyArtifact(base, corrections, CORRECTION_WEIGHT, LANGUAGES);
  trainSeconds = (performance.now() - started) / 1000;
  const alone = trainCompanyArtifact([], corrections, 1, LANGUAGES);
  rows.push([String(n), cell(measure(company)), cell(measure(alone)), cell(shipped)]);
  process.stderr.write(`  ${n} corrections done (company model trained in ${trainSeconds.toFixed(1)} s)\n`);
}

process.stdout.write(`## Learning from corrections (Rahmenwerk, ${heldOut.length} held-out mentions, ${pool.length} to draw corrections from)\n\n`);
process.stdout.write('Category accuracy (relevant mentions) / accuracy over category, sentiment and relevance labels.\n\n');
process.stdout.write(`${table(['corrections', `company model (base ${base.length} + corrections x${CORRECTION_WEIGHT})`, 'corrections alone', 'shipped models'], rows)}\n\n`);
process.stdout.write(`Training the German and English models on base + 1,000 corrections took ${trainSeconds.toFixed(1)} s in this run.\n`);

if (process.argv.includes('--weights')) {
  const corrections = order.slice(0, 100);
  const weightRows = [1, 3, 5, 10].map((w) => [String(w), cell(measure(trainCompanyArtifact(base, corrections, w, LANGUAGES)))]);
  process.stdout.write(`\n### Correction weight at 100 corrections\n\n${table(['weight', 'company model'], weightRows)}\n`);
}
