import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { corpusFiles } from '../shared/classifier/build-models.ts';
import { readCorpus, splitCorpus, type CorpusExample } from '../shared/classifier/corpus.ts';
import { LanguageIdentifier, loadEld } from '../shared/classifier/language.ts';
import { NgramClassifier } from '../shared/classifier/ngram-classifier.ts';
import { normalizeText } from '../shared/classifier/normalize.ts';

/**
 * `npm run bench:language`: what loading eld on first need saves a cold start, and what the
 * company's languages and the German and English models' n-grams do to language accuracy,
 * each beside the previous way, measured in this one run.
 *
 * Cold start: the classifier is bundled twice with esbuild as the Lambda bundles it (ESM,
 * minified): once as now, once with eld imported statically as before. Each bundle runs in
 * 5 fresh Node processes (alternating), which import it, build a classifier and classify one
 * text; the table gives the median time from process start.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 5;
const TEXT = 'Mein Rad ist nach einer Woche kaputt und niemand antwortet, eine Frechheit!';
const SHORT_TEXT = 'so unhelpful…';

const f3 = (x: number) => x.toFixed(3);
const ms = (x: number) => x.toFixed(0);
const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface ColdRun {
  readonly imported: number;
  readonly first: number;
  readonly firstShort: number;
  readonly eldLoaded: number;
  /** CPU time (user + system) of the process when the first text was classified, and when eld had loaded. */
  readonly firstCpu: number;
  readonly eldCpu: number;
  readonly reason: string;
}

type Bundle = 'before' | 'now' | 'none';

/** The entry of one bundle: `before` waits for eld before the first text, as the static import made every cold start do. */
function entry(bundle: Bundle): string {
  const classifier = JSON.stringify(path.join(ROOT, 'shared/classifier/ngram-classifier.ts'));
  return [
    bundle === 'before' ? "import 'eld/extrasmall';" : '',
    `import { NgramClassifier } from ${classifier};`,
    'const imported = performance.now();',
    "const classifier = new NgramClassifier({ languages: ['de', 'en'] });",
    bundle === 'before' ? 'await classifier.loadLanguageDetector();' : '',
    `classifier.classify({ text: ${JSON.stringify(TEXT)} });`,
    'const first = performance.now();',
    'const firstCpu = process.cpuUsage();',
    `const short = classifier.classify({ text: ${JSON.stringify(SHORT_TEXT)} });`,
    'const firstShort = performance.now();',
    'await classifier.loadLanguageDetector();',
    'const eldLoaded = performance.now();',
    'const eldCpu = process.cpuUsage();',
    'const cpu = (u) => (u.user + u.system) / 1000;',
    "process.stdout.write(JSON.stringify({ imported, first, firstShort, eldLoaded, firstCpu: cpu(firstCpu), eldCpu: cpu(eldCpu), reason: short.reasons.find((r) => r.decision === 'language').feature }));",
  ].join('\n');
}

