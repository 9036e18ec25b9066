import { ValidationError } from '../errors.ts';
import type { Period } from '../insights.ts';
import { isDay, previousDay } from '../time.ts';

/** How often a report is made: one company day, or one ISO week (Monday..Sunday). */
export const REPORT_KINDS = ['daily', 'weekly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** One period a report covers: its id (`YYYY-MM-DD` or `YYYY-Www`) and its days. */
export interface ReportPeriod extends Period {
  readonly kind: ReportKind;
  readonly id: string;
}

/**
 * Runs that find more periods to report than this (a schedule off for months, a first run
 * on an old cursor) report the latest ones only: a report nobody asked for in months is
 * noise, and one run must finish within the function's timeout.
 */
export const MAX_PERIODS_PER_RUN = 62;

/** The day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

/** Every day of a period, oldest first. */
export function daysOf(period: Period): string[] {
  const days: string[] = [];
  for (let day = period.from; day <= period.to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Whether a string is an ISO week `YYYY-Www` that exists (W53 only in long years). */
export function isIsoWeek(week: string): boolean {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return false;
  const n = Number(match[2]);
  return n >= 1 && n <= 53 && isoWeekOf(mondayOfIsoWeek(Number(match[1]), n)) === week;
}

function mondayOfIsoWeek(year: number, week: number): string {
  // January 4th is always in week 1.
  const jan4 = new Date(Date.UTC(year, 0, 4, 12));
  const weekday = (jan4.getUTCDay() + 6) % 7;
  return addDays(jan4.toISOString().slice(0, 10), (week - 1) * 7 - weekday);
}

/** The ISO week (`YYYY-Www`) of a calendar day. */
export function isoWeekOf(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  // The Thursday of the day's week decides the week's year.
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1, 12);
  const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The period of a report id: a day, or an ISO week Monday..Sunday.
 * @throws ValidationError when the id is neither a real day nor an existing ISO week
 */
export function periodOf(kind: ReportKind, id: string): ReportPeriod {
  if (kind === 'daily') {
    if (!isDay(id)) throw new ValidationError(`"${id}" is not a calendar day YYYY-MM-DD`);
    return { kind, id, from: id, to: id };
  }
  if (!isIsoWeek(id)) throw new ValidationError(`"${id}" is not an ISO week YYYY-Www`);
  const [year, week] = id.split('-W').map(Number) as [number, number];
  const from = mondayOfIsoWeek(year, week);
  return { kind, id, from, to: addDays(from, 6) };
}

/** The period of the same kind right before this one. */
export function previousPeriod(period: ReportPeriod): ReportPeriod {
  return period.kind === 'daily'
    ? periodOf('daily', previousDay(period.id))
    : periodOf('weekly', isoWeekOf(addDays(period.from, -7)));
}

/** The period of the same kind right after this one. */
export function nextPeriod(period: ReportPeriod): ReportPeriod {
  return period.kind === 'daily'
    ? periodOf('daily', addDays(period.id, 1))
    : periodOf('weekly', isoWeekOf(addDays(period.to, 1)));
}

/** The latest period that is over on `today` (a company day): yesterday, or last week. */
export function latestCompletePeriod(kind: ReportKind, today: string): ReportPeriod {
  return kind === 'daily' ? periodOf('daily', previousDay(today)) : periodOf('weekly', isoWeekOf(addDays(today, -7)));
}

/**
 * The periods a scheduled run reports: every complete period after the last one reported
 * (the cursor), oldest first, so no day or week is ever skipped however the schedule runs
 * (a Mon-Fri daily schedule reports Friday, Saturday and Sunday on Monday). Without a
 * cursor (the first run) only the latest complete period. At most MAX_PERIODS_PER_RUN.
 */
export function periodsToReport(kind: ReportKind, lastReported: string | undefined, today: string): ReportPeriod[] {
  const latest = latestCompletePeriod(kind, today);
  if (lastReported === undefined) return [latest];
  const periods: ReportPeriod[] = [];
  for (let p = nextPeriod(periodOf(kind, lastReported)); p.from <= latest.from; p = nextPeriod(p)) periods.push(p);
  return periods.slice(-MAX_PERIODS_PER_RUN);
}
