import type { BatchThemes } from './batch-themes.ts';
import type { StoredTheme } from './ports.ts';
import { applyToTheme, type ThemedMention, type ThemeWritePause, withMentions } from './record-insight.ts';
import { openingDays } from './theme-day.ts';

/** What the flush did for one staged mention. */
export interface ThemedOutcome<K> {
  readonly key: K;
  readonly mention: ThemedMention;
  /** True when the flush counted it on its theme's day (open or not); false when it was counted before (a redelivery). */
  readonly counted: boolean;
  /** True when its theme was created by the flush and the mention started it. */
  readonly created: boolean;
}

/** A theme whose write or day count failed, with the keys (records) of its mentions. */
export interface ThemeFailure<K> {
  readonly themeId: string;
  readonly keys: readonly K[];
  readonly error: unknown;
}

interface PendingTheme<K> {
  /** The theme as the table held it when the batch first touched it (undefined: new). */
  readonly stored: StoredTheme | undefined;
  readonly mentions: Array<{ readonly key: K; readonly mention: ThemedMention }>;
}

/**
 * The theme writes of one SQS batch, made once per theme instead of once per mention:
 * 1. `stage` adds a mention to its theme in memory (BatchThemes.stage), so the batch's next
 *    mentions are grouped against it as if it had been written;
 * 2. `flush` notes the days on which the batch may open its themes' days (one write per day
 *    for all themes), then writes each theme once with all of its mentions, counted on its open
 *    day in the same write, on the condition of the version the table held when the batch first
 *    read it (read again and the mentions applied again when another writer came first; a
 *    mention the theme remembers is never added twice). Mentions of an earlier day than the
 *    theme's open day, and an open day that a later one closes, are counted on theme day items
 *    (applyToTheme).
 * A theme whose write fails fails only the keys (records) of its mentions.
 *
 * @typeParam K what a mention came with (the SQS record), returned with its outcome or failure
 */
export class ThemeBatch<K> {
  private readonly pending = new Map<string, PendingTheme<K>>();

  constructor(
    private readonly themes: BatchThemes,
    private readonly pause: ThemeWritePause = {},
  ) {}

  /** Adds the mention to its theme in this batch's memory; nothing is written until `flush`. */
  async stage(mention: ThemedMention, key: K): Promise<void> {
    let pending = this.pending.get(mention.themeId);
    if (!pending) {
      pending = { stored: await this.themes.theme(mention.themeId), mentions: [] };
      this.pending.set(mention.themeId, pending);
    }
    pending.mentions.push({ key, mention });
    const staged = withMentions(
      pending.stored,
      pending.mentions.map((m) => m.mention),
    );
    if (staged) this.themes.stage(staged);
  }

  /** Writes every staged theme and its days' counts: what each mention came to, and the themes that failed. */
  async flush(): Promise<{ outcomes: ThemedOutcome<K>[]; failures: ThemeFailure<K>[] }> {
    const outcomes: ThemedOutcome<K>[] = [];
    const failures: ThemeFailure<K>[] = [];
    const opening = openingDays(
      [...this.pending].map(([themeId, p]) => ({
        themeId,
        open: p.stored?.openDay,
        days: p.mentions.map((m) => m.mention.count.day),
      })),
    );
    try {
      for (const [day, themeIds] of opening) await this.themes.noteOpenDays(day, themeIds);
    } catch (error) {
      // Without its note a theme's new open day could not be found by a reader: write none of them.
      for (const [themeId, pending] of this.pending)
        failures.push({ themeId, keys: [...new Set(pending.mentions.map((m) => m.key))], error });
      this.pending.clear();
      return { outcomes, failures };
    }
    for (const [themeId, pending] of this.pending) {
      const mentions = pending.mentions.map((m) => m.mention);
      try {
        const { created, counted } = await applyToTheme(
          themeId,
          mentions,
          this.themes,
          { theme: pending.stored },
          this.pause,
        );
        // The theme's starter: its id is made of the mention's (themeIdOf), the first staged.
        const starter = pending.mentions[0]?.mention.detail.mentionId;
        for (const { key, mention } of pending.mentions) {
          const id = mention.detail.mentionId;
          // A mention twice in the batch (a duplicate message) counts for its first only.
          outcomes.push({ key, mention, counted: counted.delete(id), created: created && id === starter });
        }
      } catch (error) {
        failures.push({ themeId, keys: [...new Set(pending.mentions.map((m) => m.key))], error });
      }
    }
    this.pending.clear();
    return { outcomes, failures };
  }
}