export async function coldStartSection(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bc-lang-'));
  try {
    const names: readonly Bundle[] = ['before', 'now', 'none'];
    const bundles = Object.fromEntries(names.map((name) => [name, path.join(dir, `${name}.mjs`)])) as Record<
      Bundle,
      string
    >;
    for (const name of names) {
      const source = path.join(dir, `${name}.ts`);
      writeFileSync(source, entry(name));
      await build({
        entryPoints: [source],
        outfile: bundles[name],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        minify: true,
        mainFields: ['module', 'main'],
        banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
        nodePaths: [path.join(ROOT, 'node_modules')],
        logLevel: 'silent',
        // `none`: eld replaced by a stand-in that knows no language, to show what the rest costs.
        plugins: name === 'none' ? [NO_ELD] : [],
      });
    }
    const runs: Record<Bundle, ColdRun[]> = { before: [], now: [], none: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const name of i % 2 === 0 ? names : [...names].reverse()) {
        runs[name].push(JSON.parse(execFileSync(process.execPath, [bundles[name]], { encoding: 'utf8' })) as ColdRun);
      }
    }
    const row = (label: string, r: ColdRun[]) => [
      label,
      ms(median(r.map((x) => x.imported))),
      ms(median(r.map((x) => x.first))),
      ms(median(r.map((x) => x.firstShort))),
      ms(median(r.map((x) => x.eldLoaded))),
      ms(median(r.map((x) => x.firstCpu))),
      ms(median(r.map((x) => x.eldCpu))),
      `\`${r[0]!.reason}\``,
    ];
    return [
      '### Cold start: the first classification',
      '',
      `One Node ${process.versions.node} process per run, the classifier bundled as the Lambda bundles it; milliseconds from process start (and the process's CPU time, steadier on a busy machine), median of ${RUNS} fresh processes each, the bundles alternating. First text: "${TEXT}" (function words decide it); then "${SHORT_TEXT}" (they do not).`,
      '',
      table(
        [
          'bundle',
          'imported',
          'first text classified',
          'short text classified',
          'eld loaded',
          'CPU ms at first text',
          'CPU ms at eld loaded',
          'language reason of the short text',
        ],
        [
          row('before: eld imported with the classifier', runs.before),
          row('**now: eld loaded on first need**', runs.now),
          row('reference: no eld in the bundle at all', runs.none),
        ],
      ),
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NO_ELD: Plugin = {
  name: 'no-eld',
  setup(b) {
    b.onResolve({ filter: /^eld\// }, () => ({ path: 'eld', namespace: 'no-eld' }));
    b.onLoad({ filter: /.*/, namespace: 'no-eld' }, () => ({
      contents:
        "export const eld = { detect: () => ({ language: '', getScores: () => ({}), isReliable: () => false }) };",
      loader: 'js',
    }));
  },
};

/** The first `n` words of a text: what a very short mention looks like. */
const firstWords = (text: string, n: number) =>
  text
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, n)
    .join(' ');

export async function accuracySection(): Promise<string> {
  await loadEld();
  const { heldOut } = splitCorpus(readCorpus(corpusFiles()));
  // The noise lines are left out: a handle has no language, and the rows stay comparable with earlier runs.
  const gold = heldOut.filter((e) => !e.id.startsWith('noise'));
  const before = new LanguageIdentifier();
  const ways: [string, (text: string) => { language: string; reason: string }][] = [
    [
      'before: function words, then eld (extra-small)',
      (text) => {
        const n = normalizeText(text);
        return before.detect(n.plain, n.signals.letters, n.tokens);
      },
    ],
    ...(
      [
        ['now, no languages configured', new NgramClassifier()],
        ['**now, company languages de, en**', new NgramClassifier({ languages: ['de', 'en'] })],
        [
          'now, de, en, eld not loaded yet (first texts of a cold start)',
          new NgramClassifier({ languages: ['de', 'en'], eld: () => undefined }),
        ],
      ] as const
    ).map(([label, classifier]): [string, (text: string) => { language: string; reason: string }] => [
      label,
      (text) => {
        const result = classifier.classify({ text });
        return {
          language: result.language,
          reason: result.reasons.find((r) => r.decision === 'language')?.feature ?? '',
        };
      },
    ]),
  ];
  const score = (
    detect: (text: string) => { language: string; reason: string },
    examples: readonly CorpusExample[],
    cut?: number,
  ) => {
    let right = 0;
    let withoutEld = 0;
    for (const e of examples) {
      const detected = detect(cut ? firstWords(e.text, cut) : e.text);
      if (detected.language === e.language) right++;
      if (!detected.reason.startsWith('eld:')) withoutEld++;
    }
    return { accuracy: right / Math.max(1, examples.length), withoutEld: withoutEld / Math.max(1, examples.length) };
  };
  const rows = ways.map(([label, detect]) => {
    const whole = score(detect, gold);
    const three = score(detect, gold, 3);
    const one = score(detect, gold, 1);
    return [
      label,
      f3(whole.accuracy),
      f3(three.accuracy),
      f3(one.accuracy),
      `${(100 * whole.withoutEld).toFixed(0)} %`,
    ];
  });
  const failures = [
    'so unhelpful…',
    'U blow',
    'perfekt, danke für die schnelle Info :)',
    '#fail #bahn',
    'Totally useless',
    'Merci beaucoup',
  ];
  const configured = new NgramClassifier({ languages: ['de', 'en'] });
  const failureRows = failures.map((text) => {
    const n = normalizeText(text);
    const old = before.detect(n.plain, n.signals.letters, n.tokens);
    const now = configured.classify({ text });
    return [
      `\`${text}\``,
      old.language,
      now.language,
      `\`${now.reasons.find((r) => r.decision === 'language')?.feature ?? ''}\``,
    ];
  });
  return [
    '### Language = label on the held-out corpus',
    '',
    `${gold.length} held-out corpus texts (German and English; the noise lines left out), whole and cut to their first three words and first word (very short mentions). "Without eld": decided by the function words, the n-grams or the prior.`,
    '',
    table(['language identification', 'whole texts', 'first 3 words', 'first word', 'without eld (whole)'], rows),
    '',
    'Short texts from the issue (languages de, en configured):',
    '',
    table(['text', 'before', 'now', 'reason now'], failureRows),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Cold start first, while the machine is as quiet as this process leaves it.
  const cold = await coldStartSection();
  const accuracy = await accuracySection();
  process.stdout.write(`## Language identification benchmark\n\n${cold}\n${accuracy}\n`);
}
