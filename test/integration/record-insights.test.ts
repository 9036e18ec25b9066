import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordInsightsBatch, type RecordInsightsDeps } from '../../functions/record-insights/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoRateStore, DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import { markThemeDefect } from '../../shared/domain/themes/mark-defect.ts';
import { authorHashOf } from '../../shared/domain/themes/theme-id.ts';
import { ThemeInsights } from '../../shared/domain/themes/theme-insights.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionRoutedFactory, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';
import { refusingWrites } from '../support/refusing-writes.ts';

/**
 * record-insights against a real dynalite table with real SDK clients: the conditional
 * writes that make a redelivery count once, the optimistic version of a theme under
 * concurrent writers, and the reading side over the same items.
 */
describe('record-insights against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let deps: RecordInsightsDeps;
  let themes: DynamoThemeRepository;
  let rates: DynamoRateStore;
  let sequence = 0;

  const routed = (text: string, overrides: Parameters<typeof mentionRoutedFactory>[0] = {}) => {
    sequence++;
    return mentionRoutedFactory({
      mentionId: `facebook:it${sequence}`,
      authorId: `author${sequence}`,
      text,
      createdAt: '2026-11-24T10:00:00.000Z',
      ...overrides,
    });
  };
  const batch = (details: ReturnType<typeof routed>[]) =>
    recordInsightsBatch(
      sqsEventFactory(details.map((d, i) => sqsRecordFactory(routedEnvelope(d), `msg-${sequence}-${i}`))),
      contextFactory(),
      deps,
    );

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    themes = new DynamoThemeRepository(local.documents, topology.table.name);
    rates = new DynamoRateStore(local.documents, topology.table.name);
    deps = {
      themes,
      rates,
      clock: fixedClock('2026-11-28T10:00:00Z'),
      timezone: config.company.timezone,
      retentionDays: 365,
    };
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('groups a batch of paraphrases into one theme and counts each mention once, however often it is delivered', async () => {
    const details = [
      routed('Die Rechnung ist falsch, doppelt abgebucht'),
      routed('Falsche Rechnung, Betrag doppelt abgebucht'),
      routed('Rechnung falsch!! doppelt abgebucht'),
    ];

    const first = await batch(details);
    const again = await batch(details);

    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    const stored = await themes.themesOf('complaint', 'de');
    const invoice = stored.find((t) => t.vector.weights.rechnu);
    expect(invoice?.mentions).toBe(3);
    const counts = (await themes.dayCounts(['2026-11-24'])).filter((c) => c.themeId === invoice?.id);
    expect(counts.map((c) => c.count)).toEqual([3]);
    expect(await themes.authorsOf(invoice?.id as string, '2026-11-24', '2026-11-24')).toBe(3);
    // The spike detection's hourly counters count the three once as well, under their theme.
    const hourly = await rates.counts('2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00.000Z');
    expect(hourly.find((c) => c.dimension === 'theme' && c.value === invoice?.id)?.count).toBe(3);
  });

  it('loses no count when many mentions of one theme are written at once', async () => {
    const seed = routed('App Login geht nicht, kann mich nicht einloggen');
    await batch([seed]);
    const details = Array.from({ length: 12 }, () => routed('App Login geht nicht mehr, einloggen unmöglich'));

    const results = await Promise.all([
      batch(details.slice(0, 4)),
      batch(details.slice(4, 8)),
      batch(details.slice(8)),
    ]);

    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    const themeId = await themes.assignmentOf(seed.mentionId, seed.createdAt);
    expect((await themes.theme(themeId as string))?.mentions).toBe(13);
    expect((await themes.themeDays(themeId as string, ['2026-11-24'])).get('2026-11-24')).toBe(13);
  });

  it('reports a record that is not a routed mention as a batch item failure and groups the rest', async () => {
    const good = routed('Lieferung kommt seit zwei Wochen nicht');
    const event = sqsEventFactory([
      sqsRecordFactory('{"detail-type":"Mention Routed","source":"backchannel","detail":{}}', 'bad-1'),
      sqsRecordFactory(routedEnvelope(good), 'good-1'),
    ]);

    const result = await recordInsightsBatch(event, contextFactory(), deps);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad-1' }]);
    expect(await themes.assignmentOf(good.mentionId, good.createdAt)).toMatch(/^th_complaint_de_/);
  });

  it('reads themes, ideas, projects and a marked defect back from the table', async () => {
    await batch([
      routed('Ein Fahrradanhänger für Hunde wäre toll', {
        category: 'product_idea',
        sentiment: 'positive',
        reactions: 12,
      }),
      routed('Bitte einen Fahrradanhänger für Hunde anbieten', { category: 'product_idea', sentiment: 'positive' }),
      routed('Unterstützt doch die Grundschule Sonnenweg in Harburg mit einem Fahrradtag', {
        category: 'community_project',
        sentiment: 'positive',
      }),
    ]);
    const seed = routed('Reparatur in der Werkstatt dauert Wochen', { createdAt: '2026-11-20T10:00:00.000Z' });
    await batch([seed, routed('Werkstatt Reparatur dauert schon Wochen', { createdAt: '2026-11-21T10:00:00.000Z' })]);
    const themeId = (await themes.assignmentOf(seed.mentionId, seed.createdAt)) as string;
    const admin = { sub: 'admin', operator: true };
    await markThemeDefect(
      themeId,
      { owner: 'Kai Lüders', fixDate: '2026-11-22', note: 'Ersatzteillager umgestellt' },
      admin,
      { config, themes, clock: deps.clock },
    );
    const insights = new ThemeInsights({ themes, processes: config.processes });

    const week = { from: '2026-11-23', to: '2026-11-29' };
    const [complaints, ideas, projects, effects] = await Promise.all([
      insights.themes(week),
      insights.ideas(week),
      insights.communityProjects(week),
      insights.defectEffects('2026-11-29'),
    ]);

    expect(complaints.map((t) => t.count)).toEqual([13, 3, 1]);
    expect(complaints.find((t) => t.processId === 'invoicing')?.owner).toBe('Birte Hansen');
    expect(ideas[0]?.support).toEqual({ mentions: 2, authors: 2, reactions: 12 });
    expect(projects[0]).toMatchObject({ organisation: 'Grundschule Sonnenweg', place: 'Harburg' });
    expect(effects).toEqual([
      expect.objectContaining({
        themeId,
        owner: 'Kai Lüders',
        fixDate: '2026-11-22',
        daysBefore: 2,
        daysAfter: 2,
        perDayBefore: 1,
        perDayAfter: 0,
        change: -1,
      }),
    ]);
  });

  it('adds the counts of a whole batch to an hour with one counter write, and a redelivery adds nothing', async () => {
    const details = ['Paket kam beschädigt an', 'Hotline legt einfach auf', 'Kundennummer wird nicht erkannt'].map(
      (text, i) => routed(text, { createdAt: `2026-11-25T09:0${i}:00.000Z`, category: 'complaint' }),
    );
    const send = vi.spyOn(local.documents, 'send');

    const first = await batch(details);
    const counterWrites = send.mock.calls.filter(
      ([command]) => command instanceof UpdateCommand && String(command.input.Key?.SK).startsWith('COUNT#'),
    ).length;
    const again = await batch(details);
    send.mockRestore();

    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    expect(counterWrites).toBe(1);
    const hourly = await rates.counts('2026-11-25T09:00:00.000Z', '2026-11-25T09:00:00.000Z');
    expect(hourly.find((c) => c.dimension === 'category' && c.value === 'complaint')?.count).toBe(3);
  });

  it('fails the records whose counts the counters refused, and counts them once when they come again', async () => {
    const details = [
      routed('Rechnung kam doppelt', { createdAt: '2026-11-26T08:10:00.000Z' }),
      routed('Zweimal abgebucht diesen Monat', { createdAt: '2026-11-26T08:20:00.000Z' }),
    ];
    let refuse = true;
    const refusing: RecordInsightsDeps = {
      ...deps,
      rates: new DynamoRateStore(
        refusingWrites(
          local.documents,
          (command) => refuse && command instanceof UpdateCommand && String(command.input.Key?.SK).startsWith('COUNT#'),
        ),
        topology.table.name,
      ),
    };
    const event = sqsEventFactory(details.map((d, i) => sqsRecordFactory(routedEnvelope(d), `refused-${i}`)));

    const refused = await recordInsightsBatch(event, contextFactory(), refusing).catch((error: unknown) => error);
    refuse = false;
    const redelivered = await recordInsightsBatch(event, contextFactory(), refusing);

    expect(refused).toBeInstanceOf(FullBatchFailureError);
    expect(redelivered.batchItemFailures).toEqual([]);
    const hourly = await rates.counts('2026-11-26T08:00:00.000Z', '2026-11-26T08:00:00.000Z');
    expect(hourly.find((c) => c.dimension === 'category' && c.value === 'complaint')?.count).toBe(2);
  });
  it('counts authors on the theme day and the marks an earlier release wrote as items, and erases both', async () => {
    const detail = routed('Kundenkarte wird an der Kasse abgelehnt', { createdAt: '2026-11-27T23:30:00.000Z' });
    await batch([detail]);
    const themeId = (await themes.assignmentOf(detail.mentionId, detail.createdAt)) as string;
    // A mark as the release before this one wrote it: one item per theme, day and author.
    await local.documents.send(
      new PutCommand({
        TableName: topology.table.name,
        Item: { PK: `THEMEAUTHOR#${themeId}`, SK: '2026-11-28#oldhash', type: 'themeAuthor', expiresAt: 2_000_000_000 },
      }),
    );
    const before = await themes.authorsOf(themeId, '2026-11-27', '2026-11-28');

    await themes.removeAuthorMarks(themeId, authorHashOf(detail.platform, detail.authorId), detail.createdAt);
    await themes.removeAuthorMarks(themeId, 'oldhash', '2026-11-28T09:00:00.000Z');

    expect(before).toBe(2);
    expect(await themes.authorsOf(themeId, '2026-11-27', '2026-11-28')).toBe(0);
    expect((await themes.dayCounts(['2026-11-28'])).find((c) => c.themeId === themeId)?.count).toBe(1);
  });
});
