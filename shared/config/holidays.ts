import Holidays from 'date-holidays';
import type { HolidaySet } from '../domain/business-time.ts';
import { HOLIDAY_TABLE_YEARS, holidaySourceKey, type HolidayTable, type TableSource } from './holiday-table.ts';
import type { CompanyConfig } from './schema.ts';

/**
 * Public holidays of a region from date-holidays (maintained data for about 200 countries
 * and their states), resolved here in shared/config so that the domain only ever sees days:
 * business-time asks `has('2027-10-03')`, and a year is computed the first time one of its
 * days is asked for (then cached), so the calendar holds for any year without a list typed
 * by hand. Only holidays of type `public` count (not bank, school or observance days).
 */

/** What a config says about holidays: a region, the company's own days, library days it works on. */
export interface HolidaySource {
  /** ISO 3166 country or country-state code, e.g. `DE` or `DE-BY`. */
  readonly region?: string | undefined;
  /** The company's own extra holidays, `YYYY-MM-DD`. */
  readonly dates?: readonly { readonly date: string }[] | undefined;
  /** Library holidays the company works on: a day `YYYY-MM-DD` or a holiday's name (every year). */
  readonly except?: readonly string[] | undefined;
}

let library: Holidays | undefined;
/** Built on first use: a module without side effects lets esbuild leave it out of functions that never call it. */
const lib = (): Holidays => (library ??= new Holidays());

/**
 * Whether a region code is one date-holidays knows, and what to write instead when not.
 * @returns undefined when the code is known, else a message with the nearest known codes
 * @example
 * regionProblem('DE-BA') // '"DE-BA" is not a state of DE; did you mean DE-BY (Bayern)? DE has: DE-BB, ...'
 */
export function regionProblem(region: string): string | undefined {
  const [country = '', state] = region.toUpperCase().split('-');
  const countries = lib().getCountries('en');
  if (!(country in countries)) {
    // UK is the one code people write that ISO 3166 spells otherwise.
    const near = country === 'UK' ? ['GB'] : nearest(country, countries);
    return `"${region}" is not a country date-holidays knows${near.length > 0 ? `; did you mean ${near.map((c) => `${c} (${countries[c]})`).join(' or ')}?` : '.'} Use an ISO 3166 code such as DE or DE-BY`;
  }
  if (state === undefined) return undefined;
  const states = lib().getStates(country) ?? {};
  if (state in states) return undefined;
  const codes = Object.keys(states);
  if (codes.length === 0)
    return `"${region}": date-holidays has no states for ${country} (${countries[country]}); use ${country}`;
  const near = nearest(state, states);
  return `"${region}" is not a state of ${country}${near.length > 0 ? `; did you mean ${near.map((s) => `${country}-${s} (${states[s]})`).join(' or ')}?` : ''} ${country} has: ${codes.map((s) => `${country}-${s}`).join(', ')}`;
}

/** The names of a region's public holidays in a year, as date-holidays spells them (for `except`). */
export function publicHolidayNames(region: string, year: number): string[] {
  return [
    ...new Set(
      holidaysOf(region)
        .getHolidays(year)
        .map((h) => h.name),
    ),
  ];
}

/**
 * The holidays of a config as a set of days: the region's public holidays of any year
 * (computed per year on first use), minus `except`, plus the company's own `dates`.
 */
export function holidaySetOf(source: HolidaySource | undefined): HolidaySet & { readonly own: readonly string[] } {
  const own = (source?.dates ?? []).map((d) => d.date);
  const ownSet = new Set(own);
  const region = source?.region;
  if (!region) return { own, has: (day) => ownSet.has(day) };
  const years = new Map<number, ReadonlySet<string>>();
  const yearOf = (year: number): ReadonlySet<string> => {
    let days = years.get(year);
    if (!days) {
      days = new Set(publicDaysOf({ region, except: source.except }, year));
      years.set(year, days);
    }
    return days;
  };
  return { own, has: (day) => ownSet.has(day) || yearOf(Number(day.slice(0, 4))).has(day) };
}

/** A region's public holidays of a year (`YYYY-MM-DD`, ascending), minus `except`. */
function publicDaysOf(source: TableSource & { readonly region: string }, year: number): string[] {
  const except = new Set((source.except ?? []).map((e) => e.toLowerCase()));
  const found = new Set<string>();
  for (const h of holidaysOf(source.region).getHolidays(year)) {
    const day = h.date.slice(0, 10);
    if (h.type === 'public' && !except.has(day) && !except.has(h.name.toLowerCase())) found.add(day);
  }
  return [...found].sort();
}

