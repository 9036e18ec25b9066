import { describe, expect, it } from 'vitest';
import { buildDailyReport } from '../../../shared/domain/build-daily-report.ts';
import { fixedClock, InMemoryMetrics, InMemoryReports } from '../../fakes/in-memory.ts';

describe('buildDailyReport', () => {
  it("sums the day's counters per department and stores a report for every department", async () => {
    const metrics = new InMemoryMetrics();
    const reports = new InMemoryReports();
    await metrics.increment('2026-11-27', 'service', 'complaint', 3);
    await metrics.increment('2026-11-27', 'service', 'question', 2);
    await metrics.increment('2026-11-27', 'press', 'press_inquiry', 1);
    await metrics.increment('2026-11-26', 'service', 'complaint', 9);

    await buildDailyReport('2026-11-27', {
      departments: ['press', 'service', 'legal'],
      retentionDays: 30,
      metrics,
      reports,
      clock: fixedClock('2026-11-28T05:00:00.000Z'),
    });

    const stored = await reports.dailyReports('2026-11-27');
    expect(stored.map((r) => [r.department, r.total, r.byCategory])).toEqual([
      ['press', 1, { press_inquiry: 1 }],
      ['service', 5, { complaint: 3, question: 2 }],
      ['legal', 0, {}],
    ]);
  });
});
