/**
 * What the English sentiment features cost per mention (issue 15), measured so that a loaded
 * machine does not decide it: the shipped English model classifies English texts of 280 and
 * 2,000 characters twice, once reading its features as trained (lexicon, negation scopes,
 * emoji classes, when the model has them) and once with those options removed (the same
 * weights and the same hot loop, without the lexicon's work: the baseline), interleaved in
 * one process over many short rounds and counted in CPU time (process.cpuUsage). Also the
 * one-time cost of building the lexicon's map (once per cold start, on the first English
 * text), from a fresh process.
 *
 *   npm run bench:lexicon-speed -- [rounds, default 20] [ms per round, default 150]
 */
import { corpusFiles } from '../shared/classifier/build-models.ts';
import { readCorpus } from '../shared/classifier/corpus.ts';
import { DEFAULT_FEATURES } from '../shared/classifier/features.ts';
import { lexiconOf } from '../shared/classifier/lexicon/index.ts';
import { decodeModel } from '../shared/classifier/model-codec.ts';
import { SHIPPED_MODELS } from '../shared/classifier/models/index.ts';
import { NgramClassifier } from '../shared/classifier/ngram-classifier.ts';

const rounds = Number(process.argv[2] ?? 20);
const roundMs = Number(process.argv[3] ?? 150);

const lexiconStart = process.cpuUsage();
const lexiconWords = lexiconOf('en').size;
const lexiconCpuMs = cpuMs(process.cpuUsage(lexiconStart));

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

const model = decodeModel(SHIPPED_MODELS.en.base64, SHIPPED_MODELS.en.id);
const { negationScope, lexicon, emojiClasses, ...rest } = model.features;
const baselineModel = { ...model, features: { ...DEFAULT_FEATURES, ...rest } };
const withFeatures = new NgramClassifier({ models: { en: model }, languages: ['en'], eld: () => undefined });
const baseline = new NgramClassifier({ models: { en: baselineModel }, languages: ['en'], eld: () => undefined });

const en = readCorpus(corpusFiles())
  .filter((e) => e.language === 'en')
  .map((e) => e.text);
function textsOfLength(length: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    let text = '';
    for (let j = i; text.length < length; j++) text += `${en[j % en.length]} `;
    out.push(text.slice(0, length));
  }
  return out;
}

/** Classifies texts for about `ms` of CPU time; returns [texts, CPU ms]. */
function round(classifier: NgramClassifier, texts: readonly string[], start: number, ms: number): [number, number] {
  const before = process.cpuUsage();
  let n = 0;
  let spent = 0;
  while (spent < ms) {
    for (let i = 0; i < 50; i++) classifier.classify({ text: texts[(start + n++) % texts.length]! });
    spent = cpuMs(process.cpuUsage(before));
  }
  return [n, spent];
}

const rows: string[] = [];
for (const length of [280, 2000]) {
  const texts = textsOfLength(length, 400);
  for (const c of [withFeatures, baseline]) round(c, texts, 0, 300);
  const totals = { with: [0, 0], base: [0, 0] };
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always runs on a warmer cache.
    const order = r % 2 === 0 ? (['with', 'base'] as const) : (['base', 'with'] as const);
    for (const which of order) {
      const [n, ms] = round(which === 'with' ? withFeatures : baseline, texts, r * 37, roundMs);
      totals[which][0]! += n;
      totals[which][1]! += ms;
    }
  }
  const perSecond = (t: number[]) => (t[0]! / t[1]!) * 1000;
  const a = perSecond(totals.with);
  const b = perSecond(totals.base);
  rows.push(`| ${length} characters | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(3)} |`);
}

process.stdout.write(
  [
    `English model ${model.id}, features ${JSON.stringify({ negationScope, lexicon, emojiClasses })}; ${rounds} interleaved rounds of ${roundMs} ms CPU each, per text length.`,
    '',
    '| English texts | with the sentiment features, mentions per CPU second | baseline: same model without them | ratio |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    `Building the lexicon's map (${lexiconWords} words, once per cold start): ${lexiconCpuMs.toFixed(1)} ms CPU.`,
    '',
  ].join('\n'),
);
