/**
 * Where the runtime's acks spend their main-thread CPU, from the CPU profiles that
 * `BENCH_CPU_PROF_DIR=<dir> npm run bench:throughput -- --ack-only` leaves behind (the
 * main thread's profile is the `.0.001` one of each runtime process):
 *
 *   tsx bench/ack-profile.ts <file.cpuprofile> --cpu-per-ack <ms> [--top 10] [--last-seconds <s>]
 *
 * Only the steady load counts: from the last module compiled after ingest-webhook's first
 * sample (its cold start, during the bench's warm-up) to the last sample with ingest-webhook
 * on the stack; not the start-up, the cold start or the stop.
 *
 * V8 samples by the wall clock: a thread that waits for a core is charged to the frame it
 * was in, most of all to the system call that woke another thread (`writev` of a socket to
 * the SQS thread or to the client). So the table gives each frame's share of the busy
 * samples without `writev`, and, with `--cpu-per-ack` (the bench's "CPU per ack, main
 * thread", read from /proc and so free of waits), that share in ms of CPU per ack.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type CpuProfile, categoryOf, isIdle, samplesOf } from './cpu-profile.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'cpu-per-ack': { type: 'string' }, top: { type: 'string' }, 'last-seconds': { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write(
    'usage: tsx bench/ack-profile.ts <file.cpuprofile> [--cpu-per-ack <ms>] [--top 10] [--last-seconds <s>]\n',
  );
  process.exit(2);
}
const cpuPerAck = values['cpu-per-ack'] === undefined ? undefined : Number(values['cpu-per-ack']);
const top = Number(values.top ?? 10);
const lastSeconds = values['last-seconds'] === undefined ? undefined : Number(values['last-seconds']);
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
const afterLoading = samples.reduce(
  (last, s) => (s.at >= firstIngest && s.at <= to && LOADING.has(s.node.callFrame.functionName) ? s.at : last),
  firstIngest,
);
// --last-seconds: only the end of the load (the measured requests after a long warm-up), when V8
// has compiled the hot code; before it, its tier-up work shows in the samples.
const from = lastSeconds === undefined ? afterLoading : Math.max(afterLoading, to - lastSeconds * 1e6);

const WAIT = 'writev';
const self = new Map<string, number>();
const categories = new Map<string, number>();
let busyUs = 0;
let waitUs = 0;
for (const s of samples) {
  if (s.at < from || s.at > to || isIdle(s.node)) continue;
  const { functionName, url, lineNumber } = s.node.callFrame;
  if (functionName === WAIT) {
    waitUs += s.us;
    continue;
  }
  busyUs += s.us;
  const where = url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/(infra|shared|functions|bench)\//, '$1/');
  const key = `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + s.us);
  const category = categoryOf(s.node.callFrame).replace(/^.*\/(infra|shared|functions|bench)\//, '$1/');
  categories.set(category, (categories.get(category) ?? 0) + s.us);
}

const share = (us: number) => us / busyUs;
const rows = (map: Map<string, number>) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([key, us]) =>
        `| ${key} | ${(100 * share(us)).toFixed(1)} % |${cpuPerAck === undefined ? '' : ` ${(share(us) * cpuPerAck).toFixed(3)} |`}`,
    )
    .join('\n');
const header = (what: string) =>
  `| self (${what}) | share |${cpuPerAck === undefined ? '' : ' ms CPU per ack |'}\n|---|---:|${cpuPerAck === undefined ? '' : '---:|'}`;
process.stdout.write(
  `${file}: ${((to - from) / 1e6).toFixed(2)} s of steady load; sampled busy ${(busyUs / 1000).toFixed(0)} ms, ${WAIT} ${(waitUs / 1000).toFixed(0)} ms (left out)\n\n`,
);
process.stdout.write(`${header('frame')}\n${rows(self)}\n\n${header('category')}\n${rows(categories)}\n`);
