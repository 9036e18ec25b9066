import { type BackoffOptions, backoffDelayMs } from '../backoff.ts';
import { ConflictError } from '../errors.ts';
import type { MentionRouted } from '../events.ts';
import type { RateObservation, ThemeExample } from '../insights.ts';
import type { Clock } from '../ports.ts';
import { retry } from '../retry.ts';
import { hourOf } from '../spikes/detector.ts';
import type { RateStore } from '../spikes/ports.ts';
import { dayIn } from '../time.ts';
import { chooseTheme, DEFAULT_JOIN_THRESHOLD } from './cluster.ts';
import { themeKindOf } from './kind.ts';
import type { StoredTheme, ThemeCount, ThemeRepository } from './ports.ts';
import { organisationOf, placeOf } from './project-details.ts';
import { termsOf, type MentionTerms } from './terms.ts';
import { countsOfOpenDay, type OpenDayStep, openingDays, stepOpenDay } from './theme-day.ts';
import { authorHashOf, themeIdOf, themeLanguageOf } from './theme-id.ts';
import { addTerms, EMPTY_VECTOR } from './theme-vector.ts';

/** Examples a theme keeps (the newest). */
export const MAX_EXAMPLES = 3;
/** Mention ids a theme remembers to recognise a redelivery. */
export const RECENT_MENTIONS = 50;
/** Characters of a mention's text quoted in an example. */
export const EXAMPLE_CHARS = 280;
/**
 * How a theme write that lost to another writer waits before it reads the theme again: 8 tries,
 * "full jitter" pauses doubling from a cap of 10 ms to at most 320 ms (under a second in all),
 * so parallel batches on one hot theme (a crisis) spread out instead of colliding again at
 * once. After the last try the message is retried by SQS.
 */
export const THEME_WRITE_BACKOFF: BackoffOptions = { maxAttempts: 8, baseMs: 10, maxMs: 320 };

/** How theme writes pause between tries; tests pass a recording sleep. */
export interface ThemeWritePause {
  /** Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); default `Math.random`. */
  readonly random?: () => number;
}

export interface RecordInsightDeps {
  readonly themes: ThemeRepository;
  /** Where the mention's claim is read: its hour's rates, which record its theme too. */
  readonly rates: RateStore;
  /**
   * Called with every mention (with its theme), before the theme is written: the caller counts
   * them in their hours' rates once per batch (RateStore.countOnce), which counts each mention
   * once and passes over those counted before; called even when a later step throws.
   */
  readonly onNoted?: (observation: RateObservation) => void;
  readonly clock: Clock;
  readonly timezone: string;
  readonly retentionDays: number;
  /** Similarity from which a mention joins a theme (default DEFAULT_JOIN_THRESHOLD). */
  readonly joinThreshold?: number;
  /** How theme writes pause after losing to another writer (default: a timer, THEME_WRITE_BACKOFF). */
  readonly pause?: ThemeWritePause;
}

export interface RecordInsightOutcome {
  /** What the rate counters (spikes) count for the mention: primary department, with its theme when it has one. */
  readonly observation: RateObservation;
  readonly themeId?: string;
  /** True when this call counted the mention; false when it was counted before (a redelivery) or feeds no theme. */
  readonly counted: boolean;
  /** False when the mention was claimed in its hour's rates before (a redelivery): it is not counted again. */
  readonly noted: boolean;
  /** True when the mention started a new theme. */
  readonly created: boolean;
}

/** A mention with its theme chosen (and handed to `onNoted`), before the theme is written. */
export interface PlannedInsight {
  readonly observation: RateObservation;
  /** False when the mention was claimed in its hour's rates before (a redelivery). */
  readonly noted: boolean;
  /** The theme's part, absent when the mention feeds no theme (no kind or no terms). */
  readonly theme?: ThemedMention;
}

/** What one mention adds to its theme and to its theme's day. */
export interface ThemedMention {
  readonly themeId: string;
  readonly detail: MentionRouted;
  readonly terms: MentionTerms;
  readonly count: ThemeCount;
  /**
   * True when the mention was claimed in its hour's rates before (a redelivery): should its theme
   * no longer remember it, its theme day items tell whether a theme write added it already.
   */
  readonly claimedBefore?: boolean;
}

