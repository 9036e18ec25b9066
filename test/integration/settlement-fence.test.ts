import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyBatch, dependenciesFrom as classifyDependencies } from '../../functions/classify-mention/handler.ts';
import {
  dependenciesFrom as departmentDependencies,
  handleDepartmentBatch,
  type HandleDepartmentDeps,
} from '../../functions/handle-department/handler.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoMetricRepository } from '../../shared/adapters/dynamodb/index.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { DynamoNotificationClaims } from '../../shared/adapters/dynamodb/notification-claims.ts';
import { liftSettlementFence } from '../../shared/adapters/dynamodb/settlement-format-rollback.ts';
import { settledEntryOf } from '../../shared/adapters/dynamodb/settlement-mark.ts';
import { createNotifier } from '../../shared/adapters/notify/index.ts';
import { caseLinkBaseOf } from '../../shared/config/config-views.ts';
import { createDepartmentNotifier } from '../../shared/domain/department-notifier.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import type { Mention } from '../../shared/domain/mention.ts';
import { DELIVERY_LEASE_MS } from '../../shared/domain/notify-department.ts';
import type { Clock, NotificationClaims } from '../../shared/domain/ports.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionFactory, routedBatchEnvelope, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';
import { clockAhead, RecordingPublisher } from '../fakes/in-memory.ts';
import { HandlerPipeline } from '../support/handler-pipeline.ts';
import { previousReleaseClaims } from '../support/previous-release-record-claims.ts';

/**
 * Attack tests for the settlement and the tally as one write per batch (issue 12, round w22):
 * a batch settles the notifications it sent in its tally item of the day (`TALLY#<day>` /
 * `DEPT#<dept>#<mark>`), a place that a release before w22 does not read. A record claimed
 * there, its notification sent and settled, its message coming back after the lease (a
 * batch-mate failed): notified once by this release, and once by the release before (its
 * exact commands, test/support/previous-release-record-claims.ts), which the fence keeps from
 * taking the record over until `settlement-format --down` settles it. Real handlers, dynalite,
 * the real outbox.
 */

const ALMA = { id: '7880101', name: 'Alma Anfangsberg', handle: '@almaa' };
const BODO = { id: '7880102', name: 'Bodo Beitritt', handle: '@bodob' };

function says(author: typeof ALMA, externalId: string, text: string, at: string): Mention {
  return mentionFactory({
    externalId,
    threadId: `104729381726354_${externalId}`,
    createdAt: at,
    receivedAt: at,
    author,
    text,
  });
}

