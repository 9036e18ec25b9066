import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, startDynamoDb, type LocalBackend } from '../../infra/local/backends.ts';
import { createTable, rebuildCopyOf } from '../../infra/local/table.ts';
import { buildTopology, type TableSpec } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';

/**
 * A persisted local table created before an index was added to the topology (GSI3, round w22)
 * gets it at the next start: dynalite cannot add an index to a table, so createTable rebuilds
 * the table through a copy, keeping every item, and takes up a rebuild a crash cut short.
 */
describe('createTable on a table that lacks an index of the topology (dynalite)', () => {
  const spec = buildTopology(demoConfig()).table;
  const before: TableSpec = { ...spec, indexes: spec.indexes.filter((index) => index.name !== 'GSI3') };
  let backend: LocalBackend;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;

  beforeEach(async () => {
    backend = await startDynamoDb();
    client = new DynamoDBClient({ region: 'eu-central-1', endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
    documents = DynamoDBDocumentClient.from(client);
  });

  afterEach(async () => {
    await backend.stop();
  });

  const indexesOf = async (name: string) =>
    ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalSecondaryIndexes ?? [])
      .map((index) => index.IndexName)
      .sort();
  const casesNamingLegal = async () =>
    (
      await documents.send(
        new QueryCommand({
          TableName: spec.name,
          IndexName: 'GSI3',
          KeyConditionExpression: 'GSI3PK = :pk',
          ExpressionAttributeValues: { ':pk': 'DEPT#legal#cc#new' },
        }),
      )
    ).Items?.map((item) => item.PK);
  const items = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      PK: `CASE#case_${i}`,
      SK: 'CASE',
      GSI1PK: 'DEPT#service#new',
      GSI1SK: `2026-12-01T09:00:00.000Z#case_${i}`,
      ...(i % 10 === 0 ? { GSI3PK: 'DEPT#legal#cc#new' } : {}),
    }));

  it('rebuilds it with the index, every item kept and indexed, and no copy left', async () => {
    // Arrange: the table of the release before, with 60 items (three pages of 25 puts).
    await createTable(client, before);
    for (const Item of items(60)) await documents.send(new PutCommand({ TableName: spec.name, Item }));

    // Act
    const lines: string[] = [];
    await createTable(client, spec, (line) => lines.push(line));

    // Assess
    expect(lines).toEqual([
      `rebuilding table ${spec.name} with the indexes GSI1, GSI3 (once, through ${rebuildCopyOf(spec.name)})`,
      `table ${spec.name} rebuilt`,
    ]);
    expect(await indexesOf(spec.name)).toEqual(['GSI1', 'GSI3']);
    expect((await documents.send(new ScanCommand({ TableName: spec.name }))).Count).toBe(60);
    expect(await casesNamingLegal()).toHaveLength(6);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([spec.name]);
  });

  it('takes up a rebuild cut short after the table was deleted: the whole copy comes back', async () => {
    // Arrange: a crash between steps 2 and 3 leaves the whole copy and no table.
    await createTable(client, { ...spec, name: rebuildCopyOf(spec.name) });
    for (const Item of items(30)) await documents.send(new PutCommand({ TableName: rebuildCopyOf(spec.name), Item }));

    // Act
    await createTable(client, spec);

    // Assess
    expect((await documents.send(new ScanCommand({ TableName: spec.name }))).Count).toBe(30);
    expect(await casesNamingLegal()).toHaveLength(3);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([spec.name]);
  });

  it('makes the copy again when a crash cut it short while the table was still whole', async () => {
    // Arrange: the table of the release before (40 items) and a partial copy (one stale item).
    await createTable(client, before);
    for (const Item of items(40)) await documents.send(new PutCommand({ TableName: spec.name, Item }));
    await createTable(client, { ...spec, name: rebuildCopyOf(spec.name) });
    await documents.send(
      new PutCommand({ TableName: rebuildCopyOf(spec.name), Item: { PK: 'CASE#gone', SK: 'CASE' } }),
    );

    // Act
    await createTable(client, spec);

    // Assess
    expect((await documents.send(new ScanCommand({ TableName: spec.name }))).Count).toBe(40);
    expect(await casesNamingLegal()).toHaveLength(4);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([spec.name]);
  });

  it('leaves a table that has every index as it is', async () => {
    // Arrange
    await createTable(client, spec);
    await documents.send(new PutCommand({ TableName: spec.name, Item: items(1)[0] }));

    // Act
    await createTable(client, spec);

    // Assess
    expect(await indexesOf(spec.name)).toEqual(['GSI1', 'GSI3']);
    expect((await documents.send(new ScanCommand({ TableName: spec.name }))).Count).toBe(1);
  });
});
