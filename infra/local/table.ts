import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { TableSpec } from '../topology.ts';

/**
 * Creates the company table of the topology (keys and indexes) unless it exists.
 * Local backends only: in the cloud, CDK creates it. TTL is not enforced by dynalite, so it
 * is not set here; the runtime deletes expired items itself (ttl-sweeper.ts).
 */
export async function createTable(client: DynamoDBClient, spec: TableSpec): Promise<void> {
  const attributes = new Set([
    spec.partitionKey,
    spec.sortKey,
    ...spec.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: spec.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          { AttributeName: spec.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: spec.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projection },
        })),
      }),
    );
  } catch (error) {
    // A persisted data directory already has the table.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(client, spec.name);
}

/** How long a new local table may stay CREATING before createTable gives up. */
const ACTIVE_WITHIN_MS = 10_000;

/**
 * dynalite answers CreateTable with CREATING and flips the table to ACTIVE a moment later
 * (a write to its store); a write before that is refused with ResourceNotFoundException,
 * which under load (a busy disk, a full test run) happened in the e2e tests.
 */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_WITHIN_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} is still ${Table?.TableStatus} after ${ACTIVE_WITHIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Turns on TTL for the topology's attribute where the local backend can.
 * @returns whether TTL is on; dynalite (4.x) lacks UpdateTimeToLive and answers
 *   UnknownOperationException, so locally expired items stay until deleted.
 */
export async function enableTimeToLive(client: DynamoDBClient, spec: TableSpec): Promise<boolean> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: spec.name,
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'UnknownOperationException') return false;
    // A persisted table keeps its TTL setting: enabling it again is refused.
    if (
      (error as { name?: string; message?: string }).name === 'ValidationException' &&
      /already enabled/i.test((error as Error).message)
    )
      return true;
    throw error;
  }
}
