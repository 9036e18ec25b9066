import { describe, expect, it } from 'vitest';
import { buildReports } from '../../../../shared/domain/reports/build-reports.ts';
import { chartsOf, dayLabel } from '../../../../shared/domain/reports/charts.ts';
import { periodOf } from '../../../../shared/domain/reports/period.ts';
import { fixedClock, InMemoryMetrics } from '../../../fakes/in-memory.ts';
import { InMemoryTallies } from '../../../fakes/reports.ts';

/** The weekly management report of 2026-W48 with three complaints and a question on Tuesday and two mentions on Thursday. */
async function weeklyReport() {
  const tallies = new InMemoryTallies();
  await tallies.tally('2026-11-24', 'service', { mentions: 4, 'category.complaint': 3, 'category.question': 1 });
  await tallies.tally('2026-11-26', 'press', { mentions: 2, 'category.press_inquiry': 2 });
  const [report] = await buildReports(
    periodOf('weekly', '2026-W48'),
    {
      company: { id: 'demo', name: 'Radwerk Hansen', timezone: 'Europe/Berlin' },
      departments: [
        { id: 'service', name: 'Kundenservice' },
        { id: 'press', name: 'Presse' },
      ],
      tallies,
      histograms: new InMemoryMetrics(),
      clock: fixedClock('2026-11-30T06:00:00.000Z'),
    },
    ['management'],
  );
  return report!;
}

describe('chartsOf', () => {
  it('names a calendar day by its weekday, day and month', () => {
    expect(dayLabel('2026-11-23')).toBe('Mon 23.11.');
    expect(dayLabel('2026-11-29')).toBe('Sun 29.11.');
    expect(dayLabel('2027-01-01')).toBe('Fri 01.01.');
  });

  it('compares each category with the previous week, in grouped horizontal bars with a legend', async () => {
    const [volume] = chartsOf(await weeklyReport());

    expect(volume).toMatchObject({
      id: 'volume-by-category',
      spec: {
        orientation: 'horizontal',
        layout: 'grouped',
        categories: ['complaint', 'press inquiry', 'question'],
        series: [
          { name: 'this week', values: [3, 2, 1] },
          { name: 'previous week', values: [0, 0, 0] },
        ],
        valueTitle: 'mentions',
        legend: {},
      },
    });
  });

  it('draws the mentions of each day of the week as vertical bars labelled by weekday', async () => {
    const perDay = chartsOf(await weeklyReport()).find((c) => c.id === 'mentions-per-day');

    expect(perDay?.spec).toEqual({
      orientation: 'vertical',
      layout: 'grouped',
      categories: ['Mon 23.11.', 'Tue 24.11.', 'Wed 25.11.', 'Thu 26.11.', 'Fri 27.11.', 'Sat 28.11.', 'Sun 29.11.'],
      series: [{ name: 'mentions', color: '#1f6feb', values: [0, 4, 0, 2, 0, 0, 0] }],
      valueTitle: 'mentions',
    });
  });
});
