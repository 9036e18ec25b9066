import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { untilProcessed } from './unprocessed.ts';

/** Reads every page of a query. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Keys BatchGetItem reads per call at most. */
const BATCH_GET_KEYS = 100;

/**
 * Reads the items of `keys` with BatchGetItem (eventually consistent unless `ConsistentRead`), 100 keys a call,
 * asking again, after a backoff, for what DynamoDB left unprocessed (an error after 8 rounds). Items that do not exist are missing
 * from the answer; the order of the answer is not the order of the keys.
 * @param projection ProjectionExpression and its names, when only some attributes are wanted
 */
export async function getAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  projection: {
    readonly ProjectionExpression?: string;
    readonly ExpressionAttributeNames?: Record<string, string>;
    readonly ConsistentRead?: boolean;
  } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    // Unprocessed keys (throttling) are asked again after a backoff until none are left.
    await untilProcessed(
      keys.slice(i, i + BATCH_GET_KEYS).map((key) => ({ ...key })),
      async (request) => {
        const { Responses, UnprocessedKeys } = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: [...request], ...projection } } }),
        );
        items.push(...(Responses?.[tableName] ?? []));
        return (UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      },
      'BatchGetItem keys',
    );
  }
  return items;
}

/**
 * The items of index entries, in the entries' order (a KEYS_ONLY index gives only the
 * table's keys of what it found). Items deleted since the index was read are left out.
 */
export async function itemsOfEntries(
  client: DynamoDBDocumentClient,
  tableName: string,
  entries: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const keyOf = (item: Record<string, unknown>) => `${String(item.PK)}\u0000${String(item.SK)}`;
  const items = await getAll(
    client,
    tableName,
    entries.map((entry) => ({ PK: entry.PK, SK: entry.SK })),
  );
  const byKey = new Map(items.map((item) => [keyOf(item), item]));
  return entries.flatMap((entry) => {
    const item = byKey.get(keyOf(entry));
    return item ? [item] : [];
  });
}
