import type { Category, Platform } from '../../shared/domain/mention.ts';
import { HOUR_MS, seasonOfHourIn } from '../../shared/domain/spikes/detector.ts';

/**
 * Seeded synthetic mention histories for the spike tests and bench/spikes.ts: hourly rates
 * with a weekly shape (quiet nights, busy weekday afternoons, calmer weekends) in the
 * company's timezone, Poisson noise, and surges injected on top.
 */

/** A mention as the rate counters see it. */
export interface SyntheticMention {
  readonly hour: string;
  readonly category: Category;
  readonly platform: Platform;
  readonly themeId?: string;
}

/** Mentions per hour at the busiest hour of a weekday, per category. */
export const PEAK_RATES: Readonly<Partial<Record<Category, number>>> = {
  complaint: 4,
  question: 3,
  praise: 1.5,
  other: 1.5,
  product_idea: 0.5,
  sales_lead: 0.4,
  press_inquiry: 0.15,
  community_project: 0.15,
  legal_risk: 0.05,
};

const PLATFORM_SHARES: readonly (readonly [Platform, number])[] = [
  ['facebook', 0.3],
  ['instagram', 0.25],
  ['x', 0.2],
  ['linkedin', 0.1],
  ['youtube', 0.1],
  ['tiktok', 0.05],
];

/** Recurring complaint themes and their share of complaints. */
const THEME_SHARES: readonly (readonly [string, number])[] = [
  ['th_repair_weeks', 0.3],
  ['th_invoice_wrong', 0.2],
  ['th_app_login', 0.15],
  ['th_delivery_late', 0.1],
];

/** Relative rate by hour of the day (company time): nights near zero, a peak in the afternoon. */
const HOUR_SHAPE = [
  0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9, 0.95, 0.9, 0.95, 1, 1, 0.95, 0.85, 0.8, 0.7, 0.5,
  0.3, 0.12,
];
/** Relative rate by weekday, Monday first. */
const DAY_SHAPE = [1, 0.95, 0.95, 0.9, 0.85, 0.55, 0.45];

/** A small seeded PRNG (mulberry32): the same seed, the same history. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw (Knuth's method; the rates here stay small). */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function pick<T>(shares: readonly (readonly [T, number])[], random: () => number): T | undefined {
  let r = random();
  for (const [value, share] of shares) {
    if (r < share) return value;
    r -= share;
  }
  return undefined;
}

/** The expected mentions of a category in an hour: its peak rate times the hour's shape. */
export function expectedRate(category: Category, hourMs: number, timezone: string, scale = 1): number {
  const season = seasonOfHourIn(timezone)(hourMs);
  const weekday = Math.floor(season.hourOfWeek / 24);
  return (PEAK_RATES[category] ?? 0) * (HOUR_SHAPE[season.hourOfDay] ?? 0) * (DAY_SHAPE[weekday] ?? 0) * scale;
}

export interface HistoryOptions {
  /** First hour (UTC hour start). */
  readonly start: string;
  readonly hours: number;
  readonly seed: number;
  readonly timezone: string;
  /** Multiplies every rate (default 1). */
  readonly scale?: number;
}

/** Steady mentions, hour by hour, with Poisson noise around the weekly shape. */
export function steadyHistory(options: HistoryOptions): SyntheticMention[] {
  const random = seededRandom(options.seed);
  const season = seasonOfHourIn(options.timezone);
  const startMs = Date.parse(options.start);
  const mentions: SyntheticMention[] = [];
  for (let i = 0; i < options.hours; i++) {
    const hourMs = startMs + i * HOUR_MS;
    const hour = new Date(hourMs).toISOString();
    const s = season(hourMs);
    const shape =
      (HOUR_SHAPE[s.hourOfDay] ?? 0) * (DAY_SHAPE[Math.floor(s.hourOfWeek / 24)] ?? 0) * (options.scale ?? 1);
    for (const [category, peak] of Object.entries(PEAK_RATES) as [Category, number][]) {
      const n = poisson(peak * shape, random);
      for (let k = 0; k < n; k++) {
        const platform = pick(PLATFORM_SHARES, random) ?? 'facebook';
        const themeId = category === 'complaint' ? pick(THEME_SHARES, random) : undefined;
        mentions.push({ hour, category, platform, ...(themeId ? { themeId } : {}) });
      }
    }
  }
  return mentions;
}

/** A surge: `perHour` extra mentions of one complaint theme on one platform for `hours` hours from `start`. */
export function surge(options: {
  readonly start: string;
  readonly hours: number;
  readonly perHour: number;
  readonly themeId?: string;
  readonly platform?: Platform;
  readonly category?: Category;
}): SyntheticMention[] {
  const mentions: SyntheticMention[] = [];
  for (let i = 0; i < options.hours; i++) {
    const hour = new Date(Date.parse(options.start) + i * HOUR_MS).toISOString();
    for (let k = 0; k < options.perHour; k++) {
      mentions.push({
        hour,
        category: options.category ?? 'complaint',
        platform: options.platform ?? 'x',
        ...(options.themeId === undefined
          ? { themeId: 'th_battery_fire' }
          : options.themeId
            ? { themeId: options.themeId }
            : {}),
      });
    }
  }
  return mentions;
}
