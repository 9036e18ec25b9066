/**
 * Where the pipeline thread spends its CPU during an end-to-end run, from the CPU profiles that
 * `BENCH_CPU_PROF_DIR=<dir> npm run bench:throughput -- --parts e2e` leaves behind (one per
 * thread of each runtime; the pipeline thread's is the one with the functions' frames, which
 * this script finds by itself when given them all):
 *
 *   tsx bench/pipeline-profile.ts <dir>/CPU.*.<pid>.*.cpuprofile --cpu-per-mention <ms> [--top 25]
 *
 * Only the run counts: from the first sample with a function's handler on the stack to the
 * last; module loading inside it is its own group. V8 samples by the wall clock, so a thread
 * that waits for a core is charged to the frame it was in, most of all to the system calls that
 * wake another thread (`writev` of a socket to the backends, `postMessage` to the main thread):
 * those are given apart and left out of the shares. With `--cpu-per-mention` (the bench's
 * `bc-pipeline` column, read from /proc and so free of waits) each share is also given in ms.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type CpuProfile, categoryOf, isIdle, type ProfileNode, samplesOf } from './cpu-profile.ts';

/** Native frames that wake another thread: their samples are mostly waits for a core. */
const WAKE_UPS = new Set(['writev', 'postMessage', 'writeBuffer', 'writeUtf8String', 'writeLatin1String']);

const MODULE_LOADING = /^(node:internal\/modules|tsx$|esbuild$)/;

