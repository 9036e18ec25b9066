import type { HolidaySet } from '../domain/business-time.ts';
import type { HolidaySource } from './holidays.ts';

/**
 * Public holidays resolved at deploy time (issue 12). date-holidays with moment-timezone and
 * astronomia is 1.3 MiB of every function that keeps an SLA clock, and a company needs the
 * days of its own regions only: infra/bundling.ts computes them with date-holidays
 * (shared/config/holidays.ts `holidayTableOf`) for HOLIDAY_TABLE_YEARS and hands them to
 * the bundle as the expression `process.env.BACKCHANNEL_HOLIDAYS` (esbuild `define`, like
 * the company config). This module reads that table and imports no holiday library, so a
 * bundle that has the table carries no date-holidays; without it (npm start, tests, the
 * CLI) calendar.ts computes the days with date-holidays as before.
 */

/** The years a deployed table covers: a stack is deployed again long before 2060. */
export const HOLIDAY_TABLE_YEARS = { from: 2020, to: 2059 } as const;

/**
 * Public holidays per holiday source (`holidaySourceKey`), per year: the days as `MMDD`
 * joined by spaces (a German region's year is about 60 bytes).
 */
export interface HolidayTable {
  readonly from: number;
  readonly to: number;
  readonly regions: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** What of a config's holidays the table depends on: the region and the days the company works. */
export interface TableSource {
  readonly region?: string | undefined;
  readonly except?: readonly string[] | undefined;
}

/** The key of a region with its exceptions: `DE-HH`, or `DE-BY|heilige drei könige` with `except`. */
export function holidaySourceKey(source: TableSource & { readonly region: string }): string {
  const except = [...new Set((source.except ?? []).map((e) => e.toLowerCase()))].sort();
  return [source.region.toUpperCase(), ...except].join('|');
}

/** Thrown when a day falls outside the years the deployed table covers, or its region is missing: deploy again. */
export class HolidayTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HolidayTableError';
  }
}

/**
 * The public holidays of a region (minus its `except`) as the table has them.
 * @throws HolidayTableError when the table lacks the region (built for another config)
 */
export function tableHolidaySet(table: HolidayTable, source: TableSource & { readonly region: string }): HolidaySet {
  const key = holidaySourceKey(source);
  const years = table.regions[key];
  if (!years) throw new HolidayTableError(`the deployed holiday table has no region "${key}": deploy again`);
  const parsed = new Map<number, ReadonlySet<string>>();
  return {
    has: (day) => {
      const year = Number(day.slice(0, 4));
      let days = parsed.get(year);
      if (!days) {
        const line = years[String(year)];
        if (line === undefined) {
          throw new HolidayTableError(
            `holidays of ${year} were not computed at deploy (${table.from}-${table.to}): deploy again`,
          );
        }
        days = new Set(line.split(' ').map((mmdd) => `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`));
        parsed.set(year, days);
      }
      return days.has(day);
    },
  };
}

/**
 * The holidays of a config as `holidaySetOf` (shared/config/holidays.ts) gives them: the
 * region's public holidays minus `except`, plus the company's own `dates`, the region's
 * days read from a table.
 * @throws HolidayTableError when the table lacks the region; (when a day is asked for) the year
 */
export function holidaySetFromTable(
  table: HolidayTable,
  source: HolidaySource | undefined,
): HolidaySet & { readonly own: readonly string[] } {
  const own = (source?.dates ?? []).map((d) => d.date);
  const ownSet = new Set(own);
  const region = source?.region;
  if (!region) return { own, has: (day) => ownSet.has(day) };
  const regional = tableHolidaySet(table, { region, except: source.except });
  return { own, has: (day) => ownSet.has(day) || regional.has(day) };
}

let deployed: HolidayTable | undefined;

/**
 * `holidaySetFromTable` over the table the bundle was built with: calendar.ts calls it only
 * when `process.env.BACKCHANNEL_HOLIDAYS` is set, which only esbuild's `define` does.
 */
export function deployedHolidaySet(
  source: HolidaySource | undefined,
): HolidaySet & { readonly own: readonly string[] } {
  deployed ??= JSON.parse(process.env.BACKCHANNEL_HOLIDAYS ?? '{"from":0,"to":0,"regions":{}}') as HolidayTable;
  return holidaySetFromTable(deployed, source);
}
