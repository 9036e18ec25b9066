import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoAuthorErasure, dynamoErasurePorts } from '../../shared/adapters/dynamodb/author-erasure.ts';
import { DynamoCaseRepository, DynamoMentionRepository, GSI2, keys } from '../../shared/adapters/dynamodb/index.ts';
import { eraseAuthor, type PersonalItem } from '../../shared/domain/erase-author.ts';
import type { Mention } from '../../shared/domain/mention.ts';
import type { StoredMention } from '../../shared/domain/ports.ts';
import type { Routing } from '../../shared/domain/route-mention.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { HandlerPipeline } from '../support/handler-pipeline.ts';
import { startLocalTable } from '../support/local-table.ts';
import { classificationFactory } from '../factories/classification.ts';

/**
 * The author index (GSI2) without an entry per opening mention: a mention that opens its
 * case is found through the case's entry (`CASE#<openedAt>`, the case names it as its
 * first mention). These tests store what each path leaves in dynalite and erase the author
 * with the real adapters, including items an earlier release wrote and a crash midway.
 */

const EXPIRES = 4_102_444_800;
const ADMIN = { sub: 'sub-greta', email: 'greta.voss@radwerk-hansen.example', name: 'Greta Voss' };
const NINA = { id: '8880001', name: 'Nina Beispielfrau', handle: '@ninab' };
const classification = classificationFactory();
const routing: Routing = { department: 'service', cc: [], priority: 'normal', reasons: ['complaint: service'] };

function ninaSays(externalId: string, threadId: string, createdAt: string): Mention {
  return mentionFactory({
    externalId,
    threadId,
    createdAt,
    receivedAt: createdAt,
    author: NINA,
    text: `Mein Lastenrad Nr. ${externalId} ist kaputt`,
  });
}

async function authorEntries(documents: DynamoDBDocumentClient, tableName: string, authorId: string) {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: GSI2,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.author('facebook', authorId) },
    }),
  );
  return Items.map((i) => `${String(i.PK)} ${String(i.GSI2SK).split('#')[0]}`).sort();
}

describe('the author index written by the pipeline', () => {
  const ole = { id: '8880002', name: 'Ole Anders' };
  const opening = ninaSays('811_1', '104729381726354_811', '2026-11-28T09:00:00.000Z');
  const othersCase = mentionFactory({
    externalId: '812_1',
    threadId: '104729381726354_812',
    author: ole,
    text: 'Mein E-Trekker hat einen Platten, wer hilft?',
    createdAt: '2026-11-28T09:01:00.000Z',
    receivedAt: '2026-11-28T09:01:00.000Z',
  });
  const joining = ninaSays('812_2', '104729381726354_812', '2026-11-28T09:02:00.000Z');
  let pipeline: HandlerPipeline;

  beforeAll(async () => {
    const config = demoConfig();
    pipeline = await HandlerPipeline.start({
      ...config,
      admin: { ...config.admin, admins: [{ name: ADMIN.name, email: ADMIN.email }] },
    });
    await pipeline.deliver([opening, othersCase]);
    await pipeline.deliver([joining]);
  });

  afterAll(async () => {
    await pipeline.stop();
  });

  it('gives the case an entry and the mention that opened it none; a mention joining a case keeps its own', async () => {
    // Act
    const items = await pipeline.items();

    // Assess
    const mentionItem = (m: Mention) => items.find((i) => i.PK === `MENTION#${m.id}` && i.SK === 'MENTION');
    expect(mentionItem(opening)).not.toHaveProperty('GSI2PK');
    expect(mentionItem(joining)).toMatchObject({ GSI2PK: keys.author('facebook', NINA.id) });
    const caseOfOpening = items.find((i) => i.SK === 'CASE' && i.firstMentionId === opening.id);
    expect(caseOfOpening).toMatchObject({ GSI2PK: keys.author('facebook', NINA.id), authorId: NINA.id });
  });

  it("erases the opening mention found through its case and the mention on someone else's case", async () => {
    // Act
    const started = await pipeline.call('POST /authors/{platform}/{authorId}/erase', {
      pathParameters: { platform: 'facebook', authorId: NINA.id },
      claims: ADMIN,
    });
    const answer = await pipeline.erasureOf(started, ADMIN);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ counts: { mentions: 2 } });
    const items = await pipeline.items();
    expect(items.find((i) => i.SK === 'CASE' && i.threadId === opening.threadId)).toMatchObject({
      authorId: 'erased',
      firstMentionId: 'erased',
    });
    const text = JSON.stringify(items);
    expect(text).not.toContain(NINA.name);
    expect(text).not.toContain(opening.id);
    expect(text).not.toContain(joining.id);
    expect(text).toContain(othersCase.text);
  });
});

