/**
 * `npm run screenshots:report`: renders the weekly management report and one department's
 * report as HTML (charts as PNG by the SVG chart renderer + resvg, as the e-mail has them) and photographs
 * them in Debian's headless Chromium: docs/report-weekly.png, docs/report-department.png.
 *
 * The figures come from the real use cases (recordRoutedMention and changeCase on in-memory
 * ports): two weeks of mentions with first responses, resolutions, reopenings and open
 * cases. Themes, ideas, projects, defects and spikes come from sample sources written here,
 * shaped as the insight contract (shared/domain/insights.ts) gives them: the parts that
 * compute them are separate, so the picture shows where their results appear.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { SvgChartRenderer } from '../shared/adapters/charts/svg-chart-renderer.ts';
import { reportFileHtml } from '../shared/adapters/notify/report-senders.ts';
import { caseIdForThread } from '../shared/domain/case.ts';
import { changeCase } from '../shared/domain/change-case.ts';
import { CATEGORIES } from '../shared/domain/mention.ts';
import { MENTION_PLATFORMS } from '../shared/platforms/registry.ts';
import { recordRoutedMention } from '../shared/domain/record-routed-mention.ts';
import { buildReports, MANAGEMENT } from '../shared/domain/reports/build-reports.ts';
import { addDays, daysOf, periodOf } from '../shared/domain/reports/period.ts';
import { messageOf } from '../shared/domain/reports/run-reports.ts';
import { demoConfig } from '../test/factories/config.ts';
import { mentionRoutedFactory } from '../test/factories/mention.ts';
import { InMemoryCaseEvents, InMemoryCases, InMemoryMetrics } from '../test/fakes/in-memory.ts';
import { FakeSpikes, FakeThemeInsights, InMemoryTallies, themeFactory } from '../test/fakes/reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const WEEK = periodOf('weekly', '2026-W48');
const OUT = path.resolve('docs');

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

const example = (text: string) => ({
  mentionId: 'sample',
  platform: 'instagram' as const,
  text,
  createdAt: '2026-11-25T10:00:00.000Z',
});

async function seed() {
  const config = demoConfig();
  const cases = new InMemoryCases();
  const metrics = new InMemoryMetrics();
  const tallies = new InMemoryTallies();
  const clock = { now: () => new Date('2026-11-30T06:00:00.000Z') };
  const tz = config.company.timezone;
  const record = { timezone: tz, retentionDays: 365, cases, metrics, tallies, clock };
  const change = {
    companyId: 'demo',
    retentionDays: 365,
    cases,
    events: new InMemoryCaseEvents(),
    clock,
    metrics,
    tallies,
    caseMentions: cases,
    timezone: tz,
  };
  const rnd = random(7);
  const weights: Record<string, number> = {
    complaint: 30,
    question: 22,
    praise: 14,
    product_idea: 8,
    sales_lead: 6,
    press_inquiry: 4,
    community_project: 4,
    legal_risk: 1,
    other: 6,
  };
  const owner: Record<string, string> = {
    complaint: 'service',
    question: 'service',
    praise: 'service',
    product_idea: 'product',
    sales_lead: 'sales',
    press_inquiry: 'press',
    community_project: 'community',
    legal_risk: 'legal',
    other: 'service',
  };
  const pick = <T>(list: readonly T[], w?: (x: T) => number): T => {
    const total = list.reduce((a, x) => a + (w ? w(x) : 1), 0);
    let r = rnd() * total;
    for (const x of list) {
      r -= w ? w(x) : 1;
      if (r <= 0) return x;
    }
    return list[list.length - 1] as T;
  };
  const days = [...daysOf(periodOf('weekly', '2026-W47')), ...daysOf(WEEK)];
  let n = 0;
  for (const day of days) {
    const weekend = [5, 6].includes(days.indexOf(day) % 7);
    const volume =
      Math.round((weekend ? 30 : 60) * (day >= WEEK.from ? 1.15 : 1) * (0.8 + rnd() * 0.4)) +
      (day === '2026-11-26' ? 45 : 0);
    for (let i = 0; i < volume; i++) {
      const category = pick(CATEGORIES, (c) => weights[c] ?? 1);
      const shares: Partial<Record<string, number>> = {
        facebook: 5,
        instagram: 4,
        x: 3,
        linkedin: 1,
        youtube: 1,
        tiktok: 2,
      };
      const platform = pick(MENTION_PLATFORMS.slice(0, 6), (p) => shares[p] ?? 1);
      const createdAt = `${day}T${String(6 + Math.floor(rnd() * 13)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}:00.000Z`;
      const department = owner[category] as string;
      const caseId = caseIdForThread(platform, `t${n}`);
      const dueAt = new Date(
        new Date(createdAt).getTime() + (department === 'press' ? 2 : 4) * 3_600_000,
      ).toISOString();
      await cases.ensure({
        id: caseId,
        platform,
        threadId: `t${n}`,
        department,
        cc: [],
        state: 'new',
        priority: 'normal',
        category,
        openedAt: createdAt,
        dueAt,
        firstMentionId: `m${n}`,
        authorId: `a${n}`,
        version: 1,
      });
      const sentiment =
        category === 'complaint' || category === 'legal_risk'
          ? 'negative'
          : category === 'praise'
            ? 'positive'
            : rnd() < 0.7
              ? 'neutral'
              : 'negative';
      await recordRoutedMention(
        mentionRoutedFactory({ mentionId: `m${n}`, caseId, department, category, platform, sentiment, createdAt }),
        record,
      );
      if (category === 'complaint' && rnd() < 0.15)
        await recordRoutedMention(
          mentionRoutedFactory({
            mentionId: `m${n}`,
            caseId,
            department: 'product',
            role: 'cc',
            category,
            platform,
            sentiment,
            createdAt,
          }),
          record,
        );
      n++;
      if (rnd() < 0.82) {
        const minutes = Math.round(10 + rnd() * rnd() * (department === 'service' ? 420 : 240));
        const at = new Date(new Date(createdAt).getTime() + minutes * 60_000).toISOString();
        await changeCase(
          caseId,
          { type: 'respond', via: rnd() < 0.65 ? 'platform' : 'api', at, businessMinutes: minutes },
          { transitionId: `r:${caseId}`, actor: 'user:team', at },
          change,
        );
        if (rnd() < 0.75) {
          const resolvedAt = new Date(new Date(at).getTime() + 90 * 60_000).toISOString();
          await changeCase(
            caseId,
            { type: 'resolve' },
            { transitionId: `res:${caseId}`, actor: 'user:team', at: resolvedAt },
            change,
          );
          if (rnd() < 0.06)
            await changeCase(
              caseId,
              { type: 'reopen', mentionId: `x${n}`, dueAt: `${addDays(day, 2)}T12:00:00.000Z` },
              { transitionId: `re:${caseId}`, actor: 'platform:x', at: `${addDays(day, 1)}T09:00:00.000Z` },
              change,
            );
        }
      }
    }
  }
  const insights = new FakeThemeInsights({
    themes: [
      themeFactory({
        id: 't1',
        label: 'Reparatur dauert Wochen',
        count: 48,
        previousCount: 31,
        trend: 'rising',
        owner: 'Werkstattleitung (Jonas Brandt)',
        days: { '2026-11-24': 9, '2026-11-26': 21 },
      }),
      themeFactory({
        id: 't2',
        label: 'Rechnung falsch / doppelt abgebucht',
        count: 17,
        previousCount: 42,
        trend: 'falling',
        owner: 'Buchhaltung (Mira Sommer)',
        processId: 'billing',
        days: { '2026-11-25': 17 },
        defect: {
          owner: 'Buchhaltung (Mira Sommer)',
          fixDate: '2026-11-16',
          markedAt: '2026-11-16T10:00:00.000Z',
          markedBy: 'user:greta',
        },
      }),
      themeFactory({
        id: 't3',
        label: 'App-Login schlägt fehl',
        count: 12,
        previousCount: 11,
        trend: 'steady',
        owner: 'IT (Ole Fischer)',
        departments: ['service', 'product'],
        days: { '2026-11-27': 12 },
      }),
    ],
    ideas: [
      {
        ...themeFactory({
          id: 'i1',
          label: 'Akkustand in der App anzeigen',
          trend: 'rising',
          departments: ['product'],
          examples: [example('Wäre super, wenn die App den Akkustand vom Rad zeigt!')],
        }),
        kind: 'idea',
        score: 9.4,
        support: { mentions: 23, authors: 19, reactions: 140 },
      },
      {
        ...themeFactory({
          id: 'i2',
          label: 'Kindersitz für das Lastenrad Hanse',
          trend: 'new',
          departments: ['product'],
          examples: [example('Gibt es bald einen Kindersitz für die Hanse? Würde sofort kaufen.')],
        }),
        kind: 'idea',
        score: 6.1,
        support: { mentions: 11, authors: 11, reactions: 58 },
      },
    ],
    projects: [
      {
        ...themeFactory({
          id: 'p1',
          label: 'Fahrradwerkstatt an der Stadtteilschule',
          trend: 'new',
          departments: ['community'],
          examples: [example('Unsere Schule in Altona sucht Unterstützung für eine Fahrradwerkstatt, macht ihr mit?')],
        }),
        kind: 'project',
        score: 5.2,
        organisation: 'Stadtteilschule Altona',
        place: 'Hamburg-Altona',
        support: { mentions: 7, authors: 6, reactions: 35 },
      },
    ],
    defects: [
      {
        themeId: 't2',
        label: 'Rechnung falsch / doppelt abgebucht',
        owner: 'Buchhaltung (Mira Sommer)',
        fixDate: '2026-11-16',
        daysBefore: 28,
        daysAfter: 14,
        perDayBefore: 6.1,
        perDayAfter: 2.4,
        change: -0.61,
      },
    ],
  });
  const spikes = new FakeSpikes([
    {
      id: 's1',
      dimension: 'theme',
      value: 't1',
      label: 'Reparatur dauert Wochen',
      hour: '2026-11-26T15:00:00.000Z',
      detectedAt: '2026-11-26T16:00:00.000Z',
      observed: 19,
      expected: 1.8,
      departments: ['service', 'press'],
      caseIds: ['a', 'b', 'c'],
    },
  ]);
  return {
    company: { id: config.company.id, name: config.company.name, timezone: tz },
    departments: config.departments,
    tallies,
    histograms: metrics,
    cases,
    insights,
    spikes,
    clock,
  };
}

const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

/**
 * `npm run screenshots:report -- --from <report.html> [--name <png name>]`: photographs a
 * report written by `backchannel report --format html --out <file>` (e.g. after
 * `npm start -- --history`) instead of the seeded one: docs/<name>.png.
 */
