import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import {
  DynamoCaseRepository,
  DynamoMentionRepository,
  DynamoNotificationClaims,
} from '../../shared/adapters/dynamodb/index.ts';
import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { eventOfCaseMention } from '../../shared/adapters/dynamodb/case-mention-record.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { settledEntryOf } from '../../shared/adapters/dynamodb/settlement-mark.ts';
import { mentionFactory, mentionRoutedFactory } from '../factories/mention.ts';
import { classificationFactory } from '../factories/classification.ts';
import type { DeliveryClaimRequest } from '../../shared/domain/ports.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';
import { refusingWrites } from '../support/refusing-writes.ts';

const EXPIRES = 1_900_000_000;
const NOW = '2026-11-30T10:00:00.000Z';

function claimAt(owner: string, at = NOW, leaseMs = 60_000): DeliveryClaimRequest {
  return { owner, at, leaseUntil: new Date(new Date(at).getTime() + leaseMs).toISOString(), expiresAt: EXPIRES };
}

function settlement(owner: string, sent: string[], complete: boolean) {
  return { owner, sent, complete, at: NOW, expiresAt: EXPIRES };
}

/** One claim per notification for all of its targets, on a real dynalite table with real SDK clients. */
describe('notification claims against dynalite', () => {
  const topology = buildTopology(demoConfig());
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let claims: DynamoNotificationClaims;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    claims = new DynamoNotificationClaims(local.documents, topology.table.name);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('lets exactly one of ten concurrent senders claim a notification', async () => {
    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claims.claimTargets('case_c1', 'mention:m1#service', claimAt(`s${i}`))),
    );

    // Assess
    expect(answers.filter((a) => a.claim === 'claimed')).toEqual([{ claim: 'claimed', sent: [] }]);
    expect(answers.filter((a) => a.claim === 'held')).toHaveLength(9);
  });

  it('answers done with the sent targets once a claim is settled complete', async () => {
    // Arrange
    await claims.claimTargets('case_c2', 'n1#service', claimAt('first'));

    // Act
    await claims.settle(
      'case_c2',
      'n1#service',
      settlement('first', ['n1#service/slack:#a', 'n1#service/email:b'], true),
    );
    const later = await claims.claimTargets('case_c2', 'n1#service', claimAt('later', '2026-11-30T12:00:00.000Z'));

    // Assess
    expect(later).toEqual({ claim: 'done', sent: ['n1#service/email:b', 'n1#service/slack:#a'] });
  });

  it('frees a claim settled with a failed target at once, naming what was sent, for the retry', async () => {
    // Arrange
    await claims.claimTargets('case_c3', 'n1#service', claimAt('first'));
    await claims.settle('case_c3', 'n1#service', settlement('first', ['n1#service/slack:#a'], false));

    // Act: the redelivery comes within the lease the first sender had.
    const retry = await claims.claimTargets('case_c3', 'n1#service', claimAt('retry', '2026-11-30T10:00:01.000Z'));

    // Assess
    expect(retry).toEqual({ claim: 'claimed', sent: ['n1#service/slack:#a'] });
  });

  it('keeps a live lease and frees the claim of a sender that died once its lease ran out', async () => {
    // Arrange
    await claims.claimTargets('case_c4', 'n1#service', claimAt('died'));

    // Act
    const within = await claims.claimTargets('case_c4', 'n1#service', claimAt('early', '2026-11-30T10:00:59.000Z'));
    const after = await claims.claimTargets('case_c4', 'n1#service', claimAt('late', '2026-11-30T10:01:01.000Z'));

    // Assess
    expect(within).toEqual({ claim: 'held' });
    expect(after).toEqual({ claim: 'claimed', sent: [] });
  });

  it("adds what a slow sender sent after its lease was taken over, and keeps the new owner's claim", async () => {
    // Arrange
    await claims.claimTargets('case_c5', 'n1#service', claimAt('slow'));
    await claims.claimTargets('case_c5', 'n1#service', claimAt('next', '2026-11-30T10:01:01.000Z'));

    // Act
    await claims.settle('case_c5', 'n1#service', settlement('slow', ['n1#service/slack:#a'], true));
    const third = await claims.claimTargets('case_c5', 'n1#service', claimAt('third', '2026-11-30T10:01:02.000Z'));
    await claims.settle('case_c5', 'n1#service', settlement('next', ['n1#service/email:b'], true));
    const done = await claims.claimTargets('case_c5', 'n1#service', claimAt('fourth', '2026-11-30T10:01:03.000Z'));

    // Assess
    expect(third).toEqual({ claim: 'held' });
    expect(done).toEqual({ claim: 'done', sent: ['n1#service/email:b', 'n1#service/slack:#a'] });
  });
  describe('kept on the mention’s record', () => {
    const recordOf = (id: string) =>
      mentionRoutedFactory({ caseId: `case_${id}`, mentionId: `facebook:${id}`, department: 'service' });
    const claimId = (id: string) => `mention:facebook:${id}#service`;

    it('is held by the record’s writer; of ten concurrent senders after it none claims, and once settled every later one is done', async () => {
      // Arrange: the record written holding the first claim (handle-department's one write).
      const event = recordOf('r1');
      const cases = new DynamoCaseRepository(local.documents, topology.table.name);
      expect(await cases.recordMention(event, EXPIRES, claimAt('writer'))).toBe(true);
      const onRecord = claims.onRecordOf(event);

      // Act
      const during = await Promise.all(
        Array.from({ length: 10 }, (_, i) => onRecord.claimTargets(event.caseId, claimId('r1'), claimAt(`s${i}`))),
      );
      await onRecord.settle(event.caseId, claimId('r1'), settlement('writer', ['k/slack:#a'], true));
      const after = await onRecord.claimTargets(
        event.caseId,
        claimId('r1'),
        claimAt('late', '2026-11-30T12:00:00.000Z'),
      );

      // Assess
      expect(during.every((a) => a.claim === 'held')).toBe(true);
      // Complete: done, without the list of what was sent (every target was).
      expect(after).toEqual({ claim: 'done', sent: [] });
      const { Item } = await local.documents.send(
        new GetCommand({
          TableName: topology.table.name,
          Key: keys.caseMention(event.caseId, event.createdAt, event.mentionId, 'service'),
        }),
      );
      expect(Item).toMatchObject({ complete: true, type: 'case-mention' });
      expect(Item?.owner).toBeUndefined();
      const { Items = [] } = await local.documents.send(
        new ScanCommand({
          TableName: topology.table.name,
          FilterExpression: 'PK = :pk AND begins_with(SK, :n)',
          ExpressionAttributeValues: { ':pk': `CASE#${event.caseId}`, ':n': 'NOTIFIED#' },
        }),
      );
      expect(Items).toEqual([]);
    });

    it('lets one of ten concurrent senders take over a dead writer’s claim once its lease ran out', async () => {
      const event = recordOf('r2');
      const cases = new DynamoCaseRepository(local.documents, topology.table.name);
      await cases.recordMention(event, EXPIRES, claimAt('dead', NOW, 1_000));
      const later = '2026-11-30T10:05:00.000Z';

      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          claims.onRecordOf(event).claimTargets(event.caseId, claimId('r2'), claimAt(`s${i}`, later)),
        ),
      );

      expect(answers.filter((a) => a.claim === 'claimed')).toEqual([{ claim: 'claimed', sent: [] }]);
      expect(answers.filter((a) => a.claim === 'held')).toHaveLength(9);
    });

    it('frees a record claim settled with a failed target, naming what was sent, for the retry', async () => {
      const event = recordOf('r4');
      const cases = new DynamoCaseRepository(local.documents, topology.table.name);
      await cases.recordMention(event, EXPIRES, claimAt('writer'));

      await claims.onRecordOf(event).settle(event.caseId, claimId('r4'), settlement('writer', ['k/a'], false));
      const retry = await claims.onRecordOf(event).claimTargets(event.caseId, claimId('r4'), claimAt('retry'));

      expect(retry).toEqual({ claim: 'claimed', sent: ['k/a'] });
    });

    it('keeps the claims of a record written without one on their own item, for every sender alike', async () => {
      const event = recordOf('r3');
      const cases = new DynamoCaseRepository(local.documents, topology.table.name);
      await cases.recordMention(event, EXPIRES);

      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          claims.onRecordOf(event).claimTargets(event.caseId, claimId('r3'), claimAt(`s${i}`)),
        ),
      );
      const winner = answers.findIndex((a) => a.claim === 'claimed');
      await claims.onRecordOf(event).settle(event.caseId, claimId('r3'), settlement(`s${winner}`, ['k/x'], true));

      expect(answers.filter((a) => a.claim === 'claimed')).toHaveLength(1);
      expect(
        await claims.claimTargets(event.caseId, claimId('r3'), claimAt('late', '2026-11-30T12:00:00.000Z')),
      ).toEqual({ claim: 'done', sent: ['k/x'] });
    });
  });

  describe('settled by a batch’s settlement mark', () => {
    const recordOf = (id: string) =>
      mentionRoutedFactory({ caseId: `case_${id}`, mentionId: `facebook:${id}`, department: 'service' });
    const claimId = (id: string) => `mention:facebook:${id}#service`;
    const LATER = '2026-11-30T12:00:00.000Z';
    const cases = () => new DynamoCaseRepository(local.documents, topology.table.name);
    const record = async (event: ReturnType<typeof recordOf>) =>
      (
        await local.documents.send(
          new GetCommand({
            TableName: topology.table.name,
            Key: keys.caseMention(event.caseId, event.createdAt, event.mentionId, 'service'),
          }),
        )
      ).Item;

    it('settles the records of a batch in one write, after which a redelivery is done and the records stay as written', async () => {
      // Arrange: a batch writes three records holding their claims, naming its mark, and sends each.
      const batch = claims.batch();
      const events = ['b1', 'b2', 'b3'].map(recordOf);
      for (const event of events) {
        expect(await cases().recordMention(event, EXPIRES, { ...claimAt('writer'), mark: batch.markOf(event) })).toBe(
          true,
        );
        await batch
          .onRecordOf?.(event)
          .settle(event.caseId, claimId(event.mentionId.slice(9)), settlement('writer', ['k/a'], true));
      }
      const before = await Promise.all(events.map(record));

      // Act
      await batch.flush();
      const redelivered = await Promise.all(
        events.map((event) =>
          claims
            .batch()
            .onRecordOf?.(event)
            .claimTargets(event.caseId, claimId(event.mentionId.slice(9)), claimAt('redelivery', LATER)),
        ),
      );

      // Assess: the lease ran out long ago, yet the mark says every notification went out.
      expect(redelivered).toEqual(events.map(() => ({ claim: 'done', sent: [] })));
      expect(await Promise.all(events.map(record))).toEqual(before);
      // The fence: `mark` NULL, the place in `mark2` (the batch's item of the mention's day).
      const place = batch.markOf(events[0] as (typeof events)[number]);
      expect(place).toMatch(/^2026-\d\d-\d\d#[\w-]{8}$/);
      expect(before.every((item) => item?.mark === null && item?.mark2 === place && item?.complete === false)).toBe(
        true,
      );
      const [day, id] = place.split('#') as [string, string];
      const { Item: mark } = await local.documents.send(
        new GetCommand({ TableName: topology.table.name, Key: keys.batchTally(day, 'service', id) }),
      );
      expect(mark).toMatchObject({ type: 'tally', day, department: 'service' });
      expect(mark?.settled).toEqual(
        new Set(events.map((e) => settledEntryOf(keys.caseMention(e.caseId, e.createdAt, e.mentionId, 'service')))),
      );
    });

    it('answers done to a second copy in the same batch before the mark is written', async () => {
      // Arrange
      const batch = claims.batch();
      const event = recordOf('b4');
      await cases().recordMention(event, EXPIRES, { ...claimAt('writer'), mark: batch.markOf(event) });
      await batch.onRecordOf?.(event).settle(event.caseId, claimId('b4'), settlement('writer', ['k/a'], true));

      // Act
      const copy = await batch.onRecordOf?.(event).claimTargets(event.caseId, claimId('b4'), claimAt('copy'));

      // Assess
      expect(copy).toEqual({ claim: 'done', sent: [] });
    });

    it('lets exactly one of ten redeliveries take over a record whose batch died before its mark was written', async () => {
      // Arrange: claimed and (perhaps) sent, but neither settled nor in a mark; the lease ran out.
      const dead = claims.batch();
      const event = recordOf('b5');
      await cases().recordMention(event, EXPIRES, { ...claimAt('dead', NOW, 1_000), mark: dead.markOf(event) });

      // Act
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          claims
            .batch()
            .onRecordOf?.(event)
            .claimTargets(event.caseId, claimId('b5'), claimAt(`s${i}`, LATER)),
        ),
      );

      // Assess
      expect(answers.filter((a) => a?.claim === 'claimed')).toEqual([{ claim: 'claimed', sent: [] }]);
      expect(answers.filter((a) => a?.claim === 'held')).toHaveLength(9);
      expect((await record(event))?.mark2).not.toBe(dead.markOf(event));
    });

    it('does not let a takeover through once the record names another mark than the one read', async () => {
      // Arrange: a takeover by a second batch moved the record to its mark and settled it there.
      const first = claims.batch();
      const event = recordOf('b6');
      await cases().recordMention(event, EXPIRES, { ...claimAt('first', NOW, 1_000), mark: first.markOf(event) });
      const second = claims.batch();
      const taken = await second
        .onRecordOf?.(event)
        .claimTargets(event.caseId, claimId('b6'), claimAt('second', LATER));
      await second.onRecordOf?.(event).settle(event.caseId, claimId('b6'), settlement('second', ['k/a'], true));
      await second.flush();

      // Act: a third sender, much later, with the lease of the second long gone.
      const third = await claims
        .batch()
        .onRecordOf?.(event)
        .claimTargets(event.caseId, claimId('b6'), claimAt('third', '2026-11-30T18:00:00.000Z'));

      // Assess
      expect(taken).toEqual({ claim: 'claimed', sent: [] });
      expect(third).toEqual({ claim: 'done', sent: [] });
    });

    it('settles a record with a failed target on the record, for the retry of that target', async () => {
      // Arrange
      const batch = claims.batch();
      const event = recordOf('b7');
      await cases().recordMention(event, EXPIRES, { ...claimAt('writer'), mark: batch.markOf(event) });

      // Act
      await batch.onRecordOf?.(event).settle(event.caseId, claimId('b7'), settlement('writer', ['k/a'], false));
      await batch.flush();
      const retry = await claims
        .batch()
        .onRecordOf?.(event)
        .claimTargets(event.caseId, claimId('b7'), claimAt('retry'));

      // Assess
      expect(retry).toEqual({ claim: 'claimed', sent: ['k/a'] });
      const [day, id] = batch.markOf(event).split('#') as [string, string];
      const { Item } = await local.documents.send(
        new GetCommand({ TableName: topology.table.name, Key: keys.batchTally(day, 'service', id) }),
      );
      expect(Item).toBeUndefined();
    });

    it('writes a day’s tally with the settlements of that day in one item, the same again when retried, and hands back the others', async () => {
      // Arrange
      const batch = claims.batch();
      const event = recordOf('b8');
      const [day, id] = batch.markOf(event).split('#') as [string, string];
      await cases().recordMention(event, EXPIRES, { ...claimAt('writer'), mark: batch.markOf(event) });
      await batch.onRecordOf?.(event).settle(event.caseId, claimId('b8'), settlement('writer', ['k/a'], true));
      const own = { day, department: 'service', fields: { mentions: 2, 'category.complaint': 2 } };
      const elsewhere = { day, department: 'sales', fields: { cc: 1 } };

      // Act
      const first = await batch.flush([own, elsewhere]);
      const again = await batch.flush([own, elsewhere]);

      // Assess
      expect(first).toEqual([elsewhere]);
      expect(again).toEqual([elsewhere]);
      const { Item } = await local.documents.send(
        new GetCommand({ TableName: topology.table.name, Key: keys.batchTally(day, 'service', id) }),
      );
      expect(Item).toMatchObject({ type: 'tally', day, department: 'service', mentions: 2, 'category.complaint': 2 });
      expect(Item?.settled).toEqual(
        new Set([settledEntryOf(keys.caseMention(event.caseId, event.createdAt, event.mentionId, 'service'))]),
      );
    });

    it('settles each record on its own and hands its tally back when the batch’s item cannot be written', async () => {
      // Arrange: the table refuses every write of a batch item (`DEPT#<dept>#<mark>`).
      const refusing = new DynamoNotificationClaims(
        refusingWrites(local.documents, (command) =>
          /^DEPT#.+#/.test(String((command.input as { Key?: { SK?: string } }).Key?.SK)),
        ),
        topology.table.name,
      );
      const batch = refusing.batch();
      const event = recordOf('b9');
      const [day] = batch.markOf(event).split('#') as [string];
      await cases().recordMention(event, EXPIRES, { ...claimAt('writer'), mark: batch.markOf(event) });
      await batch.onRecordOf?.(event).settle(event.caseId, claimId('b9'), settlement('writer', ['k/a'], true));
      const own = { day, department: 'service', fields: { mentions: 1 } };

      // Act
      const unwritten = await batch.flush([own]);
      const redelivery = await claims
        .batch()
        .onRecordOf?.(event)
        .claimTargets(event.caseId, claimId('b9'), claimAt('redelivery', LATER));

      // Assess
      expect(unwritten).toEqual([own]);
      expect(redelivery).toEqual({ claim: 'done', sent: [] });
      expect(await record(event)).toMatchObject({ complete: true });
    });

    it('reads a settlement mark of the release before for a record it claimed (a deployment)', async () => {
      // Arrange: a record claimed by an instance of the release before, settled in its mark.
      const event = recordOf('b10');
      await cases().recordMention(event, EXPIRES, claimAt('previous', NOW, 1_000));
      const Key = keys.caseMention(event.caseId, event.createdAt, event.mentionId, 'service');
      await local.documents.send(
        new UpdateCommand({
          TableName: topology.table.name,
          Key,
          UpdateExpression: 'SET mark = :mark',
          ExpressionAttributeValues: { ':mark': 'OldMark1' },
        }),
      );
      await local.documents.send(
        new UpdateCommand({
          TableName: topology.table.name,
          Key: keys.settlementMark('OldMark1'),
          UpdateExpression: 'SET #type = :type ADD settled :settled',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'notification-settlement', ':settled': new Set([settledEntryOf(Key)]) },
        }),
      );

      // Act
      const redelivery = await claims
        .batch()
        .onRecordOf?.(event)
        .claimTargets(event.caseId, claimId('b10'), claimAt('redelivery', LATER));

      // Assess
      expect(redelivery).toEqual({ claim: 'done', sent: [] });
    });
  });

  describe('a platform deletion between a record’s read and its rewrite', () => {
    const LATER = '2026-11-30T12:00:00.000Z';

    /** The mention of a record, stored, and its record written holding the first claim. */
    async function storedWithRecord(id: string, writer: DeliveryClaimRequest) {
      const mention = mentionFactory({ externalId: id });
      const event = mentionRoutedFactory({ caseId: `case_${id}`, mentionId: mention.id, department: 'service' });
      await new DynamoMentionRepository(local.documents, topology.table.name).putIfAbsent(
        {
          mention,
          classification: classificationFactory(),
          routing: { department: 'service', cc: [], priority: 'normal', reasons: [] },
          caseId: event.caseId,
        },
        EXPIRES,
      );
      await new DynamoCaseRepository(local.documents, topology.table.name).recordMention(event, EXPIRES, writer);
      return { mention, event, claimId: `mention:${mention.id}#service` };
    }

    /** The table's client, running `between` once right after the deletion's query of the case's records. */
    function pausedAfterRecordsRead(between: () => Promise<void>): DynamoDBDocumentClient {
      let pending = true;
      const send = async (command: unknown) => {
        const answer = await local.documents.send(command as QueryCommand);
        const input = command instanceof QueryCommand ? command.input : undefined;
        if (pending && String(input?.ExpressionAttributeValues?.[':pk'] ?? '').startsWith('CASE#')) {
          pending = false;
          await between();
        }
        return answer;
      };
      return { send } as unknown as DynamoDBDocumentClient;
    }

    const record = async (event: ReturnType<typeof mentionRoutedFactory>) =>
      (
        await local.documents.send(
          new GetCommand({
            TableName: topology.table.name,
            Key: keys.caseMention(event.caseId, event.createdAt, event.mentionId, 'service'),
            ConsistentRead: true,
          }),
        )
      ).Item;

    it('keeps a settlement written after the deletion read the record: a later redelivery is done', async () => {
      // Arrange: the record claimed by its writer; the writer settles it while the deletion is under way.
      const { mention, event, claimId } = await storedWithRecord('del1', claimAt('writer', NOW, 1_000));
      const eraser = new DynamoMentionRepository(
        pausedAfterRecordsRead(() =>
          claims.onRecordOf(event).settle(event.caseId, claimId, settlement('writer', ['k/slack:#a'], true)),
        ),
        topology.table.name,
      );

      // Act
      await eraser.erase(mention.id, NOW);
      const redelivery = await claims.onRecordOf(event).claimTargets(event.caseId, claimId, claimAt('late', LATER));

      // Assess
      expect(redelivery).toEqual({ claim: 'done', sent: [] });
      const item = await record(event);
      expect(item).toMatchObject({ complete: true });
      expect(item?.owner).toBeUndefined();
      expect(eventOfCaseMention(item ?? {})).toMatchObject({ text: '', authorId: 'erased', reasons: [] });
    });

    it('keeps the claim of a sender that took the record over after the deletion read it', async () => {
      // Arrange: the writer died (its lease ran out); a redelivery takes the claim over during the deletion.
      const { mention, event, claimId } = await storedWithRecord('del2', claimAt('dead', NOW, 1_000));
      let takeover: unknown;
      const eraser = new DynamoMentionRepository(
        pausedAfterRecordsRead(async () => {
          takeover = await claims.onRecordOf(event).claimTargets(event.caseId, claimId, claimAt('second', LATER));
        }),
        topology.table.name,
      );

      // Act
      await eraser.erase(mention.id, NOW);
      const third = await claims
        .onRecordOf(event)
        .claimTargets(event.caseId, claimId, claimAt('third', '2026-11-30T12:00:30.000Z'));

      // Assess: the second sender's lease stands, so the third waits instead of sending too.
      expect(takeover).toEqual({ claim: 'claimed', sent: [] });
      expect(third).toEqual({ claim: 'held' });
      expect(await record(event)).toMatchObject({ owner: 'second', complete: false });
    });
  });
});
