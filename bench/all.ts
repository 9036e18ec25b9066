/**
 * `npm run bench`: every benchmark part, one after the other, each in a fresh process (so
 * one part's heap and JIT state never colour another's figures), each printing its tables
 * beside the baselines it measures in the same run. `npm run bench -- themes spikes` runs
 * only the parts named. Each part is also its own npm script (`bench:<part>`).
 */
import { spawnSync } from 'node:child_process';

interface Part {
  readonly name: string;
  readonly script: string;
  /** Arguments after the script's name (a part that runs a script another way). */
  readonly args?: readonly string[];
  readonly what: string;
}

const PARTS: readonly Part[] = [
  {
    name: 'classifier',
    script: 'bench:classifier',
    what: 'accuracy (written corpus, real texts, GermEval), calibration, speed and size',
  },
  {
    name: 'real-sources',
    script: 'bench:real-sources',
    what: 'sentiment head per mix of real-data sources (XED_DIR adds XED), held-out and GermEval',
  },
  {
    name: 'lexicon',
    script: 'bench:lexicon',
    what: 'sentiment features (negation scope, VADER lexicon, emoji classes, German class prior) beside the shipped ones',
  },
  {
    name: 'sentiment-model',
    script: 'bench:sentiment-model',
    what: 'sentiment head training variants (L2, NB log-count ratios, class-balanced loss, word+char ensemble, neutral margin)',
  },
  {
    name: 'lexicon-speed',
    script: 'bench:lexicon-speed',
    what: "the English sentiment features' CPU cost per mention beside the same model without them",
  },
  { name: 'language', script: 'bench:language', what: "eld's cold-start cost and language accuracy of short texts" },
  { name: 'learning', script: 'bench:learning', what: 'a company model after 0, 100, 300 and 1,000 corrections' },
  { name: 'themes', script: 'bench:themes', what: 'theme grouping against the labelled theme sets (ARI, purity)' },
  {
    name: 'spikes',
    script: 'bench:spikes',
    what: 'spike detection delay, misses and false alarms over seeded histories',
  },
  { name: 'report', script: 'bench:report', what: 'weekly report build time for 100,000 mentions, bundle sizes' },
  { name: 'history', script: 'bench:history', what: 'how long the history of `npm start -- --history` takes to play' },
  {
    name: 'cost',
    script: 'bench:cost',
    what: 'AWS requests, capacity units and cost per 1M mentions, counted in a local run of 300 mentions',
  },
  {
    // The corpus's mix spreads 300 mentions over dozens of themes, so it cannot show what a
    // crisis costs: many mentions of a few complaints share themes and cases.
    name: 'cost-crisis',
    script: 'bench:cost',
    args: ['--texts', '10'],
    what: 'the same for a crisis: 300 mentions of the texts of 10 complaints over and over',
  },
  {
    name: 'console',
    script: 'bench:console',
    what: 'web console bundle size (gzip), first render of a 500-case queue, API calls per page',
  },
  {
    name: 'throughput',
    script: 'bench:throughput',
    what: 'ack latency against bare servers, end-to-end mentions/s with lost and duplicates, a surge',
  },
  {
    name: 'bundles',
    script: 'bench:bundles',
    what: 'function bundle bytes and cold import beside a client-sqs + middy + logger baseline',
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !PARTS.some((p) => p.name === w));
if (unknown.length > 0) {
  process.stderr.write(`unknown part(s) ${unknown.join(', ')}; parts: ${PARTS.map((p) => p.name).join(', ')}\n`);
  process.exit(2);
}
const parts = wanted.length === 0 ? PARTS : PARTS.filter((p) => wanted.includes(p.name));
const failed: string[] = [];
for (const [i, part] of parts.entries()) {
  process.stderr.write(`bench ${i + 1}/${parts.length}: ${part.name} (${part.what})\n`);
  const started = Date.now();
  const args = part.args ? ['--', ...part.args] : [];
  const run = spawnSync('npm', ['run', '--silent', part.script, ...args], { stdio: 'inherit' });
  process.stderr.write(
    `bench ${part.name}: ${run.status === 0 ? 'done' : `failed (exit ${run.status ?? run.signal})`} in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  if (run.status !== 0) failed.push(part.name);
  process.stdout.write('\n');
}
if (failed.length > 0) {
  process.stderr.write(`bench: ${failed.length} part(s) failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
