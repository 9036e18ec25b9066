import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInsightsBatch, type RecordInsightsDeps } from '../../functions/record-insights/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoRateStore, DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import { RATE_CLAIMS_PER_HOUR } from '../../shared/adapters/dynamodb/rate-store.ts';
import type { RateObservation } from '../../shared/domain/insights.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionRoutedFactory, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';
import { refusingWrites } from '../support/refusing-writes.ts';

/** A command as the document client receives it. */
type Command = Parameters<DynamoDBDocumentClient['send']>[0];

/**
 * The cap on an hour's rate claims against dynalite (real SDK): below it a batch's mentions are
 * claimed in one numbered item, at it the hour goes to one note per mention, and across the
 * switch (racing batches, a batch that died after claiming, redeliveries, an earlier release's
 * notes) every mention is counted exactly once. A cold instance's first read of an hour is
 * bounded by the cap, whatever the hour holds.
 */
describe("the cap on an hour's rate claims, against dynalite", () => {
  const topology = buildTopology(demoConfig());
  const table = topology.table.name;
  const EXPIRES = 2_000_000_000;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let sequence = 0;

  const observation = (hour: string, overrides: Partial<RateObservation> = {}): RateObservation => {
    sequence++;
    return {
      mentionId: `x:cap${sequence}`,
      caseId: `case_cap${sequence}`,
      department: 'service',
      category: 'complaint',
      platform: 'x',
      createdAt: hour,
      ...overrides,
    };
  };
  /** Another function instance: its own store, nothing in memory. */
  const instance = (documents: DynamoDBDocumentClient = local.documents) => new DynamoRateStore(documents, table);
  /** Fills the hour's claims 1..n directly (one mention each), as n earlier batches would have, all added. */
  const fillClaims = async (hour: string, n: number): Promise<string[]> => {
    const ids: string[] = [];
    const items = Array.from({ length: n }, (_, i) => {
      const o = observation(hour);
      ids.push(o.mentionId);
      return {
        PK: `RATE#${hour.slice(0, 10)}`,
        SK: `MENTION#${hour}#~${String(i + 1).padStart(6, '0')}`,
        type: 'rate-claim',
        hour,
        seq: i + 1,
        entries: [[o.mentionId, o.caseId, o.department, o.category, o.platform, '']],
        expiresAt: EXPIRES,
      };
    });
    for (let i = 0; i < items.length; i += 25)
      await local.documents.send(
        new BatchWriteCommand({
          RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    await local.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: `RATE#${hour.slice(0, 10)}`, SK: `COUNT#${hour}` },
        UpdateExpression: 'ADD #c :n, #p :n SET #type = :type, #hour = :hour, applied = :n',
        ExpressionAttributeNames: {
          '#c': 'n#category#complaint',
          '#p': 'n#platform#x',
          '#type': 'type',
          '#hour': 'hour',
        },
        ExpressionAttributeValues: { ':n': n, ':type': 'rate-counters', ':hour': hour },
      }),
    );
    return ids;
  };
  /** An earlier release's note (one item per mention), as it wrote it. */
  const oldNote = (hour: string, o: RateObservation, extra: Record<string, unknown> = {}) =>
    local.documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          PK: `RATE#${hour.slice(0, 10)}`,
          SK: `MENTION#${hour}#${o.mentionId}`,
          type: 'rate-mention',
          hour,
          mentionId: o.mentionId,
          caseId: o.caseId,
          department: o.department,
          category: o.category,
          platform: o.platform,
          expiresAt: EXPIRES,
          ...extra,
        },
      }),
    );
  const rateItems = async (hour: string) => {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await local.documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': `RATE#${hour.slice(0, 10)}`, ':prefix': `MENTION#${hour}#` },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  /** The mention ids the hour's claims and notes hold, each as often as it is held. */
  const heldBy = async (hour: string) => {
    const items = await rateItems(hour);
    return {
      claims: items.filter((i) => i.type === 'rate-claim'),
      claimed: items
        .filter((i) => i.type === 'rate-claim')
        .flatMap((i) => (i.entries as string[][]).map((e) => e[0] as string)),
      noted: items.filter((i) => i.type === 'rate-mention').map((i) => String(i.mentionId)),
    };
  };
  const complaints = async (hour: string) =>
    (await instance().counts(hour, hour)).find((c) => c.dimension === 'category' && c.value === 'complaint')?.count ??
    0;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('claims up to the cap, then notes each mention in an item of its own, and counts every mention once', async () => {
    // Arrange
    const hour = '2026-12-01T10:00:00.000Z';
    const filled = await fillClaims(hour, RATE_CLAIMS_PER_HOUR - 1);
    const last = [observation(hour), observation(hour)];
    const after = [observation(hour), observation(hour), observation(hour)];

    // Act
    const countedLast = await instance().countOnce(hour, last, EXPIRES);
    const countedAfter = await instance().countOnce(hour, [...after, last[0] as RateObservation], EXPIRES);

    // Assess
    expect(countedLast.map((o) => o.mentionId)).toEqual(last.map((o) => o.mentionId));
    expect(countedAfter.map((o) => o.mentionId)).toEqual(after.map((o) => o.mentionId));
    const held = await heldBy(hour);
    expect(held.claims).toHaveLength(RATE_CLAIMS_PER_HOUR);
    expect(held.claims.map((c) => c.seq)).not.toContain(RATE_CLAIMS_PER_HOUR + 1);
    expect(held.claimed.sort()).toEqual([...filled, ...last.map((o) => o.mentionId)].sort());
    expect(held.noted.sort()).toEqual(after.map((o) => o.mentionId).sort());
    expect(await complaints(hour)).toBe(RATE_CLAIMS_PER_HOUR - 1 + 2 + 3);
  });

  it('counts batches racing at the cap once each: one wins the last claim, the others note only what it left', async () => {
    // Arrange: one number left; four instances with overlapping batches.
    const hour = '2026-12-01T11:00:00.000Z';
    await fillClaims(hour, RATE_CLAIMS_PER_HOUR - 1);
    const mentions = Array.from({ length: 8 }, () => observation(hour));
    const batches = [0, 2, 4, 6].map((start) => [0, 1, 2, 3].map((k) => mentions[(start + k) % 8] as RateObservation));

    // Act
    const counted = await Promise.all(batches.map((batch) => instance().countOnce(hour, batch, EXPIRES)));

    // Assess
    const countedIds = counted.flat().map((o) => o.mentionId);
    expect(countedIds.sort()).toEqual(mentions.map((o) => o.mentionId).sort());
    const held = await heldBy(hour);
    expect(held.claims).toHaveLength(RATE_CLAIMS_PER_HOUR);
    const lastClaim = held.claims.find((c) => c.seq === RATE_CLAIMS_PER_HOUR);
    const inLast = ((lastClaim?.entries ?? []) as string[][]).map((e) => e[0] as string);
    // Neither mode holds a mention the other holds.
    expect(held.noted.filter((id) => inLast.includes(id))).toEqual([]);
    expect([...inLast, ...held.noted].sort()).toEqual(mentions.map((o) => o.mentionId).sort());
    expect(await complaints(hour)).toBe(RATE_CLAIMS_PER_HOUR - 1 + 8);
  });

  it("adds the last claim of a batch that died after claiming once, with the next (note-mode) batch's notes", async () => {
    // Arrange
    const hour = '2026-12-01T12:00:00.000Z';
    await fillClaims(hour, RATE_CLAIMS_PER_HOUR - 1);
    const died = [observation(hour), observation(hour)];
    const next = [observation(hour)];
    const refusing = instance(
      refusingWrites(
        local.documents,
        (command: Command) => command instanceof UpdateCommand && String(command.input.Key?.SK).startsWith('COUNT#'),
      ),
    );

    // Act
    const refused = await refusing.countOnce(hour, died, EXPIRES).catch((e: unknown) => e);
    const whileRefused = await complaints(hour);
    const countedNext = await instance().countOnce(hour, next, EXPIRES);
    const redelivered = await instance().countOnce(hour, died, EXPIRES);

    // Assess
    expect(refused).toBeInstanceOf(Error);
    expect(whileRefused).toBe(RATE_CLAIMS_PER_HOUR - 1);
    expect(countedNext.map((o) => o.mentionId)).toEqual(next.map((o) => o.mentionId));
    expect(redelivered).toEqual([]);
    const held = await heldBy(hour);
    expect(held.noted).toEqual(next.map((o) => o.mentionId));
    expect(await complaints(hour)).toBe(RATE_CLAIMS_PER_HOUR - 1 + 2 + 1);
  });

  it('counts a redelivery after the switch to notes nowhere again, and a note whose count was refused once', async () => {
    // Arrange
    const hour = '2026-12-01T13:00:00.000Z';
    const filled = await fillClaims(hour, RATE_CLAIMS_PER_HOUR);
    const claimedBefore = observation(hour, { mentionId: filled[9] as string, caseId: 'case_cap_filled' });
    const refusedNote = observation(hour);
    const refusing = instance(
      refusingWrites(
        local.documents,
        (command: Command) => command instanceof UpdateCommand && String(command.input.Key?.SK).startsWith('COUNT#'),
      ),
    );

    // Act
    const redelivered = await instance().countOnce(hour, [claimedBefore], EXPIRES);
    const refused = await refusing.countOnce(hour, [refusedNote], EXPIRES).catch((e: unknown) => e);
    const whileRefused = await complaints(hour);
    const again = await instance().countOnce(hour, [refusedNote, claimedBefore], EXPIRES);
    const twice = await instance().countOnce(hour, [refusedNote], EXPIRES);

    // Assess
    expect(redelivered).toEqual([]);
    expect(refused).toBeInstanceOf(Error);
    expect(whileRefused).toBe(RATE_CLAIMS_PER_HOUR);
    expect(again.map((o) => o.mentionId)).toEqual([refusedNote.mentionId]);
    expect(twice).toEqual([]);
    const held = await heldBy(hour);
    expect(held.noted).toEqual([refusedNote.mentionId]);
    expect(await complaints(hour)).toBe(RATE_CLAIMS_PER_HOUR + 1);
  });

  it("counts nothing an earlier release noted, below the cap and past it, and adds to that release's counters", async () => {
    // Arrange: the previous release's instances beside this one (deployment window).
    const below = '2026-12-01T14:00:00.000Z';
    const past = '2026-12-01T15:00:00.000Z';
    const notedBelow = observation(below);
    const released = observation(below);
    const notedPast = observation(past);
    await oldNote(below, notedBelow);
    await oldNote(below, released, { uncounted: true });
    await fillClaims(past, RATE_CLAIMS_PER_HOUR);
    await oldNote(past, notedPast);
    const fresh = observation(below);

    // Act
    const countedBelow = await instance().countOnce(below, [notedBelow, released, fresh], EXPIRES);
    const countedPast = await instance().countOnce(past, [notedPast], EXPIRES);

    // Assess
    expect(countedBelow.map((o) => o.mentionId).sort()).toEqual([released.mentionId, fresh.mentionId].sort());
    expect(countedPast).toEqual([]);
    expect((await heldBy(below)).claimed.sort()).toEqual([released.mentionId, fresh.mentionId].sort());
    expect(await complaints(below)).toBe(2);
    expect(await complaints(past)).toBe(RATE_CLAIMS_PER_HOUR);
  });

  it("looks a batch's notes up again for each batch: an earlier release's note written between two batches of one instance counts once", async () => {
    // Arrange: one instance; its first batch asks for the mention and stops before counting it.
    const hour = '2026-12-01T19:00:00.000Z';
    const store = instance();
    await store.countOnce(hour, [observation(hour)], EXPIRES);
    const m = observation(hour);
    const asked = await store.claimsOf(hour, [m.mentionId]);
    await oldNote(hour, m);

    // Act: the redelivery, on the same instance.
    const again = await store.claimsOf(hour, [m.mentionId]);
    const counted = await store.countOnce(hour, [m], EXPIRES);

    // Assess
    expect(asked.has(m.mentionId)).toBe(false);
    expect(again.get(m.mentionId)).toEqual({ counted: true });
    expect(counted).toEqual([]);
    expect(await complaints(hour)).toBe(1);
  });

  it("reads at most the cap's claims on a cold instance's first read, never the hour's notes", async () => {
    // Arrange: a crisis hour, scaled down: the cap reached and 300 notes after it.
    const hour = '2026-12-01T16:00:00.000Z';
    await fillClaims(hour, RATE_CLAIMS_PER_HOUR);
    await instance().countOnce(
      hour,
      Array.from({ length: 300 }, () => observation(hour)),
      EXPIRES,
    );
    const read = { items: 0, noteItems: 0, keys: 0 };
    const counting = {
      send: async (command: Command) => {
        const output = (await local.documents.send(command as never)) as Record<string, unknown>;
        if (command instanceof QueryCommand) {
          const items = (output.Items as Record<string, unknown>[] | undefined) ?? [];
          read.items += Number(output.ScannedCount ?? items.length);
          read.noteItems += items.filter((i) => !String(i.SK).includes('#~')).length;
        }
        const requests = (command.input as { RequestItems?: Record<string, { Keys?: unknown[] }> }).RequestItems;
        if (requests?.[table]?.Keys) read.keys += requests[table].Keys.length;
        return output;
      },
    } as unknown as DynamoDBDocumentClient;
    const batch = [observation(hour), observation(hour)];

    // Act
    const claims = await instance(counting).claimsOf(
      hour,
      batch.map((o) => o.mentionId),
    );
    const counted = await instance(counting).countOnce(hour, batch, EXPIRES);

    // Assess: two cold instances: each the claims' range (256) and, for the theme lookup, one probe item.
    expect(claims.size).toBe(0);
    expect(counted).toHaveLength(2);
    expect(read.items).toBeLessThanOrEqual(2 * RATE_CLAIMS_PER_HOUR + 1);
    expect(read.noteItems).toBeLessThanOrEqual(1);
    expect(read.keys).toBe(2);
    expect(await complaints(hour)).toBe(RATE_CLAIMS_PER_HOUR + 300 + 2);
  });

  it('finds spike members and a theme in both the claims and the notes of an hour past the cap', async () => {
    // Arrange
    const hour = '2026-12-01T17:00:00.000Z';
    const filled = await fillClaims(hour, RATE_CLAIMS_PER_HOUR - 1);
    const inClaim = observation(hour, { category: 'praise', themeId: 'th_praise_de_claimed' });
    const inNote = observation(hour, { category: 'praise', themeId: 'th_praise_de_noted' });
    await instance().countOnce(hour, [inClaim], EXPIRES);
    await instance().countOnce(hour, [inNote], EXPIRES);
    const themes = new DynamoThemeRepository(local.documents, table);

    // Act
    const members = await instance().membersOf(hour, { dimension: 'category', value: 'praise' }, 10);
    const complaintMembers = await instance().membersOf(hour, { dimension: 'category', value: 'complaint' }, 5);
    const claimedTheme = await themes.assignmentOf(inClaim.mentionId, hour);
    const notedTheme = await themes.assignmentOf(inNote.mentionId, hour);

    // Assess
    expect(members.map((m) => m.mentionId).sort()).toEqual([inClaim.mentionId, inNote.mentionId].sort());
    expect(complaintMembers.map((m) => m.mentionId)).toEqual(filled.slice(0, 5));
    expect(claimedTheme).toBe('th_praise_de_claimed');
    expect(notedTheme).toBe('th_praise_de_noted');
    expect((await heldBy(hour)).noted).toEqual([inNote.mentionId]);
  });

  it('keeps the counts of a crisis hour exact across the switch, scaled down: 600 batches, four instances, copies', async () => {
    // Arrange: 600 mentions in 600 overlapping batches of 2 (every mention in two of them), past the cap of 256.
    const hour = '2026-12-01T18:00:00.000Z';
    const mentions = Array.from({ length: 600 }, () => observation(hour));
    const batches = Array.from({ length: 600 }, (_, i) =>
      [0, 1].map((k) => mentions[(i + k) % 600] as RateObservation),
    );
    const instances = [instance(), instance(), instance(), instance()];

    // Act: each instance takes every fourth batch, one after the other; the four run at once.
    const counted = await Promise.all(
      instances.map(async (store, n) => {
        const mine: RateObservation[] = [];
        for (let i = n; i < batches.length; i += instances.length)
          mine.push(...(await store.countOnce(hour, batches[i] as RateObservation[], EXPIRES)));
        return mine;
      }),
    );

    // Assess
    const ids = counted.flat().map((o) => o.mentionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(mentions.map((o) => o.mentionId).sort());
    const held = await heldBy(hour);
    expect(held.claims).toHaveLength(RATE_CLAIMS_PER_HOUR);
    expect(held.noted.length).toBeGreaterThan(0);
    expect(new Set([...held.claimed, ...held.noted]).size).toBe(held.claimed.length + held.noted.length);
    expect(await complaints(hour)).toBe(600);
    // 600 batches of conditional writes against one dynalite: 23-41 s on a loaded 2-core machine, and once past
    // vitest's 60 s default when four test files ran beside it. The counts are what it checks, not the time.
  }, 180_000);
});