/**
 * Steps 1 and 2 of {@link recordInsight}: the mention's kind, terms and theme (the one
 * recorded for it before, else the most similar candidate or a new one), handed to `onNoted`.
 * Nothing of the theme is written here.
 */
export async function planInsight(detail: MentionRouted, deps: RecordInsightDeps): Promise<PlannedInsight> {
  const observation: RateObservation = {
    mentionId: detail.mentionId,
    caseId: detail.caseId,
    createdAt: detail.createdAt,
    category: detail.category,
    platform: detail.platform,
    department: detail.department,
  };
  const kind = themeKindOf(detail.category, detail.sentiment);
  const language = themeLanguageOf(detail.language);
  const terms = kind ? termsOf(detail.text, language) : new Map<string, string>();
  const hour = hourOf(detail.createdAt);
  const earlier = (await deps.rates.claimsOf(hour, [detail.mentionId])).get(detail.mentionId);
  const noted = earlier?.counted !== true;
  if (!kind || terms.size === 0) {
    deps.onNoted?.(observation);
    return { observation, noted };
  }

  const candidates = await deps.themes.themesOf(kind, language);
  const recorded =
    earlier?.themeId ??
    (earlier ? undefined : (await deps.rates.legacyThemesOf([detail.mentionId])).get(detail.mentionId)) ??
    // Claimed nowhere but remembered by a theme: an earlier delivery that stopped before its claim.
    candidates.find((t) => t.recentMentionIds.includes(detail.mentionId))?.id;
  const themeId =
    recorded ??
    chooseTheme(terms, candidates, deps.joinThreshold ?? DEFAULT_JOIN_THRESHOLD).join ??
    themeIdOf(kind, language, detail.mentionId);
  const themed: RateObservation = { ...observation, themeId };
  deps.onNoted?.(themed);
  const count: ThemeCount = {
    themeId,
    day: dayIn(new Date(detail.createdAt), deps.timezone),
    mentionId: detail.mentionId,
    department: detail.department,
    reactions: reactionsOf(detail),
    authorHash: authorHashOf(detail.platform, detail.authorId),
  };
  return { observation: themed, noted, theme: { themeId, detail, terms, count, claimedBefore: !noted } };
}

/**
 * Groups one routed mention (primary department) into its theme and hands it to its hour's rates:
 * 1. its kind (complaint, question in anger, idea, project) and terms; none: the mention is
 *    only handed to its hour's rates;
 * 2. the theme recorded for it before (a redelivery: its claim in its hour's rates, an
 *    earlier release's theme claim, or a candidate theme that remembers it), else the most
 *    similar theme of its kind and language or a new one; handed to `onNoted` with it (the
 *    batch's claim in its hour, written with the counts, records the theme);
 * 3. its terms, example, department (and for projects the organisation and place) added to
 *    the theme under the theme's version, retried when another writer came first (a theme
 *    that remembers the mention is left as it is);
 * 4. counted on the theme's day once, its author marked on the same day (one write).
 * A batch does steps 3 and 4 once per theme for all of its mentions (ThemeBatch).
 *
 * @throws ConflictError when the theme kept changing under every attempt (SQS retries the message)
 */
export async function recordInsight(detail: MentionRouted, deps: RecordInsightDeps): Promise<RecordInsightOutcome> {
  const plan = await planInsight(detail, deps);
  if (!plan.theme) return { observation: plan.observation, counted: false, created: false, noted: plan.noted };
  const { themeId, count } = plan.theme;
  const theme = await deps.themes.theme(themeId);
  for (const [day, ids] of openingDays([{ themeId, open: theme?.openDay, days: [count.day] }]))
    await deps.themes.noteOpenDays(day, ids);
  const { created, counted } = await applyToTheme(themeId, [plan.theme], deps.themes, { theme }, deps.pause);
  return { observation: plan.observation, themeId, counted: counted.has(detail.mentionId), created, noted: plan.noted };
}

