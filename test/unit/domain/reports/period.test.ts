import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors.ts';
import {
  isIsoWeek,
  isoWeekOf,
  MAX_PERIODS_PER_RUN,
  periodOf,
  periodsToReport,
  previousPeriod,
} from '../../../../shared/domain/reports/period.ts';

describe('report periods', () => {
  it('gives an ISO week as Monday to Sunday', () => {
    expect(periodOf('weekly', '2026-W48')).toEqual({
      kind: 'weekly',
      id: '2026-W48',
      from: '2026-11-23',
      to: '2026-11-29',
    });
  });

  it('puts the first days of January into the last week of the year before when Thursday says so', () => {
    // 2027-01-01 is a Friday: its week's Thursday is 2026-12-31.
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2026-12-28')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
  });

  it('knows which years have a week 53', () => {
    expect(isIsoWeek('2026-W53')).toBe(true);
    expect(isIsoWeek('2025-W53')).toBe(false);
    expect(isIsoWeek('2026-W00')).toBe(false);
    expect(isIsoWeek('2026-48')).toBe(false);
  });

  it('gives the previous period of the same kind and length', () => {
    expect(previousPeriod(periodOf('weekly', '2027-W01')).id).toBe('2026-W53');
    expect(previousPeriod(periodOf('daily', '2026-03-01')).id).toBe('2026-02-28');
  });

  it('refuses an id that is no real day or week', () => {
    expect(() => periodOf('daily', '2026-02-30')).toThrow(ValidationError);
    expect(() => periodOf('weekly', '2025-W53')).toThrow('not an ISO week');
  });

  it('reports only the previous day on the first run', () => {
    expect(periodsToReport('daily', undefined, '2026-11-30').map((p) => p.id)).toEqual(['2026-11-29']);
  });

  it('reports Friday, Saturday and Sunday on Monday when a Mon-Fri schedule last ran on Friday', () => {
    // Friday's run reported Thursday 2026-11-26; Monday 2026-11-30 is the next run.
    expect(periodsToReport('daily', '2026-11-26', '2026-11-30').map((p) => p.id)).toEqual([
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
  });

  it('reports nothing when the last period is already reported', () => {
    expect(periodsToReport('daily', '2026-11-29', '2026-11-30')).toEqual([]);
    expect(periodsToReport('weekly', '2026-W48', '2026-12-03')).toEqual([]);
  });

  it('reports every week since the last one, and the last complete week on a first run', () => {
    expect(periodsToReport('weekly', undefined, '2026-11-30').map((p) => p.id)).toEqual(['2026-W48']);
    expect(periodsToReport('weekly', '2026-W45', '2026-11-30').map((p) => p.id)).toEqual([
      '2026-W46',
      '2026-W47',
      '2026-W48',
    ]);
  });

  it('catches up on at most the latest periods after a long pause', () => {
    const periods = periodsToReport('daily', '2025-01-01', '2026-11-30');
    expect(periods).toHaveLength(MAX_PERIODS_PER_RUN);
    expect(periods.at(-1)?.id).toBe('2026-11-29');
  });
});
