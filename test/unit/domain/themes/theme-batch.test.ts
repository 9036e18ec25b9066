import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../shared/domain/errors.ts';
import { BatchThemes } from '../../../../shared/domain/themes/batch-themes.ts';
import { planInsight, type RecordInsightDeps } from '../../../../shared/domain/themes/record-insight.ts';
import { ThemeBatch } from '../../../../shared/domain/themes/theme-batch.ts';
import { mentionRoutedFactory } from '../../../factories/mention.ts';
import { fixedClock, InMemoryThemes } from '../../../fakes/in-memory.ts';

let sequence = 0;
const mention = (text: string) =>
  mentionRoutedFactory({ mentionId: `facebook:tb${++sequence}`, authorId: `a${sequence}`, text });

/** One batch over the table: its view of the themes, its staged writes, and how a mention is staged (keyed by `key`). */
function batchOver(table: InMemoryThemes) {
  const themes = new BatchThemes(table);
  // The pauses between theme writes that lost to another writer are not waited here.
  const staged = new ThemeBatch<string>(themes, { sleep: async () => {} });
  const deps: RecordInsightDeps = {
    themes,
    rates: table.rates,
    clock: fixedClock('2026-11-28T10:00:00Z'),
    timezone: 'Europe/Berlin',
    retentionDays: 365,
  };
  const stage = async (text: string | ReturnType<typeof mention>, key: string) => {
    const detail = typeof text === 'string' ? mention(text) : text;
    const plan = await planInsight(detail, deps);
    if (plan.theme) await staged.stage(plan.theme, key);
    return plan.theme?.themeId;
  };
  return { staged, stage };
}

describe('ThemeBatch', () => {
  it('writes a theme once with every mention of the batch that joined it, and counts each on its day', async () => {
    // Arrange
    const table = new InMemoryThemes();
    const { staged, stage } = batchOver(table);
    const ids = [
      await stage('Die Reparatur dauert schon drei Wochen', 'r1'),
      await stage('Seit Wochen warte ich auf die Reparatur', 'r2'),
      await stage('Reparatur dauert Wochen, unmöglich', 'r3'),
    ];

    // Act
    const { outcomes, failures } = await staged.flush();

    // Assess
    const themeId = ids[0] as string;
    expect(ids).toEqual([themeId, themeId, themeId]);
    expect(failures).toEqual([]);
    expect(table.themeWrites).toEqual([themeId]);
    expect(table.stored.get(themeId)?.mentions).toBe(3);
    expect((await table.themeDays(themeId, ['2026-11-28'])).get('2026-11-28')).toBe(3);
    expect(outcomes.map((o) => [o.key, o.counted, o.created])).toEqual([
      ['r1', true, true],
      ['r2', true, false],
      ['r3', true, false],
    ]);
  });

  it('writes two themes of one batch once each', async () => {
    // Arrange
    const table = new InMemoryThemes();
    const { staged, stage } = batchOver(table);
    await stage('Die Reparatur dauert schon drei Wochen', 'r1');
    await stage('Rechnung doppelt abgebucht, Betrag falsch', 'r2');
    await stage('Seit Wochen warte ich auf die Reparatur', 'r3');
    await stage('Betrag doppelt abgebucht, Rechnung falsch', 'r4');

    // Act
    await staged.flush();

    // Assess
    expect(table.themeWrites).toHaveLength(2);
    expect([...table.stored.values()].map((t) => t.mentions)).toEqual([2, 2]);
  });

  it('counts a redelivered mention once when it comes again with new mentions of its theme', async () => {
    // Arrange
    const table = new InMemoryThemes();
    const early = mention('Die Reparatur dauert schon drei Wochen');
    const before = batchOver(table);
    await before.stage(early, 'r1');
    await before.staged.flush();
    const { staged, stage } = batchOver(table);
    await stage('Seit Wochen warte ich auf die Reparatur', 'r2');
    await stage(early, 'r1');

    // Act
    const { outcomes } = await staged.flush();

    // Assess
    const themeId = [...table.stored.keys()][0] as string;
    expect(table.stored.get(themeId)?.mentions).toBe(2);
    expect((await table.themeDays(themeId, ['2026-11-28'])).get('2026-11-28')).toBe(2);
    expect(outcomes.map((o) => [o.key, o.counted])).toEqual([
      ['r2', true],
      ['r1', false],
    ]);
  });

  it('reads a theme that another writer changed meanwhile again and adds the batch to it once', async () => {
    // Arrange
    const table = new InMemoryThemes();
    const seed = batchOver(table);
    const themeId = (await seed.stage('Die Reparatur dauert schon drei Wochen', 's')) as string;
    await seed.staged.flush();
    const { staged, stage } = batchOver(table);
    await stage('Seit Wochen warte ich auf die Reparatur', 'r1');
    // Another batch joins the theme after this one read it.
    const other = batchOver(table);
    await other.stage('Reparatur dauert Wochen, unmöglich', 'o1');
    await other.staged.flush();

    // Act
    const { failures } = await staged.flush();

    // Assess
    expect(failures).toEqual([]);
    expect(table.stored.get(themeId)?.mentions).toBe(3);
    expect((await table.themeDays(themeId, ['2026-11-28'])).get('2026-11-28')).toBe(3);
  });

  it('closes the open day again after another writer added to it first, counting each of its mentions once', async () => {
    // Arrange
    const table = new InMemoryThemes();
    const seed = batchOver(table);
    const themeId = (await seed.stage('Die Reparatur dauert schon drei Wochen', 's')) as string;
    await seed.staged.flush();
    const { staged, stage } = batchOver(table);
    const nextDay = mentionRoutedFactory({
      mentionId: `facebook:tb${++sequence}`,
      authorId: `a${sequence}`,
      text: 'Seit Wochen warte ich auf die Reparatur',
      createdAt: '2026-11-29T09:00:00.000Z',
    });
    await stage(nextDay, 'r1');
    // Another batch adds to the open day (the 28th) after this one read it: this one's first close misses it.
    const other = batchOver(table);
    await other.stage('Reparatur dauert Wochen, unmöglich', 'o1');
    await other.staged.flush();

    // Act
    const { outcomes, failures } = await staged.flush();

    // Assess
    expect(failures).toEqual([]);
    expect(outcomes.map((o) => [o.key, o.counted])).toEqual([['r1', true]]);
    expect(table.stored.get(themeId)?.openDay?.day).toBe('2026-11-29');
    expect(table.days.get(`2026-11-28#${themeId}`)?.count).toBe(2);
    expect(await table.themeDays(themeId, ['2026-11-28', '2026-11-29'])).toEqual(
      new Map([
        ['2026-11-28', 2],
        ['2026-11-29', 1],
      ]),
    );
  });

  it('fails only the keys of a theme that kept changing, and writes the others', async () => {
    // Arrange
    const table = new InMemoryThemes();
    const seed = batchOver(table);
    const repair = (await seed.stage('Die Reparatur dauert schon drei Wochen', 's')) as string;
    await seed.staged.flush();
    const { staged, stage } = batchOver(table);
    await stage('Seit Wochen warte ich auf die Reparatur', 'r1');
    await stage('Rechnung doppelt abgebucht, Betrag falsch', 'r2');
    table.conflictsBeforeSave = 100;

    // Act
    const { outcomes, failures } = await staged.flush();

    // Assess
    expect(failures).toEqual([{ themeId: repair, keys: ['r1'], error: expect.any(ConflictError) }]);
    expect(outcomes.map((o) => [o.key, o.counted, o.created])).toEqual([['r2', true, true]]);
    expect(table.stored.get(repair)?.mentions).toBe(1);
  });
});