describe('the settlement and the tally in one write per batch, fenced', () => {
  const config = demoConfig();
  let pipeline: HandlerPipeline;
  const publisher = new RecordingPublisher();
  let metrics: DynamoMetricRepository;
  let documents: ReturnType<typeof createDocumentClient>;
  let messages = 0;

  beforeAll(async () => {
    pipeline = await HandlerPipeline.start(config);
    documents = createDocumentClient(pipeline.env);
    metrics = new DynamoMetricRepository(documents, pipeline.tableName);
  }, 60_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  /** Classifies the mentions (one intake batch): the department messages it published, as the queues hold them. */
  async function classify(mentions: readonly Mention[]): Promise<SQSRecord[]> {
    const from = publisher.messages.length;
    const deps = classifyDependencies(pipeline.env);
    const result = await classifyBatch(
      sqsEventFactory(mentions.map((m) => sqsRecordFactory(JSON.stringify(m), `intake-${messages++}`))),
      contextFactory(),
      { ...deps, events: publisher, caseChanges: { ...deps.caseChanges!, events: publisher } },
    );
    expect(result.batchItemFailures).toEqual([]);
    return publisher.messages
      .slice(from)
      .map((e, i) =>
        sqsRecordFactory('mentions' in e ? routedBatchEnvelope(e) : routedEnvelope(e), `routed-${from + i}`),
      );
  }

  /**
   * handle-department's dependencies as its function builds them; with `clock`, its notifier's
   * clock; with `claims`, its notifier's claims instead of this release's (the release before).
   */
  function departmentDeps(options: { clock?: Clock; claims?: 'previous' } = {}): HandleDepartmentDeps {
    const base = departmentDependencies(pipeline.env);
    const deps = { ...base, change: { ...base.change, events: publisher } };
    if (!options.clock && !options.claims) return deps;
    const items = new DynamoNotificationClaims(documents, pipeline.tableName, { timezone: config.company.timezone });
    const log: NotificationClaims =
      options.claims === 'previous' ? previousReleaseClaims(documents, pipeline.tableName, items) : items;
    const clock = options.clock ?? base.clock;
    const notifier = createDepartmentNotifier({
      departments: config.departments,
      options: { timezone: config.company.timezone, caseBaseUrl: caseLinkBaseOf(config) },
      cases: base.cases,
      notifier: createNotifier(pipeline.env, config),
      log,
      clock,
      retentionDays: config.retention.days,
    });
    return { ...deps, clock, notifier };
  }

  /** handle-department's dependencies whose batch notifier fails the send of `failing` (a target down). */
  function failingSendOf(failing: Mention): HandleDepartmentDeps {
    const real = departmentDeps();
    return {
      ...real,
      notifier: {
        ...real.notifier,
        batch: () => {
          const batch = real.notifier.batch?.();
          if (!batch) throw new Error('the notifier has no batch settlements');
          return {
            flush: batch.flush,
            notifier: {
              ...batch.notifier,
              mention: (event, kase, claimed) =>
                event.mentionId === failing.id
                  ? Promise.reject(new Error('Slack answered 503'))
                  : batch.notifier.mention(event, kase, claimed),
            },
          };
        },
      },
    };
  }

  /** A department batch of the records; the ids of the records that failed. */
  async function handle(records: readonly SQSRecord[], deps = departmentDeps()): Promise<string[]> {
    try {
      const result = await handleDepartmentBatch(sqsEventFactory([...records]), contextFactory(), deps);
      return result.batchItemFailures.map((f) => f.itemIdentifier);
    } catch (error) {
      if (error instanceof FullBatchFailureError) return records.map((r) => r.messageId);
      throw error;
    }
  }

  /** How often each target got the mention's notification. */
  async function deliveriesOf(mention: Mention): Promise<number[]> {
    const counts: Record<string, number> = {};
    for (const line of await pipeline.outboxLines()) {
      const { notification, target } = JSON.parse(line) as { notification: { id: string }; target: unknown };
      if (notification.id !== `mention:${mention.id}`) continue;
      const key = JSON.stringify(target);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return Object.values(counts);
  }

  /** The routed mention's record on its case. */
  async function recordOf(mention: Mention): Promise<Record<string, unknown> | undefined> {
    const event = publisher.published.find((e) => e.mentionId === mention.id) as MentionRouted;
    const { Item } = await documents.send(
      new GetCommand({
        TableName: pipeline.tableName,
        Key: keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department),
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  /** Every routed mention the day's tallies count for a department (primary and cc). */
  async function countedOn(day: string, department: string): Promise<number> {
    const tallies = await metrics.talliesOf(day);
    return tallies
      .filter((t) => t.department === department)
      .reduce((sum, t) => sum + (t.fields.mentions ?? 0) + (t.fields.cc ?? 0), 0);
  }

  /**
   * Two openers in one `Mentions Routed` message: the first is sent and settled in the
   * batch's item, the second's send fails, so the message fails and comes back.
   */
  async function sentAndFailed(day: string, ids: [string, string]) {
    const sent = says(ALMA, ids[0], 'Mein Schloss klemmt seit gestern', `${day}T09:00:00.000Z`);
    const failing = says(BODO, ids[1], 'Meine Klingel ist abgefallen', `${day}T09:01:00.000Z`);
    const records = await classify([sent, failing]);
    expect(records).toHaveLength(1);
    expect(await handle(records, failingSendOf(failing))).toEqual([records[0]?.messageId]);
    return { sent, failing, records };
  }

  it('settles the sent notification in the batch’s tally item, fenced, and sends it once when its message comes back', async () => {
    // Arrange
    const { sent, failing, records } = await sentAndFailed('2026-10-12', ['7101_1', '7102_1']);
    const record = await recordOf(sent);

    // Act
    const afterLease = await handle(records, departmentDeps({ clock: clockAhead(2 * DELIVERY_LEASE_MS) }));
    const later = await handle(records, departmentDeps({ clock: clockAhead(4 * DELIVERY_LEASE_MS) }));

    // Assess: the fence on the record, its place a tally item of the mention's day.
    expect(record).toMatchObject({ complete: false, mark: null, mark2: expect.stringMatching(/^2026-10-12#/) });
    const [day, mark] = String(record?.mark2).split('#') as [string, string];
    const { Item: item } = await documents.send(
      new GetCommand({ TableName: pipeline.tableName, Key: keys.batchTally(day, 'service', mark) }),
    );
    expect(item).toMatchObject({ type: 'tally', day, department: 'service', mentions: 2 });
    expect(item?.settled).toEqual(new Set([settledEntryOf({ PK: String(record?.PK), SK: String(record?.SK) })]));
    expect((await pipeline.items()).filter((i) => String(i.PK).startsWith('SETTLED#'))).toEqual([]);
    expect(afterLease).toEqual([]);
    expect(later).toEqual([]);
    const once = await deliveriesOf(sent);
    expect(once.length).toBeGreaterThan(0);
    expect(once).toEqual(once.map(() => 1));
    expect(await deliveriesOf(failing)).toEqual(once.map(() => 1));
    expect(await countedOn('2026-10-12', 'service')).toBe(2);
  });

  it('keeps the release before from sending it again (the fence), and the down step lets it finish the rest once', async () => {
    // Arrange
    const { sent, failing, records } = await sentAndFailed('2026-10-13', ['7103_1', '7104_1']);
    const before = await recordOf(sent);
    const previous = (ms: number) => departmentDeps({ clock: clockAhead(ms), claims: 'previous' });

    // Act: the release before takes the message after the lease, then the down step, then it again.
    const refused = await handle(records, previous(2 * DELIVERY_LEASE_MS));
    const afterRefusal = await recordOf(sent);
    const down = await liftSettlementFence(documents, pipeline.tableName, {
      now: new Date(Date.now() + 2 * DELIVERY_LEASE_MS),
    });
    const again = await handle(records, previous(4 * DELIVERY_LEASE_MS));
    const later = await handle(records, previous(6 * DELIVERY_LEASE_MS));

    // Assess
    expect(refused).toEqual([records[0]?.messageId]);
    expect(afterRefusal).toEqual(before);
    // Every fenced record of the table (those of the test before too) settled or freed.
    expect(down).toMatchObject({ found: down.written, inFlight: 0, changed: 0 });
    expect(down.settled).toBeLessThan(down.written);
    const { mark: _null, mark2: _place, owner: _owner, leaseUntil: _lease, ...settled } = before ?? {};
    expect(await recordOf(sent)).toEqual({ ...settled, complete: true });
    const freed = await recordOf(failing);
    expect(freed).toMatchObject({ complete: true });
    expect(freed).not.toHaveProperty('mark');
    expect(freed).not.toHaveProperty('mark2');
    expect(again).toEqual([]);
    expect(later).toEqual([]);
    const once = await deliveriesOf(sent);
    expect(once.length).toBeGreaterThan(0);
    expect(once).toEqual(once.map(() => 1));
    expect(await deliveriesOf(failing)).toEqual(once.map(() => 1));
    // Read by the release before as one more item of the day: counted once.
    expect(await countedOn('2026-10-13', 'service')).toBe(2);
  });

  it('would let the release before send it again without the fence (the attack the fence stops)', async () => {
    // Arrange: the same record, its place named in a string `mark` as a release before knows it.
    const { sent, records } = await sentAndFailed('2026-10-14', ['7105_1', '7106_1']);
    const record = (await recordOf(sent)) as Record<string, unknown>;
    const { mark2, ...rest } = record;
    await documents.send(
      new PutCommand({ TableName: pipeline.tableName, Item: { ...rest, mark: String(mark2).split('#')[1] } }),
    );

    // Act
    await handle(records, departmentDeps({ clock: clockAhead(2 * DELIVERY_LEASE_MS), claims: 'previous' }));

    // Assess
    const deliveries = await deliveriesOf(sent);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries).toEqual(deliveries.map(() => 2));
  });

  it('leaves a record whose lease still runs to its sender, and counts it for a second run', async () => {
    // Arrange: a record claimed just now (its sender may still settle it).
    const { failing } = await sentAndFailed('2026-10-15', ['7107_1', '7108_1']);
    const leased = await recordOf(failing);

    // Act
    const dry = await liftSettlementFence(documents, pipeline.tableName, { dryRun: true });
    const down = await liftSettlementFence(documents, pipeline.tableName);

    // Assess
    expect(dry).toMatchObject({ found: down.found, written: 0 });
    expect(down.inFlight).toBeGreaterThanOrEqual(1);
    expect(await recordOf(failing)).toEqual(leased);
  });
});