async function photograph(from: string, name: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 820, height: 900 }, deviceScaleFactor: 1 });
    await page.setContent(await readFile(from, 'utf8'), { waitUntil: 'load' });
    const file = path.join(OUT, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`${file}\n`);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const from = process.argv.indexOf('--from');
  if (from >= 0) {
    const file = process.argv[from + 1];
    if (!file) throw new Error('--from needs the report HTML file');
    const name = process.argv.indexOf('--name') >= 0 ? process.argv[process.argv.indexOf('--name') + 1] : undefined;
    return photograph(file, name ?? 'report-history');
  }
  const deps = await seed();
  const reports = await buildReports(WEEK, deps, [MANAGEMENT, 'service']);
  const renderer = new SvgChartRenderer();
  await mkdir(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  try {
    for (const [report, name] of [
      [reports[0]!, 'report-weekly'],
      [reports[1]!, 'report-department'],
    ] as const) {
      const html = reportFileHtml(await messageOf(name, report, renderer));
      const page = await browser.newPage({ viewport: { width: 820, height: 900 }, deviceScaleFactor: 1 });
      await page.setContent(html, { waitUntil: 'load' });
      const file = path.join(OUT, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await page.close();
      process.stdout.write(`${file}\n`);
      if (process.argv.includes('--html')) await writeFile(path.join(OUT, `${name}.html`), html, 'utf8');
    }
  } finally {
    await browser.close();
  }
}

await main();
