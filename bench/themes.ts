/**
 * `npm run bench:themes`: theme quality of the incremental grouping on the labelled sets
 * bench/data/themes-<lang>.jsonl (see make-themes-data.ts for how they were written).
 *
 * The mentions go through the clusterer one by one in a fixed shuffled order, grouped per
 * kind (complaint, idea, project) and language as record-insights groups them. The join
 * threshold is chosen on one half of each set (by adjusted Rand index, both languages) and
 * measured on the other half, beside two baselines measured in the same run: one theme per
 * category, and one theme per language. Printed as Markdown tables.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_JOIN_THRESHOLD } from '../shared/domain/themes/cluster.ts';
import { themeKindOf } from '../shared/domain/themes/kind.ts';
import { ThemeClusterer } from '../shared/domain/themes/theme-clusterer.ts';
import type { Category } from '../shared/domain/mention.ts';
import { seededRandom } from './data/make-themes-data.ts';

interface Labelled {
  readonly text: string;
  readonly label: string;
  readonly category: Category;
  readonly language: 'de' | 'en';
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LANGUAGES = ['de', 'en'] as const;
const GRID = [0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4];

function load(language: string): Labelled[] {
  return readFileSync(path.join(HERE, 'data', `themes-${language}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Labelled);
}

/** Fisher-Yates with a fixed seed: the same order on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const choose2 = (n: number) => (n * (n - 1)) / 2;

/** Adjusted Rand index (Hubert and Arabie 1985) of two labelings of the same items. */
export function adjustedRandIndex(truth: readonly string[], predicted: readonly string[]): number {
  const table = new Map<string, number>();
  const rows = new Map<string, number>();
  const columns = new Map<string, number>();
  truth.forEach((t, i) => {
    const p = predicted[i] as string;
    table.set(`${t}\u0000${p}`, (table.get(`${t}\u0000${p}`) ?? 0) + 1);
    rows.set(t, (rows.get(t) ?? 0) + 1);
    columns.set(p, (columns.get(p) ?? 0) + 1);
  });
  const index = [...table.values()].reduce((s, n) => s + choose2(n), 0);
  const a = [...rows.values()].reduce((s, n) => s + choose2(n), 0);
  const b = [...columns.values()].reduce((s, n) => s + choose2(n), 0);
  const expected = (a * b) / choose2(truth.length);
  const max = (a + b) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Purity: the share of items whose theme's most common true label is their own. */
export function purity(truth: readonly string[], predicted: readonly string[]): number {
  const byTheme = new Map<string, Map<string, number>>();
  truth.forEach((t, i) => {
    const counts = byTheme.get(predicted[i] as string) ?? new Map<string, number>();
    counts.set(t, (counts.get(t) ?? 0) + 1);
    byTheme.set(predicted[i] as string, counts);
  });
  const majority = [...byTheme.values()].reduce((s, counts) => s + Math.max(...counts.values()), 0);
  return majority / truth.length;
}

/** Groups the mentions in order as record-insights does: per kind, incrementally. */
function group(mentions: readonly Labelled[], threshold: number): string[] {
  const clusterers = new Map<string, ThemeClusterer>();
  return mentions.map((m, i) => {
    const kind = themeKindOf(m.category, m.category === 'question' ? 'negative' : 'neutral') ?? 'other';
    const clusterer = clusterers.get(kind) ?? new ThemeClusterer(threshold);
    clusterers.set(kind, clusterer);
    return `${kind}:${clusterer.add(m.text, m.language) ?? `none${i}`}`;
  });
}

interface Row {
  readonly method: string;
  readonly themes: number;
  readonly ari: number;
  readonly purity: number;
}

function measure(method: string, truth: readonly string[], predicted: readonly string[]): Row {
  return {
    method,
    themes: new Set(predicted).size,
    ari: adjustedRandIndex(truth, predicted),
    purity: purity(truth, predicted),
  };
}

const f = (n: number) => n.toFixed(3);

const sets = Object.fromEntries(
  LANGUAGES.map((language) => {
    const all = shuffled(load(language), language === 'de' ? 2026 : 2027);
    const half = Math.floor(all.length / 2);
    return [language, { all, tune: all.slice(0, half), test: all.slice(half) }];
  }),
) as Record<(typeof LANGUAGES)[number], { all: Labelled[]; tune: Labelled[]; test: Labelled[] }>;

// 1. The threshold: best mean ARI over both languages on the tuning halves.
const tuning = GRID.map((threshold) => ({
  threshold,
  ari:
    LANGUAGES.map((l) =>
      adjustedRandIndex(
        sets[l].tune.map((m) => m.label),
        group(sets[l].tune, threshold),
      ),
    ).reduce((s, a) => s + a, 0) / LANGUAGES.length,
}));
const chosen = tuning.reduce((best, t) => (t.ari > best.ari ? t : best));

const out: string[] = ['## Theme quality', ''];
out.push(
  `Labelled sets: ${LANGUAGES.map((l) => `${l} ${sets[l].all.length} mentions, ${new Set(sets[l].all.map((m) => m.label)).size} themes`).join('; ')}.`,
);
out.push('Threshold chosen on the tuning half of each set, measured on the other half (fixed shuffled order).', '');
out.push('| threshold | mean ARI (tuning halves) |', '|---:|---:|');
for (const t of tuning)
  out.push(
    `| ${t.threshold.toFixed(2)}${t === chosen ? ' (chosen)' : ''}${t.threshold === DEFAULT_JOIN_THRESHOLD ? ' (default)' : ''} | ${f(t.ari)} |`,
  );
out.push('');
out.push('| language | method | themes made | adjusted Rand index | purity |', '|---|---|---:|---:|---:|');
for (const language of LANGUAGES) {
  const test = sets[language].test;
  const truth = test.map((m) => m.label);
  const rows = [
    measure(`incremental, threshold ${chosen.threshold.toFixed(2)} (chosen)`, truth, group(test, chosen.threshold)),
    ...(chosen.threshold !== DEFAULT_JOIN_THRESHOLD
      ? [
          measure(
            `incremental, threshold ${DEFAULT_JOIN_THRESHOLD.toFixed(2)} (shipped default)`,
            truth,
            group(test, DEFAULT_JOIN_THRESHOLD),
          ),
        ]
      : []),
    measure(
      'baseline: one theme per category',
      truth,
      test.map((m) => m.category),
    ),
    measure(
      'baseline: one theme per language',
      truth,
      test.map(() => language),
    ),
  ];
  for (const row of rows)
    out.push(
      `| ${language} (test half, ${test.length}) | ${row.method} | ${row.themes} | ${f(row.ari)} | ${f(row.purity)} |`,
    );
}
out.push('');
process.stdout.write(`${out.join('\n')}\n`);
