import { NotFoundError } from '../errors.ts';
import type {
  CommunityProjectSummary,
  DefectEffect,
  IdeaSummary,
  Period,
  ThemeInsightSource,
  ThemeKind,
  ThemeSummary,
} from '../insights.ts';
import { daysBetween, defectEffectOf, effectWindows, shiftDay } from './defect-effect.ts';
import { labelOf, salientTerms } from './label.ts';
import type { StoredTheme, ThemeDayCount, ThemeRepository } from './ports.ts';
import { processOf, type ProcessRef } from './process-link.ts';
import { mostNamed } from './project-details.ts';
import { supportScore } from './support.ts';
import { parseThemeId } from './theme-id.ts';
import { trendOf } from './trend.ts';

/** Themes a report lists when it does not say. */
export const DEFAULT_LIMIT = 10;

export interface ThemeInsightsDeps {
  readonly themes: ThemeRepository;
  readonly processes: readonly ProcessRef[];
}

/** A theme with everything a person looks at: its summary over a period, its process and the defect's effect. */
export interface ThemeDetail {
  readonly summary: ThemeSummary;
  readonly processName?: string;
  readonly effect?: DefectEffect;
  readonly organisation?: string;
  readonly place?: string;
}

/**
 * Themes, ideas, projects and defects over the company table, as reports, the CLI and the
 * admin API read them. Counts come from the daily counts of the period and of the period of
 * equal length before it; labels from each theme's salient terms among the themes of its
 * kind and language; the process and its owner from the config (`processes:`), so a change
 * of the config shows at once.
 */
export class ThemeInsights implements ThemeInsightSource {
  constructor(private readonly deps: ThemeInsightsDeps) {}

  async themes(
    period: Period,
    options: { readonly kind?: ThemeKind; readonly department?: string; readonly limit?: number } = {},
  ): Promise<ThemeSummary[]> {
    const all = await this.summaries(period, options.kind ?? 'complaint', options.department);
    return all.slice(0, options.limit ?? DEFAULT_LIMIT);
  }

