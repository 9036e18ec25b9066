/**
 * `npm run bench:bundle-profile [-- <function> ...]` (issue 12): where the cold import of a
 * function's bundle spends its CPU, beside the baseline bundle of bench:bundles, in one run.
 *
 * Each bundle is built as the stack builds it (infra/bundling.ts) with one addition: a mark
 * at the top of every module (project file or package) that records `process.cpuUsage()`
 * when the module's body starts. Modules run in dependency order, so the CPU between one
 * mark and the next is the body of the first: what evaluating it costs (its schemas, its
 * clients, its tables). The CPU before the first mark is reading, parsing and compiling the
 * bundle, which grows with its bytes. Each bundle is imported in RUNS fresh processes; the
 * table gives the mean CPU per package (or project folder) and its share of the import.
 *
 * `BENCH_BY_FILE=1` splits the project's folders into their files (which schema file costs what).
 *
 * A diagnostic, not a target: the marks themselves cost a little, and a package whose code
 * runs later from another module's body (a lazy require) counts to that module.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { lambdaBuildOptions } from '../infra/bundling.ts';
import { formatTable } from '../infra/local/text-table.ts';
import { buildTopology, type FunctionSpec } from '../infra/topology.ts';
import { demoConfig } from '../test/factories/config.ts';
import { BASELINE_BUNDLE_OPTIONS, BASELINE_SOURCE, environmentOf } from './bundle-env.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TOP = Number(process.env.BENCH_TOP ?? 12);
/** `BENCH_BY_FILE=1`: one row per project file instead of per folder (packages stay one row each). */
const BY_FILE = process.env.BENCH_BY_FILE === '1';
const BEFORE_FIRST_MODULE = '(read, parse, compile the bundle)';

/** Prepends the mark to every JavaScript or TypeScript module esbuild loads. */
const markModules: Plugin = {
  name: 'mark-modules',
  setup(builder) {
    builder.onLoad({ filter: /\.(?:[cm]?js|ts)$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8').replace(/^#!.*\n/, '');
      const mark = `globalThis.__bundleMarks.push([${JSON.stringify(path.relative(ROOT, args.path))}, process.cpuUsage()]);\n`;
      return { contents: mark + source, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/** A module's group: its package, or the first two folders of a project file (the file itself with BY_FILE). */
function groupOf(file: string): string {
  if (file.startsWith('.backchannel/')) return '(the baseline entry)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (match) return match[1]!;
  return BY_FILE ? file : file.split('/').slice(0, 2).join('/');
}

/** CPU milliseconds per group of one import in a fresh process. */
function profileOnce(file: string, env: Readonly<Record<string, string>>): Map<string, number> {
  const script = `
    const start = process.cpuUsage();
    globalThis.__bundleMarks = [];
    await import(process.env.BUNDLE_FILE);
    const marks = [['', start], ...globalThis.__bundleMarks, ['', process.cpuUsage()]];
    const ms = (u) => (u.user + u.system) / 1000;
    process.stdout.write(JSON.stringify(marks.slice(0, -1).map(([name], i) => [name, ms(marks[i + 1][1]) - ms(marks[i][1])])));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env, BUNDLE_FILE: file },
    encoding: 'utf8',
  });
  const byGroup = new Map<string, number>();
  for (const [name, ms] of JSON.parse(output) as [string, number][]) {
    const group = name === '' ? BEFORE_FIRST_MODULE : groupOf(name);
    byGroup.set(group, (byGroup.get(group) ?? 0) + ms);
  }
  return byGroup;
}

async function main(): Promise<void> {
  const config = demoConfig();
  const wanted = process.argv.slice(2);
  const functions = buildTopology(config).functions.filter((f) => wanted.length === 0 || wanted.includes(f.id));
  mkdirSync(path.join(ROOT, '.backchannel'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.backchannel', 'bench-bundle-profile-'));
  try {
    const baselineEntry = path.join(dir, 'baseline-entry.ts');
    writeFileSync(baselineEntry, BASELINE_SOURCE);
    const targets: { id: string; spec: FunctionSpec | undefined; file: string }[] = [];
    for (const spec of [undefined, ...functions]) {
      const id = spec?.id ?? 'baseline';
      const options = lambdaBuildOptions(
        spec ?? { entry: path.relative(ROOT, baselineEntry), environment: {} },
        config,
        ROOT,
        path.join(dir, id),
        spec ? {} : BASELINE_BUNDLE_OPTIONS,
      );
      const banner = `${(options.banner as { js: string }).js} globalThis.__bundleMarks ??= [];`;
      await build({ ...options, sourcemap: false, plugins: [markModules], banner: { js: banner } });
      targets.push({ id, spec, file: path.join(dir, id, 'index.mjs') });
    }
    const totals = new Map<string, Map<string, number>>(targets.map((t) => [t.id, new Map()]));
    for (let run = 0; run < RUNS; run++) {
      for (const target of run % 2 === 0 ? targets : [...targets].reverse()) {
        const sums = totals.get(target.id)!;
        for (const [group, ms] of profileOnce(target.file, environmentOf(target.spec))) {
          sums.set(group, (sums.get(group) ?? 0) + ms / RUNS);
        }
      }
    }
    process.stdout.write(
      `## Where the cold import spends its CPU (Node ${process.versions.node}, mean of ${RUNS} fresh processes)\n`,
    );
    for (const { id } of targets) {
      const sums = totals.get(id)!;
      const total = [...sums.values()].reduce((a, b) => a + b, 0);
      const rows = [...sums]
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP)
        .map(([group, ms]) => [group, ms.toFixed(1), `${((100 * ms) / total).toFixed(0)}%`]);
      process.stdout.write(
        `\n### ${id}: ${total.toFixed(0)} ms CPU\n\n${formatTable(['module (package or folder)', 'CPU ms', 'share'], rows)}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
