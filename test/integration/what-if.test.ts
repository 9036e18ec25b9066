import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoMentionRepository, DynamoStoredMentionReader } from '../../shared/adapters/dynamodb/index.ts';
import { parseCompanyConfigYaml } from '../../shared/config/load.ts';
import { routingPolicyOf, type CompanyConfig } from '../../shared/config/schema.ts';
import type { Classification } from '../../shared/domain/classification.ts';
import type { Category, Mention } from '../../shared/domain/mention.ts';
import { routeMention } from '../../shared/domain/route-mention.ts';
import { whatIf } from '../../shared/domain/what-if.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { startLocalTable } from '../support/local-table.ts';
import { readFileSync } from 'node:fs';

/**
 * What-if against a real dynalite table seeded as classify-mention stores mentions: the
 * stored routing is what the current demo rules decided; the new config adds a stores
 * department and sends questions and praise that name a store there.
 */
const current = demoConfig();
const demoYaml = readFileSync(new URL('../../companies/demo.yaml', import.meta.url), 'utf8');
const next: CompanyConfig = parseCompanyConfigYaml(
  demoYaml
    .replace(
      'departments:\n',
      'departments:\n  - id: stores\n    name: Filialen\n    sla: { high: 2h, normal: 8h, low: 2d }\n',
    )
    .replace(
      'when: { category: question, keywordLists: stores }\n      then: { department: service, tags: [store] }',
      'when: { category: [question, praise], keywordLists: stores }\n      then: { department: stores, cc: service, tags: [store] }',
    ),
  'new.yaml',
);

function classification(category: Category, overrides: Partial<Classification> = {}): Classification {
  return {
    language: 'de',
    relevant: true,
    sentiment: 'neutral',
    category,
    urgency: 0.2,
    confidence: 0.7,
    reasons: [],
    model: 'test',
    ...overrides,
  };
}

const seeded: { mention: Mention; classification: Classification }[] = [
  {
    mention: mentionFactory({
      externalId: 'q1',
      text: 'Hat die Filiale in Ottensen samstags offen?',
      createdAt: '2026-11-20T10:00:00.000Z',
    }),
    classification: classification('question'),
  },
  {
    mention: mentionFactory({
      externalId: 'q2',
      text: 'Wann macht Eimsbüttel morgens auf?',
      createdAt: '2026-11-21T10:00:00.000Z',
    }),
    classification: classification('question'),
  },
  {
    mention: mentionFactory({
      externalId: 'p1',
      text: 'Danke an das Team in Altona!',
      createdAt: '2026-11-22T10:00:00.000Z',
    }),
    classification: classification('praise', { sentiment: 'positive' }),
  },
  {
    mention: mentionFactory({ externalId: 'c1', text: 'Mein Rad ist kaputt', createdAt: '2026-11-23T10:00:00.000Z' }),
    classification: classification('complaint', { sentiment: 'negative' }),
  },
  {
    mention: mentionFactory({
      externalId: 'l1',
      text: 'Anfrage für eine Flotte mit Leasing',
      createdAt: '2026-11-24T10:00:00.000Z',
    }),
    classification: classification('sales_lead'),
  },
  {
    mention: mentionFactory({
      externalId: 'old',
      text: 'Filiale Ottensen, gibt es noch Körbe?',
      createdAt: '2026-09-01T10:00:00.000Z',
    }),
    classification: classification('question'),
  },
  {
    mention: mentionFactory({
      externalId: 'own',
      text: 'Ja, die Filiale in Ottensen hat samstags offen.',
      isOwnAccount: true,
      createdAt: '2026-11-20T11:00:00.000Z',
    }),
    classification: classification('question'),
  },
];

describe('whatIf against a seeded dynalite table', () => {
  const topology = buildTopology(current);
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let reader: DynamoStoredMentionReader;

  async function wholeTable(): Promise<unknown[]> {
    const { Items = [] } = await local.documents.send(
      new ScanCommand({ TableName: topology.table.name, ConsistentRead: true }),
    );
    return Items.sort((a, b) => String(a.PK).localeCompare(String(b.PK)));
  }

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    const mentions = new DynamoMentionRepository(local.documents, topology.table.name);
    const policy = routingPolicyOf(current);
    for (const { mention, classification: c } of seeded) {
      await mentions.putIfAbsent(
        { mention, classification: c, routing: routeMention(c, policy, mention), caseId: 'case_1' },
        4_102_444_800,
      );
      await mentions.markRouted(mention.id, mention.createdAt, 4_102_444_800);
    }
    reader = new DynamoStoredMentionReader(local.documents, topology.table.name);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('counts the moves from department to department, with examples and the new reasons', async () => {
    // Act
    const report = await whatIf(reader, routingPolicyOf(next), { since: '2026-11-01T00:00:00.000Z' });

    // Assess
    expect(report.replayed).toBe(5);
    expect(report.unchanged).toBe(2);
    expect(report.moves).toEqual([
      {
        from: 'service',
        to: 'stores',
        count: 3,
        examples: expect.arrayContaining([
          expect.objectContaining({
            mentionId: 'facebook:q1',
            reasons: expect.arrayContaining([
              expect.stringMatching(
                /^rule store-question: .*"Filiale" \(keyword list stores\) -> department stores, cc service, tag store, stop$/,
              ),
            ]),
          }),
        ]),
      },
    ]);
    expect(report.before).toEqual({ service: 4, sales: 1 });
    expect(report.after).toEqual({ stores: 3, service: 1, sales: 1 });
  });

  it('reads in pages and reports progress after each', async () => {
    // Arrange
    const progress: number[] = [];

    // Act
    const report = await whatIf(reader, routingPolicyOf(next), {
      pageSize: 2,
      onProgress: (p) => progress.push(p.pages),
    });

    // Assess
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress).toEqual(progress.map((_, i) => i + 1));
    expect(report.replayed).toBe(6);
  });

  it('keeps at most the asked number of examples per move', async () => {
    const report = await whatIf(reader, routingPolicyOf(next), { examplesPerMove: 1 });

    expect(report.moves[0]).toMatchObject({ count: 4, examples: [expect.any(Object)] });
  });

  it('finds no move when the rules are the same', async () => {
    const report = await whatIf(reader, routingPolicyOf(current));

    expect(report).toMatchObject({ replayed: 6, unchanged: 6, moves: [], ccChanged: 0, priorityChanged: 0 });
  });

  it('writes nothing to the table', async () => {
    // Arrange
    const before = await wholeTable();

    // Act
    await whatIf(reader, routingPolicyOf(next), { pageSize: 3 });

    // Assess
    expect(await wholeTable()).toEqual(before);
  });
});
