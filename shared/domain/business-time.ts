import { ValidationError } from './errors.ts';

/**
 * Business time: SLA clocks that run only while a department works.
 *
 * A calendar is a timezone, weekly opening hours and public holidays. Time is counted day by
 * day in the timezone's wall clock: each working window (`08:00`-`17:00` on a weekday that is
 * not a holiday) is turned into two instants, and the real minutes between them count. So a
 * window keeps its wall-clock hours across a DST switch, and a window that spans the switch
 * itself (say `00:00`-`06:00` on the last Sunday of March) has one hour less (or, in October,
 * more), as a person working it would see.
 *
 * A calendar without hours (none configured, or an empty list) runs around the clock: SLA
 * time is plain elapsed time and holidays do not apply (a team that works 24/7 works on
 * holidays too).
 */

export const BUSINESS_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type BusinessWeekday = (typeof BUSINESS_WEEKDAYS)[number];

/** Opening hours on some weekdays, wall-clock `HH:MM` in the calendar's timezone, `from` before `to`. */
export interface BusinessHours {
  readonly days: readonly BusinessWeekday[];
  readonly from: string;
  readonly to: string;
}

export interface BusinessCalendar {
  /** IANA timezone the hours and holidays are in, e.g. `Europe/Berlin`. */
  readonly timezone: string;
  /** When SLA time runs; absent or empty: around the clock (and holidays do not apply). */
  readonly hours?: readonly BusinessHours[];
  /**
   * Days (`YYYY-MM-DD`, in the timezone) on which no SLA time runs: a list, or a set that
   * answers for any day (shared/config resolves a region's public holidays per year).
   */
  readonly holidays: readonly string[] | HolidaySet;
}

/** Answers whether a day (`YYYY-MM-DD`) is a holiday; a `Set<string>` is one. */
export interface HolidaySet {
  has(day: string): boolean;
}

function holidaySet(cal: BusinessCalendar): HolidaySet {
  return Array.isArray(cal.holidays) ? new Set(cal.holidays) : (cal.holidays as HolidaySet);
}

/** Days looked at without finding a working minute before a calendar is declared empty. */
const MAX_IDLE_DAYS = 400;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The instant `minutes` of business time after `start`. With hours configured, time outside
 * them does not count: 30 minutes from Friday 16:45 with hours 08:00-17:00 on weekdays is
 * Monday 08:15 (or Tuesday, when Monday is a holiday). A due time may fall exactly on a
 * closing time. Zero minutes give `start`.
 *
 * @throws ValidationError when `minutes` is negative or not finite, when an opening time is
 *   not `HH:MM` or not before its closing time, or when the calendar has no working minute
 *   in 400 days (e.g. every weekday with hours is listed as a holiday)
 * @example
 * addBusinessMinutes(new Date('2026-03-27T15:45:00Z'), 30, { timezone: 'Europe/Berlin', hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }], holidays: [] })
 * // 2026-03-30T06:15:00Z: Monday 08:15 in Berlin, after the switch to summer time
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new ValidationError(`business minutes must be a finite number >= 0, got ${minutes}`);
  const startMs = start.getTime();
  if (!Number.isFinite(startMs)) throw new ValidationError('the start of a business-time span is not a valid date');
  let remaining = Math.round(minutes * MINUTE_MS);
  if (remaining === 0) return new Date(startMs);
  const week = weekOf(cal);
  if (!week) return new Date(startMs + remaining);
  const holidays = holidaySet(cal);
  let day = localParts(start, cal.timezone).day;
  let idleDays = 0;
  for (;;) {
    let worked = false;
    for (const [from, to] of windowsOn(day, week, holidays, cal.timezone)) {
      const open = Math.max(from, startMs);
      if (to <= open) continue;
      worked = true;
      if (remaining <= to - open) return new Date(open + remaining);
      remaining -= to - open;
    }
    idleDays = worked ? 0 : idleDays + 1;
    if (idleDays > MAX_IDLE_DAYS) throw noWorkingTime(cal);
    day = nextDay(day);
  }
}

/**
 * Business minutes between two instants: the real minutes of `[from, to)` that fall inside
 * working windows. Not rounded (callers that store whole minutes round); 0 when `to` is not
 * after `from`.
 *
 * @throws ValidationError when an opening time is not `HH:MM` or not before its closing time
 */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!(toMs > fromMs)) return 0;
  const week = weekOf(cal);
  if (!week) return (toMs - fromMs) / MINUTE_MS;
  const holidays = holidaySet(cal);
  const lastDay = localParts(to, cal.timezone).day;
  let total = 0;
  for (let day = localParts(from, cal.timezone).day; day <= lastDay; day = nextDay(day)) {
    for (const [open, close] of windowsOn(day, week, holidays, cal.timezone)) {
      total += Math.max(0, Math.min(close, toMs) - Math.max(open, fromMs));
    }
  }
  return total / MINUTE_MS;
}

