import type { ThemeDefect, ThemeKind } from '../insights.ts';
import type { StoredTheme, ThemeCount, ThemeDayCount, ThemeRepository } from './ports.ts';
import { parseThemeId } from './theme-id.ts';

/**
 * The themes as one batch (one invocation of record-insights) sees them, over the table's
 * repository: fewer reads, the same writes.
 * - a kind's and language's themes (the clusterer's candidates) are queried once per batch;
 * - a theme read or written in the batch is served from memory: the invocation never reads
 *   back what it just wrote, nor a theme the candidates' query brought, nor a new theme's id
 *   that the query did not bring;
 * - a write refused for its version marks the theme stale, so the next attempt reads it again
 *   from the table (consistently): a theme served from memory may be stale, but a stale
 *   version can never be written, because every theme write is conditional on its version.
 *
 * Made per batch: nothing is kept between invocations.
 */
export class BatchThemes implements ThemeRepository {
  /** The candidates queried in this batch, by `<kind>#<language>`, each by theme id. */
  private readonly candidates = new Map<string, Map<string, StoredTheme>>();
  /** The newest version of each theme this batch read or wrote. */
  private readonly known = new Map<string, StoredTheme>();
  /** Themes whose write was refused: read again from the table before the next attempt. */
  private readonly stale = new Set<string>();

  constructor(private readonly table: ThemeRepository) {}

  async themesOf(kind: ThemeKind, language: string): Promise<StoredTheme[]> {
    const key = `${kind}#${language}`;
    let themes = this.candidates.get(key);
    if (!themes) {
      themes = new Map();
      for (const theme of await this.table.themesOf(kind, language)) {
        themes.set(theme.id, this.known.get(theme.id) ?? theme);
        if (!this.known.has(theme.id)) this.known.set(theme.id, theme);
      }
      this.candidates.set(key, themes);
    }
    return [...themes.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async theme(id: string): Promise<StoredTheme | undefined> {
    if (!this.stale.has(id)) {
      const known = this.known.get(id);
      if (known) return known;
      // Not among its kind's candidates queried in this batch: new. Should another writer have
      // created it meanwhile, the create is refused and the theme read again.
      const parsed = parseThemeId(id);
      if (parsed && this.candidates.has(`${parsed.kind}#${parsed.language}`)) return undefined;
    }
    this.stale.delete(id);
    const stored = await this.table.theme(id);
    if (stored) this.remember(stored);
    return stored;
  }

  assignmentOf(mentionId: string, createdAt: string): Promise<string | undefined> {
    return this.table.assignmentOf(mentionId, createdAt);
  }

  async createTheme(theme: StoredTheme): Promise<boolean> {
    return this.afterWrite(theme, await this.table.createTheme(theme));
  }

  async saveTheme(theme: StoredTheme, expectedVersion: number): Promise<boolean> {
    return this.afterWrite(theme, await this.table.saveTheme(theme, expectedVersion));
  }

  countMentions(counts: readonly ThemeCount[]): Promise<Set<string>> {
    return this.table.countMentions(counts);
  }

  countedOnDays(counts: readonly ThemeCount[]): Promise<Set<string>> {
    return this.table.countedOnDays(counts);
  }

  noteOpenDays(day: string, themeIds: readonly string[]): Promise<void> {
    return this.table.noteOpenDays(day, themeIds);
  }

  removeAuthorMarks(themeId: string, authorHash: string, createdAt: string): Promise<void> {
    return this.table.removeAuthorMarks(themeId, authorHash, createdAt);
  }

  noteMovedOn(day: string, themeId: string): Promise<void> {
    return this.table.noteMovedOn(day, themeId);
  }

  authorsOf(themeId: string, from: string, to: string): Promise<number> {
    return this.table.authorsOf(themeId, from, to);
  }

  dayCounts(days: readonly string[]): Promise<ThemeDayCount[]> {
    return this.table.dayCounts(days);
  }

  themeDays(themeId: string, days: readonly string[]): Promise<Map<string, number>> {
    return this.table.themeDays(themeId, days);
  }

  markDefect(themeId: string, defect: ThemeDefect): Promise<void> {
    return this.table.markDefect(themeId, defect);
  }

  defects(): Promise<Map<string, ThemeDefect>> {
    return this.table.defects();
  }

  /**
   * Serves a theme this batch changed but has not written yet (ThemeBatch stages it): the
   * next mentions of the batch are grouped against it. Its write, later, is conditional on the
   * version the table held, so a staged theme is never taken for a stored one.
   */
  stage(theme: StoredTheme): void {
    this.remember(theme);
  }

  private afterWrite(theme: StoredTheme, written: boolean): boolean {
    // Refused: another writer came first, so what this batch knows of the theme is stale.
    if (written) this.remember(theme);
    else this.stale.add(theme.id);
    return written;
  }

  private remember(theme: StoredTheme): void {
    this.known.set(theme.id, theme);
    this.candidates.get(`${theme.kind}#${theme.language}`)?.set(theme.id, theme);
  }
}
