import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decodeArtifact,
  loadBaseExamples,
  RealGuardSample,
  scoreGuardSample,
  trainCompanyArtifact,
} from '../shared/classifier/company-model.ts';
import { decodeModel } from '../shared/classifier/model-codec.ts';
import { SHIPPED_MODELS } from '../shared/classifier/models/index.ts';
import { NgramClassifier } from '../shared/classifier/ngram-classifier.ts';
import { mulberry32 } from '../shared/classifier/train.ts';
import {
  CORRECTION_WEIGHT,
  GUARD_MARGIN,
  guardFailure,
  splitByHash,
  type GuardScore,
  type LabelledExample,
  type ModelArtifact,
} from '../shared/domain/company-model.ts';

/**
 * `npm run bench:model-guard`: the promotion guard on real held-out text (docs/classifier.md
 * "Round w17"). Prints the shipped models' guard scores and what scoring one model on the
 * guard sample costs (train-model scores two per run), then trains company models on the full
 * base data as train-model does (German and English; the language-agnostic model stays the
 * shipped one, as in bench:learning) and shows the guard's verdict for
 * - the attack: 40 (`--attack 40,300`: more) Rahmenwerk mentions all corrected to "neutral";
 * - honest corrections: 100 (`--honest 100,1000`: more) Rahmenwerk corrections as labelled;
 * - with `--written-only`: round w16's defect, a company model whose base is the written
 *   corpus without the real data, on 100 honest corrections.
 */

const SET = path.resolve(import.meta.dirname, 'data', 'rahmenwerk-mentions.jsonl');
const counts = (flag: string, fallback: string) => {
  const at = process.argv.indexOf(flag);
  return (at >= 0 ? (process.argv[at + 1] ?? '') : fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
};
const ATTACKS = counts('--attack', '40');
const HONEST = counts('--honest', '100');
const LANGUAGES = ['de', 'en'] as const;

const examples: LabelledExample[] = readFileSync(SET, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as LabelledExample);
const { train: pool } = splitByHash(examples, 0.25);
const random = mulberry32(7);
const order = [...pool];
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const shippedAny = decodeModel(SHIPPED_MODELS.any.base64, SHIPPED_MODELS.any.id);
const classifierOf = (artifact: ModelArtifact | undefined) => {
  if (!artifact) return new NgramClassifier();
  const models = decodeArtifact({ format: 1, models: { ...artifact.models, any: SHIPPED_MODELS.any.base64 } }, 'bench');
  return new NgramClassifier({ models: { ...models, any: shippedAny } });
};
const f3 = (x: number) => x.toFixed(3);
const cells = (scores: readonly GuardScore[]) => scores.map((s) => f3(s.accuracy));

const sample = await new RealGuardSample().examples();
// Scoring is synchronous: eld first, or the first model scored reads texts without it.
await new NgramClassifier().loadLanguageDetector();
const started = performance.now();
const shipped = scoreGuardSample(new NgramClassifier(), sample);
const firstMs = performance.now() - started;
const times: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  scoreGuardSample(new NgramClassifier(), sample);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const header = shipped.map((s) => `${s.language} ${s.head} (${s.examples})`);
process.stdout.write(`## Promotion guard (margin ${GUARD_MARGIN})\n\n`);
process.stdout.write(
  `Guard sample: ${sample.length} real held-out texts. Scoring one model on it: ${(firstMs / 1000).toFixed(1)} s the first time (models decoded), then median ${(times[1]! / 1000).toFixed(1)} s of 3.\n\n`,
);

const rows: string[][] = [['shipped models', ...cells(shipped), '-']];
const verdict = (label: string, corrections: readonly LabelledExample[], base = loadBase()) => {
  const t = performance.now();
  const artifact = trainCompanyArtifact(base, corrections, CORRECTION_WEIGHT, LANGUAGES);
  const trainS = (performance.now() - t) / 1000;
  const scores = scoreGuardSample(classifierOf(artifact), sample);
  const failure = guardFailure(scores, [{ model: 'shipped', scores: shipped }], GUARD_MARGIN);
  rows.push([
    label,
    ...cells(scores),
    failure
      ? `rejected: ${failure.candidate.language} ${failure.candidate.head} ${f3(failure.reference.accuracy - failure.candidate.accuracy)} below`
      : 'passes',
  ]);
  process.stderr.write(`  ${label}: trained in ${trainS.toFixed(0)} s\n`);
};
let base: ReturnType<typeof loadBaseExamples> | undefined;
const loadBase = () => {
  base ??= loadBaseExamples();
  return base;
};
for (const n of ATTACKS)
  verdict(
    `attack: ${n} corrections, all "neutral"`,
    order.slice(0, n).map((e) => ({ ...e, sentiment: 'neutral' as const })),
  );
for (const n of HONEST) verdict(`${n} honest Rahmenwerk corrections`, order.slice(0, n));
// Round w16's defect: a company model trained without the real data (it read real text 0.29 worse).
if (process.argv.includes('--written-only'))
  verdict(
    '100 honest corrections, written corpus only (round w16 defect)',
    order.slice(0, 100),
    loadBaseExamples({ realDataDir: null }),
  );

process.stdout.write(
  `${[
    `| model (de, en trained on the full base; any shipped) | ${header.join(' | ')} | guard against shipped |`,
    `|---|${header.map(() => '---:').join('|')}|---|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n')}\n`,
);
