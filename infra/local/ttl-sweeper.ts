import { DeleteItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableSpec } from '../topology.ts';

/** How often the local runtime looks for expired items (DynamoDB itself deletes them within days). */
export const TTL_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes the items whose TTL attribute (epoch seconds) lies before `now`, as DynamoDB's
 * TTL does in AWS: dynalite keeps them forever otherwise, and retention would hold only in
 * the cloud. Each delete is conditional on the item still being expired, so an item a
 * function wrote again in the meantime (with a new `expiresAt`) stays. A Scan: fine for
 * the local table, never used in AWS.
 * @returns the number of items deleted
 */
export async function sweepExpired(client: DynamoDBClient, table: TableSpec, now: Date): Promise<number> {
  const bound = { N: String(Math.floor(now.getTime() / 1000)) };
  const names = { '#ttl': table.ttlAttribute };
  let deleted = 0;
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: '#ttl < :now',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { ...names, '#pk': table.partitionKey, '#sk': table.sortKey },
        ExpressionAttributeValues: { ':now': bound },
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    for (const key of page.Items ?? []) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: table.name,
            Key: key,
            ConditionExpression: '#ttl < :now',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':now': bound },
          }),
        );
        deleted++;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (ExclusiveStartKey);
  return deleted;
}

export interface TtlSweeperOptions {
  readonly client: DynamoDBClient;
  readonly table: TableSpec;
  readonly log: (line: string) => void;
  readonly intervalMs?: number;
  readonly now?: () => Date;
}

/**
 * Sweeps at start and then every `intervalMs`; a failed sweep is logged and the next one
 * tries again. `stop()` waits for a running sweep.
 */
export function startTtlSweeper(options: TtlSweeperOptions): { stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= sweepExpired(options.client, options.table, now())
      .then((deleted) => {
        if (deleted > 0) options.log(`TTL: deleted ${deleted} expired item(s) from ${options.table.name}`);
      })
      .catch((error: unknown) =>
        options.log(
          `TTL sweep of ${options.table.name} failed, next in ${Math.round((options.intervalMs ?? TTL_SWEEP_INTERVAL_MS) / 60_000)} min: ${(error as Error).name}: ${(error as Error).message}`,
        ),
      )
      .finally(() => {
        running = undefined;
      });
  };
  sweep();
  const timer = setInterval(sweep, options.intervalMs ?? TTL_SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