/**
 * Whether an instant lies in a working window (opening time inclusive, closing time not).
 * Always true for a calendar without hours.
 */
export function isWithinBusinessHours(at: Date, cal: BusinessCalendar): boolean {
  const week = weekOf(cal);
  if (!week) return true;
  const ms = at.getTime();
  return windowsOn(localParts(at, cal.timezone).day, week, holidaySet(cal), cal.timezone).some(
    ([open, close]) => open <= ms && ms < close,
  );
}

/**
 * An SLA as the config gives it: whole business days (`2d`) and business minutes (`4h`,
 * `30m`). A business day is a working day of the calendar, as long as its opening hours
 * that day: with 08:00-18:00 on weekdays `1d` is 10 hours, on a Friday until 14:00 it is 6.
 */
export interface SlaDuration {
  readonly days: number;
  readonly minutes: number;
}

/**
 * The instant `sla` of business time after `start`: first `days` working days, then
 * `minutes` business minutes. A day moves to the same point of the next working day (Tuesday
 * 11:00 + 1d = Wednesday 11:00; Friday 11:00 + 1d = Monday 11:00); a start outside the hours
 * counts from the next opening, so a whole day is due at that working day's closing time
 * (Monday 07:00 + 1d = Monday 18:00). When the later day is shorter, the due time is its
 * closing time. Without hours a day is 24 hours.
 *
 * @throws ValidationError as addBusinessMinutes, and when `days` is negative or not whole
 * @example
 * addBusinessDuration(new Date('2027-05-28T09:00:00Z'), { days: 1, minutes: 0 }, bavaria)
 * // Monday 2027-05-31 11:00 Berlin: Friday 11:00 plus one working day
 */
export function addBusinessDuration(start: Date, sla: SlaDuration, cal: BusinessCalendar): Date {
  if (!Number.isInteger(sla.days) || sla.days < 0)
    throw new ValidationError(`business days must be a whole number >= 0, got ${sla.days}`);
  if (sla.days === 0) return addBusinessMinutes(start, sla.minutes, cal);
  const week = weekOf(cal);
  if (!week) return addBusinessMinutes(new Date(start.getTime() + sla.days * DAY_MS), sla.minutes, cal);
  const holidays = holidaySet(cal);
  const startMs = start.getTime();
  // Where the start stands: the working day it counts in, and business time already past in it.
  let day = localParts(start, cal.timezone).day;
  let offset = 0;
  let idleDays = 0;
  for (;;) {
    const windows = windowsOn(day, week, holidays, cal.timezone);
    const close = windows.at(-1)?.[1];
    if (close !== undefined && startMs < close) {
      for (const [from, to] of windows) offset += Math.max(0, Math.min(to, startMs) - from);
      break;
    }
    if (++idleDays > MAX_IDLE_DAYS) throw noWorkingTime(cal);
    day = nextDay(day);
  }
  // A start before the day's first working minute has nothing of the day behind it: the
  // first day is this one, and the due time is its closing time.
  let remainingDays = offset === 0 ? sla.days - 1 : sla.days;
  let target = day;
  idleDays = 0;
  while (remainingDays > 0) {
    target = nextDay(target);
    if (windowsOn(target, week, holidays, cal.timezone).length > 0) {
      remainingDays--;
      idleDays = 0;
    } else if (++idleDays > MAX_IDLE_DAYS) throw noWorkingTime(cal);
  }
  const windows = windowsOn(target, week, holidays, cal.timezone);
  const dayLength = windows.reduce((sum, [from, to]) => sum + (to - from), 0);
  const at = offset === 0 ? dayLength : Math.min(offset, dayLength);
  let due = windows.at(-1)?.[1] ?? startMs;
  let left = at;
  for (const [from, to] of windows) {
    if (left <= to - from) {
      due = from + left;
      break;
    }
    left -= to - from;
  }
  return addBusinessMinutes(new Date(due), sla.minutes, cal);
}

/**
 * When a case opened at `openedAt` is due: `sla` of business time later.
 * @throws ValidationError as addBusinessDuration
 */
export function dueAtFor(openedAt: Date, sla: SlaDuration, cal: BusinessCalendar): Date {
  return addBusinessDuration(openedAt, sla, cal);
}