/** The group a sample's CPU belongs to: its own frame's, or, for the SDK's signing and zlib, its caller's. */
export function groupOf(frame: ProfileNode['callFrame'], stack: readonly ProfileNode['callFrame'][]): string {
  const category = categoryOf(frame);
  const under = (prefix: string) => stack.some((f) => categoryOf(f).startsWith(prefix));
  if (frame.functionName === '(garbage collector)') return 'GC (on this thread)';
  if (MODULE_LOADING.test(category) || stack.some((f) => MODULE_LOADING.test(categoryOf(f))))
    return 'module loading (first use)';
  if (under('@smithy/signature-v4')) return 'SDK: SigV4 signing (with its hashes)';
  if (category.startsWith('@aws-sdk/lib-dynamodb') || category.startsWith('@aws-sdk/util-dynamodb'))
    return 'SDK: DynamoDB document (un)marshalling';
  if (/^@(smithy|aws-sdk|aws-crypto)\//.test(category)) return 'SDK: middleware, serde, endpoints, retries';
  if (category === 'node:zlib' || under('node:zlib')) return 'zlib (case-mention records, mention details)';
  if (category === 'zod' || category.startsWith('@zod')) return 'zod';
  if (category.startsWith('@aws-lambda-powertools/')) return 'Powertools';
  if (category.startsWith('@middy/')) return 'middy';
  if (frame.url === '' && (frame.functionName === 'parse' || frame.functionName === 'stringify')) return 'JSON';
  if (category.startsWith('shared/classifier')) return 'classifier';
  if (category.startsWith('shared/domain/themes')) return 'domain: themes';
  if (category.startsWith('shared/domain') || category.startsWith('functions/')) return 'domain and handlers';
  if (/^shared\/(adapters|observability|config|platforms)/.test(category)) return 'adapters, observability, config';
  if (category.startsWith('infra/local')) return 'runtime emulation (pollers, invoke, bus, log sink)';
  if (/async_hooks/.test(category) || frame.functionName === 'promiseInitHook') return 'AsyncLocalStorage hooks';
  if (category.startsWith('node:internal/crypto') || category === 'node:crypto') return 'crypto (ids, hashes)';
  if (
    /^node:(_http|net|stream|internal\/streams|internal\/stream_base|internal\/http)/.test(category) ||
    ['socketOnData', 'onStreamRead'].includes(frame.functionName)
  )
    return 'node http, sockets, streams';
  if (/^node:(fs|internal\/fs)/.test(category) || ['openFileHandle', 'close', 'writeFileHandle'].includes(category))
    return 'files (outbox appends)';
  if (['runMicrotasks', 'node:internal/process/task_queues', 'node:internal/timers', 'node:timers'].includes(category))
    return 'promise, tick and timer machinery';
  if (category.startsWith('node:')) return 'other node internals';
  return `other (${category})`;
}

interface Summary {
  readonly file: string;
  readonly seconds: number;
  readonly busyUs: number;
  readonly wakeUpUs: number;
  readonly groups: Map<string, number>;
  readonly frames: Map<string, number>;
}

/** The run's samples of one profile, grouped; undefined for a profile without a function's frames. */
export function summarize(file: string, profile: CpuProfile): Summary | undefined {
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const stackOf = (node: ProfileNode) => {
    const stack: ProfileNode['callFrame'][] = [];
    for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) stack.push(at.callFrame);
    return stack;
  };
  const samples = samplesOf(profile);
  const inHandler = samples.filter((s) => stackOf(s.node).some((f) => f.url.includes('/functions/')));
  if (inHandler.length === 0) return undefined;
  const from = inHandler[0]?.at ?? 0;
  const to = inHandler.at(-1)?.at ?? 0;
  const groups = new Map<string, number>();
  const frames = new Map<string, number>();
  let busyUs = 0;
  let wakeUpUs = 0;
  for (const s of samples) {
    if (s.at < from || s.at > to || isIdle(s.node)) continue;
    const frame = s.node.callFrame;
    if (WAKE_UPS.has(frame.functionName) && frame.url === '') {
      wakeUpUs += s.us;
      continue;
    }
    busyUs += s.us;
    const group = groupOf(frame, stackOf(s.node));
    groups.set(group, (groups.get(group) ?? 0) + s.us);
    const key = `${frame.functionName || '(anonymous)'} ${categoryOf(frame)}`;
    frames.set(key, (frames.get(key) ?? 0) + s.us);
  }
  return { file, seconds: (to - from) / 1e6, busyUs, wakeUpUs, groups, frames };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'cpu-per-mention': { type: 'string' }, top: { type: 'string' } },
  });
  if (positionals.length === 0) {
    process.stderr.write(
      'usage: tsx bench/pipeline-profile.ts <file.cpuprofile>... [--cpu-per-mention <ms>] [--top 25]\n',
    );
    process.exit(2);
  }
  const cpuPerMention = values['cpu-per-mention'] === undefined ? undefined : Number(values['cpu-per-mention']);
  const top = Number(values.top ?? 25);
  // The pipeline thread's profile: the one with the most samples inside the functions.
  let summary: Summary | undefined;
  for (const file of positionals) {
    const candidate = summarize(file, JSON.parse(await readFile(file, 'utf8')) as CpuProfile);
    if (candidate && (!summary || candidate.busyUs > summary.busyUs)) summary = candidate;
  }
  if (!summary) throw new Error('no profile with a function on its stack');
  const { busyUs } = summary;
  const table = (title: string, map: Map<string, number>) =>
    [
      `| ${title} | share |${cpuPerMention === undefined ? '' : ' ms CPU per mention |'}`,
      `|---|---:|${cpuPerMention === undefined ? '' : '---:|'}`,
      ...[...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(
          ([key, us]) =>
            `| ${key} | ${((100 * us) / busyUs).toFixed(1)} % |${cpuPerMention === undefined ? '' : ` ${((us / busyUs) * cpuPerMention).toFixed(2)} |`}`,
        ),
    ].join('\n');
  process.stdout.write(
    `${summary.file}: ${summary.seconds.toFixed(1)} s of run; sampled busy ${(busyUs / 1000).toFixed(0)} ms, ` +
      `wake-up system calls ${(summary.wakeUpUs / 1000).toFixed(0)} ms (left out: ${[...WAKE_UPS].join(', ')})\n\n` +
      `${table('group (self time)', summary.groups)}\n\n${table('frame (self time)', summary.frames)}\n`,
  );
}

if (process.argv[1]?.endsWith('pipeline-profile.ts')) await main();
