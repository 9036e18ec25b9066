import { describe, expect, it } from 'vitest';
import type { ThemeKind } from '../../../../shared/domain/insights.ts';
import { BatchThemes } from '../../../../shared/domain/themes/batch-themes.ts';
import { recordInsight, type RecordInsightDeps } from '../../../../shared/domain/themes/record-insight.ts';
import { mentionRoutedFactory } from '../../../factories/mention.ts';
import { fixedClock, InMemoryThemes } from '../../../fakes/in-memory.ts';

/** The in-memory themes, counting the reads that reach them. */
class CountingThemes extends InMemoryThemes {
  readonly reads = { themesOf: 0, theme: 0, assignmentOf: 0 };

  override async themesOf(kind: ThemeKind, language: string) {
    this.reads.themesOf++;
    return super.themesOf(kind, language);
  }
  override async theme(id: string) {
    this.reads.theme++;
    return super.theme(id);
  }
  override async assignmentOf(mentionId: string, createdAt: string) {
    this.reads.assignmentOf++;
    return super.assignmentOf(mentionId, createdAt);
  }
}

let sequence = 0;
const mention = (text: string, overrides: Parameters<typeof mentionRoutedFactory>[0] = {}) =>
  mentionRoutedFactory({ mentionId: `facebook:b${++sequence}`, authorId: `a${sequence}`, text, ...overrides });

function batchOf(table: CountingThemes): RecordInsightDeps {
  return {
    themes: new BatchThemes(table),
    rates: table.rates,
    clock: fixedClock('2026-11-28T10:00:00Z'),
    timezone: 'Europe/Berlin',
    retentionDays: 365,
  };
}

describe('BatchThemes', () => {
  it('queries the candidates once per batch and reads back none of the themes the batch wrote', async () => {
    // Arrange
    const table = new CountingThemes();
    const deps = batchOf(table);
    const details = [
      mention('Die Reparatur dauert schon drei Wochen'),
      mention('Seit Wochen warte ich auf die Reparatur'),
      mention('Reparatur dauert Wochen, unmöglich'),
    ];

    // Act
    const outcomes = [];
    for (const detail of details) outcomes.push(await recordInsight(detail, deps));

    // Assess
    expect(new Set(outcomes.map((o) => o.themeId)).size).toBe(1);
    expect(table.stored.get(outcomes[0]?.themeId as string)?.mentions).toBe(3);
    expect(table.reads).toEqual({ themesOf: 1, theme: 0, assignmentOf: 0 });
  });

  it('reads a theme again from the table after another writer came first, and adds the mention once', async () => {
    // Arrange
    const table = new CountingThemes();
    const first = await recordInsight(mention('Die Reparatur dauert schon drei Wochen'), batchOf(table));
    const deps = batchOf(table);
    table.conflictsBeforeSave = 1;
    table.reads.theme = 0;

    // Act
    const second = await recordInsight(mention('Seit Wochen warte ich auf die Reparatur'), deps);

    // Assess
    expect(second).toMatchObject({ themeId: first.themeId, counted: true });
    expect(table.stored.get(first.themeId as string)?.mentions).toBe(2);
    expect(table.reads.theme).toBe(1);
  });

  it('recognises a mention redelivered in a later batch and counts it once', async () => {
    // Arrange
    const table = new CountingThemes();
    const detail = mention('Die Reparatur dauert schon drei Wochen');
    const first = await recordInsight(detail, batchOf(table));

    // Act
    const again = await recordInsight(detail, batchOf(table));

    // Assess
    expect(again).toMatchObject({ themeId: first.themeId, counted: false, created: false });
    expect(table.stored.get(first.themeId as string)?.mentions).toBe(1);
  });
});
