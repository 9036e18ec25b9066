/**
 * `npm run bench:report`: how long the weekly management report takes for 100,000
 * mentions in one week on the local table, beside the old daily-report build over the same
 * data, and how large the reporting function's bundle is beside the other functions'.
 *
 * The table is dynalite in memory. A sample of mentions (default 2,000) goes through the
 * real use case, one mention at a time (recordRoutedMention: case record, category counter,
 * report tally; a third of them answered through the histogram and tally writes changeCase
 * makes), which measures the write cost per mention. The rest of the 100,000 are added
 * through the same repository methods, summed per day, department and dimension (`ADD`
 * by n instead of n times `ADD 1`: the same items with the same values), because dynalite
 * takes tens of minutes for 300,000 single writes on a shared machine. The report build
 * reads only these per-day counters, so its time depends on days x departments, not on
 * how many mentions they count.
 *
 *   npm run bench:report                          # 100,000 mentions, 2,000 one by one
 *   npm run bench:report -- --mentions 20000 --sample 500
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  DynamoCaseRepository,
  DynamoMetricRepository,
  DynamoReportRepository,
} from '../shared/adapters/dynamodb/index.ts';
import { SvgChartRenderer } from '../shared/adapters/charts/svg-chart-renderer.ts';
import { buildDailyReport } from '../shared/domain/build-daily-report.ts';
import type { MentionRouted } from '../shared/domain/events.ts';
import { CATEGORIES, SENTIMENTS } from '../shared/domain/mention.ts';
import { MENTION_PLATFORMS } from '../shared/platforms/registry.ts';
import { recordRoutedMention } from '../shared/domain/record-routed-mention.ts';
import { buildReports, MANAGEMENT } from '../shared/domain/reports/build-reports.ts';
import { daysOf, periodOf } from '../shared/domain/reports/period.ts';
import { messageOf } from '../shared/domain/reports/run-reports.ts';
import { routedMentionFields, TALLY } from '../shared/domain/reports/tallies.ts';
import { formatTable } from '../infra/local/text-table.ts';
import { buildTopology } from '../infra/topology.ts';
import { demoConfig } from '../test/factories/config.ts';
import { startLocalTable } from '../test/support/local-table.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const MENTIONS = Number(arg('mentions') ?? 100_000);
const SAMPLE = Math.min(MENTIONS, Number(arg('sample') ?? 2_000));
const CONCURRENCY = 48;
const WEEK = periodOf('weekly', '2026-W48');
const out = (text: string) => process.stdout.write(`${text}\n`);

/** A small deterministic generator, so every run seeds the same week. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  const config = demoConfig();
  const topology = buildTopology(config);
  const local = await startLocalTable(topology.table);
  try {
    const metrics = new DynamoMetricRepository(local.documents, topology.table.name);
    const cases = new DynamoCaseRepository(local.documents, topology.table.name);
    const reports = new DynamoReportRepository(local.documents, topology.table.name);
    const clock = { now: () => new Date('2026-11-30T06:00:00.000Z') };
    const departments = config.departments.map((d) => d.id);
    const days = daysOf(WEEK);
    const rnd = random(48);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

    // 1. seed: every mention to one primary department, every 7th with a cc copy; a third answered
    const events: MentionRouted[] = [];
    const responses: { day: string; department: string; minutes: number; met: boolean; public: boolean }[] = [];
    for (let i = 0; i < MENTIONS; i++) {
      const day = pick(days);
      const createdAt = `${day}T${String(6 + Math.floor(rnd() * 14)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}:00.000Z`;
      const department = pick(departments);
      const base = {
        companyId: config.company.id,
        mentionId: `bench:${i}`,
        caseId: `case_bench${Math.floor(i / 3)}`,
        platform: pick(MENTION_PLATFORMS),
        category: pick(CATEGORIES),
        sentiment: pick(SENTIMENTS),
        priority: 'normal',
        urgency: 0.3,
        language: 'de',
        authorId: `a${i % 9000}`,
        text: 'bench',
        createdAt,
        routedAt: createdAt,
        reasons: [] as string[],
      } as const;
      events.push({ ...base, department, role: 'primary' });
      if (i % 7 === 0)
        events.push({
          ...base,
          department: departments[(departments.indexOf(department) + 1) % departments.length] as string,
          role: 'cc',
        });
      if (i % 3 === 0)
        responses.push({
          day,
          department,
          minutes: Math.floor(rnd() * rnd() * 600),
          met: rnd() < 0.8,
          public: rnd() < 0.6,
        });
    }
    const record = { timezone: config.company.timezone, retentionDays: 30, cases, metrics, tallies: metrics, clock };
    const sampleEvents = events.filter((e) => Number(e.mentionId.slice(6)) < SAMPLE);
    const sampleResponses = responses.slice(0, Math.ceil(SAMPLE / 3));
    const seedStart = process.hrtime.bigint();
    await pool(sampleEvents, async (e) => {
      await recordRoutedMention(e, record);
    });
    await pool(sampleResponses, async (r) => {
      await metrics.observe(r.day, r.department, 'response-business', r.minutes);
      await metrics.tally(r.day, r.department, {
        [TALLY.responded]: 1,
        [r.met ? TALLY.slaMet : TALLY.slaMissed]: 1,
        ...(r.public ? { [TALLY.answeredPublicly]: 1 } : {}),
      });
    });
    const sampleMs = ms(seedStart);
    const sampleWrites = sampleEvents.length * 3 + sampleResponses.length * 2;
    // The rest, summed per day and department: the same counter and tally items, added with ADD by n.
    const counters = new Map<string, number>();
    const tallies = new Map<string, Record<string, number>>();
    for (const e of events.filter((x) => Number(x.mentionId.slice(6)) >= SAMPLE)) {
      const day = e.createdAt.slice(0, 10);
      const key = `${day}|${e.department}|${e.category}`;
      counters.set(key, (counters.get(key) ?? 0) + 1);
      const fields = (tallies.get(`${day}|${e.department}`) ?? {}) as Record<string, number>;
      for (const [name, n] of Object.entries(routedMentionFields(e))) fields[name] = (fields[name] ?? 0) + n;
      tallies.set(`${day}|${e.department}`, fields);
    }
    for (const r of responses.slice(sampleResponses.length)) {
      const fields = (tallies.get(`${r.day}|${r.department}`) ?? {}) as Record<string, number>;
      for (const name of [
        TALLY.responded,
        r.met ? TALLY.slaMet : TALLY.slaMissed,
        ...(r.public ? [TALLY.answeredPublicly] : []),
      ])
        fields[name] = (fields[name] ?? 0) + 1;
      tallies.set(`${r.day}|${r.department}`, fields);
    }
    const bulkStart = process.hrtime.bigint();
    await pool([...counters], async ([key, n]) => {
      const [day, department, category] = key.split('|') as [string, string, string];
      await metrics.increment(day, department, category, n);
    });
    await pool([...tallies], async ([key, fields]) => {
      const [day, department] = key.split('|') as [string, string];
      await metrics.tally(day, department, fields);
    });
    const seedMs = sampleMs + ms(bulkStart);

    // 2. baseline: the old build, one daily report per day of the week (category counters only)
    const oldStart = process.hrtime.bigint();
    let oldTotal = 0;
    for (const day of days) {
      const daily = await buildDailyReport(day, { departments, retentionDays: 30, metrics, reports, clock });
      oldTotal += daily.reduce((a, r) => a + r.total, 0);
    }
    const oldMs = ms(oldStart);

    // 3. the new weekly reports: management and every department, then the management report's charts and HTML
    const deps = {
      company: { id: config.company.id, name: config.company.name, timezone: config.company.timezone },
      departments: config.departments,
      tallies: metrics,
      histograms: metrics,
      cases,
      clock,
    };
    const newStart = process.hrtime.bigint();
    const built = await buildReports(WEEK, deps);
    const newMs = ms(newStart);
    const management = built.find((r) => r.audience === MANAGEMENT)!;
    const renderStart = process.hrtime.bigint();
    const message = await messageOf('bench', management, new SvgChartRenderer());
    const renderMs = ms(renderStart);

    out(`## Report build, ${MENTIONS.toLocaleString('en')} mentions in ${WEEK.id} (local table, dynalite in memory)\n`);
    out(
      `Seeded ${events.length.toLocaleString('en')} routed records (${(events.length - MENTIONS).toLocaleString('en')} cc copies) and ${responses.length.toLocaleString('en')} first responses in ${(seedMs / 1000).toFixed(1)} s. One by one through the use case: ${sampleEvents.length.toLocaleString('en')} records and ${sampleResponses.length} responses, ${sampleWrites.toLocaleString('en')} writes in ${(sampleMs / 1000).toFixed(1)} s (${(sampleMs / sampleEvents.length).toFixed(1)} ms per record, ${CONCURRENCY} concurrent; the tally is 1 of the 3 writes per record); the rest summed per day and dimension through the same repository methods. Percentiles come from the one-by-one responses.\n`,
    );
    out(
      formatTable(
        ['build', 'what it gives', 'total counted', 'ms'],
        [
          [
            'baseline: 7 x old build-daily-report',
            'counts per department x category, cc counted twice',
            String(oldTotal),
            oldMs.toFixed(0),
          ],
          [
            'weekly reports (management + each department)',
            'primary once, cc apart, platform, sentiment, p50/p90, SLA, previous week, backlog',
            String(management.total),
            newMs.toFixed(0),
          ],
          [
            '+ charts to PNG and HTML (management)',
            `${message.charts.length} charts, ${(message.charts.reduce((a, c) => a + c.png.length, 0) / 1024).toFixed(0)} KiB PNG`,
            '',
            renderMs.toFixed(0),
          ],
        ],
      ),
    );
    out('');
  } finally {
    await local.backend.stop();
  }

  // 4. bundle sizes, bundled as the stack bundles them (esbuild, ESM, minified, native modules external)
  const rows: string[][] = [];
  for (const fn of buildTopology(demoConfig()).functions) {
    const result = await build({
      entryPoints: [fn.entry],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      write: false,
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      external: (fn.nativeModules ?? []).map((m) => m.module),
      logLevel: 'error',
      metafile: true,
    });
    const code = result.outputFiles[0]!.contents;
    const charting = Object.keys(result.metafile.inputs).some((p) => /node_modules\/@resvg\//.test(p));
    rows.push([
      fn.id,
      (code.length / 1024).toFixed(0),
      (gzipSync(code).length / 1024).toFixed(0),
      charting ? 'yes' : 'no',
      (fn.nativeModules ?? []).map((m) => `${m.module} + ${m.lambdaBinary}`).join(', ') || '-',
    ]);
  }
  out('## Function bundles (esbuild as the stack bundles them)\n');
  out(formatTable(['function', 'KiB', 'KiB gzip', 'resvg inside', 'installed beside the bundle'], rows));
}

await main();
