import { describe, expect, it } from 'vitest';
import type { NotificationTarget } from '../../../../shared/domain/notification.ts';
import { recordRoutedMention } from '../../../../shared/domain/record-routed-mention.ts';
import type { ChartRenderer } from '../../../../shared/domain/reports/charts.ts';
import {
  ReportDeliveryError,
  runScheduledReports,
  type RunReportsDeps,
} from '../../../../shared/domain/reports/run-reports.ts';
import { mentionRoutedFactory } from '../../../factories/mention.ts';
import {
  fixedClock,
  InMemoryCases,
  InMemoryMetrics,
  InMemoryNotificationLog,
  InMemoryReports,
} from '../../../fakes/in-memory.ts';
import {
  FakeThemeInsights,
  InMemoryReportStore,
  InMemoryTallies,
  RecordingReportSender,
  themeFactory,
} from '../../../fakes/reports.ts';

const TZ = 'Europe/Berlin';
const SERVICE_SLACK: NotificationTarget = { type: 'slack', channel: '#service' };
const BOARD: NotificationTarget = { type: 'email', to: ['board@example.de'] };

/** Renders a chart as its spec's JSON bytes: enough to see which charts went out. */
const specBytes: ChartRenderer = { png: async (spec) => new TextEncoder().encode(JSON.stringify(spec)) };

function setup() {
  const metrics = new InMemoryMetrics();
  const tallies = new InMemoryTallies();
  const store = new InMemoryReportStore();
  const sender = new RecordingReportSender();
  const sent = new InMemoryNotificationLog();
  const summaries = new InMemoryReports();
  const deps: RunReportsDeps = {
    company: { id: 'demo', name: 'Radwerk Hansen', timezone: TZ },
    departments: [
      { id: 'service', name: 'Kundenservice' },
      { id: 'press', name: 'Presse' },
    ],
    tallies,
    histograms: metrics,
    clock: fixedClock('2026-11-30T06:00:00.000Z'),
    store,
    sender,
    sent,
    charts: specBytes,
    targetsOf: (audience) => (audience === 'management' ? [BOARD] : audience === 'service' ? [SERVICE_SLACK] : []),
    retentionDays: 30,
    dailySummaries: summaries,
  };
  const record = { timezone: TZ, retentionDays: 30, cases: new InMemoryCases(), metrics, tallies, clock: deps.clock };
  return { deps, store, sender, sent, summaries, record };
}

describe('runScheduledReports', () => {
  it('reports Friday, Saturday and Sunday on Monday after a Mon-Fri schedule last reported Thursday', async () => {
    // Arrange: Friday's run reported Thursday; mentions came in over the weekend
    const { deps, store, sender, record } = setup();
    await store.markReported('daily', '2026-11-26');
    for (const [i, day] of ['2026-11-27', '2026-11-28', '2026-11-29'].entries()) {
      await recordRoutedMention(
        mentionRoutedFactory({ mentionId: `x:${i}`, createdAt: `${day}T10:00:00.000Z` }),
        record,
      );
    }

    // Act: Monday's run
    const outcomes = await runScheduledReports('daily', '2026-11-30', deps);

    // Assess
    expect(outcomes.map((o) => o.period)).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);
    expect(await store.lastReported('daily')).toBe('2026-11-29');
    expect((await store.getReport('daily', '2026-11-28', 'management'))?.total).toBe(1);
    expect(sender.sent.map((s) => `${s.message.key}@${s.target.type}`)).toEqual([
      'daily#2026-11-27#management@email',
      'daily#2026-11-27#service@slack',
      'daily#2026-11-28#management@email',
      'daily#2026-11-28#service@slack',
      'daily#2026-11-29#management@email',
      'daily#2026-11-29#service@slack',
    ]);
  });

  it('sends a report that was sent never again, even when the run is repeated for the same period', async () => {
    // Arrange
    const { deps, sender, store } = setup();
    await runScheduledReports('daily', '2026-11-30', deps);
    // The cursor write was lost (the function died right after sending): the period comes up again.
    store.cursors.delete('daily');

    // Act
    const again = await runScheduledReports('daily', '2026-11-30', deps);

    // Assess
    expect(sender.sent).toHaveLength(2);
    expect(again[0]).toMatchObject({
      period: '2026-11-29',
      sent: [],
      skipped: ['daily#2026-11-29#management@email:board@example.de', 'daily#2026-11-29#service@slack:#service'],
    });
  });

  it('keeps the cursor when a delivery failed, and the retry sends only what is missing', async () => {
    // Arrange: Slack is down on the first run
    const { deps, sender, store } = setup();
    sender.failFor = 'slack';

    // Act
    const first = runScheduledReports('daily', '2026-11-30', deps);

    // Assess
    await expect(first).rejects.toThrow(ReportDeliveryError);
    expect(await store.lastReported('daily')).toBeUndefined();
    sender.failFor = undefined;
    await runScheduledReports('daily', '2026-11-30', deps);
    expect(sender.sent.map((s) => s.target.type)).toEqual(['email', 'slack']);
    expect(await store.lastReported('daily')).toBe('2026-11-29');
  });

  it('sends the e-mail HTML with its charts as cid: images and a short summary for chat', async () => {
    // Arrange
    const { deps, sender, record } = setup();
    await recordRoutedMention(mentionRoutedFactory({ createdAt: '2026-11-25T10:00:00.000Z' }), record);

    // Act
    await runScheduledReports('weekly', '2026-11-30', deps);

    // Assess
    const board = sender.sent.find((s) => s.message.report.audience === 'management')!.message;
    expect(board.title).toBe('Radwerk Hansen: Weekly report 2026-W48 (2026-11-23 to 2026-11-29), management');
    expect(board.charts.map((c) => c.id)).toEqual(['volume-by-category', 'mentions-per-day']);
    expect(board.html).toContain('src="cid:volume-by-category"');
    expect(board.summary[0]).toBe('1 (new) mentions.');
  });

  it('stores reports without the mentions they quote, so erasing an author touches no report', async () => {
    // Arrange: a theme with an example mention
    const { deps, store, sender } = setup();
    const insights = new FakeThemeInsights({
      themes: [themeFactory({ days: { '2026-11-29': 2 }, departments: ['service'] })],
    });

    // Act
    await runScheduledReports('daily', '2026-11-30', { ...deps, insights });

    // Assess
    expect((await store.getReport('daily', '2026-11-29', 'management'))?.themes).toEqual([
      expect.not.objectContaining({ example: expect.anything() }),
    ]);
    expect(sender.sent[0]?.message.report.themes[0]?.example).toBe('Seit drei Wochen in der Reparatur!');
  });

  it('keeps the per-department daily summaries that report --day printed before, primary mentions only', async () => {
    // Arrange: a complaint to service with a cc to press
    const { deps, summaries, record } = setup();
    await recordRoutedMention(mentionRoutedFactory({ createdAt: '2026-11-29T10:00:00.000Z' }), record);
    await recordRoutedMention(
      mentionRoutedFactory({ department: 'press', role: 'cc', createdAt: '2026-11-29T10:00:00.000Z' }),
      record,
    );

    // Act
    await runScheduledReports('daily', '2026-11-30', deps);

    // Assess
    expect((await summaries.dailyReports('2026-11-29')).map((r) => [r.department, r.total])).toEqual([
      ['service', 1],
      ['press', 0],
    ]);
  });
});
