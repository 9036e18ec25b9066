/**
 * Two builds of the classifier's hot path, interleaved in one process and counted in CPU time
 * (process.cpuUsage), which a loaded machine disturbs far less than wall time: this checkout's
 * `NgramClassifier` against another checkout's (`git archive <commit> shared | tar -x -C <dir>`,
 * with a `node_modules` link), over the speed table's texts (`speedTexts`), in many short rounds
 * whose order alternates. The keyword baseline runs in the same rounds, for the ratio.
 *
 *   npx tsx bench/classifier-ab.ts <root of the other checkout> [rounds, default 30] [ms per round, default 200]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KeywordClassifier } from '../shared/classifier/keyword-classifier.ts';
import { NgramClassifier } from '../shared/classifier/ngram-classifier.ts';
import { speedTexts } from './classifier.ts';

const base = process.argv[2];
if (!base) throw new Error('usage: classifier-ab.ts <root of the other checkout> [rounds] [ms per round]');
const rounds = Number(process.argv[3] ?? 30);
const roundMs = Number(process.argv[4] ?? 200);

const other = (await import(pathToFileURL(path.resolve(base, 'shared/classifier/ngram-classifier.ts')).href)) as {
  NgramClassifier: typeof NgramClassifier;
};
type Classify = (text: string) => unknown;
function prepared(classifier: NgramClassifier): Classify {
  for (const language of ['de', 'en', 'any'] as const) classifier.model(language);
  return (text) => classifier.classify({ text });
}
const before = new other.NgramClassifier();
const after = new NgramClassifier();
await Promise.all([before.loadLanguageDetector(), after.loadLanguageDetector()]);
const keyword = new KeywordClassifier();
const runs: Record<'before' | 'after' | 'keyword', Classify> = {
  before: prepared(before),
  after: prepared(after),
  keyword: (text) => keyword.classify({ text }),
};

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** Classifies texts for about `ms` of CPU time; returns [texts, CPU ms]. */
function round(classify: Classify, texts: readonly string[], start: number, ms: number): [number, number] {
  const from = process.cpuUsage();
  let n = 0;
  let spent = 0;
  while (spent < ms) {
    for (let i = 0; i < 20; i++) classify(texts[(start + n++) % texts.length]!);
    spent = cpuMs(process.cpuUsage(from));
  }
  return [n, spent];
}

console.log(`before: ${path.resolve(base)}, after: this checkout; ${rounds} rounds of ${roundMs} ms CPU each`);
console.log('| text length | before /s | after /s | after / before | keyword /s | after / keyword |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const length of [280, 2000]) {
  const texts = speedTexts(length);
  for (const classify of Object.values(runs)) round(classify, texts, 0, 300);
  const totals = { before: [0, 0], after: [0, 0], keyword: [0, 0] };
  const orders = [
    ['before', 'after', 'keyword'],
    ['after', 'keyword', 'before'],
    ['keyword', 'before', 'after'],
  ] as const;
  for (let r = 0; r < rounds; r++) {
    for (const which of orders[r % 3]!) {
      const [n, ms] = round(runs[which], texts, r * 37, roundMs);
      totals[which][0]! += n;
      totals[which][1]! += ms;
    }
  }
  const perSecond = (t: number[]) => (t[0]! / t[1]!) * 1000;
  const [b, a, k] = [perSecond(totals.before), perSecond(totals.after), perSecond(totals.keyword)];
  console.log(
    `| ${length} characters | ${b.toFixed(0)} | ${a.toFixed(0)} | ${(a / b).toFixed(3)} | ${k.toFixed(0)} | ${(a / k).toFixed(3)} |`,
  );
}
