/**
 * DynamoDB clients ride out a throttled table: the fault bench at a throttling rate of 0.5
 * dead-lettered a quarter of the mentions with the SDK's default of 3 attempts.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError, startFaultProxy, type FaultProxy } from '../../bench/chaos/fault-proxy.ts';
import type { LocalBackend } from '../../infra/local/backends.ts';
import { buildTopology } from '../../infra/topology.ts';
import { createDocumentClient, DYNAMODB_MAX_ATTEMPTS } from '../../shared/adapters/aws-clients.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';

const table = buildTopology(demoConfig()).table;

describe('the DynamoDB client of the functions against a throttled table', () => {
  let backend: LocalBackend;
  let env: Record<string, string>;
  let proxy: FaultProxy | undefined;
  let throttleNext = 0;
  let requests = 0;

  beforeAll(async () => {
    ({ backend, env } = await startLocalTable(table));
    proxy = await startFaultProxy({
      target: backend.endpoint,
      intercept: async (req, forward) => {
        requests++;
        if (throttleNext > 0) {
          throttleNext--;
          return awsError(400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', 'throttled (injected)');
        }
        return forward(req);
      },
    });
  });

  afterAll(async () => {
    await proxy?.stop();
    await backend?.stop();
  });

  it(`writes the item when the first ${DYNAMODB_MAX_ATTEMPTS - 1} attempts are throttled`, async () => {
    // Arrange
    const documents = createDocumentClient({ ...env, AWS_ENDPOINT_URL_DYNAMODB: proxy?.url as string });
    throttleNext = DYNAMODB_MAX_ATTEMPTS - 1;
    requests = 0;

    // Act
    await documents.send(new PutCommand({ TableName: table.name, Item: { PK: 'THROTTLE#1', SK: 'X', value: 1 } }));

    // Assess
    expect(requests).toBe(DYNAMODB_MAX_ATTEMPTS);
    const stored = await documents.send(new GetCommand({ TableName: table.name, Key: { PK: 'THROTTLE#1', SK: 'X' } }));
    expect(stored.Item).toMatchObject({ value: 1 });
    documents.destroy();
  }, 30_000);

  it('fails with the throttling error once every attempt is throttled', async () => {
    // Arrange
    const documents = createDocumentClient({ ...env, AWS_ENDPOINT_URL_DYNAMODB: proxy?.url as string });
    throttleNext = DYNAMODB_MAX_ATTEMPTS;
    requests = 0;

    // Act
    const act = documents.send(new PutCommand({ TableName: table.name, Item: { PK: 'THROTTLE#2', SK: 'X' } }));

    // Assess
    await expect(act).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(requests).toBe(DYNAMODB_MAX_ATTEMPTS);
    documents.destroy();
  }, 30_000);
});