  async ideas(period: Period, limit = DEFAULT_LIMIT): Promise<IdeaSummary[]> {
    const all = await this.summaries(period, 'idea');
    return all
      .map((s): IdeaSummary => ({ ...s, kind: 'idea', score: round(supportScore(s.support)) }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async communityProjects(period: Period, limit = DEFAULT_LIMIT): Promise<CommunityProjectSummary[]> {
    const all = await this.summaries(period, 'project');
    const languages = [...new Set(all.map((s) => s.language))];
    const themes = (
      await Promise.all(languages.map((language) => this.deps.themes.themesOf('project', language)))
    ).flat();
    const byId = new Map(themes.map((t) => [t.id, t]));
    return all
      .map((s): CommunityProjectSummary => {
        const stored = byId.get(s.id);
        const organisation = mostNamed(stored?.organisations);
        const place = mostNamed(stored?.places);
        return {
          ...s,
          kind: 'project',
          score: round(supportScore(s.support)),
          ...(organisation ? { organisation } : {}),
          ...(place ? { place } : {}),
        };
      })
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async defectEffects(asOf: string): Promise<DefectEffect[]> {
    const defects = await this.deps.themes.defects();
    const effects: DefectEffect[] = [];
    for (const [themeId, defect] of [...defects].sort(([a], [b]) => a.localeCompare(b))) {
      if (defect.fixDate > asOf) continue;
      const theme = await this.deps.themes.theme(themeId);
      if (!theme) continue;
      effects.push(await this.effectOf(theme, asOf));
    }
    return effects;
  }

  /**
   * One theme over a period, with its process, defect and the defect's effect as of the period's end.
   * @throws NotFoundError when there is no such theme
   */
  async detail(id: string, period: Period): Promise<ThemeDetail> {
    const theme = await this.deps.themes.theme(id);
    if (!theme) throw new NotFoundError(`no theme ${id}`);
    const counts = await this.deps.themes.dayCounts([...daysBetween(previousPeriod(period).from, period.to)]);
    const [summary] = await this.summarize(
      [theme],
      counts.filter((c) => c.themeId === id),
      period,
      { keepEmpty: true },
    );
    if (!summary) throw new NotFoundError(`no theme ${id}`);
    const process = processOf(theme, this.deps.processes);
    const effect =
      summary.defect && summary.defect.fixDate <= period.to ? await this.effectOf(theme, period.to) : undefined;
    const organisation = mostNamed(theme.organisations);
    const place = mostNamed(theme.places);
    return {
      summary,
      ...(process ? { processName: process.name } : {}),
      ...(effect ? { effect } : {}),
      ...(organisation ? { organisation } : {}),
      ...(place ? { place } : {}),
    };
  }

  /** Every theme of a kind with mentions in the period, most mentioned first. */
  private async summaries(period: Period, kind: ThemeKind, department?: string): Promise<ThemeSummary[]> {
    // Labels are read fresh for every listing: an instance may live as long as a warm Lambda.
    this.siblingCache.clear();
    const counts = (await this.deps.themes.dayCounts(daysBetween(previousPeriod(period).from, period.to))).filter(
      (c) => parseThemeId(c.themeId)?.kind === kind,
    );
    const inPeriod = new Set(
      counts
        .filter((c) => c.day >= period.from && c.count > 0 && (!department || c.departments.includes(department)))
        .map((c) => c.themeId),
    );
    const languages = [...new Set([...inPeriod].map((id) => parseThemeId(id)?.language ?? 'und'))];
    const themes = (await Promise.all(languages.map((language) => this.deps.themes.themesOf(kind, language)))).flat();
    return (await this.summarize(themes, counts, period, { only: inPeriod })).sort(
      (a, b) => b.count - a.count || a.id.localeCompare(b.id),
    );
  }

  private async summarize(
    themes: readonly StoredTheme[],
    counts: readonly ThemeDayCount[],
    period: Period,
    options: { only?: ReadonlySet<string>; keepEmpty?: boolean },
  ): Promise<ThemeSummary[]> {
    const defects = await this.deps.themes.defects();
    const days = daysBetween(period.from, period.to);
    const summaries: ThemeSummary[] = [];
    for (const theme of themes) {
      if (options.only && !options.only.has(theme.id)) continue;
      const own = counts.filter((c) => c.themeId === theme.id);
      const current = own.filter((c) => c.day >= period.from);
      const count = current.reduce((n, c) => n + c.count, 0);
      if (count === 0 && !options.keepEmpty) continue;
      const previousCount = own.filter((c) => c.day < period.from).reduce((n, c) => n + c.count, 0);
      const perDay = new Map(current.map((c) => [c.day, c.count]));
      const others = (await this.siblings(theme)).filter((t) => t.id !== theme.id).map((t) => t.vector);
      const process = processOf(theme, this.deps.processes);
      const defect = defects.get(theme.id);
      const departments = [...new Set(current.flatMap((c) => c.departments))].sort();
      summaries.push({
        id: theme.id,
        kind: theme.kind,
        language: theme.language,
        label: labelOf(theme.vector, others),
        terms: salientTerms(theme.vector, others, 8).map((t) => theme.vector.surfaces[t] ?? t),
        count,
        previousCount,
        trend: trendOf(count, previousCount),
        daily: days.map((day) => ({ day, count: perDay.get(day) ?? 0 })),
        ...(process ? { processId: process.id, owner: process.owner.name } : {}),
        departments: departments.length > 0 ? departments : [...theme.departments].sort(),
        examples: theme.examples,
        ...(defect ? { defect } : {}),
        support: {
          mentions: count,
          authors: await this.deps.themes.authorsOf(theme.id, period.from, period.to),
          reactions: current.reduce((n, c) => n + c.reactions, 0),
        },
      });
    }
    return summaries;
  }

  private readonly siblingCache = new Map<string, Promise<StoredTheme[]>>();

  /** The themes of a theme's kind and language (for its label), read once per instance and kind. */
  private siblings(theme: StoredTheme): Promise<StoredTheme[]> {
    const key = `${theme.kind}#${theme.language}`;
    let found = this.siblingCache.get(key);
    if (!found) {
      found = this.deps.themes.themesOf(theme.kind, theme.language);
      this.siblingCache.set(key, found);
    }
    return found;
  }

  private async effectOf(theme: StoredTheme, asOf: string): Promise<DefectEffect> {
    const defect = (await this.deps.themes.defects()).get(theme.id);
    if (!defect) throw new NotFoundError(`theme ${theme.id} is not marked as a defect`);
    const windows = effectWindows(theme.createdAt.slice(0, 10), defect.fixDate, asOf);
    const counts = await this.deps.themes.themeDays(theme.id, [...windows.before, ...windows.after]);
    const others = (await this.siblings(theme)).filter((t) => t.id !== theme.id).map((t) => t.vector);
    return defectEffectOf({ id: theme.id, label: labelOf(theme.vector, others) }, defect, windows, counts);
  }
}

/** The period of equal length right before `period`. */
export function previousPeriod(period: Period): Period {
  const length = daysBetween(period.from, period.to).length;
  return { from: shiftDay(period.from, -length), to: shiftDay(period.from, -1) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