/**
 * Adds the mentions to their theme (creating it when it is new) and to its open day in one
 * write, retried after a jittered pause (THEME_WRITE_BACKOFF) when another writer came first;
 * mentions the theme remembers are left out. An open day that a later one replaces is counted
 * on its theme day item first (so a crash before the theme's write loses nothing; readers count
 * a mention in both once); mentions of earlier days, and those the theme remembers without its
 * open day holding them, are counted on their theme day items after it (each once). `known` is
 * the theme as the caller last read it (undefined: new), used for the first attempt instead of
 * a read. A mention claimed before (a redelivery) that the theme no longer remembers (past its
 * last RECENT_MENTIONS ids and its open day) is looked up on its theme day items first (reads,
 * before any write): listed there, an earlier theme write added it (a day item counts a mention
 * only after that), so it is left out and its theme's all-time count, terms and examples do not
 * count it again. The open days that the write may start must have been noted before
 * (ThemeRepository.noteOpenDays with {@link openingDays}); an open day that a later one replaced
 * is noted as moved on after the write (ThemeRepository.noteMovedOn), so readers of its day stop
 * reading the theme.
 *
 * @returns whether this call created the theme, and the ids of the mentions it counted
 * @throws ConflictError when the theme kept changing under every attempt
 */
export async function applyToTheme(
  themeId: string,
  mentions: readonly ThemedMention[],
  themes: ThemeRepository,
  known?: { readonly theme: StoredTheme | undefined },
  pause: ThemeWritePause = {},
): Promise<{ created: boolean; counted: Set<string> }> {
  const checked = new Set<string>();
  const onDays = new Set<string>();
  const { created, step } = await retryThemeWrite(async (attempt) => {
    const current = attempt === 1 && known ? known.theme : await themes.theme(themeId);
    const forgotten = mentions.filter(
      (m) => m.claimedBefore && !checked.has(m.detail.mentionId) && !remembersMention(current, m.detail.mentionId),
    );
    for (const m of forgotten) checked.add(m.detail.mentionId);
    if (forgotten.length > 0)
      for (const id of await themes.countedOnDays(forgotten.map((m) => m.count))) onDays.add(id);
    const step = themeStep(
      current,
      mentions.filter((m) => !onDays.has(m.detail.mentionId)),
    );
    if (!step.theme) return { created: false, step };
    if (step.closed) await themes.countMentions(countsOfOpenDay(themeId, step.closed));
    if (current ? await themes.saveTheme(step.theme, current.version) : await themes.createTheme(step.theme)) {
      // Written with a later open day: the closed one never opens again, all of it is on its day item.
      if (step.closed && step.open && step.closed.day < step.open.day)
        await themes.noteMovedOn(step.closed.day, themeId);
      return { created: !current, step };
    }
    const ids = mentions.map((m) => m.detail.mentionId).join(', ');
    throw new ConflictError(`theme ${themeId} changed under ${attempt} attempts to add mentions ${ids}`);
  }, pause);
  const counted = new Set(step.opened.map((c) => c.mentionId));
  for (const id of await themes.countMentions(step.direct)) counted.add(id);
  return { created, counted };
}

/**
 * Runs one theme write until it does not throw ConflictError (another writer came first),
 * pausing as THEME_WRITE_BACKOFF says; the theme's erasure retries the same way.
 *
 * @throws the last ConflictError after THEME_WRITE_BACKOFF.maxAttempts tries; other errors at once
 */
export function retryThemeWrite<T>(write: (attempt: number) => Promise<T>, pause: ThemeWritePause = {}): Promise<T> {
  const random = pause.random ?? Math.random;
  return retry(write, {
    maxAttempts: THEME_WRITE_BACKOFF.maxAttempts,
    retryable: (error) => error instanceof ConflictError,
    delayMs: (attempt) => backoffDelayMs(attempt, undefined, THEME_WRITE_BACKOFF, random),
    ...(pause.sleep ? { sleep: pause.sleep } : {}),
  });
}

/**
 * The theme (a new one when undefined) with the mentions it does not remember yet added, one
 * after the other; undefined when it remembers them all.
 */
export function withMentions(
  theme: StoredTheme | undefined,
  mentions: readonly ThemedMention[],
): StoredTheme | undefined {
  return themeStep(theme, mentions).theme;
}

