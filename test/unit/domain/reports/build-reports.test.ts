import { describe, expect, it } from 'vitest';
import { changeCase, type ChangeCaseDeps } from '../../../../shared/domain/change-case.ts';
import type { SpikeSummary } from '../../../../shared/domain/insights.ts';
import { recordRoutedMention } from '../../../../shared/domain/record-routed-mention.ts';
import { buildReports, MANAGEMENT, type BuildReportsDeps } from '../../../../shared/domain/reports/build-reports.ts';
import { periodOf } from '../../../../shared/domain/reports/period.ts';
import { caseFactory } from '../../../factories/case.ts';
import { mentionRoutedFactory } from '../../../factories/mention.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases, InMemoryMetrics } from '../../../fakes/in-memory.ts';
import { FakeSpikes, FakeThemeInsights, InMemoryTallies, themeFactory } from '../../../fakes/reports.ts';

const TZ = 'Europe/Berlin';
const WEEK = periodOf('weekly', '2026-W48'); // 2026-11-23 .. 2026-11-29
const DEPARTMENTS = [
  { id: 'service', name: 'Kundenservice', categories: ['complaint', 'question'] },
  { id: 'product', name: 'Produkt', categories: ['product_idea'] },
  { id: 'press', name: 'Presse', categories: ['press_inquiry'] },
];

function setup(extra: Partial<BuildReportsDeps> = {}) {
  const cases = new InMemoryCases();
  const metrics = new InMemoryMetrics();
  const tallies = new InMemoryTallies();
  const clock = fixedClock('2026-11-30T06:00:00.000Z');
  const record = { timezone: TZ, retentionDays: 30, cases, metrics, tallies, clock };
  const change: ChangeCaseDeps = {
    companyId: 'demo',
    retentionDays: 30,
    cases,
    events: new InMemoryCaseEvents(),
    clock,
    metrics,
    tallies,
    caseMentions: cases,
    timezone: TZ,
  };
  const deps: BuildReportsDeps = {
    company: { id: 'demo', name: 'Radwerk Hansen', timezone: TZ },
    departments: DEPARTMENTS,
    tallies,
    histograms: metrics,
    cases,
    clock,
    ...extra,
  };
  return { cases, metrics, tallies, record, change, deps };
}

const management = async (deps: BuildReportsDeps) =>
  (await buildReports(WEEK, deps)).find((r) => r.audience === MANAGEMENT)!;