/** record-insights' batches across the cap: the handler's path, themes and all. */
describe('record-insights across the claim cap, against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  const table = topology.table.name;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let deps: RecordInsightsDeps;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    deps = {
      themes: new DynamoThemeRepository(local.documents, table),
      rates: new DynamoRateStore(local.documents, table),
      clock: fixedClock('2026-12-02T10:00:00Z'),
      timezone: config.company.timezone,
      retentionDays: 365,
    };
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('redelivers a note-mode batch without counting it again, and keeps the theme its note records', async () => {
    // Arrange: a company with a cap already reached (one claim per batch of one mention).
    const hour = '2026-12-01T09:00:00.000Z';
    for (let i = 0; i < RATE_CLAIMS_PER_HOUR; i++)
      await deps.rates.countOnce(
        hour,
        [
          {
            mentionId: `x:pre${i}`,
            caseId: `case_pre${i}`,
            department: 'service',
            category: 'question',
            platform: 'x',
            createdAt: hour,
          },
        ],
        2_000_000_000,
      );
    const detail = mentionRoutedFactory({
      mentionId: 'facebook:capnote1',
      caseId: 'case_capnote0000000001',
      text: 'Die Rechnung ist falsch, doppelt abgebucht',
      createdAt: '2026-12-01T09:30:00.000Z',
    });
    const event = sqsEventFactory([sqsRecordFactory(routedEnvelope(detail), 'capnote-1')]);

    // Act
    const first = await recordInsightsBatch(event, contextFactory(), deps);
    const again = await recordInsightsBatch(
      event,
      contextFactory(),
      // A cold instance: nothing in memory.
      { ...deps, rates: new DynamoRateStore(local.documents, table) },
    );

    // Assess
    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    const counts = await deps.rates.counts(hour, hour);
    expect(counts.find((c) => c.dimension === 'category' && c.value === 'complaint')?.count).toBe(1);
    const themeId = await deps.themes.assignmentOf(detail.mentionId, detail.createdAt);
    expect(themeId).toMatch(/^th_complaint_de_/);
    expect(counts.find((c) => c.dimension === 'theme' && c.value === themeId)?.count).toBe(1);
  });
});
