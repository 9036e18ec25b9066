import { deflateRawSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { itemSize, writeUnits } from '../../bench/aws-requests.ts';
import { DynamoCaseRepository, keys } from '../../shared/adapters/dynamodb/index.ts';
import {
  erasedCaseMentionItem,
  eventOfCaseMention,
  isDeflatedCaseMention,
} from '../../shared/adapters/dynamodb/case-mention-record.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionRoutedFactory } from '../factories/mention.ts';
import { startLocalTable } from '../support/local-table.ts';

const EXPIRES = 1_900_000_000;

/** A routed mention as the demo's classifier and rules route a complaint: text, reasons and classifier reasons. */
const complaint = mentionRoutedFactory({
  mentionId: 'facebook:104729381726354_903438993085259',
  caseId: 'case_records00000000000001',
  authorName: 'Paula Probe',
  authorHandle: '@paulap',
  url: 'https://www.facebook.com/radwerkhansen/posts/511?comment_id=1',
  text: 'Mein Lastenrad Hanse ist schon wieder kaputt, die Kette springt ständig ab und der Service meldet sich seit zwei Wochen nicht. Das ist wirklich ärgerlich, ich brauche das Rad jeden Tag für die Kinder.',
  reasons: ['category complaint -> department service (categories of service)', 'priority high: urgency 0.62 >= 0.5'],
  classifierReasons: [
    'relevance relevant (97%): word "lastenrad", brand "Hanse", char "aputt"',
    'sentiment negative (88%): word "kaputt", word "ärgerlich", word "nicht"',
    'category complaint (71%): word "kaputt", word "service meldet", char " abst"',
    'urgency 0.62: negative sentiment, complaint, "seit zwei Wochen"',
  ],
  matchedRules: [],
});

/** The per-department records of routed mentions on their case, on a real dynalite table. */
describe('case-mention records against dynalite', () => {
  const topology = buildTopology(demoConfig());
  const tableName = topology.table.name;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let cases: DynamoCaseRepository;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    cases = new DynamoCaseRepository(local.documents, tableName);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('reads back the whole event of a record, stored in one write unit where its JSON needs two', async () => {
    // Arrange
    const key = keys.caseMention(complaint.caseId, complaint.createdAt, complaint.mentionId, complaint.department);

    // Act
    const recorded = await cases.recordMention(complaint, EXPIRES);
    const { Item } = await local.documents.send(new GetCommand({ TableName: tableName, Key: key }));

    // Assess
    expect(recorded).toBe(true);
    expect(await cases.mentionsOf(complaint.caseId)).toEqual([complaint]);
    expect(writeUnits(itemSize(Item ?? {}))).toBe(1);
    expect(writeUnits(itemSize({ ...key, type: 'case-mention', event: complaint, expiresAt: EXPIRES }))).toBe(2);
  });

  it('still reads a record the previous release wrote with the event as a map', async () => {
    // Arrange
    const old = mentionRoutedFactory({ caseId: 'case_records00000000000002', mentionId: 'facebook:old_1' });
    await local.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.caseMention(old.caseId, old.createdAt, old.mentionId, old.department),
          type: 'case-mention',
          event: old,
          expiresAt: EXPIRES,
        },
      }),
    );
    const later = mentionRoutedFactory({
      caseId: old.caseId,
      mentionId: 'facebook:new_1',
      createdAt: '2026-11-29T09:00:00.000Z',
    });

    // Act
    await cases.recordMention(later, EXPIRES);
    const mentions = await cases.mentionsOf(old.caseId);

    // Assess
    expect(mentions).toEqual([old, later]);
  });

  it("reads a case's latest record alone, the one its whole thread ends with", async () => {
    // Arrange: three mentions of one case, the newest also copied to press.
    const caseId = 'case_latestrecord000000001';
    const [older, newest, middle] = [
      '2026-11-28T08:00:00.000Z',
      '2026-11-28T10:00:00.000Z',
      '2026-11-28T09:00:00.000Z',
    ].map((createdAt, n) => mentionRoutedFactory({ caseId, createdAt, mentionId: `facebook:latest_${n}` })) as [
      typeof complaint,
      typeof complaint,
      typeof complaint,
    ];
    for (const event of [older, newest, middle, { ...newest, department: 'press', role: 'cc' as const }])
      await cases.recordMention(event, EXPIRES);

    // Act
    const latest = await cases.latestMentionOf(caseId);

    // Assess
    expect(latest).toEqual((await cases.mentionsOf(caseId)).at(-1));
    expect(latest?.mentionId).toBe(newest.mentionId);
    expect(await cases.latestMentionOf('case_without_records0000')).toBeUndefined();
  });

  it('records a mention once per department: a redelivery writes nothing', async () => {
    // Act
    const again = await cases.recordMention(complaint, EXPIRES);

    // Assess
    expect(again).toBe(false);
    expect(await cases.mentionsOf(complaint.caseId)).toHaveLength(1);
  });

  it('packs the event with its dictionary, well under what plain deflate took, so a long mention stays in one write unit', async () => {
    // Arrange: the complaint with a second paragraph and its key account.
    const long = {
      ...complaint,
      caseId: 'case_records00000000000003',
      text: `${complaint.text} Letzte Woche habe ich zweimal angerufen, beide Male hieß es, jemand ruft zurück. Passiert ist nichts, und die Werkstatt in der Innenstadt hat erst im Januar einen Termin frei. Ich überlege ernsthaft, das Rad zurückzugeben und mir ein anderes Modell zu kaufen.`,
      keyAccounts: [{ id: 'stadtwerke', name: 'Stadtwerke Hansen', owner: { name: 'Ole Hansen' } }],
    };
    const key = keys.caseMention(long.caseId, long.createdAt, long.mentionId, long.department);

    // Act
    await cases.recordMention(long, EXPIRES, {
      owner: 'abcdefghijkl',
      at: '2026-11-28T09:15:03.000Z',
      leaseUntil: '2026-11-28T09:16:03.000Z',
      expiresAt: EXPIRES,
      mark: 'abcdefgh',
    });
    const { Item = {} } = await local.documents.send(new GetCommand({ TableName: tableName, Key: key }));

    // Assess
    expect(await cases.mentionsOf(long.caseId)).toEqual([long]);
    expect(Item.eventZ).toBeUndefined();
    expect(writeUnits(itemSize(Item))).toBe(1);
    const { eventD: _packed, ...rest } = Item;
    expect(writeUnits(itemSize({ ...rest, eventZ: deflateRawSync(JSON.stringify(long)) }))).toBe(2);
  });

  it('reads a record an earlier release wrote deflated without a dictionary, and erases its author from it', async () => {
    // Arrange
    const old = mentionRoutedFactory({
      caseId: 'case_records00000000000004',
      mentionId: 'facebook:old_2',
      authorName: 'Paula Probe',
      text: 'Kette kaputt',
    });
    const key = keys.caseMention(old.caseId, old.createdAt, old.mentionId, old.department);
    const item = { ...key, type: 'case-mention', eventZ: deflateRawSync(JSON.stringify(old)), expiresAt: EXPIRES };
    await local.documents.send(new PutCommand({ TableName: tableName, Item: item }));

    // Act
    const read = await cases.mentionsOf(old.caseId);
    const erased = erasedCaseMentionItem(item, 'erased');

    // Assess
    expect(read).toEqual([old]);
    expect(isDeflatedCaseMention(item)).toBe(true);
    expect(erased.eventZ).toBeUndefined();
    expect(eventOfCaseMention(erased)).toMatchObject({ text: '', authorId: 'erased', reasons: [] });
    expect(eventOfCaseMention(erased).authorName).toBeUndefined();
  });
});