/** What adding mentions to a theme does: the theme (undefined: unchanged) and its open day's step. */
export interface ThemeStep extends OpenDayStep {
  readonly theme: StoredTheme | undefined;
}

/**
 * {@link withMentions}, with what it does to the theme's open day: the mentions it does not
 * remember (by its recent mentions or its open day) are added to its terms and to its open day
 * (or counted on an earlier day); those it remembers are left out of the theme.
 */
export function themeStep(theme: StoredTheme | undefined, mentions: readonly ThemedMention[]): ThemeStep {
  let result = theme;
  const fresh: ThemeCount[] = [];
  const known: ThemeCount[] = [];
  for (const { themeId, detail, terms, count } of mentions) {
    if (remembersMention(result, detail.mentionId)) {
      if (!fresh.some((c) => c.mentionId === detail.mentionId)) known.push(count);
      continue;
    }
    result = withMention(result ?? newTheme(themeId, detail), detail, terms);
    fresh.push(count);
  }
  const step = stepOpenDay(theme?.openDay, fresh, known);
  if (!result || fresh.length === 0) return { ...step, theme: undefined };
  const { openDay: _, ...rest } = result;
  return { ...step, theme: step.open ? { ...rest, openDay: step.open } : rest };
}

/** Whether the theme remembers the mention: among its last RECENT_MENTIONS ids or on its open day. */
function remembersMention(theme: StoredTheme | undefined, mentionId: string): boolean {
  return (
    theme !== undefined &&
    (theme.recentMentionIds.includes(mentionId) || theme.openDay?.mentions[mentionId] !== undefined)
  );
}

/** An empty theme, started by the mention (which withMention then adds). */
function newTheme(themeId: string, detail: MentionRouted): StoredTheme {
  return {
    id: themeId,
    kind: themeKindOf(detail.category, detail.sentiment) ?? 'complaint',
    language: themeLanguageOf(detail.language),
    vector: EMPTY_VECTOR,
    mentions: 0,
    version: 0,
    createdAt: detail.createdAt,
    examples: [],
    departments: [],
    recentMentionIds: [],
  };
}

/** The theme with one more mention: terms, example, department, recent id, organisation and place. */
export function withMention(theme: StoredTheme, detail: MentionRouted, terms: MentionTerms): StoredTheme {
  const example: ThemeExample = {
    mentionId: detail.mentionId,
    caseId: detail.caseId,
    platform: detail.platform,
    text: detail.text.length > EXAMPLE_CHARS ? `${detail.text.slice(0, EXAMPLE_CHARS - 1)}…` : detail.text,
    ...(detail.url ? { url: detail.url } : {}),
    createdAt: detail.createdAt,
  };
  const tally = (counts: Readonly<Record<string, number>> | undefined, value: string | undefined) =>
    value === undefined ? counts : { ...(counts ?? {}), [value]: (counts?.[value] ?? 0) + 1 };
  const organisations =
    theme.kind === 'project' ? tally(theme.organisations, organisationOf(detail.text)) : theme.organisations;
  const places = theme.kind === 'project' ? tally(theme.places, placeOf(detail.text)) : theme.places;
  return {
    ...theme,
    vector: addTerms(theme.vector, terms),
    mentions: theme.mentions + 1,
    // The theme's first day is its earliest mention's, whatever order they arrive in.
    createdAt: detail.createdAt < theme.createdAt ? detail.createdAt : theme.createdAt,
    version: theme.version + 1,
    examples: [example, ...theme.examples.filter((e) => e.mentionId !== detail.mentionId)]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, MAX_EXAMPLES),
    departments: theme.departments.includes(detail.department)
      ? theme.departments
      : [...theme.departments, detail.department],
    recentMentionIds: [detail.mentionId, ...theme.recentMentionIds].slice(0, RECENT_MENTIONS),
    ...(organisations ? { organisations } : {}),
    ...(places ? { places } : {}),
  };
}

/** Reactions of a mention where the event carries them (0 where the platform gives none). */
function reactionsOf(detail: MentionRouted): number {
  return detail.reactions ?? 0;
}
