import { describe, expect, it } from 'vitest';
import type { RateObservation } from '../../../../shared/domain/insights.ts';
import type { StoredMention } from '../../../../shared/domain/ports.ts';
import { countNotedRates } from '../../../../shared/domain/spikes/record-mention-rates.ts';
import { ConflictError } from '../../../../shared/domain/errors.ts';
import { eraseThemeTraces } from '../../../../shared/domain/themes/erase-theme-traces.ts';
import { recordInsight } from '../../../../shared/domain/themes/record-insight.ts';
import { mentionFactory, mentionRoutedFactory } from '../../../factories/mention.ts';
import { fixedClock, InMemoryThemes } from '../../../fakes/in-memory.ts';

/** A stored mention as erasure reads it (only the mention matters here). */
const storedOf = (id: string, authorId: string) =>
  ({
    mention: mentionFactory({ id, author: { id: authorId } }),
    caseId: 'case_0123456789abcdef0123',
  }) as unknown as StoredMention;

async function setup() {
  const themes = new InMemoryThemes();
  const deps = {
    themes,
    rates: themes.rates,
    clock: fixedClock('2026-11-28T10:00:00Z'),
    timezone: 'Europe/Berlin',
    retentionDays: 365,
  };
  // As record-insights does: the theme, then the batch's claim in the hour's rates.
  const record = async (detail: ReturnType<typeof mentionRoutedFactory>) => {
    const noted: RateObservation[] = [];
    const outcome = await recordInsight(detail, { ...deps, onNoted: (o) => noted.push(o) });
    await countNotedRates(noted, { rates: deps.rates, expiresAt: 0 });
    return outcome;
  };
  const erased = await record(
    mentionRoutedFactory({
      mentionId: 'facebook:e1',
      authorId: 'erika',
      text: 'Reparatur dauert Wochen, Erika Muster aus Kiel',
    }),
  );
  await record(
    mentionRoutedFactory({ mentionId: 'facebook:e2', authorId: 'max', text: 'Reparatur dauert schon Wochen' }),
  );
  return { themes, themeId: erased.themeId as string };
}

describe('eraseThemeTraces', () => {
  it("removes the erased author's examples and marks from their themes and keeps the others'", async () => {
    const { themes, themeId } = await setup();

    const removed = await eraseThemeTraces([storedOf('facebook:e1', 'erika')], themes);

    expect(removed).toBe(1);
    expect(themes.stored.get(themeId)?.examples.map((e) => e.mentionId)).toEqual(['facebook:e2']);
    expect(await themes.authorsOf(themeId, '2026-11-28', '2026-11-28')).toBe(1);
  });

  it('counts without changing anything on a dry run', async () => {
    const { themes, themeId } = await setup();

    const removed = await eraseThemeTraces([storedOf('facebook:e1', 'erika')], themes, { dryRun: true });

    expect(removed).toBe(1);
    expect(themes.stored.get(themeId)?.examples).toHaveLength(2);
  });

  it('finds nothing the second time', async () => {
    const { themes } = await setup();
    await eraseThemeTraces([storedOf('facebook:e1', 'erika')], themes);

    expect(await eraseThemeTraces([storedOf('facebook:e1', 'erika')], themes)).toBe(0);
  });

  it('fails the erasure when the theme kept changing under every attempt, leaving nothing reported as removed', async () => {
    // Before: after 8 lost writes the example stayed and the erasure went on as if done.
    const { themes, themeId } = await setup();
    themes.conflictsBeforeSave = 100;
    const pauses: number[] = [];

    const failed = await eraseThemeTraces([storedOf('facebook:e1', 'erika')], themes, {
      pause: { sleep: async (ms) => void pauses.push(ms) },
    }).catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(ConflictError);
    expect((failed as Error).message).toMatch(/example of mention facebook:e1/);
    expect(themes.stored.get(themeId)?.examples.map((e) => e.mentionId)).toContain('facebook:e1');
    expect(pauses).toHaveLength(7);
  });

  it('removes the example after another writer came first twice', async () => {
    const { themes, themeId } = await setup();
    themes.conflictsBeforeSave = 2;

    const removed = await eraseThemeTraces([storedOf('facebook:e1', 'erika')], themes, {
      pause: { sleep: async () => {} },
    });

    expect(removed).toBe(1);
    expect(themes.stored.get(themeId)?.examples.map((e) => e.mentionId)).toEqual(['facebook:e2']);
  });
});
