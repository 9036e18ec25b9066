import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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

/** A similarity no theme reaches: a mention delivered with it would start a theme of its own. */
const NEVER_JOIN = 1.01;

/**
 * The mention's one claim in the insight layer (its note in its hour's rates, holding its
 * theme) against dynalite: what it stores, what a failed counter write leaves, how a
 * redelivery and an erasure find it, and the separate theme claims an earlier release wrote.
 */
describe('the insight claim (rate note with the theme) against dynalite', () => {
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
  const refusingCounters = (): RecordInsightsDeps => ({
    ...deps,
    rates: Object.assign(Object.create(rates) as DynamoRateStore, {
      addToCounters: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    }),
  });
  const note = async (detail: ReturnType<typeof routed>) => {
    const hour = `${detail.createdAt.slice(0, 13)}:00:00.000Z`;
    const { Item } = await local.documents.send(
      new GetCommand({
        TableName: table,
        Key: { PK: `RATE#${hour.slice(0, 10)}`, SK: `MENTION#${hour}#${detail.mentionId}` },
        ConsistentRead: true,
      }),
    );
    return Item;
  };
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

  it('writes one claim per mention: the note in its hour holds its theme, and no separate theme claim', async () => {
    const detail = routed('Die Rechnung ist falsch, doppelt abgebucht', '2026-11-24T10:05:00.000Z');

    const result = await recordInsightsBatch(eventOf([detail], 'one'), contextFactory(), deps);

    expect(result.batchItemFailures).toEqual([]);
    const themeId = await themes.assignmentOf(detail.mentionId, detail.createdAt);
    expect(themeId).toMatch(/^th_complaint_de_/);
    expect(await note(detail)).toMatchObject({ mentionId: detail.mentionId, themeId, caseId: detail.caseId });
    expect(await legacyClaim(detail.mentionId)).toBeUndefined();
    // It lives as long as the longer of the rates' 98 days and the company's retention (365).
    expect((await note(detail))?.expiresAt).toBe(Date.parse('2026-11-28T10:00:00Z') / 1000 + 365 * 86_400);
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
    const { Items } = await local.documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': 'RATE#2026-11-24', ':prefix': 'MENTION#2026-11-24T11:' },
      }),
    );
    expect(Items?.map((i) => i.mentionId).sort()).toEqual(details.map((d) => d.mentionId).sort());
  });

  it('keeps the theme of a note whose count was refused: the redelivery counts once and joins the same theme', async () => {
    const seed = routed('Hotline legt einfach auf, niemand erreichbar', '2026-11-24T12:05:00.000Z');
    await recordInsightsBatch(eventOf([seed], 'seed'), contextFactory(), deps);
    const seedTheme = (await themes.assignmentOf(seed.mentionId, seed.createdAt)) as string;
    const detail = routed('Hotline legt auf, nie erreichbar', '2026-11-24T12:15:00.000Z');
    const event = eventOf([detail], 'released');

    const refused = await recordInsightsBatch(event, contextFactory(), refusingCounters()).catch((e: unknown) => e);
    const released = await note(detail);
    const membersWhileReleased = await rates.membersOf(
      '2026-11-24T12:00:00.000Z',
      { dimension: 'theme', value: seedTheme },
      10,
    );
    // Delivered again with a threshold no theme reaches: only the recorded theme makes it join.
    const redelivered = await recordInsightsBatch(event, contextFactory(), { ...deps, joinThreshold: NEVER_JOIN });

    expect(refused).toBeInstanceOf(FullBatchFailureError);
    expect(released).toMatchObject({ themeId: seedTheme, uncounted: true });
    expect(membersWhileReleased.map((m) => m.mentionId)).toEqual([seed.mentionId]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await themes.assignmentOf(detail.mentionId, detail.createdAt)).toBe(seedTheme);
    expect(await note(detail)).not.toHaveProperty('uncounted');
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

  it('joins the theme an earlier release claimed for a mention whose note it released, and counts it once', async () => {
    // As the release before left it: theme applied and counted on its day, theme claim in its
    // own item, the note deleted after the counter write failed.
    const seed = routed('Kundenkarte wird an der Kasse abgelehnt', '2026-11-24T14:01:00.000Z');
    await recordInsightsBatch(eventOf([seed], 'old-seed'), contextFactory(), deps);
    const detail = routed('Kundenkarte an der Kasse abgelehnt, schon wieder', '2026-11-24T14:05:00.000Z');
    await recordInsightsBatch(eventOf([detail], 'old'), contextFactory(), refusingCounters()).catch(() => undefined);
    const oldTheme = (await note(detail))?.themeId as string;
    await local.documents.send(
      new DeleteCommand({ TableName: table, Key: { PK: (await note(detail))?.PK, SK: (await note(detail))?.SK } }),
    );
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
    expect(oldTheme).toBe(await themes.assignmentOf(seed.mentionId, seed.createdAt));
    expect(await note(detail)).toMatchObject({ themeId: oldTheme });
    expect((await themes.theme(oldTheme))?.mentions).toBe(2);
    expect(await themes.theme(themeIdOf('complaint', 'de', detail.mentionId))).toBeUndefined();
    expect((await themes.themeDays(oldTheme, ['2026-11-24'])).get('2026-11-24')).toBe(2);
    expect(await hourly('2026-11-24T14:00:00.000Z', 'theme', oldTheme)).toBe(2);
  });

  it('finds the theme of an old-style claim (no note left) and of a new-style one, and erasure removes both examples', async () => {
    const fresh = routed('Werkstatt Termin ständig verschoben', '2026-11-24T15:05:00.000Z');
    const old = routed('Termin in der Werkstatt wieder verschoben', '2026-11-24T15:10:00.000Z');
    await recordInsightsBatch(eventOf([fresh, old], 'erase'), contextFactory(), deps);
    const themeId = (await themes.assignmentOf(fresh.mentionId, fresh.createdAt)) as string;
    // The old mention as an earlier release left it after its note expired (98 days): the theme claim alone.
    const oldNote = await note(old);
    await local.documents.send(new DeleteCommand({ TableName: table, Key: { PK: oldNote?.PK, SK: oldNote?.SK } }));
    await local.documents.send(
      new PutCommand({
        TableName: table,
        Item: { PK: `THEMEMENTION#${old.mentionId}`, SK: 'THEMEMENTION', type: 'themeOfMention', themeId },
      }),
    );

    const found = await Promise.all([fresh, old].map((d) => themes.assignmentOf(d.mentionId, d.createdAt)));
    const removed = await eraseThemeTraces([storedOf(fresh), storedOf(old)], themes);

    expect(found).toEqual([themeId, themeId]);
    expect(removed).toBe(2);
    expect((await themes.theme(themeId))?.examples.map((e) => e.mentionId)).toEqual([]);
    expect(await themes.authorsOf(themeId, '2026-11-24', '2026-11-24')).toBe(0);
  });
});