describe('buildReports', () => {
  it('counts a mention copied to two departments once, in its primary department, with the cc copy apart', async () => {
    // Arrange: one complaint routed to service with a cc to press
    const { record, deps } = setup();
    await recordRoutedMention(
      mentionRoutedFactory({ mentionId: 'x:1', createdAt: '2026-11-24T09:00:00.000Z' }),
      record,
    );
    await recordRoutedMention(
      mentionRoutedFactory({
        mentionId: 'x:1',
        department: 'press',
        role: 'cc',
        createdAt: '2026-11-24T09:00:00.000Z',
      }),
      record,
    );

    // Act
    const report = await management(deps);

    // Assess
    expect(report.total).toBe(1);
    expect(report.cc).toBe(1);
    expect(report.departments.map((d) => [d.id, d.total, d.cc])).toEqual([
      ['service', 1, 0],
      ['product', 0, 0],
      ['press', 0, 1],
    ]);
    expect(report.byCategory).toEqual({ complaint: 1 });
    expect(report.byPlatform).toEqual({ facebook: 1 });
    expect(report.bySentiment).toEqual({ negative: 1 });
  });

  it('counts a rerouted case where it ended, on the days its mentions were written', async () => {
    // Arrange: a case opened in service with two mentions, then rerouted to product
    const { cases, record, change, deps } = setup();
    await cases.ensure(
      caseFactory({
        id: 'case_a',
        department: 'service',
        openedAt: '2026-11-24T09:00:00.000Z',
        dueAt: '2026-11-24T13:00:00.000Z',
      }),
    );
    await recordRoutedMention(
      mentionRoutedFactory({
        caseId: 'case_a',
        mentionId: 'x:1',
        category: 'product_idea',
        createdAt: '2026-11-24T09:00:00.000Z',
      }),
      record,
    );
    await recordRoutedMention(
      mentionRoutedFactory({
        caseId: 'case_a',
        mentionId: 'x:2',
        category: 'product_idea',
        createdAt: '2026-11-25T09:00:00.000Z',
      }),
      record,
    );

    // Act
    await changeCase(
      'case_a',
      { type: 'reroute', department: 'product', reason: 'an idea', dueAt: '2026-11-26T09:00:00.000Z' },
      { transitionId: 'reroute:1', actor: 'user:greta' },
      change,
    );
    const report = await management(deps);

    // Assess
    expect(report.departments.find((d) => d.id === 'service')).toMatchObject({ total: 0, byCategory: {} });
    expect(report.departments.find((d) => d.id === 'product')).toMatchObject({
      total: 2,
      byCategory: { product_idea: 2 },
    });
    expect(report.daily.filter((d) => d.count > 0)).toEqual([
      { day: '2026-11-24', count: 1 },
      { day: '2026-11-25', count: 1 },
    ]);
  });

  it('gives response p50/p90 in business minutes, SLA compliance, public answers and reopen rate per department', async () => {
    // Arrange: two cases answered (one in time in public, one late through the API); one resolved and reopened
    const { cases, change, deps } = setup();
    await cases.ensure(
      caseFactory({ id: 'case_a', openedAt: '2026-11-24T09:00:00.000Z', dueAt: '2026-11-24T10:00:00.000Z' }),
    );
    await cases.ensure(
      caseFactory({ id: 'case_b', openedAt: '2026-11-24T09:00:00.000Z', dueAt: '2026-11-24T10:00:00.000Z' }),
    );
    await changeCase(
      'case_a',
      { type: 'respond', via: 'platform', at: '2026-11-24T09:20:00.000Z', businessMinutes: 20 },
      { transitionId: 'r:a', actor: 'platform:m' },
      change,
    );
    await changeCase(
      'case_b',
      { type: 'respond', via: 'api', at: '2026-11-24T13:00:00.000Z', businessMinutes: 240 },
      { transitionId: 'r:b', actor: 'user:jana' },
      change,
    );
    await changeCase(
      'case_a',
      { type: 'resolve' },
      { transitionId: 'res:a', actor: 'user:jana', at: '2026-11-24T14:00:00.000Z' },
      change,
    );
    await changeCase(
      'case_a',
      { type: 'reopen', mentionId: 'x:9', dueAt: '2026-11-25T12:00:00.000Z' },
      { transitionId: 'reopen:a', actor: 'platform:x:9', at: '2026-11-25T09:00:00.000Z' },
      change,
    );

    // Act
    const service = (await management(deps)).departments.find((d) => d.id === 'service')!;

    // Assess: interpolated in the buckets 15..30 and 120..240 minutes
    expect(service.responseMinutes).toEqual({ p50: 30, p90: 216 });
    expect(service).toMatchObject({
      responded: 2,
      slaCompliance: 0.5,
      answeredPublicly: 0.5,
      resolved: 1,
      reopened: 1,
      reopenRate: 1,
    });
  });

  it("puts the previous period's figures beside", async () => {
    const { record, deps } = setup();
    await recordRoutedMention(
      mentionRoutedFactory({ mentionId: 'x:1', createdAt: '2026-11-17T09:00:00.000Z' }),
      record,
    );
    await recordRoutedMention(
      mentionRoutedFactory({ mentionId: 'x:2', createdAt: '2026-11-18T09:00:00.000Z' }),
      record,
    );
    await recordRoutedMention(
      mentionRoutedFactory({ mentionId: 'x:3', createdAt: '2026-11-24T09:00:00.000Z' }),
      record,
    );

    const report = await management(deps);

    expect(report.total).toBe(1);
    expect(report.previous).toMatchObject({
      period: { id: '2026-W47', from: '2026-11-16', to: '2026-11-22' },
      total: 2,
      byCategory: { complaint: 2 },
    });
    expect(report.previous.departments.find((d) => d.id === 'service')).toMatchObject({ total: 2 });
  });

  it('shows the open backlog by age at build time', async () => {
    const { cases, deps } = setup();
    await cases.ensure(caseFactory({ id: 'case_new', openedAt: '2026-11-29T20:00:00.000Z' }));
    await cases.ensure(caseFactory({ id: 'case_old', openedAt: '2026-11-10T20:00:00.000Z' }));
    await cases.ensure(caseFactory({ id: 'case_done', openedAt: '2026-11-10T20:00:00.000Z', state: 'resolved' }));

    const report = await management(deps);

    expect(report.backlog.find((b) => b.department === 'service')).toEqual({
      department: 'service',
      total: 2,
      byAge: { '<1d': 1, '1-3d': 0, '3-7d': 0, '>7d': 1 },
    });
  });

  it('says which insight sections are not available instead of inventing them', async () => {
    const { deps } = setup();

    const report = await management(deps);

    expect(report.unavailable).toEqual(['themes', 'defects', 'ideas', 'communityProjects', 'spikes']);
    expect([report.themes, report.ideas, report.communityProjects, report.spikes, report.defects]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);
  });

  it('takes themes, defects, ideas, projects and spikes from their sources, each department seeing its own', async () => {
    // Arrange
    const spike: SpikeSummary = {
      id: 's1',
      dimension: 'theme',
      value: 'theme-repair',
      label: 'Reparatur dauert Wochen',
      hour: '2026-11-26T15:00:00.000Z',
      detectedAt: '2026-11-26T16:00:00.000Z',
      observed: 30,
      expected: 2.5,
      departments: ['service'],
      caseIds: ['case_a'],
    };
    const idea = {
      ...themeFactory({ id: 'idea-app', label: 'Akku-Anzeige in der App' }),
      kind: 'idea' as const,
      score: 7.5,
    };
    const insights = new FakeThemeInsights({
      themes: [
        themeFactory(),
        themeFactory({ id: 'theme-press', label: 'Rückruf Presse', departments: ['press'], owner: undefined }),
      ],
      ideas: [idea],
      defects: [
        {
          themeId: 'theme-repair',
          label: 'Reparatur dauert Wochen',
          owner: 'Werkstattleitung',
          fixDate: '2026-11-20',
          daysBefore: 14,
          daysAfter: 9,
          perDayBefore: 5,
          perDayAfter: 2,
          change: -0.6,
        },
      ],
    });
    const { deps } = setup({ insights, spikes: new FakeSpikes([spike]) });

    // Act
    const reports = await buildReports(WEEK, deps);

    // Assess
    const byAudience = new Map(reports.map((r) => [r.audience, r]));
    expect(byAudience.get(MANAGEMENT)).toMatchObject({
      themes: [
        { label: 'Reparatur dauert Wochen', count: 5, trend: 'rising', owner: 'Werkstattleitung' },
        { label: 'Rückruf Presse' },
      ],
      ideas: [{ label: 'Akku-Anzeige in der App', score: 7.5 }],
      defects: [{ themeId: 'theme-repair', change: -0.6 }],
      spikes: [{ id: 's1' }],
      unavailable: [],
    });
    expect(byAudience.get('service')).toMatchObject({
      themes: [{ id: 'theme-repair' }],
      defects: [{ themeId: 'theme-repair' }],
      ideas: [],
      spikes: [{ id: 's1' }],
    });
    expect(byAudience.get('product')).toMatchObject({ themes: [], ideas: [{ id: 'idea-app' }], spikes: [] });
    expect(byAudience.get('press')).toMatchObject({ themes: [{ id: 'theme-press' }], defects: [] });
  });

  it('gives each department a report with only its own figures', async () => {
    const { record, deps } = setup();
    await recordRoutedMention(
      mentionRoutedFactory({ mentionId: 'x:1', createdAt: '2026-11-24T09:00:00.000Z' }),
      record,
    );
    await recordRoutedMention(
      mentionRoutedFactory({
        mentionId: 'x:2',
        department: 'press',
        category: 'press_inquiry',
        createdAt: '2026-11-24T09:00:00.000Z',
      }),
      record,
    );

    const press = (await buildReports(WEEK, deps, ['press']))[0]!;

    expect(press).toMatchObject({ audience: 'press', total: 1, byCategory: { press_inquiry: 1 } });
    expect(press.departments.map((d) => d.id)).toEqual(['press']);
  });
});
