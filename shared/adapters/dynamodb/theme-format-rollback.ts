import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RECENT_MENTIONS } from '../../domain/themes/record-insight.ts';
import { countsOfOpenDay } from '../../domain/themes/theme-day.ts';
import { keys } from './keys.ts';
import { rewriteScanned } from './rewrite-scanned.ts';
import { DynamoThemeRepository, THEME_LOCK } from './theme-repository.ts';

/** What closing the open days found and did. */
export interface ThemeDowngrade {
  /** Themes written since w19 found (an open day, the fence). */
  readonly found: number;
  /** Of them closed onto their day item and written without it (0 on a dry run). */
  readonly closed: number;
  /** Of them changed by another writer between the read and the write: run it again. */
  readonly changed: number;
}

/**
 * Closes every theme's open day (since w19, theme-day.ts) onto its theme day item and writes
 * the theme without it, its recent mention ids whole again and its lock back in `version` (no
 * THEME_LOCK: the fence lifted): the step before a rollback to a
 * release before w19, which reads neither the open day nor a theme's ids held there, and whose
 * next put of a theme would drop them (its counts lost). A close is the same once-per-mention
 * `ADD` a later day's first mention makes (readers count a mention held by both once); the
 * theme's write is conditional on the version it read, so a theme changed meanwhile is left as
 * it is and counted in `changed`. A newer instance still running opens a day again at its
 * theme's next write. The scan and the conditional writes: rewrite-scanned.ts.
 */
export async function closeOpenDays(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly dryRun?: boolean } = {},
): Promise<ThemeDowngrade> {
  const themes = new DynamoThemeRepository(client, tableName);
  const { found, written, changed } = await rewriteScanned(
    client,
    tableName,
    {
      // An open day, or the fence of a theme written since w19 (every write of this release sets it).
      FilterExpression: `begins_with(PK, :theme) AND (attribute_exists(openDay) OR attribute_exists(${THEME_LOCK}))`,
      ExpressionAttributeValues: { ':theme': 'THEME#' },
      ProjectionExpression: 'id',
    },
    async (item) => {
      const theme = await themes.theme(String(item.id));
      if (!theme) return undefined;
      if (theme.openDay) await themes.countMentions(countsOfOpenDay(theme.id, theme.openDay));
      const { openDay: _, ...rest } = theme;
      return {
        Item: {
          ...keys.theme(theme.kind, theme.language, theme.id),
          type: 'theme',
          ...rest,
          recentMentionIds: rest.recentMentionIds.slice(0, RECENT_MENTIONS),
          version: theme.version + 1,
        },
        ConditionExpression: `${THEME_LOCK} = :expected OR version = :expected`,
        ExpressionAttributeValues: { ':expected': theme.version },
      };
    },
    options,
  );
  return { found, closed: written, changed };
}
