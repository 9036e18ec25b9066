import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyBatch,
  type dependenciesFrom as classifyDependencies,
} from '../../functions/classify-mention/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoCaseRepository, DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { caseIdForThread } from '../../shared/domain/case.ts';
import type { MentionDeletion } from '../../shared/domain/mention-deletion.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionFactory, mentionRoutedFactory, sqsRecordFactory } from '../factories/mention.ts';
import { RecordingPublisher } from '../fakes/in-memory.ts';
import { classifyDependenciesRecordingTo } from '../support/classify-dependencies.ts';
import { startLocalTable } from '../support/local-table.ts';

/** Own replies and deletion notices through classify-mention, against a real dynalite table. */
describe('own replies and deletions against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let deps: ReturnType<typeof classifyDependencies>;
  let cases: DynamoCaseRepository;
  let mentions: DynamoMentionRepository;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    const env = { ...local.env, COMPANY_CONFIG: JSON.stringify(config), EVENT_BUS_NAME: topology.bus.name };
    const publisher = new RecordingPublisher();
    deps = classifyDependenciesRecordingTo(env, publisher);
    cases = new DynamoCaseRepository(local.documents, topology.table.name);
    mentions = new DynamoMentionRepository(local.documents, topology.table.name);
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

  it("records the company's first reply on the thread's case as its first response time, and notes it", async () => {
    // Arrange
    const thread = 'x-thread-1';
    const customer = mentionFactory({
      platform: 'x',
      externalId: 'c-1',
      threadId: thread,
      createdAt: '2026-11-28T09:00:00.000Z',
    });
    const reply = mentionFactory({
      platform: 'x',
      externalId: 'r-1',
      threadId: thread,
      isOwnAccount: true,
      createdAt: '2026-11-28T09:40:00.000Z',
    });
    const later = mentionFactory({
      platform: 'x',
      externalId: 'r-2',
      threadId: thread,
      isOwnAccount: true,
      createdAt: '2026-11-28T10:10:00.000Z',
    });
    await deliver(customer);

    // Act
    const result = await deliver(reply, later);

    // Assess
    const caseId = caseIdForThread('x', thread);
    expect(result.batchItemFailures).toEqual([]);
    expect(await cases.firstResponseAt(caseId)).toBe('2026-11-28T09:40:00.000Z');
    expect((await cases.get(caseId))?.state).toBe('responded');
    expect((await cases.notesOf(caseId)).map((n) => [n.kind, n.mentionId])).toEqual([
      ['own-reply', 'x:r-1'],
      ['own-reply', 'x:r-2'],
    ]);
  });

  it('recognises the platform echo of a reply the company published through the API: no second reply noted', async () => {
    // Arrange: the case of the thread, with a reply the platform took (as send-reply stores it)
    const thread = 'x-thread-echo';
    const customer = mentionFactory({
      platform: 'x',
      externalId: 'c-echo',
      threadId: thread,
      createdAt: '2026-11-28T09:00:00.000Z',
    });
    await deliver(customer);
    const caseId = caseIdForThread('x', thread);
    const opened = await cases.get(caseId, { consistent: true });
    if (!opened) throw new Error('the customer mention opened no case');
    const published = {
      replyId: 'reply_00000000000000ec',
      platformPostId: 'r-echo',
      at: '2026-11-28T09:30:00.000Z',
      by: 'user:jana@example.de',
      text: 'Danke, wir kümmern uns!',
    };
    await cases.saveTransition(
      { ...opened, version: (opened.version ?? 0) + 1, publishedReplies: [published] },
      opened.version ?? 0,
      1_900_000_000,
    );
    const echo = mentionFactory({
      platform: 'x',
      externalId: 'r-echo',
      threadId: thread,
      isOwnAccount: true,
      createdAt: '2026-11-28T09:30:05.000Z',
    });

    // Act
    const result = await deliver(echo);

    // Assess: routed (not redelivered), and not counted as a reply of its own
    expect(result.batchItemFailures).toEqual([]);
    expect(await cases.notesOf(caseId)).toEqual([]);
    expect((await mentions.get(echo.id))?.routedAt).toBeDefined();
  });

  // A reply processed after the case became responded is noted, and changes no state, even
  // when the platform dates it earlier: the first reply processed stands as the first response.
  it('keeps the first processed reply as first response when a reply arrives out of order', async () => {
    // Arrange
    const thread = 'x-thread-2';
    await deliver(mentionFactory({ platform: 'x', externalId: 'c-2', threadId: thread }));
    await deliver(
      mentionFactory({
        platform: 'x',
        externalId: 'r-4',
        threadId: thread,
        isOwnAccount: true,
        createdAt: '2026-11-28T11:00:00.000Z',
      }),
    );

    // Act
    await deliver(
      mentionFactory({
        platform: 'x',
        externalId: 'r-3',
        threadId: thread,
        isOwnAccount: true,
        createdAt: '2026-11-28T10:00:00.000Z',
      }),
    );

    // Assess
    const caseId = caseIdForThread('x', thread);
    expect(await cases.firstResponseAt(caseId)).toBe('2026-11-28T11:00:00.000Z');
    expect((await cases.notesOf(caseId)).map((n) => n.mentionId)).toEqual(['x:r-3', 'x:r-4']);
  });

  it("erases a deleted tweet's text and author, on the mention and its case records, and notes the deletion on the case", async () => {
    // Arrange
    const thread = 'x-thread-3';
    const customer = mentionFactory({
      platform: 'x',
      externalId: 'd-1',
      threadId: thread,
      author: { id: '3001969357', name: 'Jordan' },
      text: 'Euer Support ist eine Katastrophe',
    });
    await deliver(customer);
    const caseId = caseIdForThread('x', thread);
    await cases.recordMention(
      mentionRoutedFactory({
        caseId,
        mentionId: customer.id,
        platform: 'x',
        createdAt: customer.createdAt,
        text: customer.text,
        authorId: '3001969357',
        classifierReasons: ['category complaint (90%): word "katastrophe"'],
      }),
      2_000_000_000,
    );
    const deletion: MentionDeletion = {
      type: 'deletion',
      id: 'x:d-1',
      platform: 'x',
      externalId: 'd-1',
      authorId: '3001969357',
      deletedAt: '2026-11-28T12:00:00.000Z',
      receivedAt: '2026-11-28T12:00:01.000Z',
      rawType: 'tweet_delete_events',
    };

    // Act
    const result = await deliver(deletion, deletion);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const stored = await mentions.get('x:d-1');
    expect(stored?.mention).toMatchObject({ text: '', author: { id: 'erased' } });
    expect((await cases.mentionsOf(caseId)).map((e) => [e.text, e.authorId, e.reasons, e.classifierReasons])).toEqual([
      ['', 'erased', [], undefined],
    ]);
    expect(stored?.classification.reasons).toEqual([]);
    expect(await cases.notesOf(caseId)).toEqual([
      { kind: 'mention-deleted', mentionId: 'x:d-1', at: '2026-11-28T12:00:00.000Z' },
    ]);
  });

  it('accepts the deletion of a mention that was never stored, changing nothing', async () => {
    // Arrange
    const deletion = {
      type: 'deletion',
      id: 'x:never',
      platform: 'x',
      externalId: 'never',
      deletedAt: '2026-11-28T12:00:00.000Z',
      receivedAt: '2026-11-28T12:00:01.000Z',
      rawType: 'tweet_delete_events',
    };

    // Act
    const result = await deliver(deletion);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(await mentions.get('x:never')).toBeUndefined();
  });

  it('fails only the record that is neither a Mention nor a deletion notice', async () => {
    // Act
    const result = await deliver(
      { type: 'deletion', id: 'x' },
      mentionFactory({ externalId: 'ok-1', threadId: 'fb-ok' }),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
  });
});
