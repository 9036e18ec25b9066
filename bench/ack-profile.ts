/**
 * Where the runtime's acks spend their main-thread CPU, from the CPU profiles that
 * `BENCH_CPU_PROF_DIR=<dir> npm run bench:throughput -- --ack-only` leaves behind:
 *
 *   tsx bench/ack-profile.ts <file.cpuprofile> --rate <acks per second> [--top 10]
 *
 * Only the steady load counts: from the last module compiled after ingest-webhook's first
 * sample (its cold start, during the bench's warm-up) to the last sample with ingest-webhook
 * on the stack, not the start-up, the cold start or the stop. Busy self time per frame and
 * per category (package, project folder, node: module), in ms, and in ms per ack at the
 * rate the bench printed for that row.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type CpuProfile, categoryOf, isIdle, samplesOf } from './cpu-profile.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rate: { type: 'string' }, top: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: tsx bench/ack-profile.ts <file.cpuprofile> --rate <acks/s> [--top 10]\n');
  process.exit(2);
}
const rate = Number(values.rate ?? Number.NaN);
const top = Number(values.top ?? 10);
const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;

const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const onIngestPath = (id: number): boolean => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
    if (byId.get(at)?.callFrame.url.includes('/functions/ingest-webhook/')) return true;
  return false;
};

const samples = samplesOf(profile);
const ingest = samples.filter((s) => onIngestPath(s.node.id));
const firstIngest = ingest[0]?.at ?? 0;
const to = ingest.at(-1)?.at ?? 0;
const LOADING = new Set(['compileSourceTextModule', 'wrapSafe', 'parseCJS', 'compileForInternalLoader']);
const from = samples.reduce(
  (last, s) => (s.at >= firstIngest && s.at <= to && LOADING.has(s.node.callFrame.functionName) ? s.at : last),
  firstIngest,
);
const acks = (rate * (to - from)) / 1e6;
const self = new Map<string, number>();
const categories = new Map<string, number>();
let busyUs = 0;
for (const s of samples) {
  if (s.at < from || s.at > to || isIdle(s.node)) continue;
  busyUs += s.us;
  const { functionName, url, lineNumber } = s.node.callFrame;
  const where = url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/(infra|shared|functions|bench)\//, '$1/');
  const key = `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + s.us);
  const category = categoryOf(s.node.callFrame);
  categories.set(category, (categories.get(category) ?? 0) + s.us);
}

const ms = (us: number) => (us / 1000).toFixed(1);
const perAck = (us: number) => (us / 1000 / acks).toFixed(3);
const rows = (map: Map<string, number>) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => `| ${key} | ${ms(us)} | ${perAck(us)} |`)
    .join('\n');
process.stdout.write(
  `${file}: ${((to - from) / 1e6).toFixed(2)} s of steady load, busy ${ms(busyUs)} ms (${((100 * busyUs) / (to - from)).toFixed(0)} %), ${perAck(busyUs)} ms per ack (~${acks.toFixed(0)} acks at ${rate}/s)\n\n`,
);
process.stdout.write(`| self (frame) | ms | ms per ack |\n|---|---:|---:|\n${rows(self)}\n\n`);
process.stdout.write(`| self (category) | ms | ms per ack |\n|---|---:|---:|\n${rows(categories)}\n`);
