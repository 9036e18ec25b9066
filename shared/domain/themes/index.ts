export { BatchThemes } from './batch-themes.ts';
export { chooseTheme, DEFAULT_JOIN_THRESHOLD, type ClusterCandidate, type ClusterChoice } from './cluster.ts';
export { daysBetween, defectEffectOf, effectWindows, MAX_EFFECT_DAYS, shiftDay } from './defect-effect.ts';
export { eraseThemeTraces } from './erase-theme-traces.ts';
export { themeKindOf } from './kind.ts';
export { labelOf, salientTerms } from './label.ts';
export { markThemeDefect, type DefectMark, type MarkDefectDeps } from './mark-defect.ts';
export type { StoredTheme, ThemeCount, ThemeDayCount, ThemeRepository } from './ports.ts';
export { processOf, type ProcessRef } from './process-link.ts';
export { mostNamed, organisationOf, placeOf } from './project-details.ts';
export {
  applyToTheme,
  planInsight,
  recordInsight,
  withMention,
  withMentions,
  type PlannedInsight,
  type RecordInsightDeps,
  type RecordInsightOutcome,
  type ThemedMention,
} from './record-insight.ts';
export { ThemeBatch, type ThemedOutcome, type ThemeFailure } from './theme-batch.ts';
export { supportScore } from './support.ts';
export { ThemeClusterer } from './theme-clusterer.ts';
export { authorHashOf, parseThemeId, themeIdOf, themeLanguageOf } from './theme-id.ts';
export { previousPeriod, ThemeInsights, type ThemeDetail, type ThemeInsightsDeps } from './theme-insights.ts';
export { addTerms, cosine, EMPTY_VECTOR, type TermVector } from './theme-vector.ts';
export { foldWord, termOf, termsOf, type MentionTerms } from './terms.ts';
export { trendOf } from './trend.ts';
export { ideasCsv, projectsCsv } from './csv.ts';