/**
 * The public holidays of every region a config names (company calendar and departments),
 * for the years `years` covers, as the compact table a bundle carries instead of
 * date-holidays (shared/config/holiday-table.ts). About 8 ms per region and year.
 */
export function holidayTableOf(
  config: Pick<CompanyConfig, 'calendar' | 'departments'>,
  years: { readonly from: number; readonly to: number } = HOLIDAY_TABLE_YEARS,
): HolidayTable {
  const sources = [config.calendar?.holidays, ...config.departments.map((d) => d.holidays)];
  const regions: Record<string, Record<string, string>> = {};
  for (const source of sources) {
    const region = source?.region;
    if (!region) continue;
    const key = holidaySourceKey({ region, except: source.except });
    if (regions[key]) continue;
    const byYear: Record<string, string> = {};
    for (let year = years.from; year <= years.to; year++) {
      byYear[String(year)] = publicDaysOf({ region, except: source.except }, year)
        .map((day) => day.slice(5, 7) + day.slice(8, 10))
        .join(' ');
    }
    regions[key] = byYear;
  }
  return { from: years.from, to: years.to, regions };
}

const byRegion = new Map<string, Holidays>();

/** One date-holidays instance per region and process: departments share their company's. */
function holidaysOf(region: string): Holidays {
  let holidays = byRegion.get(region);
  if (!holidays) {
    const [country, state] = region.toUpperCase().split('-');
    holidays = new Holidays(country ?? '', state ?? '', { types: ['public'] });
    byRegion.set(region, holidays);
  }
  return holidays;
}

/**
 * Up to two codes whose name starts with the typed code (`BA` -> Bayern), else with the same
 * first letter and one other letter wrong (`DX` -> DE, DK).
 */
function nearest(code: string, known: Readonly<Record<string, string>>): string[] {
  const typed = code.toUpperCase();
  const byName = Object.keys(known).filter((c) => (known[c] ?? '').toUpperCase().startsWith(typed));
  if (byName.length > 0) return byName.slice(0, 2);
  return Object.keys(known)
    .filter(
      (c) => c.length === typed.length && c[0] === typed[0] && [...c].filter((ch, i) => ch !== typed[i]).length <= 1,
    )
    .slice(0, 2);
}

/** A problem with a config's holidays, at its path in the config. */
export interface HolidayConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * What date-holidays says about the holidays of a config (as parsed from YAML, before or
 * after the schema): regions it does not know, with the nearest codes, and `except`
 * entries that are neither a date nor a public holiday of the region. Run when a config
 * file is loaded (validate, synth, npm start), not by the functions, which only parse
 * the config JSON that passed it.
 */
export function holidayConfigIssues(config: unknown): HolidayConfigIssue[] {
  const root = asRecord(config);
  const blocks: { path: (string | number)[]; holidays: Record<string, unknown> }[] = [];
  const calendarHolidays = asRecord(asRecord(root?.calendar)?.holidays);
  if (calendarHolidays) blocks.push({ path: ['calendar', 'holidays'], holidays: calendarHolidays });
  const departments = root?.departments;
  for (const [index, department] of (Array.isArray(departments) ? departments : []).entries()) {
    const holidays = asRecord(asRecord(department)?.holidays);
    if (holidays) blocks.push({ path: ['departments', index, 'holidays'], holidays });
  }
  const issues: HolidayConfigIssue[] = [];
  for (const { path, holidays } of blocks) {
    const region = holidays.region;
    const except = Array.isArray(holidays.except) ? holidays.except : [];
    // A region the schema refuses (not a code at all) is reported by the schema alone.
    const known =
      typeof region === 'string' && /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(region) ? regionProblem(region) : 'not a code';
    if (known !== undefined && known !== 'not a code') issues.push({ path: [...path, 'region'], message: known });
    if (except.length === 0) continue;
    if (region === undefined) {
      issues.push({ path: [...path, 'except'], message: 'except needs a region whose holidays it removes' });
      continue;
    }
    if (known !== undefined) continue;
    const names = publicHolidayNames(region as string, new Date().getUTCFullYear());
    for (const [index, entry] of except.entries()) {
      if (
        typeof entry !== 'string' ||
        /^\d{4}-\d{2}-\d{2}$/.test(entry) ||
        names.some((n) => n.toLowerCase() === entry.toLowerCase())
      )
        continue;
      issues.push({
        path: [...path, 'except', index],
        message: `"${entry}" is not a public holiday of ${String(region)}; its holidays are: ${names.join(', ')}`,
      });
    }
  }
  return issues;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
