import { describe, expect, it } from 'vitest';
import { calendarOf } from '../../../shared/config/calendar.ts';
import type { HolidaySet } from '../../../shared/domain/business-time.ts';
import { NotFoundError } from '../../../shared/domain/errors.ts';
import { demoConfig } from '../../factories/config.ts';

describe('calendarOf', () => {
  const config = demoConfig();

  it('gives a department without its own calendar the company hours, holidays and timezone', () => {
    // Act
    const press = calendarOf(config, 'press');

    // Assess
    expect(press.timezone).toBe('Europe/Berlin');
    expect(press.hours).toEqual([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }]);
    expect(press.holidays).toMatchObject({ own: ['2026-12-24', '2026-12-31'] });
    expect(['2026-04-03', '2027-10-31', '2026-12-24'].map((day) => (press.holidays as HolidaySet).has(day))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("lets a department's own hours win while it keeps the company holidays", () => {
    // Act
    const service = calendarOf(config, 'service');

    // Assess
    expect(service.hours).toEqual([
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' },
      { days: ['sat'], from: '10:00', to: '16:00' },
    ]);
    expect((service.holidays as HolidaySet).has('2026-05-14')).toBe(true);
  });

  it("lets a department's own holidays replace the company's", () => {
    // Arrange
    const custom = {
      ...config,
      departments: config.departments.map((d) =>
        d.id === 'legal' ? { ...d, holidays: { dates: [{ date: '2026-12-24', name: 'Heiligabend' }] } } : d,
      ),
    };

    // Act
    const legal = calendarOf(custom, 'legal');

    // Assess
    expect(['2026-12-24', '2026-04-03'].map((day) => (legal.holidays as HolidaySet).has(day))).toEqual([true, false]);
  });

  it('runs around the clock when the company gives no hours', () => {
    // Arrange
    const { calendar: _omitted, ...withoutCalendar } = config;

    // Act
    const press = calendarOf(withoutCalendar, 'press');

    // Assess
    expect(press).toMatchObject({ timezone: 'Europe/Berlin', holidays: { own: [] } });
    expect(press.hours).toBeUndefined();
  });

  it('throws NotFoundError for an unknown department', () => {
    // Act / Assess
    expect(() => calendarOf(config, 'marketing')).toThrow(NotFoundError);
  });
});
