import type { MentionRouted } from '../events.ts';
import type { Counter } from '../ports.ts';

/**
 * The figures a report needs that the category counters cannot give (platform, sentiment,
 * primary vs cc, SLA met, reopenings, public answers), kept per company day and department
 * as named fields of one item, each added to with `ADD`. One write adds every field of an
 * observation at once:
 *
 * - a routed mention, per receiving department: 1 write (`mentions` or `cc` and its
 *   category, platform and sentiment fields)
 * - a case's first response: 1 write (`responded`, `slaMet` or `slaMissed`, `answeredPublicly`)
 * - a resolution, a reopening: 1 write each
 * - a reroute: 2 writes per primary mention of the case (taken from the department it
 *   leaves, added to the one it ends in), so the reports count a case where it ended
 */
export interface ReportTallies {
  /** Adds every field to the day's tally of the department (negative values subtract). */
  tally(day: string, department: string, fields: Readonly<Record<string, number>>): Promise<void>;
  /** Every department's tally of a day. */
  talliesOf(day: string): Promise<Tally[]>;
}

export interface Tally {
  readonly day: string;
  readonly department: string;
  readonly fields: Readonly<Record<string, number>>;
}

/** Field names of a tally. */
export const TALLY = {
  mentions: 'mentions',
  cc: 'cc',
  responded: 'responded',
  slaMet: 'slaMet',
  slaMissed: 'slaMissed',
  answeredPublicly: 'answeredPublicly',
  resolved: 'resolved',
  reopened: 'reopened',
  category: (category: string) => `category.${category}`,
  platform: (platform: string) => `platform.${platform}`,
  sentiment: (sentiment: string) => `sentiment.${sentiment}`,
  ccCategory: (category: string) => `ccCategory.${category}`,
} as const;

/** The fields one routed mention adds to its department's tally: primary counts by every dimension, a cc copy only as cc. */
export function routedMentionFields(
  event: Pick<MentionRouted, 'role' | 'category' | 'platform' | 'sentiment'>,
  sign: 1 | -1 = 1,
): Record<string, number> {
  if (event.role === 'cc') return { [TALLY.cc]: sign, [TALLY.ccCategory(event.category)]: sign };
  return {
    [TALLY.mentions]: sign,
    [TALLY.category(event.category)]: sign,
    [TALLY.platform(event.platform)]: sign,
    [TALLY.sentiment(event.sentiment)]: sign,
  };
}

/** The values of the fields with a prefix (`category.`), by the rest of their name, zeros left out. */
export function fieldsWithPrefix(fields: Readonly<Record<string, number>>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith(prefix) && value !== 0) out[name.slice(prefix.length)] = value;
  }
  return out;
}

/**
 * The day x department x category counts a tally holds: every routed mention by category,
 * primary (`category.<c>`) and cc (`ccCategory.<c>`) together, zeros left out. These are the
 * figures the counter items (`METRIC#<day>`) held before the tallies replaced them.
 */
export function countersOfTally(tally: Tally): Counter[] {
  const byCategory = fieldsWithPrefix(tally.fields, 'category.');
  for (const [category, count] of Object.entries(fieldsWithPrefix(tally.fields, 'ccCategory.')))
    byCategory[category] = (byCategory[category] ?? 0) + count;
  return Object.entries(byCategory)
    .filter(([, count]) => count !== 0)
    .map(([category, count]) => ({ day: tally.day, department: tally.department, category, count }));
}