/** `{ days: 1, minutes: 90 }` -> `1 business day 1 h 30 min`, for summaries and decisions. */
export function describeSla(sla: SlaDuration): string {
  const parts: string[] = [];
  if (sla.days > 0) parts.push(`${sla.days} business day${sla.days === 1 ? '' : 's'}`);
  const hours = Math.floor(sla.minutes / 60);
  const minutes = sla.minutes % 60;
  if (hours > 0) parts.push(`${hours} business hour${hours === 1 ? '' : 's'}`);
  if (minutes > 0) parts.push(`${minutes} business minute${minutes === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(' ') : '0 business minutes';
}

/** Working windows per weekday (0 = Sunday, as Date.getUTCDay), as merged minute ranges of the wall clock. */
type Week = readonly (readonly (readonly [number, number])[])[];

function weekOf(cal: BusinessCalendar): Week | undefined {
  if (!cal.hours || cal.hours.length === 0) return undefined;
  const week: [number, number][][] = [[], [], [], [], [], [], []];
  for (const hours of cal.hours) {
    const from = minuteOfDay(hours.from);
    const to = minuteOfDay(hours.to);
    if (from >= to)
      throw new ValidationError(
        `business hours ${hours.from}-${hours.to}: the closing time must be after the opening time`,
      );
    for (const day of hours.days) {
      const index = BUSINESS_WEEKDAYS.indexOf(day);
      if (index < 0) throw new ValidationError(`unknown weekday "${day}"; use one of ${BUSINESS_WEEKDAYS.join(', ')}`);
      week[(index + 1) % 7]?.push([from, to]);
    }
  }
  // Overlapping entries (mon-fri 08-17 and mon 16-20) must not count an hour twice.
  return week.map((windows) => {
    const merged: [number, number][] = [];
    for (const [from, to] of windows.sort((a, b) => a[0] - b[0])) {
      const last = merged.at(-1);
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  });
}

function minuteOfDay(time: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new ValidationError(`business hours need HH:MM times (24-hour clock), got "${time}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The working windows of a local day as instants (epoch ms), earliest first. */
function windowsOn(day: string, week: Week, holidays: HolidaySet, timezone: string): (readonly [number, number])[] {
  if (holidays.has(day)) return [];
  const windows = week[new Date(`${day}T12:00:00Z`).getUTCDay()] ?? [];
  return windows.map(([from, to]) => [instantOf(day, from, timezone), instantOf(day, to, timezone)] as const);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

function noWorkingTime(cal: BusinessCalendar): ValidationError {
  return new ValidationError(
    `the business calendar (${cal.timezone}) has no working minute in ${MAX_IDLE_DAYS} days: check its business hours and holidays`,
  );
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timezone: string): Intl.DateTimeFormat {
  let format = formats.get(timezone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch (error) {
      throw new ValidationError(`"${timezone}" is not an IANA timezone`, [], { cause: error });
    }
    formats.set(timezone, format);
  }
  return format;
}

/** The fields of an instant on a timezone's wall clock: year, month, day, hour, minute, second. */
function wallClockFields(at: Date, timezone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const part of formatOf(timezone).formatToParts(at)) parts[part.type] = part.value;
  return parts;
}

/**
 * `YYYY-MM-DD hh:mm` of an instant on a timezone's wall clock.
 * @throws ValidationError when the timezone is not an IANA timezone
 */
export function wallClockOf(at: Date, timezone: string): string {
  const parts = wallClockFields(at, timezone);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The local calendar day of an instant, and its wall-clock time read as if it were UTC (epoch ms). */
function localParts(at: Date, timezone: string): { day: string; wallMs: number } {
  const parts = wallClockFields(at, timezone);
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  const wallMs = Date.parse(`${day}T${parts.hour}:${parts.minute}:${parts.second}Z`) + (at.getTime() % 1000);
  return { day, wallMs };
}

/** UTC offset of a timezone at an instant, in ms (east positive: +3 600 000 for CET). */
function offsetAt(ms: number, timezone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return localParts(new Date(whole), timezone).wallMs - whole;
}

/**
 * The instant at which the wall clock of a timezone shows `minute` (minutes after midnight)
 * on `day`. A time that happens twice (the hour the clocks go back) is its first occurrence;
 * a time that does not exist (the hour they skip) is the instant the clocks jump, so a window
 * that opens inside the gap opens at the first minute that exists.
 */
export function instantOf(day: string, minute: number, timezone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`) + minute * MINUTE_MS;
  // Real zones change their offset at most once within a day around any time.
  const before = offsetAt(wall - DAY_MS, timezone);
  const after = offsetAt(wall + DAY_MS, timezone);
  const candidates = [...new Set([wall - before, wall - after])].filter((t) => t + offsetAt(t, timezone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In the gap: find the jump between the last instant with the old offset and the first with the new.
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.max(MINUTE_MS, Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS);
    if (offsetAt(mid, timezone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
