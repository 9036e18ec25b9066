import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyBatch,
  type dependenciesFrom as classifyDependencies,
} from '../../functions/classify-mention/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoCaseRepository, DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { caseIdForThread } from '../../shared/domain/case.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionFactory, sqsRecordFactory } from '../factories/mention.ts';
import { RecordingPublisher } from '../fakes/in-memory.ts';
import { classifyDependenciesRecordingTo } from '../support/classify-dependencies.ts';
import { startLocalTable } from '../support/local-table.ts';
import { itemSize } from '../../bench/aws-requests.ts';

/** What classify-mention stores and publishes per intake batch, against a real dynalite table. */
describe('classify-mention batch items and events against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let publisher: RecordingPublisher;
  let deps: ReturnType<typeof classifyDependencies>;
  let mentions: DynamoMentionRepository;
  let cases: DynamoCaseRepository;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    publisher = new RecordingPublisher();
    const env = { ...local.env, COMPANY_CONFIG: JSON.stringify(config), EVENT_BUS_NAME: topology.bus.name };
    deps = classifyDependenciesRecordingTo(env, publisher);
    mentions = new DynamoMentionRepository(local.documents, topology.table.name);
    cases = new DynamoCaseRepository(local.documents, topology.table.name);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  const deliver = (...bodies: unknown[]) =>
    classifyBatch(
      sqsEventFactory(bodies.map((b, i) => sqsRecordFactory(JSON.stringify(b), `m${i}`))),
      contextFactory(),
      deps,
    );

  it('stores the mention in about 1 KB with its classification compressed, and reads it back whole', async () => {
    // Arrange
    const mention = mentionFactory({
      externalId: 'size-1',
      threadId: 'size-thread',
      text: 'Mein Fahrrad ist seit drei Wochen in der Werkstatt und niemand meldet sich. Das ist eine Frechheit!',
    });

    // Act
    await deliver(mention);

    // Assess
    const { Item } = await local.documents.send(
      new GetCommand({ TableName: topology.table.name, Key: { PK: `MENTION#${mention.id}`, SK: 'MENTION' } }),
    );
    expect(Item?.detail).toBeInstanceOf(Uint8Array);
    expect(Item?.classification).toBeUndefined();
    expect(itemSize(Item ?? {})).toBeLessThanOrEqual(1024);
    const stored = await mentions.get(mention.id);
    expect(stored?.classification).toMatchObject({ category: expect.any(String), reasons: expect.any(Array) });
    expect(stored?.classification.reasons.length).toBeGreaterThan(0);
    expect(stored?.routing).toMatchObject({ department: expect.any(String), reasons: expect.any(Array) });
  });

  it('reads and erases a mention item written before the classification was compressed', async () => {
    // Arrange: the previous release's item shape.
    const mention = mentionFactory({ externalId: 'legacy-1', threadId: 'legacy-thread' });
    const classification = {
      language: 'de',
      relevant: true,
      sentiment: 'negative',
      category: 'complaint',
      urgency: 0.2,
      confidence: 0.8,
      reasons: [{ decision: 'category', feature: 'complaint: word "kaputt"', weight: 1 }],
      model: 'ngram-de@1',
    };
    const routing = {
      department: 'service',
      cc: [],
      priority: 'normal',
      reasons: ['rule r: word "kaputt"'],
      matched: [{ rule: 'r', why: ['word "kaputt"'], effects: ['department service'] }],
    };
    await local.documents.send(
      new PutCommand({
        TableName: topology.table.name,
        Item: {
          PK: `MENTION#${mention.id}`,
          SK: 'MENTION',
          type: 'mention',
          mention,
          classification,
          routing,
          caseId: 'c-legacy',
          expiresAt: 2_000_000_000,
        },
      }),
    );

    // Act
    const read = await mentions.get(mention.id);
    await mentions.erase(mention.id, '2026-12-01T00:00:00.000Z');
    const erased = await mentions.get(mention.id);

    // Assess
    expect(read).toMatchObject({ classification, routing, caseId: 'c-legacy' });
    expect(erased?.classification.reasons).toEqual([]);
    expect(erased?.routing.reasons).toEqual([]);
    expect(erased?.routing.matched).toBeUndefined();
  });

  it('erases the reasons inside the compressed classification of a deleted mention', async () => {
    // Arrange
    const mention = mentionFactory({ externalId: 'erase-1', threadId: 'erase-thread', text: 'Mein Rad ist kaputt!' });
    await deliver(mention);

    // Act
    await mentions.erase(mention.id, '2026-12-01T00:00:00.000Z');

    // Assess
    const erased = await mentions.get(mention.id);
    expect(erased?.mention).toMatchObject({ text: '', author: { id: 'erased' } });
    expect(erased?.classification.reasons).toEqual([]);
    expect(erased?.classification.category).toEqual(expect.any(String));
    expect(erased?.routing.reasons).toEqual([]);
    expect(erased?.routing.matched).toBeUndefined();
  });

  it('fails a record whose events the bus refused, and its redelivery opens no second case and publishes the same case event', async () => {
    // Arrange: the bus refuses the first publish of the batch.
    const mention = mentionFactory({ externalId: 'redeliver-1', threadId: 'redeliver-thread', text: 'Kaputt!' });
    publisher.failNext = true;
    const first = await deliver(mention).catch((error: unknown) => error);
    const refusedCalls = publisher.calls;

    // Act
    const second = await deliver(mention);

    // Assess
    expect(first).toBeInstanceOf(Error);
    expect(second.batchItemFailures).toEqual([]);
    expect(publisher.calls).toBe(refusedCalls + 1);
    const caseId = caseIdForThread(mention.platform, 'redeliver-thread');
    const assigned = publisher.caseEvents.filter((e) => e.caseId === caseId);
    expect(assigned.map((e) => [e.action, e.transitionId, e.actor])).toEqual([
      ['assign', `assign:${mention.id}`, 'system:classify-mention'],
    ]);
    expect((await cases.get(caseId))?.history?.map((h) => h.transitionId)).toEqual([`assign:${mention.id}`]);
    const { Items = [] } = await local.documents.send(
      new ScanCommand({
        TableName: topology.table.name,
        FilterExpression: 'SK = :sk AND threadId = :thread',
        ExpressionAttributeValues: { ':sk': 'CASE', ':thread': 'redeliver-thread' },
      }),
    );
    expect(Items).toHaveLength(1);
  });
  it('marks a batch routed in one mark item; mentions a crash left unmarked are routed once by later batches, then duplicates', async () => {
    // Arrange: a batch of two whose publish the bus refuses (as a crash before the mark would).
    const a = mentionFactory({ externalId: 'mark-a', threadId: 'mark-thread-a', text: 'Kaputt!' });
    const b = mentionFactory({ externalId: 'mark-b', threadId: 'mark-thread-b', text: 'Wo bleibt meine Lieferung?' });
    publisher.failNext = true;
    await deliver(a, b).catch((error: unknown) => error);
    const afterCrash = publisher.calls;

    // Act: a alone, then both, then both again (each delivered in a batch of its own).
    const onlyA = await deliver(a);
    const routedA = publisher.calls;
    const both = await deliver(a, b);
    const routedB = publisher.calls;
    const again = await deliver(b, a);

    // Assess: each published once more after the crash, then skipped.
    expect([onlyA, both, again].map((r) => r.batchItemFailures)).toEqual([[], [], []]);
    expect(routedA).toBe(afterCrash + 1);
    expect(routedB).toBe(routedA + 1);
    expect(publisher.calls).toBe(routedB);
    const { Items = [] } = await local.documents.send(
      new ScanCommand({
        TableName: topology.table.name,
        FilterExpression: 'begins_with(PK, :mark) OR PK IN (:a, :b)',
        ExpressionAttributeValues: { ':mark': 'ROUTED#', ':a': `MENTION#${a.id}`, ':b': `MENTION#${b.id}` },
      }),
    );
    const stored = Items.filter((i) => i.SK === 'MENTION');
    expect(stored).toHaveLength(2);
    // Both were stored naming the first batch's mark, and both are routed in it, with no mark of their own.
    expect(new Set(stored.map((i) => i.mark)).size).toBe(1);
    const mark = Items.find((i) => i.PK === `ROUTED#${stored[0]?.mark}`);
    expect([...(mark?.mentions ?? [])].sort()).toEqual([a.id, b.id].sort());
    expect(Items.filter((i) => i.SK === 'ROUTED' && String(i.PK).startsWith('MENTION#'))).toEqual([]);
    expect((await mentions.get(a.id))?.routedAt).toBe(mark?.routedAt);
    expect((await mentions.get(b.id))?.routedAt).toBe(mark?.routedAt);
  });

  it("opens a thread's case once when several of its mentions arrive in one batch: no creation lost to a sibling", async () => {
    // Arrange: four comments of one new thread and one of another, in one batch (intake batches hold up
    // to 50 since round w14, so a thread's comments often share one); every case creation is recorded
    const thread = [1, 2, 3, 4].map((n) =>
      mentionFactory({
        externalId: `sibling-${n}`,
        threadId: 'sibling-thread',
        text: `Meine Bestellung ${n} fehlt noch`,
      }),
    );
    const other = mentionFactory({ externalId: 'sibling-other', threadId: 'sibling-other-thread' });
    const creations: string[] = [];
    const counted = new Proxy(deps.cases, {
      get(target, property, receiver) {
        if (property === 'ensure')
          return (c: Parameters<typeof target.ensure>[0], expiresAt: number) => {
            creations.push(c.id);
            return target.ensure(c, expiresAt);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    // Act
    const response = await classifyBatch(
      sqsEventFactory([...thread, other].map((m, i) => sqsRecordFactory(JSON.stringify(m), `s${i}`))),
      contextFactory(),
      { ...deps, cases: counted },
    );

    // Assess: one creation per thread (a sibling that raced would have tried its own and lost it:
    // a failed conditional put), and every comment on the thread's case
    expect(response.batchItemFailures).toEqual([]);
    const threadCase = caseIdForThread(thread[0]!.platform, 'sibling-thread');
    expect(creations.filter((id) => id === threadCase)).toHaveLength(1);
    expect(creations).toHaveLength(2);
    for (const m of thread) expect((await mentions.get(m.id))?.caseId).toBe(threadCase);
  });

  it("reads the batch's thread cases in one BatchGetItem, no GetItem of a case, and threads each mention as before", async () => {
    // Arrange: thread A has its case already; the batch brings a comment on A, a new thread B
    // with two mentions and a new thread C.
    const opener = mentionFactory({ externalId: 'together-a0', threadId: 'together-a', text: 'Kaputt!' });
    await deliver(opener);
    const batch = [
      mentionFactory({ externalId: 'together-a1', threadId: 'together-a', text: 'Immer noch kaputt' }),
      mentionFactory({ externalId: 'together-b0', threadId: 'together-b', text: 'Wo bleibt meine Lieferung?' }),
      mentionFactory({ externalId: 'together-b1', threadId: 'together-b', text: 'Lieferung fehlt noch immer' }),
      mentionFactory({ externalId: 'together-c0', threadId: 'together-c', text: 'Tolles Rad, danke!' }),
    ];
    const requests: string[] = [];
    local.documents.middlewareStack.add(
      (next, context) => async (args) => {
        const sk = (args.input as { Key?: { SK?: unknown } }).Key?.SK;
        if (context.commandName === 'BatchGetItemCommand') requests.push('BatchGetItem');
        if (context.commandName === 'GetItemCommand' && sk === 'CASE') requests.push('GetItem CASE');
        return next(args);
      },
      { step: 'initialize', name: 'countCaseReads' },
    );
    const caseRepository = new DynamoCaseRepository(local.documents, topology.table.name);

    // Act
    const response = await classifyBatch(
      sqsEventFactory(batch.map((m, i) => sqsRecordFactory(JSON.stringify(m), `t${i}`))),
      contextFactory(),
      { ...deps, cases: caseRepository },
    ).finally(() => local.documents.middlewareStack.remove('countCaseReads'));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(requests).toEqual(['BatchGetItem']);
    const caseOf = (thread: string) => caseIdForThread(opener.platform, thread);
    expect(await Promise.all(batch.map(async (m) => (await mentions.get(m.id))?.caseId))).toEqual([
      caseOf('together-a'),
      caseOf('together-b'),
      caseOf('together-b'),
      caseOf('together-c'),
    ]);
    expect((await cases.get(caseOf('together-a')))?.firstMentionId).toBe(opener.id);
    expect((await cases.get(caseOf('together-b')))?.firstMentionId).toBe(batch[1]?.id);
    expect((await cases.get(caseOf('together-c')))?.firstMentionId).toBe(batch[3]?.id);
  });

  it("threads every mention when the read of the batch's cases together fails: each record reads its own", async () => {
    // Arrange: the read together is refused (throttled after the SDK's retries, say).
    const opener = mentionFactory({ externalId: 'apart-a0', threadId: 'apart-a', text: 'Kaputt!' });
    await deliver(opener);
    const comment = mentionFactory({ externalId: 'apart-a1', threadId: 'apart-a', text: 'Immer noch kaputt' });
    const fresh = mentionFactory({ externalId: 'apart-b0', threadId: 'apart-b', text: 'Wo bleibt meine Lieferung?' });
    const refusing = Object.assign(Object.create(cases) as DynamoCaseRepository, {
      getMany: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });

    // Act
    const response = await classifyBatch(
      sqsEventFactory([comment, fresh].map((m, i) => sqsRecordFactory(JSON.stringify(m), `u${i}`))),
      contextFactory(),
      { ...deps, cases: refusing },
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await mentions.get(comment.id))?.caseId).toBe(caseIdForThread(opener.platform, 'apart-a'));
    expect((await cases.get(caseIdForThread(fresh.platform, 'apart-b')))?.firstMentionId).toBe(fresh.id);
  });
});
