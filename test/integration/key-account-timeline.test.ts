import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoKeyAccountTimeline } from '../../shared/adapters/dynamodb/index.ts';
import type { TimelineItem } from '../../shared/domain/key-accounts.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';

const item = (overrides: Partial<TimelineItem>): TimelineItem => ({
  accountId: 'hochbahn',
  at: '2026-11-30T09:00:00.000Z',
  kind: 'mention',
  platform: 'facebook',
  author: 'Erika Mustermann',
  text: 'Wann kommt die Lieferung?',
  caseId: 'case_0123456789abcdef0123',
  itemId: 'facebook:901_100',
  ...overrides,
});

describe('DynamoKeyAccountTimeline on dynalite', () => {
  let table: Awaited<ReturnType<typeof startLocalTable>>;
  let timeline: DynamoKeyAccountTimeline;

  beforeAll(async () => {
    const spec = buildTopology(demoConfig()).table;
    table = await startLocalTable(spec);
    timeline = new DynamoKeyAccountTimeline(table.documents, spec.name);
  });
  afterAll(async () => {
    await table.backend.stop();
  });

  it("lists an account's exchanges newest first, one item per exchange however often it is added, and no other account's", async () => {
    // Arrange
    const expiresAt = Math.floor(Date.parse('2027-11-30T00:00:00Z') / 1000);
    const reply = item({
      at: '2026-11-30T09:30:00.000Z',
      kind: 'reply',
      author: 'Radwerk Hansen',
      text: 'Die Teile sind unterwegs.',
      url: 'https://www.facebook.com/901_101',
      itemId: '901_101',
    });
    await timeline.add(item({}), expiresAt);
    await timeline.add(reply, expiresAt);
    await timeline.add(reply, expiresAt);
    await timeline.add(item({ accountId: 'other', itemId: 'facebook:1' }), expiresAt);

    // Act
    const listed = await timeline.list('hochbahn', { limit: 10 });

    // Assess
    expect(listed).toEqual([reply, item({})]);
  });
});
