import type { Category, Platform } from './mention.ts';

/**
 * The insight layer's shared vocabulary: what themes, ideas, community projects, known
 * defects and spikes look like to the reports, the CLI and the admin API. Themes and spikes
 * are kept by their own use cases; this file is the contract between them and the report
 * builder, so the report never reaches into how a theme was grouped or a spike found.
 *
 * Days are the company's calendar days (`YYYY-MM-DD`) in its timezone; hours are ISO times
 * of the hour's start in UTC.
 */

/** Inclusive range of company days, e.g. a week Monday..Sunday. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

/** What a group of mentions is about: recurring complaints, product ideas, local projects. */
export const THEME_KINDS = ['complaint', 'idea', 'project'] as const;
export type ThemeKind = (typeof THEME_KINDS)[number];

/** One mention quoted as an example of a theme. */
export interface ThemeExample {
  readonly mentionId: string;
  readonly caseId?: string;
  readonly platform: Platform;
  readonly text: string;
  readonly url?: string;
  readonly createdAt: string;
}

/** A theme marked by a person as a known defect of a process, with who fixes it and when. */
export interface ThemeDefect {
  readonly owner: string;
  /** The day the fix took effect (or is planned to). */
  readonly fixDate: string;
  readonly markedAt: string;
  readonly markedBy: string;
  readonly note?: string;
}

/** How a theme's support changed from one period to the next. */
export type Trend = 'new' | 'rising' | 'steady' | 'falling';

/** Support for an idea or a project: how many people stand behind it. */
export interface Support {
  readonly mentions: number;
  readonly authors: number;
  /** Likes, shares and replies where the platform reports them (0 where it does not). */
  readonly reactions: number;
}

/** A theme as a report shows it for one period. */
export interface ThemeSummary {
  readonly id: string;
  readonly kind: ThemeKind;
  readonly language: string;
  /** Readable label from the theme's salient terms, e.g. "Reparatur dauert Wochen". */
  readonly label: string;
  readonly terms: readonly string[];
  /** Mentions of this theme in the period, and in the period of equal length before it. */
  readonly count: number;
  readonly previousCount: number;
  readonly trend: Trend;
  /** Mentions per day over the period, every day listed (0 included), oldest first. */
  readonly daily: readonly { readonly day: string; readonly count: number }[];
  /** The internal process the theme points to (config `processes:`) and its owner. */
  readonly processId?: string;
  readonly owner?: string;
  /** Departments whose cases hold the theme's mentions (primary department). */
  readonly departments: readonly string[];
  readonly examples: readonly ThemeExample[];
  readonly defect?: ThemeDefect;
  readonly support: Support;
}

/** A product idea, ranked by support. */
export interface IdeaSummary extends ThemeSummary {
  readonly kind: 'idea';
  /** The rank score (higher first); how it is made from `support` is the theme part's. */
  readonly score: number;
}

/** A suggested local project, with what the text says about who and where. */
export interface CommunityProjectSummary extends ThemeSummary {
  readonly kind: 'project';
  readonly score: number;
  /** The club, school or initiative named in the text, when found. */
  readonly organisation?: string;
  /** The town or district named in the text, when found. */
  readonly place?: string;
}

/** A known defect's rate before and after its fix date: did the fix work? */
export interface DefectEffect {
  readonly themeId: string;
  readonly label: string;
  readonly owner: string;
  readonly fixDate: string;
  readonly daysBefore: number;
  readonly daysAfter: number;
  readonly perDayBefore: number;
  readonly perDayAfter: number;
  /** Relative change of the daily rate: -0.6 is 60 % fewer mentions per day after the fix. */
  readonly change: number;
}

/** What a spike was measured on. */
export const SPIKE_DIMENSIONS = ['category', 'theme', 'platform'] as const;
export type SpikeDimension = (typeof SPIKE_DIMENSIONS)[number];

/** A significant surge of one dimension's hourly rate above its own baseline. */
export interface SpikeSummary {
  readonly id: string;
  readonly dimension: SpikeDimension;
  /** The category, theme id or platform. */
  readonly value: string;
  /** Readable name (the theme's label, the category, the platform). */
  readonly label: string;
  /** Start of the hour that surged. */
  readonly hour: string;
  readonly detectedAt: string;
  readonly observed: number;
  readonly expected: number;
  readonly departments: readonly string[];
  readonly caseIds: readonly string[];
}

/** One routed mention as the rate counters see it (primary department only). */
export interface RateObservation {
  readonly mentionId: string;
  readonly caseId: string;
  readonly createdAt: string;
  readonly category: Category;
  readonly platform: Platform;
  readonly department: string;
  /** The theme the mention was grouped into, when it was. */
  readonly themeId?: string;
}

/** Port: themes, ideas, projects and defects as the reports read them. */
export interface ThemeInsightSource {
  /** Themes of one kind with mentions in the period, most mentioned first. */
  themes(
    period: Period,
    options?: { readonly kind?: ThemeKind; readonly department?: string; readonly limit?: number },
  ): Promise<ThemeSummary[]>;
  ideas(period: Period, limit?: number): Promise<IdeaSummary[]>;
  communityProjects(period: Period, limit?: number): Promise<CommunityProjectSummary[]>;
  /** Every theme marked as a defect whose fix date lies on or before `asOf`, with its rate before and after. */
  defectEffects(asOf: string): Promise<DefectEffect[]>;
}

/** Port: spikes detected in a period, as the reports read them. */
export interface SpikeSource {
  spikes(period: Period): Promise<SpikeSummary[]>;
}
