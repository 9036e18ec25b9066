/**
 * bench/erase.ts crashed with "Database is not open" (LEVEL_DATABASE_NOT_OPEN, thrown inside
 * dynalite, outside any caller) when it stopped the table while a failed erasure run's
 * queries were still being answered. The local DynamoDB now answers the requests it is
 * running before it closes.
 */
import diagnostics from 'node:diagnostics_channel';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';

describe('stopping the local DynamoDB', () => {
  it('answers the queries it is running before it closes', async () => {
    // Arrange: one partition of 200 items, so that a query takes dynalite a while.
    const topology = buildTopology(demoConfig());
    const local = await startLocalTable(topology.table);
    for (let start = 0; start < 200; start += 25) {
      await local.documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [topology.table.name]: Array.from({ length: 25 }, (_, i) => ({
              PutRequest: {
                Item: { PK: 'CASE#c1', SK: `MENTION#${String(start + i).padStart(4, '0')}`, text: 'x'.repeat(500) },
              },
            })),
          },
        }),
      );
    }
    const query = () =>
      local.documents.send(
        new QueryCommand({
          TableName: topology.table.name,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'CASE#c1' },
        }),
      );

    // Act: the stop once dynalite has received five queries, as a bench's `finally` after a failed run.
    let received = 0;
    let allReceived: () => void = () => undefined;
    const receivedAll = new Promise<void>((resolve) => {
      allReceived = resolve;
    });
    const onRequest = () => {
      if (++received === 5) allReceived();
    };
    diagnostics.subscribe('http.server.request.start', onRequest);
    const running = Array.from({ length: 5 }, query);
    await receivedAll;
    diagnostics.unsubscribe('http.server.request.start', onRequest);
    await local.backend.stop();
    const answers = await Promise.allSettled(running);

    // Assess
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value.Count : a.reason))).toEqual([
      200, 200, 200, 200, 200,
    ]);
  });
});
