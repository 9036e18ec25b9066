import { describe, expect, it } from 'vitest';
import type { ThemeCount } from '../../../../shared/domain/themes/ports.ts';
import {
  countsOfOpenDay,
  OPEN_DAY_MAX_MENTIONS,
  openDayTotals,
  openingDays,
  stepOpenDay,
  type ThemeOpenDay,
  withoutAuthor,
} from '../../../../shared/domain/themes/theme-day.ts';

const THEME = 'th_complaint_de_000000000001';
const countOf = (mentionId: string, day: string, authorHash = `h-${mentionId}`): ThemeCount => ({
  themeId: THEME,
  day,
  mentionId,
  department: 'customer-service',
  reactions: 2,
  authorHash,
});
const openOf = (day: string, ...ids: string[]): ThemeOpenDay => ({
  day,
  mentions: Object.fromEntries(
    ids.map((id) => [id, { authorHash: `h-${id}`, department: 'customer-service', reactions: 2 }]),
  ),
});

describe('stepOpenDay', () => {
  it('adds new mentions of the open day to it and closes nothing', () => {
    const step = stepOpenDay(openOf('2026-11-28', 'm1'), [countOf('m2', '2026-11-28')], []);

    expect(Object.keys(step.open?.mentions ?? {})).toEqual(['m1', 'm2']);
    expect(step.closed).toBeUndefined();
    expect(step.opened.map((c) => c.mentionId)).toEqual(['m2']);
    expect(step.direct).toEqual([]);
  });

  it('opens a later day with its mentions and hands the day before over to be closed', () => {
    const before = openOf('2026-11-28', 'm1');

    const step = stepOpenDay(before, [countOf('m2', '2026-11-29'), countOf('m3', '2026-11-28')], []);

    expect(step.open).toEqual(openOf('2026-11-29', 'm2'));
    expect(step.closed).toBe(before);
    expect(step.opened.map((c) => c.mentionId)).toEqual(['m2']);
    // A mention of the day closed now is counted on its day item, not added to the closed day.
    expect(step.direct.map((c) => c.mentionId)).toEqual(['m3']);
  });

  it("closes a hot theme's full open day onto its day item and opens the day again with the new mentions", () => {
    const ids = Array.from({ length: OPEN_DAY_MAX_MENTIONS - 1 }, (_, n) => `m${n}`);
    const open = openOf('2026-11-28', ...ids);

    const fits = stepOpenDay(open, [countOf('x1', '2026-11-28')], []);
    const full = fits.open as ThemeOpenDay;
    const next = stepOpenDay(
      full,
      ['x2', 'x3'].map((id) => countOf(id, '2026-11-28')),
      [],
    );

    expect(Object.keys(full.mentions)).toHaveLength(OPEN_DAY_MAX_MENTIONS);
    expect(fits.closed).toBeUndefined();
    expect(next.closed).toBe(full);
    expect(next.open).toEqual(openOf('2026-11-28', 'x2', 'x3'));
    expect(next.opened.map((c) => c.mentionId)).toEqual(['x2', 'x3']);
    expect(next.direct).toEqual([]);
  });

  it('counts what one batch brings beyond a fresh open day on the day item', () => {
    const batch = Array.from({ length: OPEN_DAY_MAX_MENTIONS + 2 }, (_, n) => countOf(`b${n}`, '2026-11-28'));

    const step = stepOpenDay(undefined, batch, []);

    expect(Object.keys(step.open?.mentions ?? {})).toHaveLength(OPEN_DAY_MAX_MENTIONS);
    expect(step.direct.map((c) => c.mentionId)).toEqual([`b${OPEN_DAY_MAX_MENTIONS}`, `b${OPEN_DAY_MAX_MENTIONS + 1}`]);
  });

  it('opens a later day empty again after a full one', () => {
    const full = openOf('2026-11-28', ...Array.from({ length: OPEN_DAY_MAX_MENTIONS }, (_, n) => `m${n}`));

    const step = stepOpenDay(full, [countOf('y1', '2026-11-29')], []);

    expect(step.open).toEqual(openOf('2026-11-29', 'y1'));
    expect(step.closed).toBe(full);
  });

  it('counts a mention of an earlier day on its day item and leaves the open day as it is', () => {
    const open = openOf('2026-11-28', 'm1');

    const step = stepOpenDay(open, [countOf('m0', '2026-11-27')], []);

    expect(step.open).toEqual(open);
    expect(step.closed).toBeUndefined();
    expect(step.direct.map((c) => c.mentionId)).toEqual(['m0']);
  });

  it('counts a remembered mention on its day item only when the open day does not hold it', () => {
    const step = stepOpenDay(
      openOf('2026-11-28', 'm1'),
      [],
      [countOf('m1', '2026-11-28'), countOf('m0', '2026-11-28')],
    );

    expect(step.opened).toEqual([]);
    expect(step.direct.map((c) => c.mentionId)).toEqual(['m0']);
  });

  it('opens the first day of a theme stored without an open day (written before w19)', () => {
    const step = stepOpenDay(undefined, [countOf('m1', '2026-11-28'), countOf('m2', '2026-11-28')], []);

    expect(step.open?.day).toBe('2026-11-28');
    expect(step.opened.map((c) => c.mentionId)).toEqual(['m1', 'm2']);
    expect(step.closed).toBeUndefined();
  });
});

describe('open day figures', () => {
  it('counts each mention once, leaving out those its day item counts already', () => {
    const open = openOf('2026-11-28', 'm1', 'm2', 'm3');

    expect(openDayTotals(open)).toEqual({
      count: 3,
      reactions: 6,
      departments: ['customer-service'],
      authors: ['h-m1', 'h-m2', 'h-m3'],
    });
    expect(openDayTotals(open, new Set(['m1', 'm3'])).count).toBe(1);
  });

  it('turns the open day into counts of its day item, one per mention', () => {
    expect(countsOfOpenDay(THEME, openOf('2026-11-28', 'm1', 'm2'))).toEqual([
      countOf('m1', '2026-11-28'),
      countOf('m2', '2026-11-28'),
    ]);
  });

  it("removes an erased author's hash and keeps their count", () => {
    const open = openOf('2026-11-28', 'm1', 'm2');

    const erased = withoutAuthor(open, 'h-m1');

    expect(erased && openDayTotals(erased)).toMatchObject({ count: 2, authors: ['h-m2'] });
    expect(withoutAuthor(erased, 'h-m1')).toBeUndefined();
  });

  it('notes the days a batch may open: every day of a new theme, only later days of a stored one', () => {
    const notes = openingDays([
      { themeId: 'new', open: undefined, days: ['2026-11-28', '2026-11-28'] },
      { themeId: 'stored', open: openOf('2026-11-28', 'm1'), days: ['2026-11-27', '2026-11-28', '2026-11-29'] },
    ]);

    expect([...notes]).toEqual([
      ['2026-11-28', ['new']],
      ['2026-11-29', ['stored']],
    ]);
  });
});
