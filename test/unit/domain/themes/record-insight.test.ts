import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../shared/domain/errors.ts';
import type { RateObservation } from '../../../../shared/domain/insights.ts';
import { countNotedRates } from '../../../../shared/domain/spikes/record-mention-rates.ts';
import {
  recordInsight,
  type RecordInsightDeps,
  THEME_WRITE_BACKOFF,
} from '../../../../shared/domain/themes/record-insight.ts';
import { ThemeInsights } from '../../../../shared/domain/themes/theme-insights.ts';
import { mentionRoutedFactory } from '../../../factories/mention.ts';
import { fixedClock, InMemoryThemes } from '../../../fakes/in-memory.ts';

/** Deps over an in-memory table; the pauses between theme writes are recorded in `pauses`, not waited. */
function depsOf(themes = new InMemoryThemes()): RecordInsightDeps & { themes: InMemoryThemes; pauses: number[] } {
  const pauses: number[] = [];
  return {
    themes,
    rates: themes.rates,
    clock: fixedClock('2026-11-28T10:00:00Z'),
    timezone: 'Europe/Berlin',
    retentionDays: 365,
    pause: { sleep: async (ms) => void pauses.push(ms), random: () => 0.999 },
    pauses,
  };
}

let sequence = 0;
const mention = (text: string, overrides: Parameters<typeof mentionRoutedFactory>[0] = {}) =>
  mentionRoutedFactory({ mentionId: `facebook:m${++sequence}`, authorId: `a${sequence}`, text, ...overrides });

