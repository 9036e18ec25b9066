import { describe, expect, it } from 'vitest';
import { calendarOf } from '../../../shared/config/calendar.ts';
import {
  HOLIDAY_TABLE_YEARS,
  HolidayTableError,
  holidaySetFromTable,
  tableHolidaySet,
} from '../../../shared/config/holiday-table.ts';
import { holidaySetOf, holidayTableOf } from '../../../shared/config/holidays.ts';
import type { HolidaySet } from '../../../shared/domain/business-time.ts';
import { demoConfig } from '../../factories/config.ts';

/** Every day `YYYY-MM-DD` of the years from..to (UTC calendar days). */
function daysOf(from: number, to: number): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(from, 0, 1); t < Date.UTC(to + 1, 0, 1); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

const holidaysOn = (set: HolidaySet, days: readonly string[]) => days.filter((day) => set.has(day));

describe('the holiday table a bundle carries', () => {
  const config = demoConfig();
  const table = holidayTableOf(config);
  const everyDay = daysOf(HOLIDAY_TABLE_YEARS.from, HOLIDAY_TABLE_YEARS.to);

  it("gives every department of the demo company date-holidays' days for every year it covers", () => {
    for (const department of config.departments) {
      // Arrange
      const fromLibrary = calendarOf(config, department.id).holidays as HolidaySet;
      const source = department.holidays ?? config.calendar?.holidays;

      // Act
      const fromTable = holidaySetFromTable(table, source);

      // Assess
      expect(holidaysOn(fromTable, everyDay)).toEqual(holidaysOn(fromLibrary, everyDay));
    }
  });

  it("keeps the demo company's own days and Hamburg's public holidays (Reformation Day since 2018)", () => {
    // Act
    const set = holidaySetFromTable(table, config.calendar?.holidays);

    // Assess
    expect(set.own).toEqual(['2026-12-24', '2026-12-31']);
    expect(['2026-12-24', '2027-10-31', '2026-04-03', '2026-04-06', '2026-10-30'].map((d) => set.has(d))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('drops the days the company works on (except, by name or date) exactly as date-holidays does', () => {
    // Arrange
    const source = { region: 'DE-BY', except: ['Mariä Himmelfahrt', '2027-01-06'] };
    const withExcept = { calendar: { holidays: { ...source, dates: [] } }, departments: [] };

    // Act
    const fromTable = tableHolidaySet(holidayTableOf(withExcept, { from: 2026, to: 2028 }), source);

    // Assess
    const days = daysOf(2026, 2028);
    expect(holidaysOn(fromTable, days)).toEqual(holidaysOn(holidaySetOf(source), days));
    expect(['2026-08-15', '2027-01-06', '2028-01-06'].map((d) => fromTable.has(d))).toEqual([false, false, true]);
  });

  it('refuses a year the table does not cover instead of answering "no holiday"', () => {
    // Arrange
    const set = holidaySetFromTable(table, config.calendar?.holidays);

    // Act
    const ask = () => set.has(`${HOLIDAY_TABLE_YEARS.to + 1}-01-01`);

    // Assess
    expect(ask).toThrow(HolidayTableError);
    expect(ask).toThrow(/not computed at deploy \(2020-2059\): deploy again/);
  });

  it('refuses a region the table was not built for', () => {
    // Act
    const build = () => holidaySetFromTable(table, { region: 'AT' });

    // Assess
    expect(build).toThrow(HolidayTableError);
    expect(build).toThrow('the deployed holiday table has no region "AT": deploy again');
  });

  it('is compact: a few hundred bytes per region and decade', () => {
    // Act
    const bytes = JSON.stringify(table).length;

    // Assess: one region (DE-HH), 40 years.
    expect(Object.keys(table.regions)).toEqual(['DE-HH']);
    expect(bytes).toBeLessThan(4 * 1024);
  });
});
