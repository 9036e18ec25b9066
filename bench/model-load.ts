/**
 * Model load time as a cold start pays it (issue 15: "model load <= 50 ms"): each measurement
 * is a fresh Node process that imports the classifier and the shipped models' module, then
 * times `new NgramClassifier().model(language)` (decode, fuse the heads, build the extractor),
 * in wall and CPU time. With another checkout's root, both are measured interleaved (the same
 * round runs both, in alternating order), so a loaded machine disturbs both alike.
 *
 *   npx tsx bench/model-load.ts [rounds, default 5] [root of another checkout]
 *
 * (`bench/run.ts speed` measures loads in a process that has already run the speed loop: its
 * figures are warm, these are what a Lambda's first mention waits for.)
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Language = 'de' | 'en' | 'any';
const LANGUAGES: readonly Language[] = ['de', 'en', 'any'];
const table = (header: string[], rows: string[][]): string =>
  [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

if (process.argv[2] === '--child') {
  const root = process.argv[3]!;
  const language = process.argv[4] as Language;
  const { NgramClassifier } = (await import(
    pathToFileURL(path.join(root, 'shared/classifier/ngram-classifier.ts')).href
  )) as typeof import('../shared/classifier/ngram-classifier.ts');
  const { SHIPPED_MODELS } = (await import(
    pathToFileURL(path.join(root, 'shared/classifier/models/index.ts')).href
  )) as typeof import('../shared/classifier/models/index.ts');
  if (SHIPPED_MODELS[language].base64.length === 0) throw new Error(`no ${language} model`);
  const cpu = process.cpuUsage();
  const start = performance.now();
  new NgramClassifier().model(language);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000 }));
} else {
  const rounds = Number(process.argv[2] ?? 5);
  const here = path.join(import.meta.dirname, '..');
  const roots = process.argv[3] ? { before: path.resolve(process.argv[3]), after: here } : { now: here };
  const names = Object.keys(roots) as (keyof typeof roots)[];
  const samples = new Map<string, { wall: number[]; cpu: number[] }>();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const language of LANGUAGES) {
      for (const name of order) {
        const out = execFileSync(
          process.execPath,
          ['--import', 'tsx', import.meta.filename, '--child', roots[name]!, language],
          { encoding: 'utf8' },
        );
        const { wall, cpu } = JSON.parse(out.trim().split('\n').at(-1)!) as { wall: number; cpu: number };
        const key = `${name} ${language}`;
        const entry = samples.get(key) ?? { wall: [], cpu: [] };
        entry.wall.push(wall);
        entry.cpu.push(cpu);
        samples.set(key, entry);
      }
    }
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const rows = [...samples.entries()].map(([key, { wall, cpu }]) => [
    key,
    median(wall).toFixed(1),
    Math.min(...wall).toFixed(1),
    median(cpu).toFixed(1),
    Math.min(...cpu).toFixed(1),
  ]);
  console.log(
    `Model load in fresh processes, ${rounds} per row (Node ${process.versions.node}), roots: ${JSON.stringify(roots)}\n`,
  );
  console.log(table(['build and model', 'wall ms median', 'wall best', 'CPU ms median', 'CPU best'], rows));
}
