import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { itemSize, writeUnits } from '../../bench/aws-requests.ts';
import { DynamoCaseRepository, keys } from '../../shared/adapters/dynamodb/index.ts';
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

  it('records a mention once per department: a redelivery writes nothing', async () => {
    // Act
    const again = await cases.recordMention(complaint, EXPIRES);

    // Assess
    expect(again).toBe(false);
    expect(await cases.mentionsOf(complaint.caseId)).toHaveLength(1);
  });
});
