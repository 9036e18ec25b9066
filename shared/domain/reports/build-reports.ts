import type { Case } from '../case.ts';
import type {
  CommunityProjectSummary,
  IdeaSummary,
  SpikeSource,
  ThemeInsightSource,
  ThemeSummary,
} from '../insights.ts';
import type { CaseRepository, Clock, Histogram, MetricRepository } from '../ports.ts';
import { daysOf, previousPeriod, type ReportPeriod } from './period.ts';
import { mergeBuckets, percentilesOf } from './percentiles.ts';
import {
  BACKLOG_AGES,
  type BacklogAge,
  type BacklogRow,
  type DepartmentFigures,
  type InsightRow,
  type InsightSection,
  type PreviousDepartmentFigures,
  type Report,
  type ThemeRow,
} from './report.ts';
import { fieldsWithPrefix, TALLY, type ReportTallies, type Tally } from './tallies.ts';

/** The audience of the report over every department. */
export const MANAGEMENT = 'management';

/** How many themes, ideas and projects a report lists. */
const LIST_LIMIT = 10;

export interface ReportedDepartment {
  readonly id: string;
  readonly name: string;
  /** Categories the department owns: one owning product ideas gets the ideas, community projects the shortlist. */
  readonly categories?: readonly string[];
}

export interface BuildReportsDeps {
  readonly company: { readonly id: string; readonly name: string; readonly timezone: string };
  readonly departments: readonly ReportedDepartment[];
  readonly tallies: Pick<ReportTallies, 'talliesOf'>;
  readonly histograms: Pick<MetricRepository, 'histogramsOf'>;
  /** Open cases for the backlog; without it the backlog is empty. */
  readonly cases?: Pick<CaseRepository, 'listCases'>;
  /** Themes, ideas, projects and defects (the theme part of the insight layer); optional until it is wired. */
  readonly insights?: ThemeInsightSource;
  /** Spikes (the spike part of the insight layer); optional until it is wired. */
  readonly spikes?: SpikeSource;
  readonly clock: Clock;
}

interface PeriodData {
  readonly tallies: readonly Tally[];
  readonly histograms: readonly Histogram[];
}

/**
 * Builds the reports of one period: one for management (every department) and one per
 * department, each with the previous period's figures beside.
 *
 * 1. read the tallies and histograms of every day of the period and of the one before
 * 2. sum them per department: every mention once, in its primary department (where its
 *    case ended after reroutes), cc copies apart; percentiles from the merged histograms
 * 3. read the backlog (open cases by age) and, where their sources are wired, themes,
 *    defects, ideas, projects and spikes; a missing source is listed in `unavailable`
 *
 * It stores and sends nothing: runScheduledReports does.
 */
export async function buildReports(
  period: ReportPeriod,
  deps: BuildReportsDeps,
  audiences?: readonly string[],
): Promise<Report[]> {
  const previous = previousPeriod(period);
  const [current, before] = await Promise.all([readPeriod(period, deps), readPeriod(previous, deps)]);
  const known = new Set(deps.departments.map((d) => d.id));
  // A department removed from the config keeps the figures it has.
  const departments: ReportedDepartment[] = [
    ...deps.departments,
    ...[...new Set(current.tallies.map((t) => t.department))]
      .filter((d) => !known.has(d))
      .map((id) => ({ id, name: id })),
  ];
  const figures = departments.map((d) => departmentFigures(d, current));
  const previousFigures = departments.map((d) => {
    const { name: _name, ...rest } = departmentFigures(d, before);
    return rest;
  });
  const backlog = deps.cases ? await backlogOf(departments, deps.cases, deps.clock.now()) : [];
  const insight = await readInsights(period, deps);
  const generatedAt = deps.clock.now().toISOString();
  const wanted = audiences ?? [MANAGEMENT, ...departments.map((d) => d.id)];

  return wanted.map((audience): Report => {
    const isManagement = audience === MANAGEMENT;
    const dept = departments.find((d) => d.id === audience);
    const mine = <T extends { id: string }>(rows: readonly T[]) =>
      isManagement ? rows : rows.filter((r) => r.id === audience);
    const own = mine(figures);
    const ownPrevious = mine(previousFigures);
    const owns = (category: string) => isManagement || (dept?.categories ?? []).includes(category);
    const themes = isManagement ? insight.themes : insight.themes.filter((t) => t.departments.includes(audience));
    return {
      kind: period.kind,
      period: { id: period.id, from: period.from, to: period.to },
      audience,
      company: deps.company,
      generatedAt,
      ...sumOf(own),
      departments: own,
      daily: daysOf(period).map((day) => ({
        day,
        count: current.tallies
          .filter((t) => t.day === day && (isManagement || t.department === audience))
          .reduce((a, t) => a + (t.fields[TALLY.mentions] ?? 0), 0),
      })),
      backlog: isManagement ? backlog : backlog.filter((b) => b.department === audience),
      themes: themes.map(themeRow),
      defects: isManagement ? insight.defects : insight.defects.filter((d) => themes.some((t) => t.id === d.themeId)),
      ideas: owns('product_idea') ? insight.ideas : [],
      communityProjects: owns('community_project') ? insight.projects : [],
      spikes: isManagement ? insight.spikes : insight.spikes.filter((s) => s.departments.includes(audience)),
      unavailable: insight.unavailable,
      previous: {
        period: { id: previous.id, from: previous.from, to: previous.to },
        ...sumOf(ownPrevious),
        departments: ownPrevious,
      },
    };
  });
}

async function readPeriod(period: ReportPeriod, deps: BuildReportsDeps): Promise<PeriodData> {
  const days = daysOf(period);
  const [tallies, histograms] = await Promise.all([
    Promise.all(days.map((day) => deps.tallies.talliesOf(day))),
    Promise.all(days.map((day) => deps.histograms.histogramsOf(day))),
  ]);
  return { tallies: tallies.flat(), histograms: histograms.flat() };
}

