import { ConflictError } from '../errors.ts';
import type { StoredMention } from '../ports.ts';
import type { ThemeRepository } from './ports.ts';
import { retryThemeWrite, type ThemeWritePause } from './record-insight.ts';
import { withoutAuthor } from './theme-day.ts';
import { authorHashOf } from './theme-id.ts';

/**
 * What themes hold of an erased author's mentions: their quoted examples and the author's
 * pseudonymous marks (the counts stay: they name nobody). Returns the examples removed (or,
 * dry, that would be).
 *
 * 1. find each mention's theme (its note in the rates of its hour, or an earlier release's theme claim);
 * 2. drop its example, and the author's hash from the theme's open day, under the theme's
 *    version, retried after a jittered pause when another writer came first (as the theme's own
 *    writes are);
 * 3. remove the author's marks on the theme's day items (after the theme: an open day closed
 *    meanwhile is on its day item by then).
 *
 * @throws ConflictError when a theme kept changing under every attempt: the example is still
 *   there, so the erasure must fail (and be run again), never report success
 */
export async function eraseThemeTraces(
  mentions: readonly StoredMention[],
  themes: ThemeRepository,
  options: { readonly dryRun?: boolean; readonly pause?: ThemeWritePause } = {},
): Promise<number> {
  let removed = 0;
  for (const stored of mentions) {
    const themeId = await themes.assignmentOf(stored.mention.id, stored.mention.createdAt);
    if (!themeId) continue;
    const authorHash = authorHashOf(stored.mention.platform, stored.mention.author.id);
    const found = await retryThemeWrite(async (attempt) => {
      const theme = await themes.theme(themeId);
      if (!theme) return false;
      const hasExample = theme.examples.some((e) => e.mentionId === stored.mention.id);
      const openDay = withoutAuthor(theme.openDay, authorHash);
      if (options.dryRun || (!hasExample && !openDay)) return hasExample;
      const examples = theme.examples.filter((e) => e.mentionId !== stored.mention.id);
      const erased = { ...theme, examples, ...(openDay ? { openDay } : {}), version: theme.version + 1 };
      if (await themes.saveTheme(erased, theme.version)) return hasExample;
      throw new ConflictError(
        `theme ${themeId} changed under ${attempt} attempts to remove the example of mention ${stored.mention.id}`,
      );
    }, options.pause);
    if (found) removed++;
    if (!options.dryRun) await themes.removeAuthorMarks(themeId, authorHash, stored.mention.createdAt);
  }
  return removed;
}
