import { describe, expect, it } from 'vitest';
import { calendarOf } from '../../../shared/config/calendar.ts';
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
    expect(press.holidays).toContain('2026-04-03');
  });

  it('lets a department\'s own hours win while it keeps the company holidays', () => {
    // Act
    const service = calendarOf(config, 'service');

    // Assess
    expect(service.hours).toEqual([
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' },
      { days: ['sat'], from: '10:00', to: '16:00' },
    ]);
    expect(service.holidays).toHaveLength(10);
  });

  it('lets a department\'s own holidays replace the company\'s', () => {
    // Arrange
    const custom = {
      ...config,
      departments: config.departments.map((d) => (d.id === 'legal' ? { ...d, holidays: { dates: [{ date: '2026-12-24', name: 'Heiligabend' }] } } : d)),
    };

    // Act
    const legal = calendarOf(custom, 'legal');

    // Assess
    expect(legal.holidays).toEqual(['2026-12-24']);
  });

  it('runs around the clock when the company gives no hours', () => {
    // Arrange
    const { calendar: _omitted, ...withoutCalendar } = config;

    // Act
    const press = calendarOf(withoutCalendar, 'press');

    // Assess
    expect(press).toEqual({ timezone: 'Europe/Berlin', holidays: [] });
  });

  it('throws NotFoundError for an unknown department', () => {
    // Act / Assess
    expect(() => calendarOf(config, 'marketing')).toThrow(NotFoundError);
  });
});