describe('recordInsight', () => {
  it('groups a complaint into a new theme and returns its rate observation with the theme', async () => {
    const deps = depsOf();
    const detail = mention('Die Reparatur dauert schon drei Wochen');

    const outcome = await recordInsight(detail, deps);

    expect(outcome).toMatchObject({
      counted: true,
      created: true,
      observation: {
        mentionId: detail.mentionId,
        caseId: detail.caseId,
        department: 'service',
        category: 'complaint',
        themeId: outcome.themeId,
      },
    });
    expect(outcome.themeId).toMatch(/^th_complaint_de_[0-9a-f]{12}$/);
    expect(deps.themes.stored.get(outcome.themeId as string)?.examples.map((e) => e.text)).toEqual([
      'Die Reparatur dauert schon drei Wochen',
    ]);
  });

  it('counts a redelivered mention once and leaves its theme unchanged', async () => {
    const deps = depsOf();
    const detail = mention('Die Reparatur dauert schon drei Wochen');
    const first = await recordInsight(detail, deps);
    const stored = deps.themes.stored.get(first.themeId as string);

    const again = await recordInsight(detail, deps);

    expect(again).toMatchObject({ themeId: first.themeId, counted: false, created: false });
    expect(deps.themes.stored.get(first.themeId as string)).toBe(stored);
    const days = await deps.themes.dayCounts([detail.createdAt.slice(0, 10)]);
    expect(days.map((d) => d.count)).toEqual([1]);
  });

  it('joins a paraphrase to the existing theme', async () => {
    const deps = depsOf();
    const first = await recordInsight(mention('Die Reparatur dauert schon drei Wochen'), deps);

    const second = await recordInsight(mention('Seit Wochen warte ich auf die Reparatur'), deps);

    expect(second).toMatchObject({ themeId: first.themeId, created: false, counted: true });
    expect(deps.themes.stored.get(first.themeId as string)?.mentions).toBe(2);
  });

  it('groups a question asked in anger as a complaint', async () => {
    const outcome = await recordInsight(
      mention('Warum ist meine Rechnung schon wieder falsch?', { category: 'question', sentiment: 'negative' }),
      depsOf(),
    );

    expect(outcome.themeId).toMatch(/^th_complaint_/);
  });

  it('groups no praise, and still returns its rate observation', async () => {
    const deps = depsOf();

    const outcome = await recordInsight(
      mention('Super Service, danke!', { category: 'praise', sentiment: 'positive' }),
      deps,
    );

    expect(outcome).toMatchObject({ counted: false, observation: { category: 'praise' } });
    expect(outcome.themeId).toBeUndefined();
    expect(deps.themes.stored.size).toBe(0);
  });

  it('retries when another writer changed the theme first, and adds the mention once', async () => {
    const deps = depsOf();
    const first = await recordInsight(mention('Die Reparatur dauert schon drei Wochen'), deps);
    deps.themes.conflictsBeforeSave = 2;

    await recordInsight(mention('Reparatur dauert Wochen'), deps);

    expect(deps.themes.stored.get(first.themeId as string)?.mentions).toBe(2);
    // Two lost writes, two pauses before reading the theme again (full jitter at its cap here).
    expect(deps.pauses).toEqual([9, 19]);
  });

  it('gives up with a ConflictError when the theme changes under every attempt, after a growing pause between tries', async () => {
    const deps = depsOf();
    await recordInsight(mention('Die Reparatur dauert schon drei Wochen'), deps);
    deps.themes.conflictsBeforeSave = 100;

    const failed = await recordInsight(mention('Reparatur dauert Wochen'), deps).catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(ConflictError);
    expect((failed as Error).message).toMatch(/changed under 8 attempts/);
    expect(deps.pauses).toEqual([9, 19, 39, 79, 159, 319, 319]);
    expect(deps.pauses).toHaveLength(THEME_WRITE_BACKOFF.maxAttempts - 1);
  });

  it('hands the mention over to be counted with its theme before the theme step, and its redelivery keeps that theme', async () => {
    const deps = depsOf();
    const first = await recordInsight(mention('Die Reparatur dauert schon drei Wochen'), deps);
    deps.themes.conflictsBeforeSave = 100;
    const noted: RateObservation[] = [];
    const detail = mention('Reparatur dauert Wochen');

    const failed = await recordInsight(detail, { ...deps, onNoted: (o) => noted.push(o) })
      .then(() => undefined)
      .catch((error: unknown) => error);
    await countNotedRates(noted, { rates: deps.rates, expiresAt: 0 });
    deps.themes.conflictsBeforeSave = 0;
    const again = await recordInsight(detail, { ...deps, joinThreshold: 2 });

    expect(failed).toBeInstanceOf(ConflictError);
    expect(noted.map((o) => `${o.mentionId}>${o.themeId}`)).toEqual([`${detail.mentionId}>${first.themeId}`]);
    expect(again).toMatchObject({ themeId: first.themeId, noted: false, counted: true });
  });

  it('does not add a claimed mention again that its theme forgot but its day counts, and reads its day only for such a one', async () => {
    const deps = depsOf();
    const noted: RateObservation[] = [];
    const counting = { ...deps, onNoted: (o: RateObservation) => noted.push(o) };
    const early = mention('Die Reparatur dauert schon drei Wochen', { createdAt: '2026-11-20T09:00:00.000Z' });
    const first = await recordInsight(early, counting);
    // A later day closes the early one onto its day item; 60 mentions push it out of the theme's memory.
    for (let n = 0; n < 60; n++)
      await recordInsight(
        mention(`Die Reparatur dauert schon drei Wochen (${n})`, { createdAt: '2026-11-21T09:00:00.000Z' }),
        counting,
      );
    await countNotedRates(noted, { rates: deps.rates, expiresAt: 0 });
    const before = deps.themes.stored.get(first.themeId as string);
    const lookedUp: string[] = [];
    const countedOnDays = deps.themes.countedOnDays.bind(deps.themes);
    deps.themes.countedOnDays = async (counts) => {
      lookedUp.push(...counts.map((c) => c.mentionId));
      return countedOnDays(counts);
    };

    const again = await recordInsight(early, deps);
    await recordInsight(mention('Die Reparatur dauert schon drei Wochen (neu)'), deps);

    expect(before?.recentMentionIds).not.toContain(early.mentionId);
    expect(again).toMatchObject({ themeId: first.themeId, noted: false, counted: false });
    expect(deps.themes.stored.get(first.themeId as string)?.mentions).toBe(62);
    expect(lookedUp).toEqual([early.mentionId]);
    expect((await deps.themes.themeDays(first.themeId as string, ['2026-11-20'])).get('2026-11-20')).toBe(1);
  });

  it('rejoins the theme that remembers a mention whose batch stopped before claiming it', async () => {
    const deps = depsOf();
    const detail = mention('Die Reparatur dauert schon drei Wochen');
    const first = await recordInsight(detail, deps);

    // Delivered again with a threshold no theme reaches: only the theme's memory makes it join.
    const again = await recordInsight(detail, { ...deps, joinThreshold: 2 });

    expect(again).toMatchObject({ themeId: first.themeId, noted: true, counted: false, created: false });
    expect(deps.themes.stored.size).toBe(1);
  });

  it("notes a theme's open day as moved on once the theme was written with a later day, and never for a day it opens again", async () => {
    const deps = depsOf();
    const first = await recordInsight(
      mention('Die Reparatur dauert schon drei Wochen', { createdAt: '2026-11-20T10:00:00.000Z' }),
      deps,
    );
    const themeId = first.themeId as string;
    await recordInsight(mention('Reparatur dauert drei Wochen', { createdAt: '2026-11-20T11:00:00.000Z' }), deps);
    const movedBefore = [...deps.themes.movedOn];

    await recordInsight(mention('Die Reparatur dauert drei Wochen!', { createdAt: '2026-11-22T10:00:00.000Z' }), deps);

    expect(movedBefore).toEqual([]);
    expect([...deps.themes.movedOn]).toEqual([`2026-11-20#${themeId}`]);
    // The moved-on day is counted whole on its day item, without the theme's open day.
    const [day] = await deps.themes.dayCounts(['2026-11-20']);
    expect(day?.count).toBe(2);
  });

  it('counts a mention on its company day (Europe/Berlin), not its UTC day', async () => {
    const deps = depsOf();

    await recordInsight(mention('Reparatur dauert Wochen', { createdAt: '2026-11-27T23:30:00.000Z' }), deps);

    const days = await deps.themes.dayCounts(['2026-11-27', '2026-11-28']);
    expect(days.map((d) => [d.day, d.count])).toEqual([['2026-11-28', 1]]);
  });
});

