/**
 * `npm run bench:bundles` (issue 12): every function's bundle, built exactly as the stack
 * builds it (infra/bundling.ts), beside a baseline bundle of only @aws-sdk/client-sqs,
 * @middy/core and the Powertools logger built with the same settings, in one run:
 *
 * - bytes of `index.mjs`, raw and gzip;
 * - cold import: wall and CPU milliseconds for `await import()` of the bundle in a fresh
 *   Node process with the environment the stack gives the function. The ratio to the
 *   baseline is measured in pairs: each of RUNS rounds (BENCH_RUNS, 15) runs a function's
 *   process and a baseline process next to each other, which one first alternating, and
 *   the figure is the median of the rounds' ratios with a 90 % bootstrap interval
 *   (bench/paired-ratio.ts). A busy moment of a shared machine then hits both sides of a
 *   ratio; the ratio of two medians taken minutes apart (the column before it, as the
 *   bench measured until round w18) swung by 0.3-0.5x between quiet runs of the same code;
 * - cold start: CPU milliseconds of the import plus the first invocation, in a fresh
 *   process that calls the handler once with the event its trigger delivers (the bundle
 *   smoke test's events, test/support/bundle-invocation.ts) against the local backends of
 *   `npm start`: what a function defers to its first call (its config, clients, models)
 *   shows here, not in the import alone;
 * - the bytes shipped beside each bundle (models, eld, assets) and the heaviest packages inside it.
 *
 * Targets: every function but classify-mention within 1.3x the baseline in bytes and cold
 * import; classify-mention's cold import within 2x (cold import judged on the paired CPU
 * ratio: `ok` when its whole interval is at or under the line, `MISSED` when over it,
 * `unclear` when the interval holds the line).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLambdaBundle, type BuiltBundle } from '../infra/bundling.ts';
import { startRuntime, type Runtime } from '../infra/local/runtime.ts';
import { formatTable } from '../infra/local/text-table.ts';
import { buildTopology, INTAKE_QUEUE, type FunctionSpec } from '../infra/topology.ts';
import { demoConfig } from '../test/factories/config.ts';
import { sqsEventFactory } from '../test/factories/lambda.ts';
import { sqsRecordFactory } from '../test/factories/mention.ts';
import { bundleEvent, invokeBundle, storeBundleCase } from '../test/support/bundle-invocation.ts';
import { BUNDLE_TARGET, buildBaselineBundle, environmentOf } from './bundle-env.ts';
import { baselineFirst, median, pairedRatio, verdictOf } from './paired-ratio.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Rounds of paired imports. */
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
/** Rounds (the first ones) that also measure source maps and the first call: each a process more per function. */
const CALL_RUNS = Math.min(RUNS, Number(process.env.BENCH_CALL_RUNS ?? 5));
const CLASSIFY_IMPORT_TARGET = 2;
const CONTROL = 'baseline again (A/A control)';

const kib = (bytes: number) => (bytes / 1024).toFixed(0);
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(0)}`;

/**
 * `await import(bundle)` in a fresh process with this environment: wall milliseconds, and
 * the CPU milliseconds (user + system, process.cpuUsage) it took, which a busy machine
 * inflates far less than wall time. The child's environment is built from nothing but PATH
 * and `env`, so the caller's NODE_OPTIONS (`--cpu-prof`, `--enable-source-maps`, tsx's loader)
 * or NODE_COMPILE_CACHE cannot reach one side of a pair and not the other.
 */
function coldImport(file: string, env: Readonly<Record<string, string>>): { wall: number; cpu: number } {
  const script =
    'const c = process.cpuUsage(); const t = performance.now(); await import(process.env.BUNDLE_FILE); const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: performance.now() - t, cpu: (u.user + u.system) / 1000 }));';
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env, BUNDLE_FILE: file },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim()) as { wall: number; cpu: number };
}

/**
 * Bytes of the files shipped beside the bundle (models, eld, fonts, corpus, console), not
 * counting its source map: read at first use, not at import, but still in the package.
 */
function besideBytes(bundle: BuiltBundle): number {
  let bytes = 0;
  for (const entry of readdirSync(bundle.dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && file !== bundle.file && !file.endsWith('.map')) bytes += statSync(file).size;
  }
  return bytes;
}

/** The largest packages (or source folders) inside a bundle, by bytes in the output. */
function heaviest(bundle: BuiltBundle, count: number): string {
  const byPackage = new Map<string, number>();
  for (const [input, bytes] of Object.entries(bundle.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match ? match[1]! : input.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytes);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kib(bytes)}`)
    .join(', ');
}

