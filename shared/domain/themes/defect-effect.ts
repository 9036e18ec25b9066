import type { DefectEffect, ThemeDefect } from '../insights.ts';

/** Days compared on each side of a fix at most. */
export const MAX_EFFECT_DAYS = 28;

/** The calendar days from `from` to `to`, inclusive (empty when `to` is before `from`). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const date = new Date(`${from}T12:00:00Z`);
  const end = new Date(`${to}T12:00:00Z`).getTime();
  while (date.getTime() <= end) {
    days.push(date.toISOString().slice(0, 10));
    date.setUTCDate(date.getUTCDate() + 1);
  }
  return days;
}

/** The day `n` days after `day` (before, when negative). */
export function shiftDay(day: string, n: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

/**
 * The windows compared for a fix: the same number of days before the fix day and from it
 * on (up to MAX_EFFECT_DAYS each), bounded by the theme's first day and by `asOf`.
 */
export function effectWindows(firstDay: string, fixDate: string, asOf: string): { before: string[]; after: string[] } {
  const available = Math.min(
    MAX_EFFECT_DAYS,
    daysBetween(firstDay, shiftDay(fixDate, -1)).length,
    daysBetween(fixDate, asOf).length,
  );
  const n = Math.max(1, available);
  return {
    before: daysBetween(shiftDay(fixDate, -n), shiftDay(fixDate, -1)),
    after: daysBetween(fixDate, shiftDay(fixDate, n - 1)),
  };
}

/**
 * Did the fix work? The theme's daily rate in equal windows before and after its fix date.
 * `change` is relative (-0.6: 60 % fewer per day); 1 when there were none before and some after.
 */
export function defectEffectOf(
  theme: { readonly id: string; readonly label: string },
  defect: ThemeDefect,
  windows: { before: readonly string[]; after: readonly string[] },
  counts: ReadonlyMap<string, number>,
): DefectEffect {
  const sum = (days: readonly string[]) => days.reduce((total, day) => total + (counts.get(day) ?? 0), 0);
  const perDayBefore = windows.before.length > 0 ? sum(windows.before) / windows.before.length : 0;
  const perDayAfter = windows.after.length > 0 ? sum(windows.after) / windows.after.length : 0;
  const change = perDayBefore > 0 ? (perDayAfter - perDayBefore) / perDayBefore : perDayAfter > 0 ? 1 : 0;
  return {
    themeId: theme.id,
    label: theme.label,
    owner: defect.owner,
    fixDate: defect.fixDate,
    daysBefore: windows.before.length,
    daysAfter: windows.after.length,
    perDayBefore: round(perDayBefore),
    perDayAfter: round(perDayAfter),
    change: round(change),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
