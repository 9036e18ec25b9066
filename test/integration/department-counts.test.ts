import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoMetricRepository, keys } from '../../shared/adapters/dynamodb/index.ts';
import { tallyUpdate } from '../../shared/adapters/dynamodb/metric-repository.ts';
import { buildDailyReport } from '../../shared/domain/build-daily-report.ts';
import { TallyBatch } from '../../shared/domain/reports/tally-batch.ts';
import { routedMentionFields } from '../../shared/domain/reports/tallies.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryReports } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';

/**
 * The day x department x category counts on a real dynalite table: handle-department writes
 * only the tallies now (one ADD per batch), and the counts are read from them, or from the
 * counter items a release before this one wrote.
 */
describe('department counts against dynalite', () => {
  const topology = buildTopology(demoConfig());
  const tableName = topology.table.name;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let metrics: DynamoMetricRepository;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    metrics = new DynamoMetricRepository(local.documents, tableName);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  /** A counter item as the release before the tallies wrote it. */
  async function legacyCounter(day: string, department: string, category: string, count: number) {
    await local.documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.counter(day, department, category),
        UpdateExpression:
          'ADD #count :by SET #type = :type, #day = :day, department = :department, category = :category',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type', '#day': 'day' },
        ExpressionAttributeValues: {
          ':by': count,
          ':type': 'counter',
          ':day': day,
          ':department': department,
          ':category': category,
        },
      }),
    );
  }

  it("reads a day's counts per department and category from a batch's tallies, cc copies included", async () => {
    // Arrange: one batch of three primary mentions and one cc copy.
    const batch = new TallyBatch();
    const primary = { role: 'primary', platform: 'facebook', sentiment: 'negative' } as const;
    await batch.tally('2026-12-01', 'service', routedMentionFields({ ...primary, category: 'complaint' }));
    await batch.tally('2026-12-01', 'service', routedMentionFields({ ...primary, category: 'complaint' }));
    await batch.tally('2026-12-01', 'service', routedMentionFields({ ...primary, category: 'question' }));
    await batch.tally('2026-12-01', 'legal', routedMentionFields({ ...primary, role: 'cc', category: 'complaint' }));

    // Act
    await batch.flush(metrics);
    const counters = await metrics.countersOf('2026-12-01');

    // Assess
    expect(counters).toEqual(
      expect.arrayContaining([
        { day: '2026-12-01', department: 'service', category: 'complaint', count: 2 },
        { day: '2026-12-01', department: 'service', category: 'question', count: 1 },
        { day: '2026-12-01', department: 'legal', category: 'complaint', count: 1 },
      ]),
    );
    expect(counters).toHaveLength(3);
  });

  it('still reads the counter items of a day written before the upgrade', async () => {
    // Arrange: a day of the previous release (counters and no tallies).
    await legacyCounter('2026-11-20', 'service', 'complaint', 4);
    await legacyCounter('2026-11-20', 'press', 'press_inquiry', 1);

    // Act
    const reports = await buildDailyReport('2026-11-20', {
      departments: ['service', 'press'],
      retentionDays: 30,
      metrics,
      reports: new InMemoryReports(),
      clock: fixedClock('2026-11-21T06:00:00Z'),
    });

    // Assess
    expect(reports.map((r) => [r.department, r.total, r.byCategory])).toEqual([
      ['service', 4, { complaint: 4 }],
      ['press', 1, { press_inquiry: 1 }],
    ]);
  });

  it('takes the tally of a department over its counter items on the day of the upgrade, as the tally counted every mention', async () => {
    // Arrange: the old release wrote both for the morning, the new one only the tally.
    await legacyCounter('2026-11-22', 'service', 'complaint', 1);
    await metrics.tally('2026-11-22', 'service', { mentions: 3, 'category.complaint': 3 });
    await legacyCounter('2026-11-22', 'legal', 'legal_risk', 2);

    // Act
    const counters = await metrics.countersOf('2026-11-22');

    // Assess
    expect(counters).toEqual([
      { day: '2026-11-22', department: 'service', category: 'complaint', count: 3 },
      { day: '2026-11-22', department: 'legal', category: 'legal_risk', count: 2 },
    ]);
  });

  it('sums the items of batches that settled notifications with the day’s item, each count once (since w22)', async () => {
    // Arrange: a batch without notifications (the day's item), two that settled some (items of their own).
    await metrics.tally('2026-11-24', 'service', { mentions: 1, 'category.complaint': 1 });
    for (const [mark, count] of [
      ['Batch001', 2],
      ['Batch002', 3],
    ] as const) {
      await local.documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.batchTally('2026-11-24', 'service', mark),
          ...tallyUpdate('2026-11-24', 'service', { mentions: count, 'category.complaint': count }, 'SET'),
        }),
      );
      await local.documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.batchTally('2026-11-24', 'service', mark),
          UpdateExpression: 'ADD settled :settled',
          ExpressionAttributeValues: { ':settled': new Set([`entry-of-${mark}`]) },
        }),
      );
    }

    // Act
    const tallies = await metrics.talliesOf('2026-11-24');
    const counters = await metrics.countersOf('2026-11-24');

    // Assess
    expect(tallies).toEqual([
      { day: '2026-11-24', department: 'service', fields: { mentions: 6, 'category.complaint': 6 } },
    ]);
    expect(counters).toEqual([{ day: '2026-11-24', department: 'service', category: 'complaint', count: 6 }]);
  });
});
