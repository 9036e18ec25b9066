import type { StoredMention } from '../ports.ts';
import type { ThemeRepository } from './ports.ts';
import { authorHashOf } from './theme-id.ts';

/** Writes of one theme tried before giving up on removing an example (the erasure can be run again). */
const MAX_ATTEMPTS = 8;

/**
 * What themes hold of an erased author's mentions: their quoted examples and the author's
 * pseudonymous marks (the counts stay: they name nobody). Returns the examples removed (or,
 * dry, that would be).
 *
 * 1. find each mention's theme (its note in the rates of its hour, or an earlier release's theme claim);
 * 2. drop its example from the theme under the theme's version, retried on a conflict;
 * 3. remove the author's marks on the theme.
 */
export async function eraseThemeTraces(
  mentions: readonly StoredMention[],
  themes: ThemeRepository,
  options: { readonly dryRun?: boolean } = {},
): Promise<number> {
  let removed = 0;
  for (const stored of mentions) {
    const themeId = await themes.assignmentOf(stored.mention.id, stored.mention.createdAt);
    if (!themeId) continue;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const theme = await themes.theme(themeId);
      if (!theme?.examples.some((e) => e.mentionId === stored.mention.id)) break;
      if (options.dryRun) {
        removed++;
        break;
      }
      const examples = theme.examples.filter((e) => e.mentionId !== stored.mention.id);
      if (await themes.saveTheme({ ...theme, examples, version: theme.version + 1 }, theme.version)) {
        removed++;
        break;
      }
    }
    if (!options.dryRun)
      await themes.removeAuthorMarks(
        themeId,
        authorHashOf(stored.mention.platform, stored.mention.author.id),
        stored.mention.createdAt,
      );
  }
  return removed;
}