/**
 * The environment and event of a first invocation against the runtime's backends: a
 * function's own local environment and its trigger's event; the baseline sends one message
 * to the intake DLQ (a queue that no function polls) with the ingest function's endpoints.
 */
function firstCallOf(
  spec: FunctionSpec | undefined,
  topology: ReturnType<typeof buildTopology>,
  config: ReturnType<typeof demoConfig>,
  runtime: Runtime,
): { readonly env: Readonly<Record<string, string | undefined>>; readonly event: unknown } {
  if (spec) return { env: runtime.env[spec.id] ?? {}, event: bundleEvent(spec, topology, config, runtime) };
  return {
    env: { ...runtime.env['ingest-webhook'], QUEUE_URL: runtime.dlqUrls[INTAKE_QUEUE] },
    event: sqsEventFactory([sqsRecordFactory('{}')]),
  };
}

async function main(): Promise<void> {
  const config = demoConfig();
  const topology = buildTopology(config);
  const functions = topology.functions;
  // Inside the project, so that native modules (left external as in the stack) resolve.
  mkdirSync(path.join(ROOT, '.backchannel'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.backchannel', 'bench-bundles-'));
  const runtime = await startRuntime({
    config,
    port: 0,
    startScheduler: false,
    alarmIntervalSeconds: 0,
    log: () => {},
  });
  try {
    await storeBundleCase(runtime);
    const entries: { readonly id: string; readonly spec: FunctionSpec | undefined; readonly bundle: BuiltBundle }[] = [
      {
        id: 'baseline (client-sqs + middy + logger)',
        spec: undefined,
        bundle: await buildBaselineBundle(config, ROOT, dir),
      },
    ];
    for (const spec of functions) {
      entries.push({ id: spec.id, spec, bundle: await buildLambdaBundle(spec, config, ROOT, path.join(dir, spec.id)) });
    }
    // The baseline paired with itself: what the method reads when nothing differs (1.00x and its noise).
    const control = { ...entries[0]!, id: CONTROL };
    entries.push(control);

    // Before any invocation: the smoke invocation writes its event and result into the bundle's folder.
    const beside = new Map<string, number>(entries.map((e) => [e.id, besideBytes(e.bundle)]));
    const base = entries[0]!;
    const functionEntries = entries.slice(1);
    const times = new Map<string, number[]>(entries.map((e) => [e.id, []]));
    const cpuTimes = new Map<string, number[]>(entries.map((e) => [e.id, []]));
    // The baseline process run beside each function process, in the same order.
    const pairedBaseCpu = new Map<string, number[]>(functionEntries.map((e) => [e.id, []]));
    // What NODE_OPTIONS=--enable-source-maps (`-c sourceMaps=true`) adds: import CPU with it minus without, adjacent processes.
    const mapped = new Map<string, number[]>(entries.map((e) => [e.id, []]));
    // Import + first invocation against the local backends, CPU milliseconds.
    const firstCalls = new Map<string, number[]>(entries.map((e) => [e.id, []]));
    // One untimed import of each bundle first: the first read of a file just written is not what a round measures.
    for (const e of entries) coldImport(e.bundle.file, environmentOf(e.spec));
    const measureImport = (e: (typeof entries)[number]) => {
      const plain = coldImport(e.bundle.file, environmentOf(e.spec));
      times.get(e.id)!.push(plain.wall);
      cpuTimes.get(e.id)!.push(plain.cpu);
      return plain.cpu;
    };
    const measureCall = async (e: (typeof entries)[number]) => {
      const plain = coldImport(e.bundle.file, environmentOf(e.spec));
      mapped.get(e.id)!.push(coldImport(e.bundle.file, environmentOf(e.spec, true)).cpu - plain.cpu);
      const call = firstCallOf(e.spec, topology, config, runtime);
      const { cpu } = await invokeBundle(e.bundle, e.spec?.name ?? 'baseline', call.env, call.event);
      firstCalls.get(e.id)!.push(cpu.import + cpu.invocation);
    };
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? functionEntries : [...functionEntries].reverse();
      for (const [i, e] of order.entries()) {
        // A pair: the function's process and a baseline process next to each other, which one first alternating.
        if (baselineFirst(run + i)) {
          pairedBaseCpu.get(e.id)!.push(measureImport(base));
          measureImport(e);
        } else {
          measureImport(e);
          pairedBaseCpu.get(e.id)!.push(measureImport(base));
        }
      }
    }
    // After all pairs: an invocation leaves the local backends busy for a moment (pollers,
    // the DynamoDB thread), which would fall on the import measured next.
    for (let run = 0; run < CALL_RUNS; run++) {
      for (const e of run % 2 === 0 ? entries : [...entries].reverse()) await measureCall(e);
    }

    const baseBytes = readFileSync(base.bundle.file).length;
    const baseMs = median(times.get(base.id)!);
    const baseCpu = median(cpuTimes.get(base.id)!);
    const baseFirstCall = median(firstCalls.get(base.id)!);
    const rows = entries.map((e) => {
      const code = readFileSync(e.bundle.file);
      const ms = median(times.get(e.id)!);
      const cpu = median(cpuTimes.get(e.id)!);
      const firstCall = median(firstCalls.get(e.id)!);
      const bytesRatio = code.length / baseBytes;
      const isBase = e === base;
      const isControl = e === control;
      // The targets are judged on the paired CPU ratio: on a shared machine wall time swings several-fold.
      const paired = isBase ? undefined : pairedRatio(cpuTimes.get(e.id)!, pairedBaseCpu.get(e.id)!);
      const line = e.id === 'classify-mention' ? CLASSIFY_IMPORT_TARGET : BUNDLE_TARGET;
      const what = e.id === 'classify-mention' ? `import <= ${line}x` : `<= ${line}x`;
      const verdict =
        paired && (e.id === 'classify-mention' || bytesRatio <= BUNDLE_TARGET) ? verdictOf(paired, line) : 'MISSED';
      return [
        e.id,
        kib(code.length),
        kib(gzipSync(code).length),
        isBase ? '1.00x' : `${bytesRatio.toFixed(2)}x`,
        ms.toFixed(0),
        isBase ? '1.00x' : `${(ms / baseMs).toFixed(2)}x`,
        cpu.toFixed(0),
        isBase ? '1.00x' : `${(cpu / baseCpu).toFixed(2)}x`,
        paired ? `${paired.median.toFixed(2)}x` : '1.00x',
        paired ? `${paired.low.toFixed(2)}-${paired.high.toFixed(2)}x` : '-',
        paired ? `${paired.min.toFixed(2)}-${paired.max.toFixed(2)}x` : '-',
        firstCall.toFixed(0),
        isBase ? '1.00x' : `${(firstCall / baseFirstCall).toFixed(2)}x`,
        signed(median(mapped.get(e.id)!)),
        isBase ? '-' : isControl ? 'control (1.00x expected)' : `${verdict} (${what})`,
        kib(beside.get(e.id) ?? 0),
        heaviest(e.bundle, 4),
      ];
    });
    process.stdout.write(
      `## Function bundles and cold import (Node ${process.versions.node}, ${RUNS} rounds: each function's process beside a baseline process; source maps and 1st call: median of ${CALL_RUNS})\n\n`,
    );
    process.stdout.write(
      `${formatTable(['function', 'KiB', 'KiB gzip', 'size', 'import ms', 'import', 'import CPU ms', 'import CPU', 'import CPU paired', '90% CI', 'rounds min-max', 'import + 1st call CPU ms', 'import + 1st call', 'source maps CPU ms', 'target', 'KiB beside', 'heaviest inside (KiB)'], rows)}\n`,
    );
    process.stdout.write(
      '\nBuilt with infra/bundling.ts (the settings the stack gives NodejsFunction); import ms is `await import()` of index.mjs with the environment the stack sets (wall time), import CPU ms the CPU time (user + system) of that import (medians of all rounds; "import CPU" is the ratio of those medians, the method until round w18); import CPU paired: the median of the per-round ratios of a function process to the baseline process run beside it, on which the targets are judged (wall time swings with the load of the machine), with the 90% bootstrap interval of that median and the smallest and largest round (target `unclear`: the interval holds the line); baseline again (A/A control): the baseline paired with itself, so its interval is what the method reads when nothing differs; import + 1st call CPU ms: the CPU time of the import and the first invocation with the event of its trigger against the local backends (the baseline sends one SQS message), the true cold start of what a function builds on its first call; source maps CPU ms is the import CPU that NODE_OPTIONS=--enable-source-maps (`-c sourceMaps=true`) adds (median over the call rounds of a process with it minus the process without it just before); KiB beside: files shipped beside index.mjs and read at first use (the models of the configured languages, eld, fonts, corpus, console), source map not counted.\n',
    );
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
