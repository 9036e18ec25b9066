import type { ThemeDefect, ThemeExample, ThemeKind } from '../insights.ts';
import type { ThemeOpenDay } from './theme-day.ts';
import type { TermVector } from './theme-vector.ts';

/** A theme as it is stored: what grouping needs (terms), and what reports show besides counts. */
export interface StoredTheme {
  readonly id: string;
  readonly kind: ThemeKind;
  readonly language: string;
  readonly vector: TermVector;
  /** Mentions grouped into the theme, all time. */
  readonly mentions: number;
  /** Optimistic lock: every write of the vector writes version + 1 on the condition that the stored one is unchanged. */
  readonly version: number;
  /** When the theme's earliest mention was written. */
  readonly createdAt: string;
  /** The most recent examples, newest first (up to MAX_EXAMPLES). */
  readonly examples: readonly ThemeExample[];
  /** Primary departments of the theme's mentions, all time. */
  readonly departments: readonly string[];
  /** The last mentions applied to the vector: a redelivered one is recognised and not added twice. */
  readonly recentMentionIds: readonly string[];
  /** How often each organisation and place was named (projects). */
  readonly organisations?: Readonly<Record<string, number>>;
  readonly places?: Readonly<Record<string, number>>;
  /**
   * The theme's latest day with mentions, counted here instead of on a theme day item (since
   * w19; absent on themes written before, whose days are all items).
   */
  readonly openDay?: ThemeOpenDay;
}

/** One theme's mentions on one company day. */
export interface ThemeDayCount {
  readonly day: string;
  readonly themeId: string;
  readonly count: number;
  readonly reactions: number;
  readonly departments: readonly string[];
}

/** A mention counted on its theme's day. */
export interface ThemeCount {
  readonly themeId: string;
  readonly day: string;
  readonly mentionId: string;
  readonly department: string;
  readonly reactions: number;
  /** The mention's author (pseudonymous hash, see authorHashOf), among the theme's distinct authors of the day. */
  readonly authorHash: string;
}

/**
 * Port: where themes, their daily counts, authors and defect marks are kept. Every write is
 * idempotent per mention: a redelivered message changes nothing.
 */
export interface ThemeRepository {
  /** The themes of one kind and language, oldest first (the clusterer's candidates). */
  themesOf(kind: ThemeKind, language: string): Promise<StoredTheme[]>;
  theme(id: string): Promise<StoredTheme | undefined>;
  /**
   * The theme a mention was grouped into, when it was: recorded with its claim in the rates of
   * the UTC hour of its `createdAt` (RateStore.countOnce), or by an earlier release on its note
   * there or in a theme claim of its own.
   */
  assignmentOf(mentionId: string, createdAt: string): Promise<string | undefined>;
  /** Writes a new theme; false when the id exists already. */
  createTheme(theme: StoredTheme): Promise<boolean>;
  /** Writes the theme when its stored version is `expectedVersion`; false when another writer came first. */
  saveTheme(theme: StoredTheme, expectedVersion: number): Promise<boolean>;
  /**
   * Counts each mention on its theme's day and notes its author there (each once, however
   * often it is called; one write per theme day for all of its mentions where none of them
   * was counted before; any number of mentions a day); returns the ids of the mentions counted now.
   */
  countMentions(counts: readonly ThemeCount[]): Promise<Set<string>>;
  /**
   * The ids of the mentions that their theme day items count already (reads only): a mention is
   * counted there only after a theme write that added it, so one listed is in its theme's
   * all-time count, terms and examples.
   */
  countedOnDays(counts: readonly ThemeCount[]): Promise<Set<string>>;
  /**
   * Notes that the themes' open days may be `day` (before the themes are written with them), so
   * that a reader of the day finds them: one write for all of them.
   */
  noteOpenDays(day: string, themeIds: readonly string[]): Promise<void>;
  /**
   * Notes that the theme was written with an open day later than `day` (which never opens again):
   * readers of the day find everything of it on its theme day and need not read the theme.
   */
  noteMovedOn(day: string, themeId: string): Promise<void>;
  /**
   * Removes an author's (pseudonymous hash) marks on a theme around a mention's time (its
   * UTC day and the days either side, whatever the company's timezone): erasure.
   */
  removeAuthorMarks(themeId: string, authorHash: string, createdAt: string): Promise<void>;
  /** Distinct authors of a theme between two days (inclusive), its open day's included. */
  authorsOf(themeId: string, from: string, to: string): Promise<number>;
  /** Every theme's counts on each of the days: its theme day items and its open day, each mention once. */
  dayCounts(days: readonly string[]): Promise<ThemeDayCount[]>;
  /** One theme's count on each of the days (0 where none), by day. */
  themeDays(themeId: string, days: readonly string[]): Promise<Map<string, number>>;
  markDefect(themeId: string, defect: ThemeDefect): Promise<void>;
  /** Every defect mark, by theme id. */
  defects(): Promise<Map<string, ThemeDefect>>;
}