describe('ThemeInsights', () => {
  const week = { from: '2026-11-23', to: '2026-11-29' };

  it('lists complaint themes with counts, the previous week, trend, label, process and owner', async () => {
    const deps = depsOf();
    for (const day of ['2026-11-17', '2026-11-24', '2026-11-25', '2026-11-26']) {
      await recordInsight(
        mention('Die Reparatur in der Werkstatt dauert Wochen', { createdAt: `${day}T10:00:00.000Z` }),
        deps,
      );
    }
    const insights = new ThemeInsights({
      themes: deps.themes,
      processes: [{ id: 'repairs', name: 'Werkstatt', owner: { name: 'Kai Lüders' }, terms: ['Reparatur'] }],
    });

    const [theme] = await insights.themes(week);

    expect(theme).toMatchObject({
      count: 3,
      previousCount: 1,
      trend: 'rising',
      processId: 'repairs',
      owner: 'Kai Lüders',
      departments: ['service'],
      support: { mentions: 3, authors: 3 },
    });
    expect(theme?.label).toContain('Reparatur');
    expect(theme?.daily).toHaveLength(7);
  });

  it('lists only themes whose mentions went to the department asked for', async () => {
    const deps = depsOf();
    await recordInsight(mention('Reparatur dauert Wochen', { createdAt: '2026-11-24T10:00:00.000Z' }), deps);
    const insights = new ThemeInsights({ themes: deps.themes, processes: [] });

    expect(await insights.themes(week, { department: 'sales' })).toEqual([]);
  });

  it('ranks ideas by support: many authors before many mentions of one author', async () => {
    const deps = depsOf();
    for (let i = 0; i < 4; i++)
      await recordInsight(
        mention('Bitte eine Gepäckträger Halterung für Kindersitze anbieten', {
          category: 'product_idea',
          sentiment: 'positive',
          authorId: 'same',
          createdAt: '2026-11-24T10:00:00.000Z',
        }),
        deps,
      );
    for (let i = 0; i < 3; i++)
      await recordInsight(
        mention('Ein Akku mit mehr Reichweite für das Lastenrad wäre super', {
          category: 'product_idea',
          sentiment: 'positive',
          createdAt: '2026-11-25T10:00:00.000Z',
        }),
        deps,
      );
    const insights = new ThemeInsights({ themes: deps.themes, processes: [] });

    const ideas = await insights.ideas(week);

    expect(ideas.map((i) => [i.support.mentions, i.support.authors])).toEqual([
      [3, 3],
      [4, 1],
    ]);
  });

  it('shows the organisation and place of a project theme', async () => {
    const deps = depsOf();
    await recordInsight(
      mention('Sponsert doch den TSV Grünwald in Harburg mit Rädern', {
        category: 'community_project',
        sentiment: 'positive',
        createdAt: '2026-11-24T10:00:00.000Z',
      }),
      deps,
    );
    const insights = new ThemeInsights({ themes: deps.themes, processes: [] });

    const [project] = await insights.communityProjects(week);

    expect(project).toMatchObject({ kind: 'project', organisation: 'TSV Grünwald', place: 'Harburg' });
  });

  it('gives the effect of a fix: the daily rate before and after the fix date', async () => {
    const deps = depsOf();
    const days = ['2026-11-20', '2026-11-21', '2026-11-21', '2026-11-22', '2026-11-22', '2026-11-24'];
    let themeId = '';
    for (const day of days)
      themeId = (await recordInsight(mention('Reparatur dauert Wochen', { createdAt: `${day}T10:00:00.000Z` }), deps))
        .themeId as string;
    await deps.themes.markDefect(themeId, {
      owner: 'Kai',
      fixDate: '2026-11-23',
      markedAt: '2026-11-23T08:00:00Z',
      markedBy: 'user:kai',
    });
    const insights = new ThemeInsights({ themes: deps.themes, processes: [] });

    const [effect] = await insights.defectEffects('2026-11-25');

    expect(effect).toMatchObject({
      themeId,
      owner: 'Kai',
      daysBefore: 3,
      daysAfter: 3,
      perDayBefore: 1.667,
      perDayAfter: 0.333,
      change: -0.8,
    });
  });
});
