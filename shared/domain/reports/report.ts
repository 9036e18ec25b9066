import type { DefectEffect, SpikeSummary, Trend } from '../insights.ts';
import type { ReportKind } from './period.ts';

/**
 * A report as it is stored, printed, rendered and sent. `audience` is `management` (every
 * department) or a department id (that department only). This JSON is the `--format json`
 * of `backchannel report` and the item the table keeps; fields are only ever added.
 */
export interface Report {
  readonly kind: ReportKind;
  readonly period: ReportPeriodRef;
  readonly audience: string;
  readonly company: { readonly id: string; readonly name: string; readonly timezone: string };
  readonly generatedAt: string;
  /** Every mention once, in its primary department (cc copies in `cc`). */
  readonly total: number;
  readonly cc: number;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byPlatform: Readonly<Record<string, number>>;
  readonly bySentiment: Readonly<Record<string, number>>;
  readonly departments: readonly DepartmentFigures[];
  /** Mentions per day (primary department), every day of the period. */
  readonly daily: readonly { readonly day: string; readonly count: number }[];
  /** Open cases by age at the time the report was built (the backlog is a snapshot, not a history). */
  readonly backlog: readonly BacklogRow[];
  readonly themes: readonly ThemeRow[];
  readonly defects: readonly DefectEffect[];
  readonly ideas: readonly InsightRow[];
  readonly communityProjects: readonly InsightRow[];
  readonly spikes: readonly SpikeSummary[];
  /** Sections without a source in this deployment: shown as "not available", never guessed. */
  readonly unavailable: readonly InsightSection[];
  /** The same figures for the period before. */
  readonly previous: PreviousFigures;
}

export const INSIGHT_SECTIONS = ['themes', 'defects', 'ideas', 'communityProjects', 'spikes'] as const;
export type InsightSection = (typeof INSIGHT_SECTIONS)[number];

export interface ReportPeriodRef {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

/** What a department did in a period. */
export interface DepartmentFigures {
  readonly id: string;
  readonly name: string;
  /** Mentions whose case is the department's (primary), where the case ended after reroutes. */
  readonly total: number;
  /** Copies the department received as cc. */
  readonly cc: number;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byPlatform: Readonly<Record<string, number>>;
  readonly bySentiment: Readonly<Record<string, number>>;
  /** First responses in the period, in business minutes (interpolated within histogram buckets). */
  readonly responseMinutes: { readonly p50: number | null; readonly p90: number | null };
  readonly responded: number;
  /** Share of first responses given by the due time (0..1); null without responses. */
  readonly slaCompliance: number | null;
  readonly resolved: number;
  readonly reopened: number;
  /** Reopenings per resolution in the period; null without resolutions. */
  readonly reopenRate: number | null;
  /** Share of first responses made in public on the platform; null without responses. */
  readonly answeredPublicly: number | null;
}

export type PreviousDepartmentFigures = Omit<DepartmentFigures, 'name'>;

export interface PreviousFigures {
  readonly period: ReportPeriodRef;
  readonly total: number;
  readonly cc: number;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byPlatform: Readonly<Record<string, number>>;
  readonly bySentiment: Readonly<Record<string, number>>;
  readonly departments: readonly PreviousDepartmentFigures[];
}

export const BACKLOG_AGES = ['<1d', '1-3d', '3-7d', '>7d'] as const;
export type BacklogAge = (typeof BACKLOG_AGES)[number];

export interface BacklogRow {
  readonly department: string;
  readonly total: number;
  readonly byAge: Readonly<Record<BacklogAge, number>>;
}

export interface ThemeRow {
  readonly id: string;
  readonly label: string;
  readonly language: string;
  readonly count: number;
  readonly previousCount: number;
  readonly trend: Trend;
  readonly owner?: string;
  readonly processId?: string;
  readonly departments: readonly string[];
  readonly defect?: { readonly owner: string; readonly fixDate: string };
  readonly example?: string;
}

/** An idea or a community project, ranked by support. */
export interface InsightRow {
  readonly id: string;
  readonly label: string;
  readonly score: number;
  readonly mentions: number;
  readonly authors: number;
  readonly reactions: number;
  readonly trend: Trend;
  readonly organisation?: string;
  readonly place?: string;
  readonly example?: string;
}