function departmentFigures(department: ReportedDepartment, data: PeriodData): DepartmentFigures {
  const fields: Record<string, number> = {};
  for (const t of data.tallies) {
    if (t.department !== department.id) continue;
    for (const [name, value] of Object.entries(t.fields)) fields[name] = (fields[name] ?? 0) + value;
  }
  const response = percentilesOf(
    mergeBuckets(data.histograms.filter((h) => h.department === department.id && h.metric === 'response-business')),
  );
  const responded = fields[TALLY.responded] ?? 0;
  const resolved = fields[TALLY.resolved] ?? 0;
  const reopened = fields[TALLY.reopened] ?? 0;
  const met = fields[TALLY.slaMet] ?? 0;
  const missed = fields[TALLY.slaMissed] ?? 0;
  return {
    id: department.id,
    name: department.name,
    total: fields[TALLY.mentions] ?? 0,
    cc: fields[TALLY.cc] ?? 0,
    byCategory: fieldsWithPrefix(fields, TALLY.category('')),
    byPlatform: fieldsWithPrefix(fields, TALLY.platform('')),
    bySentiment: fieldsWithPrefix(fields, TALLY.sentiment('')),
    responseMinutes: { p50: response.p50, p90: response.p90 },
    responded,
    slaCompliance: met + missed > 0 ? met / (met + missed) : null,
    resolved,
    reopened,
    reopenRate: resolved > 0 ? reopened / resolved : null,
    answeredPublicly: responded > 0 ? (fields[TALLY.answeredPublicly] ?? 0) / responded : null,
  };
}

function sumOf(rows: readonly PreviousDepartmentFigures[]) {
  const add = (pick: (r: PreviousDepartmentFigures) => Readonly<Record<string, number>>) => {
    const out: Record<string, number> = {};
    for (const r of rows) for (const [k, v] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    total: rows.reduce((a, r) => a + r.total, 0),
    cc: rows.reduce((a, r) => a + r.cc, 0),
    byCategory: add((r) => r.byCategory),
    byPlatform: add((r) => r.byPlatform),
    bySentiment: add((r) => r.bySentiment),
  };
}

const DAY_MS = 86_400_000;

function ageOf(c: Pick<Case, 'openedAt'>, now: Date): BacklogAge {
  const days = (now.getTime() - new Date(c.openedAt).getTime()) / DAY_MS;
  if (days < 1) return '<1d';
  if (days < 3) return '1-3d';
  if (days < 7) return '3-7d';
  return '>7d';
}

/** Open cases per department by age, read page by page from the department index (never a scan). */
async function backlogOf(
  departments: readonly ReportedDepartment[],
  cases: Pick<CaseRepository, 'listCases'>,
  now: Date,
): Promise<BacklogRow[]> {
  return Promise.all(
    departments.map(async (d) => {
      const byAge = Object.fromEntries(BACKLOG_AGES.map((a) => [a, 0])) as Record<BacklogAge, number>;
      let cursor: string | undefined;
      do {
        const page = await cases.listCases({ department: d.id, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const c of page.items) byAge[ageOf(c, now)] += 1;
        cursor = page.cursor;
      } while (cursor);
      return { department: d.id, total: Object.values(byAge).reduce((a, b) => a + b, 0), byAge };
    }),
  );
}

interface Insight {
  readonly themes: readonly ThemeSummary[];
  readonly defects: Report['defects'];
  readonly ideas: readonly InsightRow[];
  readonly projects: readonly InsightRow[];
  readonly spikes: Report['spikes'];
  readonly unavailable: readonly InsightSection[];
}

async function readInsights(period: ReportPeriod, deps: BuildReportsDeps): Promise<Insight> {
  const unavailable: InsightSection[] = [];
  if (!deps.insights) unavailable.push('themes', 'defects', 'ideas', 'communityProjects');
  if (!deps.spikes) unavailable.push('spikes');
  const range = { from: period.from, to: period.to };
  const [themes, defects, ideas, projects, spikes] = await Promise.all([
    deps.insights?.themes(range, { kind: 'complaint', limit: 50 }) ?? [],
    deps.insights?.defectEffects(period.to) ?? [],
    deps.insights?.ideas(range, LIST_LIMIT) ?? [],
    deps.insights?.communityProjects(range, LIST_LIMIT) ?? [],
    deps.spikes?.spikes(range) ?? [],
  ]);
  return { themes, defects, ideas: ideas.map(insightRow), projects: projects.map(insightRow), spikes, unavailable };
}

function themeRow(t: ThemeSummary): ThemeRow {
  return {
    id: t.id,
    label: t.label,
    language: t.language,
    count: t.count,
    previousCount: t.previousCount,
    trend: t.trend,
    ...(t.owner ? { owner: t.owner } : {}),
    ...(t.processId ? { processId: t.processId } : {}),
    departments: t.departments,
    ...(t.defect ? { defect: { owner: t.defect.owner, fixDate: t.defect.fixDate } } : {}),
    ...(t.examples[0] ? { example: t.examples[0].text } : {}),
  };
}

function insightRow(t: IdeaSummary | CommunityProjectSummary): InsightRow {
  return {
    id: t.id,
    label: t.label,
    score: t.score,
    mentions: t.support.mentions,
    authors: t.support.authors,
    reactions: t.support.reactions,
    trend: t.trend,
    ...('organisation' in t && t.organisation ? { organisation: t.organisation } : {}),
    ...('place' in t && t.place ? { place: t.place } : {}),
    ...(t.examples[0] ? { example: t.examples[0].text } : {}),
  };
}