describe('erasure through the author index on items of each release', () => {
  const table = buildTopology(demoConfig()).table;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let mentions: DynamoMentionRepository;
  let cases: DynamoCaseRepository;

  const erase = (authorId: string, store?: DynamoAuthorErasure) =>
    eraseAuthor({ platform: 'facebook', authorId }, 'cli:ops', {
      ...dynamoErasurePorts(local.documents, table.name),
      ...(store ? { store } : {}),
      clock: fixedClock('2026-11-30T08:00:00.000Z'),
      retentionDays: 365,
    });

  /** A mention as classify-mention stores it, and the case it opened (not yet recorded by handle-department). */
  async function opened(m: Mention, options: { throughCase: boolean; caseId: string }): Promise<void> {
    const stored: StoredMention = {
      mention: m,
      classification,
      routing,
      caseId: options.caseId,
      ...(options.throughCase ? { throughCase: true } : {}),
    };
    await mentions.putIfAbsent(stored, EXPIRES);
    await cases.ensure(
      caseFactory({ id: options.caseId, threadId: m.threadId, firstMentionId: m.id, authorId: m.author.id }),
      EXPIRES,
    );
  }

  async function allItems(): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await local.documents.send(new ScanCommand({ TableName: table.name }));
    return Items;
  }

  beforeAll(async () => {
    local = await startLocalTable(table);
    mentions = new DynamoMentionRepository(local.documents, table.name);
    cases = new DynamoCaseRepository(local.documents, table.name);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('erases a mention found only through the case it opened, before handle-department recorded it', async () => {
    // Arrange
    const m = ninaSays('821_1', '104729381726354_821', '2026-11-28T10:00:00.000Z');
    await opened(
      { ...m, author: { ...m.author, id: '8880021' } },
      { throughCase: true, caseId: 'case_idx_a000000000001' },
    );
    expect(await authorEntries(local.documents, table.name, '8880021')).toEqual(['CASE#case_idx_a000000000001 CASE']);

    // Act
    const answer = await erase('8880021');

    // Assess
    expect(answer.counts).toMatchObject({ mentions: 1, cases: 1 });
    expect(await mentions.get(m.id)).toBeUndefined();
    expect(await cases.get('case_idx_a000000000001')).toMatchObject({ authorId: 'erased', firstMentionId: 'erased' });
    expect(await authorEntries(local.documents, table.name, '8880021')).toEqual([]);
  });

  it('erases once a mention an earlier release stored with its own entry that also opened its case', async () => {
    // Arrange
    const m = ninaSays('822_1', '104729381726354_822', '2026-11-28T10:01:00.000Z');
    await opened(
      { ...m, author: { ...m.author, id: '8880022' } },
      { throughCase: false, caseId: 'case_idx_b000000000001' },
    );
    expect(await authorEntries(local.documents, table.name, '8880022')).toEqual([
      'CASE#case_idx_b000000000001 CASE',
      `MENTION#${m.id} MENTION`,
    ]);

    // Act
    const answer = await erase('8880022');

    // Assess
    expect(answer.counts).toMatchObject({ mentions: 1, cases: 1 });
    expect(await mentions.get(m.id)).toBeUndefined();
  });

  it('pseudonymizes a case whose opening mention expired before, and leaves the first mention of another author alone', async () => {
    // Arrange: the case outlived its first mention (a transition renews its TTL); a second
    // case of the author names a first mention that is someone else's (an earlier release)
    await cases.ensure(
      caseFactory({ id: 'case_idx_c000000000001', firstMentionId: 'facebook:823_1', authorId: '8880023' }),
      EXPIRES,
    );
    const other = mentionFactory({ externalId: '824_1', threadId: '104729381726354_824', author: { id: '8880099' } });
    await mentions.putIfAbsent(
      { mention: other, classification, routing, caseId: 'case_idx_d000000000001', throughCase: true },
      EXPIRES,
    );
    await cases.ensure(
      caseFactory({ id: 'case_idx_d000000000001', firstMentionId: other.id, authorId: '8880023' }),
      EXPIRES,
    );

    // Act
    const answer = await erase('8880023');

    // Assess
    expect(answer.counts).toMatchObject({ mentions: 0, cases: 2 });
    expect(await cases.get('case_idx_c000000000001')).toMatchObject({ authorId: 'erased' });
    expect(await mentions.get(other.id)).toMatchObject({ mention: { author: { id: '8880099' } } });
  });

  it('finds the opening mention again after a crash that came after its case was pseudonymized', async () => {
    // Arrange: the first run dies when it deletes the mentions, after the case lost its entry
    const m = ninaSays('825_1', '104729381726354_825', '2026-11-28T10:05:00.000Z');
    const author = { ...m.author, id: '8880025' };
    await opened({ ...m, author }, { throughCase: true, caseId: 'case_idx_e000000000001' });
    const crashing = new (class extends DynamoAuthorErasure {
      override async remove(_items: readonly PersonalItem[]): Promise<void> {
        throw new Error('killed before the deletes');
      }
    })(local.documents, table.name);
    await expect(erase('8880025', crashing)).rejects.toThrow('killed before the deletes');
    expect(await cases.get('case_idx_e000000000001')).toMatchObject({ authorId: 'erased' });

    // Act
    const answer = await erase('8880025');

    // Assess
    expect(answer.counts).toMatchObject({ mentions: 1 });
    expect(await mentions.get(m.id)).toBeUndefined();
    expect(JSON.stringify(await allItems())).not.toContain('8880025');
  });

  it('gives a mention stored to open its case an entry of its own when it joins one after all, once', async () => {
    // Arrange: stored expecting to open the thread's case, which another mention opened
    const m = ninaSays('826_2', '104729381726354_826', '2026-11-28T10:06:00.000Z');
    const stored: StoredMention = {
      mention: { ...m, author: { ...m.author, id: '8880026' } },
      classification,
      routing,
      caseId: 'case_idx_f000000000001',
      throughCase: true,
    };
    await mentions.putIfAbsent(stored, EXPIRES);

    // Act
    await mentions.indexAuthor(stored);
    await mentions.indexAuthor(stored);

    // Assess
    expect(await authorEntries(local.documents, table.name, '8880026')).toEqual([`MENTION#${m.id} MENTION`]);
    expect(await mentions.get(m.id)).not.toHaveProperty('throughCase');
  });
});
