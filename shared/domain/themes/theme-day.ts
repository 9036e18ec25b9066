import type { ThemeCount } from './ports.ts';

/** What a theme's open day keeps of one mention: what its day's counts and authors need. */
export interface OpenDayMention {
  /** Pseudonymous (authorHashOf); empty once the author was erased (the count stays: it names nobody). */
  readonly authorHash: string;
  readonly department: string;
  readonly reactions: number;
}

/**
 * A theme's latest company day with mentions, kept in the theme item and written with it (one
 * write per theme per batch instead of a theme item and a theme day item). When a later day
 * opens, this one is closed: counted into a theme day item, before the theme is written.
 */
export interface ThemeOpenDay {
  readonly day: string;
  /** Its mentions by id, each counted once: the day's count is their number. */
  readonly mentions: Readonly<Record<string, OpenDayMention>>;
}

/** A day's figures of one theme. */
export interface DayTotals {
  readonly count: number;
  readonly reactions: number;
  readonly departments: readonly string[];
  readonly authors: readonly string[];
}

/** What adding mentions does to a theme's open day. */
export interface OpenDayStep {
  /** The open day after the step (unchanged when nothing was added to it). */
  readonly open: ThemeOpenDay | undefined;
  /** The open day before, when a later one replaces it: to be counted on its theme day item first. */
  readonly closed?: ThemeOpenDay;
  /** Mentions added to the open day now: counted by the theme's write. */
  readonly opened: readonly ThemeCount[];
  /**
   * Mentions to count on their theme day item, each once (ThemeRepository.countMentions): those
   * of an earlier day than the open one, and those the theme remembers but its open day does
   * not hold (written by the release before, or on a day closed since; a redelivery is refused there).
   */
  readonly direct: readonly ThemeCount[];
}

/**
 * Mentions an open day holds at most (about 60 bytes each in the theme item). A theme of a crisis
 * gets thousands a day: an open day that would pass this is closed onto its day item and the day
 * opened again with the new mentions, so the theme item, which record-insights reads on every
 * batch and rewrites whole, stays a few KB and far from DynamoDB's 400 KB (the day item grows as
 * it did before round w19), and the newest mentions stay the ones it remembers.
 */
export const OPEN_DAY_MAX_MENTIONS = 200;

/**
 * The open day after the theme's new mentions (`fresh`: those it does not remember) and those it
 * remembers (`known`). The open day becomes the latest day among it and the new mentions'; new
 * mentions of that day join it; when they would take it past OPEN_DAY_MAX_MENTIONS it is closed
 * and the day opened again with them. The others (earlier days) are counted directly.
 */
export function stepOpenDay(
  open: ThemeOpenDay | undefined,
  fresh: readonly ThemeCount[],
  known: readonly ThemeCount[],
): OpenDayStep {
  const direct: ThemeCount[] = known.filter((c) => !open?.mentions[c.mentionId]);
  const latest = fresh.reduce<string | undefined>(
    (day, c) => (day === undefined || c.day > day ? c.day : day),
    open?.day,
  );
  if (latest === undefined || fresh.length === 0) return { open, opened: [], direct };
  const joining = fresh.filter((c) => c.day === latest && !open?.mentions[c.mentionId]).length;
  const held = open?.day === latest ? Object.keys(open.mentions).length : 0;
  // A later day closes the open one; so does its own day when the new mentions would overfill it.
  const closed = open && (open.day < latest || held + joining > OPEN_DAY_MAX_MENTIONS) ? open : undefined;
  const mentions: Record<string, OpenDayMention> = open && !closed ? { ...open.mentions } : {};
  const opened: ThemeCount[] = [];
  let room = OPEN_DAY_MAX_MENTIONS - Object.keys(mentions).length;
  for (const c of fresh) {
    if (mentions[c.mentionId] || closed?.mentions[c.mentionId]) continue;
    // An earlier day's, or one more than a day opened afresh holds (a batch of hundreds): its day item.
    if (c.day !== latest || room === 0) {
      direct.push(c);
      continue;
    }
    mentions[c.mentionId] = { authorHash: c.authorHash, department: c.department, reactions: c.reactions };
    room--;
    opened.push(c);
  }
  return { open: { day: latest, mentions }, ...(closed ? { closed } : {}), opened, direct };
}

/** The open day's mentions as counts of its theme day (to close it). */
export function countsOfOpenDay(themeId: string, open: ThemeOpenDay): ThemeCount[] {
  return Object.entries(open.mentions).map(([mentionId, m]) => ({
    themeId,
    day: open.day,
    mentionId,
    department: m.department,
    reactions: m.reactions,
    authorHash: m.authorHash,
  }));
}

/**
 * The open day's figures without the mentions its theme day item counts already (`countedBefore`):
 * a close whose theme write did not follow (a crash, or another writer first) leaves them in
 * both, and they count once.
 */
export function openDayTotals(open: ThemeOpenDay, countedBefore: ReadonlySet<string> = new Set()): DayTotals {
  let count = 0;
  let reactions = 0;
  const departments = new Set<string>();
  const authors = new Set<string>();
  for (const [id, m] of Object.entries(open.mentions)) {
    if (countedBefore.has(id)) continue;
    count++;
    reactions += m.reactions;
    departments.add(m.department);
    if (m.authorHash) authors.add(m.authorHash);
  }
  return { count, reactions, departments: [...departments].sort(), authors: [...authors] };
}

/** The open day with the author's hash removed from their mentions (erasure; their counts stay); undefined when it holds none. */
export function withoutAuthor(open: ThemeOpenDay | undefined, authorHash: string): ThemeOpenDay | undefined {
  if (!open || !Object.values(open.mentions).some((m) => m.authorHash === authorHash)) return undefined;
  const mentions = Object.fromEntries(
    Object.entries(open.mentions).map(([id, m]) => [id, m.authorHash === authorHash ? { ...m, authorHash: '' } : m]),
  );
  return { day: open.day, mentions };
}

/**
 * The days on which these themes' open days may start with a batch's mentions (ThemeRepository.noteOpenDays,
 * written before the themes, so that a reader of a day finds every theme whose open day it is):
 * each mention's day after its theme's stored open day (every day of a new theme, or of one
 * stored without an open day). Noting more than needed is harmless; readers check the theme.
 */
export function openingDays(
  themes: ReadonlyArray<{
    readonly themeId: string;
    readonly open: ThemeOpenDay | undefined;
    readonly days: readonly string[];
  }>,
): Map<string, string[]> {
  const byDay = new Map<string, string[]>();
  for (const { themeId, open, days } of themes)
    for (const day of new Set(days)) {
      if (open && day <= open.day) continue;
      byDay.set(day, [...(byDay.get(day) ?? []), themeId]);
    }
  return byDay;
}
