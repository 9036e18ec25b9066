import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordInsightsBatch, type RecordInsightsDeps } from '../../functions/record-insights/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoRateStore, DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import { closeOpenDays } from '../../shared/adapters/dynamodb/theme-format-rollback.ts';
import type { StoredTheme } from '../../shared/domain/themes/ports.ts';
import { countsOfOpenDay, OPEN_DAY_MAX_MENTIONS, type ThemeOpenDay } from '../../shared/domain/themes/theme-day.ts';
import { eraseThemeTraces } from '../../shared/domain/themes/erase-theme-traces.ts';
import { markThemeDefect } from '../../shared/domain/themes/mark-defect.ts';
import { authorHashOf, parseThemeId, themeIdOf } from '../../shared/domain/themes/theme-id.ts';
import { ThemeInsights } from '../../shared/domain/themes/theme-insights.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionRoutedFactory, routedEnvelope, sqsRecordFactory, storedOfRouted } from '../factories/mention.ts';
import { startInsightsTable } from '../support/insights-table.ts';
import type { startLocalTable } from '../support/local-table.ts';
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
    ({ local, themes, rates, deps } = await startInsightsTable(config, topology, '2026-11-28T10:00:00Z'));
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

  it("counts a hot theme's day whole when it outgrows the open day, and its redelivered mentions once", async () => {
    const day = '2026-11-19';
    const hot = (n: number) =>
      routed(`Zahlung abgelehnt, Kreditkarte wird nicht akzeptiert (${n})`, { createdAt: `${day}T09:00:00.000Z` });
    const mentions = Array.from({ length: OPEN_DAY_MAX_MENTIONS + 25 }, (_, n) => hot(n));

    for (let i = 0; i < mentions.length; i += 25) await batch(mentions.slice(i, i + 25));
    const redelivered = await batch(mentions.slice(-10));

    expect(redelivered.batchItemFailures).toEqual([]);
    const themeId = (await themes.assignmentOf(mentions[0]!.mentionId, mentions[0]!.createdAt)) as string;
    const theme = await themes.theme(themeId);
    expect(theme?.mentions).toBe(mentions.length);
    // The open day was closed onto the day item when it would have passed its room, and opened again.
    expect(Object.keys(theme?.openDay?.mentions ?? {})).toHaveLength(25);
    expect((await themes.themeDays(themeId, [day])).get(day)).toBe(mentions.length);
    expect((await themes.dayCounts([day])).find((c) => c.themeId === themeId)?.count).toBe(mentions.length);
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
  /** The theme item, theme day and open-day note writes among the commands a spy saw. */
  const themeWrites = (send: { mock: { calls: unknown[][] } }) => {
    const keys = send.mock.calls.map(([command]) =>
      command instanceof PutCommand
        ? { PK: String(command.input.Item?.PK), SK: String(command.input.Item?.SK) }
        : command instanceof UpdateCommand
          ? { PK: String(command.input.Key?.PK), SK: String(command.input.Key?.SK) }
          : { PK: '', SK: '' },
    );
    const days = keys.filter((k) => k.PK.startsWith('THEMEDAY#'));
    return {
      themes: keys.filter((k) => k.PK.startsWith('THEME#')).length,
      days: days.filter((k) => !k.SK.startsWith('~OPEN#')).length,
      notes: days.filter((k) => k.SK.startsWith('~OPEN#')).length,
    };
  };

  it('writes each theme once with its day for all of its mentions in a batch of two themes, and one note of the day', async () => {
    const createdAt = '2026-11-23T11:00:00.000Z';
    const details = [
      routed('Kündigung wird seit Monaten ignoriert', { createdAt }),
      routed('Parkhaus Schranke öffnet nicht, Ticket klemmt', { createdAt }),
      routed('Meine Kündigung wird ignoriert, seit Monaten', { createdAt }),
      routed('Schranke im Parkhaus öffnet nicht, Ticket klemmt wieder', { createdAt }),
    ];
    const send = vi.spyOn(local.documents, 'send');

    const result = await batch(details);
    const writes = themeWrites(send);
    send.mockRestore();

    expect(result.batchItemFailures).toEqual([]);
    expect(writes).toEqual({ themes: 2, days: 0, notes: 1 });
    const ids = await Promise.all(details.map((d) => themes.assignmentOf(d.mentionId, d.createdAt)));
    expect(new Set(ids).size).toBe(2);
    const counts = (await themes.dayCounts(['2026-11-23'])).filter((c) => ids.includes(c.themeId));
    expect(counts.map((c) => c.count)).toEqual([2, 2]);
    for (const id of new Set(ids)) expect((await themes.theme(id as string))?.mentions).toBe(2);
  });

  it('counts a redelivered mention once when it comes again in a batch with new mentions of its theme', async () => {
    const createdAt = '2026-11-22T11:00:00.000Z';
    const early = routed('Stromzähler falsch abgelesen, Nachzahlung viel zu hoch', { createdAt });
    const later = [
      routed('Zähler falsch abgelesen, Nachzahlung zu hoch', { createdAt }),
      routed('Nachzahlung viel zu hoch, Stromzähler falsch abgelesen', { createdAt }),
    ];
    await batch([early]);

    const result = await batch([...later, early]);

    expect(result.batchItemFailures).toEqual([]);
    const themeId = (await themes.assignmentOf(early.mentionId, early.createdAt)) as string;
    expect(await Promise.all(later.map((d) => themes.assignmentOf(d.mentionId, d.createdAt)))).toEqual([
      themeId,
      themeId,
    ]);
    expect((await themes.theme(themeId))?.mentions).toBe(3);
    expect((await themes.themeDays(themeId, ['2026-11-22'])).get('2026-11-22')).toBe(3);
    expect(await themes.authorsOf(themeId, '2026-11-22', '2026-11-22')).toBe(3);
  });

  it('counts more mentions of a theme day than one write takes, and a redelivery among new ones once', async () => {
    const count = (n: number) => ({
      themeId: 'th_complaint_de_000000000060',
      day: '2026-11-20',
      mentionId: `facebook:many${n}`,
      department: 'service',
      reactions: 1,
      authorHash: `author${n % 7}`,
    });
    const first = Array.from({ length: 60 }, (_, n) => count(n));

    const counted = await themes.countMentions(first);
    const again = await themes.countMentions([count(59), count(60), count(0)]);

    expect(counted.size).toBe(60);
    expect([...again]).toEqual(['facebook:many60']);
    const days = await themes.dayCounts(['2026-11-20']);
    expect(days.find((d) => d.themeId === 'th_complaint_de_000000000060')).toMatchObject({ count: 61, reactions: 61 });
    expect(await themes.authorsOf('th_complaint_de_000000000060', '2026-11-20', '2026-11-20')).toBe(7);
  });

  it('fails only the records of a theme whose write failed, and counts them once when they come again', async () => {
    const createdAt = '2026-11-21T11:00:00.000Z';
    const details = [
      routed('Gutschein wird im Shop nicht angenommen', { createdAt }),
      routed('Heizung im Mietshaus seit Tagen kalt', { createdAt }),
      routed('Shop nimmt den Gutschein nicht an', { createdAt }),
    ];
    const event = sqsEventFactory(details.map((d, i) => sqsRecordFactory(routedEnvelope(d), `theme-fail-${i}`)));
    // The voucher theme's write is refused (its id is made of its first mention's); the heating one's is not.
    const voucher = themeIdOf('complaint', 'de', details[0]?.mentionId as string);
    let refuse = true;
    const refusing: RecordInsightsDeps = {
      ...deps,
      themes: new DynamoThemeRepository(
        refusingWrites(
          local.documents,
          (command) => refuse && command instanceof PutCommand && command.input.Item?.id === voucher,
        ),
        topology.table.name,
      ),
    };

    const first = await recordInsightsBatch(event, contextFactory(), refusing);
    refuse = false;
    const again = await recordInsightsBatch(
      sqsEventFactory(first.batchItemFailures.map((f) => event.Records.find((r) => r.messageId === f.itemIdentifier)!)),
      contextFactory(),
      deps,
    );

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'theme-fail-0' }, { itemIdentifier: 'theme-fail-2' }]);
    expect(again.batchItemFailures).toEqual([]);
    const [voucherTheme, heating] = await Promise.all(
      details.slice(0, 2).map((d) => themes.assignmentOf(d.mentionId, d.createdAt)),
    );
    expect(voucherTheme).toBe(voucher);
    expect((await themes.themeDays(heating as string, ['2026-11-21'])).get('2026-11-21')).toBe(1);
    expect((await themes.theme(voucherTheme as string))?.mentions).toBe(2);
    expect((await themes.themeDays(voucherTheme as string, ['2026-11-21'])).get('2026-11-21')).toBe(2);
    const hourly = await rates.counts('2026-11-21T11:00:00.000Z', '2026-11-21T11:00:00.000Z');
    expect(hourly.find((c) => c.dimension === 'category' && c.value === 'complaint')?.count).toBe(3);
  });

  it('counts authors on the open day, the theme day and the marks an earlier release wrote as items, and erases them all', async () => {
    const detail = routed('Kundenkarte wird an der Kasse abgelehnt', { createdAt: '2026-11-27T23:30:00.000Z' });
    // A second author on a later day closes the 28th: its author mark moves to the theme day item.
    const later = routed('Kundenkarte an der Kasse abgelehnt, schon wieder', {
      createdAt: '2026-11-29T09:00:00.000Z',
      authorId: 'zweite',
    });
    const third = routed('Die Kundenkarte wird an der Kasse wieder abgelehnt', {
      createdAt: '2026-11-29T10:00:00.000Z',
      authorId: detail.authorId,
    });
    await batch([detail]);
    await batch([later, third]);
    const themeId = (await themes.assignmentOf(detail.mentionId, detail.createdAt)) as string;
    // A mark as the release before this one wrote it: one item per theme, day and author.
    await local.documents.send(
      new PutCommand({
        TableName: topology.table.name,
        Item: { PK: `THEMEAUTHOR#${themeId}`, SK: '2026-11-28#oldhash', type: 'themeAuthor', expiresAt: 2_000_000_000 },
      }),
    );
    const before = await themes.authorsOf(themeId, '2026-11-27', '2026-11-29');

    await eraseThemeTraces([storedOfRouted(detail), storedOfRouted(third)], themes);
    await themes.removeAuthorMarks(themeId, 'oldhash', '2026-11-28T09:00:00.000Z');

    expect(await themes.assignmentOf(third.mentionId, third.createdAt)).toBe(themeId);
    expect(before).toBe(3);
    expect(await themes.authorsOf(themeId, '2026-11-27', '2026-11-29')).toBe(1);
    expect((await themes.theme(themeId))?.openDay?.day).toBe('2026-11-29');
    const counts = await themes.dayCounts(['2026-11-28', '2026-11-29']);
    expect(counts.filter((c) => c.themeId === themeId).map((c) => [c.day, c.count])).toEqual([
      ['2026-11-28', 1],
      ['2026-11-29', 2],
    ]);
  });

  it('reads a theme written before w19 (no open day, its day an item) and adds to its day once, opened and closed', async () => {
    const day = '2026-11-25';
    const first = routed('Paketstation Code funktioniert nicht, Paket liegt fest', {
      createdAt: `${day}T08:00:00.000Z`,
    });
    await batch([first]);
    const themeId = (await themes.assignmentOf(first.mentionId, first.createdAt)) as string;
    // The layout of the release before: the theme without an open day, its mention counted on the day item.
    const { openDay, ...legacy } = (await themes.theme(themeId)) as StoredTheme;
    await themes.saveTheme({ ...legacy, version: legacy.version + 1 }, legacy.version);
    await themes.countMentions(countsOfOpenDay(themeId, openDay as ThemeOpenDay));

    await batch([
      routed('Code der Paketstation funktioniert nicht, Paket liegt fest', { createdAt: `${day}T09:00:00.000Z` }),
    ]);
    const sameDay = await themes.dayCounts([day]);
    await batch([
      routed('Paketstation: Code funktioniert nicht, mein Paket liegt fest', { createdAt: '2026-11-26T09:00:00.000Z' }),
    ]);

    expect(sameDay.find((c) => c.themeId === themeId)?.count).toBe(2);
    expect((await themes.theme(themeId))?.openDay?.day).toBe('2026-11-26');
    expect(await themes.themeDays(themeId, [day, '2026-11-26'])).toEqual(
      new Map([
        [day, 2],
        ['2026-11-26', 1],
      ]),
    );
    expect((await themes.dayCounts([day])).find((c) => c.themeId === themeId)?.count).toBe(2);
    expect(await themes.authorsOf(themeId, day, '2026-11-26')).toBe(3);
  });

  it('counts an open day once when it was closed onto its item but the theme write never followed', async () => {
    const day = '2026-12-02';
    const details = [
      routed('Stromzähler zeigt falschen Verbrauch, Abschlag viel zu hoch', { createdAt: `${day}T08:00:00.000Z` }),
      routed('Abschlag viel zu hoch, der Stromzähler zeigt falschen Verbrauch', { createdAt: `${day}T08:30:00.000Z` }),
    ];
    await batch(details);
    const themeId = (await themes.assignmentOf(details[0]?.mentionId as string, `${day}T08:00:00.000Z`)) as string;
    const open = (await themes.theme(themeId))?.openDay as ThemeOpenDay;

    // A batch of the next day that died between closing the day and writing the theme.
    await themes.countMentions(countsOfOpenDay(themeId, open));

    expect(open.day).toBe(day);
    expect((await themes.dayCounts([day])).find((c) => c.themeId === themeId)?.count).toBe(2);
    expect((await themes.themeDays(themeId, [day])).get(day)).toBe(2);
    expect(await themes.authorsOf(themeId, day, day)).toBe(2);
  });

  it('stores an open day mention id once (no recentMentionIds left: no attribute) and reads it back among the recent ones, with its department and reactions', async () => {
    const detail = routed('Ladesäule am Bahnhof defekt, seit Tagen kein Strom', {
      createdAt: '2026-12-03T08:00:00.000Z',
      reactions: 4,
    });
    await batch([detail]);
    const themeId = (await themes.assignmentOf(detail.mentionId, detail.createdAt)) as string;
    const parsed = parseThemeId(themeId) as { kind: string; language: string };

    const { Item } = await local.documents.send(
      new GetCommand({
        TableName: topology.table.name,
        Key: { PK: `THEME#${parsed.kind}#${parsed.language}`, SK: themeId },
      }),
    );
    const theme = await themes.theme(themeId);

    expect(Item?.recentMentionIds).toBeUndefined();
    // Only the surfaces that differ from their term (readers fall back to the term).
    expect(Object.entries(Item?.vector.surfaces ?? {}).filter(([term, surface]) => term === surface)).toEqual([]);
    expect(Object.keys(theme?.vector.weights ?? {}).map((t) => theme?.vector.surfaces[t] ?? t)).toContain('Ladesäule');
    expect(Item?.openDay.mentions[detail.mentionId]).toBe(`${authorHashOf(detail.platform, detail.authorId)}|0|4`);
    expect(theme?.recentMentionIds).toEqual([detail.mentionId]);
    expect(theme?.openDay?.mentions[detail.mentionId]).toEqual({
      authorHash: authorHashOf(detail.platform, detail.authorId),
      department: detail.department,
      reactions: 4,
    });
  });

  it('closes every open day onto its day item before a rollback: the counts stay, the theme holds its recent ids whole again', async () => {
    const day = '2026-12-04';
    const details = [
      routed('Fahrkartenautomat nimmt keine Karte, Display eingefroren', { createdAt: `${day}T08:00:00.000Z` }),
      routed('Display eingefroren, der Fahrkartenautomat nimmt keine Karte', { createdAt: `${day}T08:10:00.000Z` }),
    ];
    await batch(details);
    const themeId = (await themes.assignmentOf(details[0]?.mentionId as string, `${day}T08:00:00.000Z`)) as string;
    const parsed = parseThemeId(themeId) as { kind: string; language: string };
    const dry = await closeOpenDays(local.documents, topology.table.name, { dryRun: true });

    const outcome = await closeOpenDays(local.documents, topology.table.name);
    await batch(details);

    const { Item } = await local.documents.send(
      new GetCommand({
        TableName: topology.table.name,
        Key: { PK: `THEME#${parsed.kind}#${parsed.language}`, SK: themeId },
      }),
    );
    expect(dry.closed).toBe(0);
    expect(outcome.found).toBe(dry.found);
    expect(outcome).toMatchObject({ closed: dry.found, changed: 0 });
    expect(Item?.openDay).toBeUndefined();
    // The fence lifted: the lock back in `version`, as the release before reads and writes it.
    expect(Item?.lock2).toBeUndefined();
    expect(typeof Item?.version).toBe('number');
    expect([...(Item?.recentMentionIds ?? [])].sort()).toEqual(details.map((d) => d.mentionId).sort());
    expect(Item).toMatchObject({ id: themeId, kind: parsed.kind, language: parsed.language, mentions: 2 });
    expect((await themes.themeDays(themeId, [day])).get(day)).toBe(2);
    expect((await themes.dayCounts([day])).find((c) => c.themeId === themeId)?.count).toBe(2);
  });

  it('refuses a release before w19 its theme write (the fence), which would drop the open day', async () => {
    const detail = routed('Kassenbon wird nicht gedruckt, Drucker streikt', { createdAt: '2026-12-05T08:00:00.000Z' });
    await batch([detail]);
    const themeId = (await themes.assignmentOf(detail.mentionId, detail.createdAt)) as string;
    const parsed = parseThemeId(themeId) as { kind: string; language: string };
    const key = { PK: `THEME#${parsed.kind}#${parsed.language}`, SK: themeId };
    const read = async () =>
      (await local.documents.send(new GetCommand({ TableName: topology.table.name, Key: key }))).Item;
    const before = await read();
    // The release before reads the version as `Number(item.version ?? 0)` and puts the whole item under it.
    const { openDay: _, lock2: __, ...old } = before as Record<string, unknown>;
    const oldPut = (expected: number) =>
      local.documents.send(
        new PutCommand({
          TableName: topology.table.name,
          Item: { ...old, version: expected + 1 },
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );

    const refused = await Promise.allSettled([oldPut(0), oldPut(Number(before?.lock2))]);

    expect(before?.version).toBeNull();
    expect(refused.map((r) => r.status === 'rejected' && String((r.reason as Error).name))).toEqual([
      'ConditionalCheckFailedException',
      'ConditionalCheckFailedException',
    ]);
    expect(await read()).toEqual(before);
    expect((await themes.theme(themeId))?.version).toBe(1);
  });
});
