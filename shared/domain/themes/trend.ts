import type { Trend } from '../insights.ts';

/** Change of mentions, relative and absolute, from which a theme is rising or falling rather than steady. */
const RELATIVE = 0.25;
const ABSOLUTE = 2;

/**
 * A theme's trend from its mentions in a period and in the period of equal length before:
 * `new` when it had none before, `rising`/`falling` when it changed by a quarter and at
 * least two mentions, else `steady` (one mention more or less is noise, not a trend).
 */
export function trendOf(count: number, previousCount: number): Trend {
  if (previousCount === 0) return count > 0 ? 'new' : 'steady';
  const change = count - previousCount;
  if (Math.abs(change) < ABSOLUTE) return 'steady';
  if (change >= RELATIVE * previousCount) return 'rising';
  if (-change >= RELATIVE * previousCount) return 'falling';
  return 'steady';
}
