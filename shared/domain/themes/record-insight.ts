import { ConflictError } from '../errors.ts';
import type { MentionRouted } from '../events.ts';
import type { RateObservation, ThemeExample } from '../insights.ts';
import type { Clock } from '../ports.ts';
import { hourOf } from '../spikes/detector.ts';
import type { RateStore } from '../spikes/ports.ts';
import { dayIn } from '../time.ts';
import { chooseTheme, DEFAULT_JOIN_THRESHOLD } from './cluster.ts';
import { themeKindOf } from './kind.ts';
import type { StoredTheme, ThemeRepository } from './ports.ts';
import { organisationOf, placeOf } from './project-details.ts';
import { termsOf, type MentionTerms } from './terms.ts';
import { authorHashOf, themeIdOf, themeLanguageOf } from './theme-id.ts';
import { addTerms, EMPTY_VECTOR } from './theme-vector.ts';

/** Examples a theme keeps (the newest). */
export const MAX_EXAMPLES = 3;
/** Mention ids a theme remembers to recognise a redelivery. */
export const RECENT_MENTIONS = 50;
/** Characters of a mention's text quoted in an example. */
export const EXAMPLE_CHARS = 280;
/** Writes of one theme tried before giving up (the message is then retried by SQS). */
const MAX_ATTEMPTS = 8;

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
 *
 * @throws ConflictError when the theme kept changing under every attempt (SQS retries the message)
 */
export async function recordInsight(detail: MentionRouted, deps: RecordInsightDeps): Promise<RecordInsightOutcome> {
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
    return { observation, counted: false, created: false, noted };
  }

  const candidates = await deps.themes.themesOf(kind, language);
  const recorded =
    earlier?.themeId ??
    (earlier ? undefined : await deps.rates.legacyThemeOf(detail.mentionId)) ??
    // Claimed nowhere but remembered by a theme: an earlier delivery that stopped before its claim.
    candidates.find((t) => t.recentMentionIds.includes(detail.mentionId))?.id;
  const themeId =
    recorded ??
    chooseTheme(terms, candidates, deps.joinThreshold ?? DEFAULT_JOIN_THRESHOLD).join ??
    themeIdOf(kind, language, detail.mentionId);
  const themed: RateObservation = { ...observation, themeId };
  deps.onNoted?.(themed);

  const created = await applyToTheme(themeId, detail, terms, deps);
  const day = dayIn(new Date(detail.createdAt), deps.timezone);
  const counted = await deps.themes.countMention({
    themeId,
    day,
    mentionId: detail.mentionId,
    department: detail.department,
    reactions: reactionsOf(detail),
    authorHash: authorHashOf(detail.platform, detail.authorId),
  });
  return { observation: themed, themeId, counted, created, noted };
}

/** Adds the mention to the theme (creating it when it is new); true when this call created it. */
async function applyToTheme(
  themeId: string,
  detail: MentionRouted,
  terms: MentionTerms,
  deps: RecordInsightDeps,
): Promise<boolean> {
  const language = themeLanguageOf(detail.language);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await deps.themes.theme(themeId);
    if (current?.recentMentionIds.includes(detail.mentionId)) return false;
    if (!current) {
      const kind = themeKindOf(detail.category, detail.sentiment) ?? 'complaint';
      const fresh: StoredTheme = withMention(
        {
          id: themeId,
          kind,
          language,
          vector: EMPTY_VECTOR,
          mentions: 0,
          version: 0,
          createdAt: detail.createdAt,
          examples: [],
          departments: [],
          recentMentionIds: [],
        },
        detail,
        terms,
      );
      if (await deps.themes.createTheme(fresh)) return true;
      continue;
    }
    if (await deps.themes.saveTheme(withMention(current, detail, terms), current.version)) return false;
  }
  throw new ConflictError(`theme ${themeId} changed under ${MAX_ATTEMPTS} attempts to add mention ${detail.mentionId}`);
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
