import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInsightsBatch, type RecordInsightsDeps } from '../../functions/record-insights/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoRateStore, DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { StoredMention } from '../../shared/domain/ports.ts';
import { eraseThemeTraces } from '../../shared/domain/themes/erase-theme-traces.ts';
import { themeIdOf } from '../../shared/domain/themes/theme-id.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionFactory, mentionRoutedFactory, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';
import { refusingWrites } from '../support/refusing-writes.ts';

/** A similarity no theme reaches: a mention delivered with it would start a theme of its own. */
const NEVER_JOIN = 1.01;

/**
 * The mentions' claim in the insight layer (one item per batch and hour in the hour's rates,
 * holding each mention's theme) against dynalite: what it stores, what a refused counter
 * write leaves, how redeliveries and concurrent copies count once, how erasure finds a
 * theme, and the notes and theme claims earlier releases wrote.
 */
describe("the insight claim (a batch's rate claim with the themes) against dynalite", () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  const table = topology.table.name;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let deps: RecordInsightsDeps;
  let themes: DynamoThemeRepository;
  let rates: DynamoRateStore;
  let sequence = 0;

  const routed = (text: string, createdAt: string) => {
    sequence++;
    return mentionRoutedFactory({
      mentionId: `facebook:claim${sequence}`,
      caseId: `case_claim${String(sequence).padStart(16, '0')}`,
      authorId: `author${sequence}`,
      text,
      createdAt,
    });
  };
  const eventOf = (details: ReturnType<typeof routed>[], tag: string) =>
    sqsEventFactory(details.map((d, i) => sqsRecordFactory(routedEnvelope(d), `${tag}-${i}`)));
  const isCounterWrite = (command: unknown) =>
    command instanceof UpdateCommand && String(command.input.Key?.SK).startsWith('COUNT#');
  /** As a function instance whose counter writes are refused (its claims go through). */
  const refusingCounters = (): RecordInsightsDeps => ({
    ...deps,
    rates: new DynamoRateStore(refusingWrites(local.documents, isCounterWrite), table),
  });
  /** Another function instance: its own store, nothing in memory. */
  const instance = (): RecordInsightsDeps => ({ ...deps, rates: new DynamoRateStore(local.documents, table) });
  /** The items under an hour's rates prefix (claims and old notes). */
  const rateItems = async (hour: string) =>
    (
      await local.documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': `RATE#${hour.slice(0, 10)}`, ':prefix': `MENTION#${hour}#` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  /** Every mention id the hour's claims hold, as often as they hold it. */
  const claimed = async (hour: string) =>
    (await rateItems(hour))
      .filter((i) => i.type === 'rate-claim')
      .flatMap((i) => (i.entries as string[][]).map((e) => e[0]))
      .sort();
  const legacyClaim = async (mentionId: string) =>
    (
      await local.documents.send(
        new GetCommand({ TableName: table, Key: { PK: `THEMEMENTION#${mentionId}`, SK: 'THEMEMENTION' } }),
      )
    ).Item;
  const hourly = async (hour: string, dimension: string, value: string) =>
    (await rates.counts(hour, hour)).find((c) => c.dimension === dimension && c.value === value)?.count ?? 0;
  const storedOf = (detail: ReturnType<typeof routed>) =>
    ({
      mention: mentionFactory({
        id: detail.mentionId,
        externalId: detail.mentionId.split(':')[1],
        author: { id: detail.authorId },
        createdAt: detail.createdAt,
      }),
      caseId: detail.caseId,
    }) as unknown as StoredMention;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    themes = new DynamoThemeRepository(local.documents, table);
    rates = new DynamoRateStore(local.documents, table);
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

  it('claims the mentions of a batch in one item per hour, with their themes, and writes no item per mention', async () => {
    const details = [
      routed('Die Rechnung ist falsch, doppelt abgebucht', '2026-11-24T10:05:00.000Z'),
      routed('Lieferung kam nie an, Sendung verschwunden', '2026-11-24T10:06:00.000Z'),
      routed('Super Service, danke!', '2026-11-24T10:07:00.000Z'),
    ];

    const result = await recordInsightsBatch(eventOf(details, 'one'), contextFactory(), deps);

    expect(result.batchItemFailures).toEqual([]);
    const items = await rateItems('2026-11-24T10:00:00.000Z');
    expect(items.map((i) => [i.type, i.SK])).toEqual([['rate-claim', 'MENTION#2026-11-24T10:00:00.000Z#~000001']]);
    const themeId = await themes.assignmentOf(details[0]?.mentionId as string, details[0]?.createdAt as string);
    expect(themeId).toMatch(/^th_complaint_de_/);
    expect(items[0]?.entries).toContainEqual([
      details[0]?.mentionId,
      details[0]?.caseId,
      details[0]?.department,
      'complaint',
      details[0]?.platform,
      themeId,
    ]);
    expect(await legacyClaim(details[0]?.mentionId as string)).toBeUndefined();
    expect(await hourly('2026-11-24T10:00:00.000Z', 'category', 'complaint')).toBe(3);
    // It lives as long as the longer of the rates' 98 days and the company's retention (365).
    expect(items[0]?.expiresAt).toBe(Date.parse('2026-11-28T10:00:00Z') / 1000 + 365 * 86_400);
  });

  it('counts copies of a batch delivered at once to three instances once, in one claim', async () => {
    const details = [
      routed('Zug ausgefallen, Anschluss in Hannover verpasst', '2026-11-24T17:10:00.000Z'),
      routed('Anschluss verpasst, Zug fiel aus', '2026-11-24T17:20:00.000Z'),
      routed('Sitzplatzreservierung doppelt berechnet', '2026-11-24T17:30:00.000Z'),
    ];
    const event = eventOf(details, 'copies');

    const results = await Promise.all(
      [instance(), instance(), instance()].map((d) => recordInsightsBatch(event, contextFactory(), d)),
    );

    expect(results.map((r) => r.batchItemFailures)).toEqual([[], [], []]);
    expect(await claimed('2026-11-24T17:00:00.000Z')).toEqual(details.map((d) => d.mentionId).sort());
    expect(await hourly('2026-11-24T17:00:00.000Z', 'category', 'complaint')).toBe(3);
    const members = await rates.membersOf(
      '2026-11-24T17:00:00.000Z',
      { dimension: 'category', value: 'complaint' },
      10,
    );
    expect(members.map((m) => m.mentionId).sort()).toEqual(details.map((d) => d.mentionId).sort());
  });

  it('counts a mention that two racing batches share once, and each of the others once', async () => {
    const [a, shared, b] = [
      routed('Kündigung wird ignoriert, Vertrag läuft weiter', '2026-11-24T18:01:00.000Z'),
      routed('Vertrag trotz Kündigung verlängert', '2026-11-24T18:02:00.000Z'),
      routed('Kündigung nicht bestätigt, schon drei Mails', '2026-11-24T18:03:00.000Z'),
    ] as const;

    await Promise.all([
      recordInsightsBatch(eventOf([a, shared], 'race-a'), contextFactory(), instance()),
      recordInsightsBatch(eventOf([shared, b], 'race-b'), contextFactory(), instance()),
      recordInsightsBatch(eventOf([shared], 'race-c'), contextFactory(), instance()),
    ]);

    expect(await claimed('2026-11-24T18:00:00.000Z')).toEqual([a, shared, b].map((d) => d.mentionId).sort());
    expect(await hourly('2026-11-24T18:00:00.000Z', 'category', 'complaint')).toBe(3);
    const themeId = (await themes.assignmentOf(shared.mentionId, shared.createdAt)) as string;
    expect((await themes.themeDays(themeId, ['2026-11-24'])).get('2026-11-24')).toBeGreaterThanOrEqual(1);
    const days = await themes.dayCounts(['2026-11-24']);
    const onDays = await Promise.all(
      days.map(async (d) => (await themes.themeDays(d.themeId, ['2026-11-24'])).get('2026-11-24') ?? 0),
    );
    expect(onDays.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(3);
  });

  it("adds a batch's own claim without reading the counters when every earlier claim of the hour is added", async () => {
    // Arrange: the hour's first batch, claimed and added; a second instance's batch, whose reads of the counters are recorded.
    const hour = '2026-11-18T05:00:00.000Z';
    const first = routed('Fahrradträger passt nicht auf die Anhängerkupplung', '2026-11-18T05:05:00.000Z');
    const second = routed('Dachbox klappert bei jeder Fahrt laut', '2026-11-18T05:15:00.000Z');
    await recordInsightsBatch(eventOf([first], 'own-1'), contextFactory(), instance());
    const counterReads: string[] = [];
    const recording = {
      send: (command: Parameters<typeof local.documents.send>[0]) => {
        if (command instanceof GetCommand && String(command.input.Key?.SK).startsWith('COUNT#'))
          counterReads.push(String(command.input.Key?.SK));
        return local.documents.send(command as never);
      },
    } as unknown as typeof local.documents;

    // Act
    await recordInsightsBatch(eventOf([second], 'own-2'), contextFactory(), {
      ...deps,
      rates: new DynamoRateStore(recording, table),
    });

    // Assess
    expect(counterReads).toEqual([]);
    expect(await claimed(hour)).toEqual([first.mentionId, second.mentionId].sort());
    expect(await hourly(hour, 'category', 'complaint')).toBe(2);
  });

  it('adds the claim of a batch that died after claiming with the next batch of its hour, once', async () => {
    const died = routed('Zähler falsch abgelesen, Nachzahlung viel zu hoch', '2026-11-24T19:05:00.000Z');
    const next = routed('Abschlag verdoppelt ohne Grund', '2026-11-24T19:15:00.000Z');

    const refused = await recordInsightsBatch(eventOf([died], 'died'), contextFactory(), refusingCounters()).catch(
      (e: unknown) => e,
    );
    const countedWhileRefused = await hourly('2026-11-24T19:00:00.000Z', 'category', 'complaint');
    await recordInsightsBatch(eventOf([next], 'next'), contextFactory(), instance());
    await recordInsightsBatch(eventOf([died], 'died'), contextFactory(), instance());

    expect(refused).toBeInstanceOf(FullBatchFailureError);
    expect(countedWhileRefused).toBe(0);
    expect(await claimed('2026-11-24T19:00:00.000Z')).toEqual([died.mentionId, next.mentionId].sort());
    expect(await hourly('2026-11-24T19:00:00.000Z', 'category', 'complaint')).toBe(2);
  });

  it("counts nothing again for a mention an earlier release noted, counts the one it released, and adds to that release's counters", async () => {
    const hour = '2026-11-24T20:00:00.000Z';
    const [noted, released] = [
      routed('Schranke im Parkhaus öffnet nicht', '2026-11-24T20:05:00.000Z'),
      routed('Parkhaus Schranke klemmt wieder', '2026-11-24T20:06:00.000Z'),
    ] as const;
    const seed = routed('Parkhaus Schranke öffnet nie', '2026-11-24T19:59:00.000Z');
    await recordInsightsBatch(eventOf([seed], 'old-seed'), contextFactory(), deps);
    const oldTheme = (await themes.assignmentOf(seed.mentionId, seed.createdAt)) as string;
    // As the release before w13 left the hour: a note per mention (one released), its counter without `applied`.
    for (const [d, extra] of [
      [noted, {}],
      [released, { uncounted: true }],
    ] as const) {
      await local.documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            PK: 'RATE#2026-11-24',
            SK: `MENTION#${hour}#${d.mentionId}`,
            type: 'rate-mention',
            hour,
            mentionId: d.mentionId,
            caseId: d.caseId,
            department: d.department,
            category: d.category,
            platform: d.platform,
            themeId: oldTheme,
            expiresAt: 2_000_000_000,
            ...extra,
          },
        }),
      );
    }
    await local.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: 'RATE#2026-11-24', SK: `COUNT#${hour}` },
        UpdateExpression: 'ADD #c :one SET #type = :type, #hour = :hour',
        ExpressionAttributeNames: { '#c': 'n#category#complaint', '#type': 'type', '#hour': 'hour' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'rate-counters', ':hour': hour },
      }),
    );

    await recordInsightsBatch(eventOf([noted, released], 'old'), contextFactory(), {
      ...instance(),
      joinThreshold: NEVER_JOIN,
    });

    expect(await claimed(hour)).toEqual([released.mentionId]);
    expect(await hourly(hour, 'category', 'complaint')).toBe(2);
    expect(await hourly(hour, 'theme', oldTheme)).toBe(1);
    expect(await themes.assignmentOf(released.mentionId, released.createdAt)).toBe(oldTheme);
    const members = await rates.membersOf(hour, { dimension: 'theme', value: oldTheme }, 10);
    expect(members.map((m) => m.mentionId).sort()).toEqual([noted.mentionId, released.mentionId].sort());
  });

  it("leaves an earlier release's member query working beside the claims: it reads its notes and passes over the claims", async () => {
    const hour = '2026-11-24T21:00:00.000Z';
    const detail = routed('Gutschein wird an der Kasse nicht akzeptiert', '2026-11-24T21:05:00.000Z');
    await recordInsightsBatch(eventOf([detail], 'old-reader'), contextFactory(), deps);

    // The query of the release before w13 (rate-store.ts membersOf), as it ran.
    const { Items } = await local.documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        FilterExpression: '#attribute = :value AND attribute_not_exists(uncounted)',
        ExpressionAttributeNames: { '#attribute': 'category' },
        ExpressionAttributeValues: { ':pk': 'RATE#2026-11-24', ':prefix': `MENTION#${hour}#`, ':value': 'complaint' },
      }),
    );

    expect(Items).toEqual([]);
    expect(await claimed(hour)).toEqual([detail.mentionId]);
  });

  it('counts a redelivered batch once in its hour, its theme and its theme day, with one claim each', async () => {
    const details = [
      routed('Paket kam beschädigt an, Karton zerdrückt', '2026-11-24T11:10:00.000Z'),
      routed('Karton zerdrückt, Paket beschädigt angekommen', '2026-11-24T11:20:00.000Z'),
    ];
    const event = eventOf(details, 'twice');

    await recordInsightsBatch(event, contextFactory(), deps);
    await recordInsightsBatch(event, contextFactory(), deps);

    const themeIds = await Promise.all(details.map((d) => themes.assignmentOf(d.mentionId, d.createdAt)));
    expect(new Set(themeIds).size).toBe(1);
    const themeId = themeIds[0] as string;
    expect((await themes.theme(themeId))?.mentions).toBe(2);
    expect((await themes.themeDays(themeId, ['2026-11-24'])).get('2026-11-24')).toBe(2);
    expect(await hourly('2026-11-24T11:00:00.000Z', 'theme', themeId)).toBe(2);
    expect(await claimed('2026-11-24T11:00:00.000Z')).toEqual(details.map((d) => d.mentionId).sort());
  });

  it('keeps the claim and theme of a batch whose counter write was refused: the redelivery adds it once and joins the same theme', async () => {
    const seed = routed('Hotline legt einfach auf, niemand erreichbar', '2026-11-24T12:05:00.000Z');
    await recordInsightsBatch(eventOf([seed], 'seed'), contextFactory(), deps);
    const seedTheme = (await themes.assignmentOf(seed.mentionId, seed.createdAt)) as string;
    const detail = routed('Hotline legt auf, nie erreichbar', '2026-11-24T12:15:00.000Z');
    const event = eventOf([detail], 'released');

    const refused = await recordInsightsBatch(event, contextFactory(), refusingCounters()).catch((e: unknown) => e);
    const countedWhileRefused = await hourly('2026-11-24T12:00:00.000Z', 'theme', seedTheme);
    // Delivered again with a threshold no theme reaches: only the recorded theme makes it join.
    const redelivered = await recordInsightsBatch(event, contextFactory(), {
      ...instance(),
      joinThreshold: NEVER_JOIN,
    });
    const again = await recordInsightsBatch(event, contextFactory(), instance());

    expect(refused).toBeInstanceOf(FullBatchFailureError);
    expect(countedWhileRefused).toBe(1);
    expect([redelivered.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    expect(await themes.assignmentOf(detail.mentionId, detail.createdAt)).toBe(seedTheme);
    expect(await claimed('2026-11-24T12:00:00.000Z')).toEqual([seed.mentionId, detail.mentionId].sort());
    expect((await themes.theme(seedTheme))?.mentions).toBe(2);
    expect(await themes.theme(themeIdOf('complaint', 'de', detail.mentionId))).toBeUndefined();
    expect(await hourly('2026-11-24T12:00:00.000Z', 'theme', seedTheme)).toBe(2);
    expect((await themes.themeDays(seedTheme, ['2026-11-24'])).get('2026-11-24')).toBe(2);
  });

  it('counts a mention noted before its theme step failed with the batch, and its redelivery only joins the theme', async () => {
    const seed = routed('Ersatzteil seit Wochen nicht lieferbar', '2026-11-24T16:01:00.000Z');
    await recordInsightsBatch(eventOf([seed], 'conflict-seed'), contextFactory(), deps);
    const seedTheme = (await themes.assignmentOf(seed.mentionId, seed.createdAt)) as string;
    const detail = routed('Ersatzteil nicht lieferbar, seit Wochen', '2026-11-24T16:10:00.000Z');
    const event = eventOf([detail], 'conflict');
    // Every theme write refused, as if another writer always came first.
    const contended: RecordInsightsDeps = {
      ...deps,
      themes: Object.assign(Object.create(themes) as DynamoThemeRepository, { saveTheme: async () => false }),
    };

    const failed = await recordInsightsBatch(event, contextFactory(), contended).catch((e: unknown) => e);
    const countedWhileFailed = await hourly('2026-11-24T16:00:00.000Z', 'theme', seedTheme);
    const redelivered = await recordInsightsBatch(event, contextFactory(), deps);

    expect(failed).toBeInstanceOf(FullBatchFailureError);
    expect(countedWhileFailed).toBe(2);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await hourly('2026-11-24T16:00:00.000Z', 'theme', seedTheme)).toBe(2);
    expect((await themes.theme(seedTheme))?.mentions).toBe(2);
    expect((await themes.themeDays(seedTheme, ['2026-11-24'])).get('2026-11-24')).toBe(2);
  });

  it("lists a theme's spike members from the notes, one per mention", async () => {
    const details = [
      routed('Kundennummer wird nicht erkannt beim Login', '2026-11-24T13:01:00.000Z'),
      routed('Login erkennt Kundennummer nicht', '2026-11-24T13:02:00.000Z'),
      routed('Kundennummer beim Login nicht erkannt', '2026-11-24T13:03:00.000Z'),
    ];
    await recordInsightsBatch(eventOf(details, 'members'), contextFactory(), deps);
    const themeId = (await themes.assignmentOf(
      details[0]?.mentionId as string,
      details[0]?.createdAt as string,
    )) as string;

    const members = await rates.membersOf('2026-11-24T13:00:00.000Z', { dimension: 'theme', value: themeId }, 10);

    expect(members.map((m) => m.mentionId).sort()).toEqual(details.map((d) => d.mentionId).sort());
    expect(new Set(members.map((m) => m.caseId)).size).toBe(3);
  });

  it('joins the theme an earlier release claimed for a mention in an item of its own, and counts it once', async () => {
    const seed = routed('Kundenkarte wird an der Kasse abgelehnt', '2026-11-24T14:01:00.000Z');
    await recordInsightsBatch(eventOf([seed], 'old-seed'), contextFactory(), deps);
    const oldTheme = (await themes.assignmentOf(seed.mentionId, seed.createdAt)) as string;
    const detail = routed('Kundenkarte an der Kasse abgelehnt, schon wieder', '2026-11-24T14:05:00.000Z');
    // As a release before the notes left it: the theme claim in its own item, no note.
    await local.documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          PK: `THEMEMENTION#${detail.mentionId}`,
          SK: 'THEMEMENTION',
          type: 'themeOfMention',
          mentionId: detail.mentionId,
          themeId: oldTheme,
          expiresAt: 2_000_000_000,
        },
      }),
    );

    const redelivered = await recordInsightsBatch(eventOf([detail], 'old'), contextFactory(), {
      ...deps,
      joinThreshold: NEVER_JOIN,
    });

    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await themes.assignmentOf(detail.mentionId, detail.createdAt)).toBe(oldTheme);
    expect((await themes.theme(oldTheme))?.mentions).toBe(2);
    expect(await themes.theme(themeIdOf('complaint', 'de', detail.mentionId))).toBeUndefined();
    expect((await themes.themeDays(oldTheme, ['2026-11-24'])).get('2026-11-24')).toBe(2);
    expect(await hourly('2026-11-24T14:00:00.000Z', 'theme', oldTheme)).toBe(2);
  });

  it("finds a mention's theme in its batch's claim, on an earlier release's note and in an earlier theme claim, and erasure removes the examples", async () => {
    const fresh = routed('Werkstatt Termin ständig verschoben', '2026-11-24T15:05:00.000Z');
    const old = routed('Termin in der Werkstatt wieder verschoben', '2026-11-24T15:10:00.000Z');
    await recordInsightsBatch(eventOf([fresh, old], 'erase'), contextFactory(), deps);
    const themeId = (await themes.assignmentOf(fresh.mentionId, fresh.createdAt)) as string;
    // Mentions as earlier releases left them: a note in the hour, and a theme claim alone.
    await local.documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          PK: 'RATE#2026-11-24',
          SK: 'MENTION#2026-11-24T15:00:00.000Z#facebook:noted-before',
          type: 'rate-mention',
          mentionId: 'facebook:noted-before',
          themeId,
        },
      }),
    );
    await local.documents.send(
      new PutCommand({
        TableName: table,
        Item: { PK: 'THEMEMENTION#facebook:claimed-before', SK: 'THEMEMENTION', type: 'themeOfMention', themeId },
      }),
    );

    const found = await Promise.all(
      [fresh.mentionId, old.mentionId, 'facebook:noted-before', 'facebook:claimed-before'].map((id) =>
        themes.assignmentOf(id, '2026-11-24T15:30:00.000Z'),
      ),
    );
    const removed = await eraseThemeTraces([storedOf(fresh), storedOf(old)], themes);

    expect(found).toEqual([themeId, themeId, themeId, themeId]);
    expect(removed).toBe(2);
    expect((await themes.theme(themeId))?.examples.map((e) => e.mentionId)).toEqual([]);
    expect(await themes.authorsOf(themeId, '2026-11-24', '2026-11-24')).toBe(0);
  });
});
