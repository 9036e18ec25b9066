import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { untilProcessed } from '../../shared/adapters/dynamodb/unprocessed.ts';
import type { TableSpec } from '../topology.ts';

/**
 * Creates the company table of the topology (keys and indexes) unless it exists, and gives a
 * persisted table the indexes it lacks (`addMissingIndexes`).
 * Local backends only: in the cloud, CDK creates it. TTL is not enforced by dynalite, so it
 * is not set here; the runtime deletes expired items itself (ttl-sweeper.ts).
 */
export async function createTable(
  client: DynamoDBClient,
  spec: TableSpec,
  log: (line: string) => void = () => {},
): Promise<void> {
  try {
    await createWithIndexes(client, spec, spec.name);
  } catch (error) {
    // A persisted data directory already has the table.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(client, spec.name);
  await addMissingIndexes(client, spec, log);
}

/** The table of the topology's keys and indexes under `tableName`. */
async function createWithIndexes(client: DynamoDBClient, spec: TableSpec, tableName: string): Promise<void> {
  const attributes = new Set([
    spec.partitionKey,
    spec.sortKey,
    ...spec.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
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
}

/** The name of the copy `addMissingIndexes` keeps of a table while it rebuilds it. */
export function rebuildCopyOf(tableName: string): string {
  return `${tableName}-rebuild`;
}

/**
 * Gives a persisted table an index the topology added since it was created (GSI3 in round
 * w22). DynamoDB adds an index to a live table and backfills it (CDK does that in the cloud);
 * dynalite 4 cannot (its UpdateTable ignores `GlobalSecondaryIndexUpdates`). So the table is
 * rebuilt: 1. every item copied into a new table with the topology's indexes
 * (`<name>-rebuild`), 2. the table deleted and created again with them, 3. the items copied
 * back, 4. the copy deleted. A crash at any step is taken up at the next start: a copy beside
 * a table without the indexes may be partial (made again from the table, which is whole); a
 * copy beside a table with them (or none) is whole (the table was deleted only after it), and
 * is copied back again (the same items: puts of the same keys).
 */
export async function addMissingIndexes(
  client: DynamoDBClient,
  spec: TableSpec,
  log: (line: string) => void = () => {},
): Promise<void> {
  const copy = rebuildCopyOf(spec.name);
  const hasEveryIndex = (table: TableDescription | undefined) =>
    spec.indexes.every((index) => table?.GlobalSecondaryIndexes?.some((g) => g.IndexName === index.name));
  const table = await describe(client, spec.name);
  const copied = await describe(client, copy);
  if (hasEveryIndex(table) && !copied) return;
  // A copy of every item, twice: about a second per thousand items here; said, so a slow start is explained.
  log(
    `rebuilding table ${spec.name} with the indexes ${spec.indexes.map((i) => i.name).join(', ')} (once, through ${copy})`,
  );
  if (!hasEveryIndex(table)) {
    if (copied) await deleteTable(client, copy);
    await createWithIndexes(client, spec, copy);
    await waitUntilActive(client, copy);
    await copyItems(client, spec.name, copy);
    await deleteTable(client, spec.name);
    await createWithIndexes(client, spec, spec.name);
    await waitUntilActive(client, spec.name);
  }
  await copyItems(client, copy, spec.name);
  await deleteTable(client, copy);
  log(`table ${spec.name} rebuilt`);
}

/** The table's description, or undefined when there is no such table. */
async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Deletes a table and waits until it is gone. */
async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  const deadline = Date.now() + ACTIVE_WITHIN_MS;
  while (await describe(client, tableName)) {
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} is still there ${ACTIVE_WITHIN_MS / 1000} s after its deletion`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Copies every item of one local table into another, page by page, 25 puts a BatchWriteItem. */
async function copyItems(client: DynamoDBClient, from: string, to: string): Promise<void> {
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: from, ConsistentRead: true, ExclusiveStartKey }));
    const items = page.Items ?? [];
    for (let start = 0; start < items.length; start += 25) {
      await untilProcessed(
        items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })),
        async (requests) => {
          const { UnprocessedItems } = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [to]: [...requests] } }),
          );
          return (UnprocessedItems?.[to] ?? []) as typeof requests;
        },
        `copy of ${from} into ${to}`,
      );
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
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
