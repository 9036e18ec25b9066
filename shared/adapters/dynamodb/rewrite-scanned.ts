import { PutCommand, ScanCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './keys.ts';

/** A conditional put that rewrites one scanned item: the condition holds while nobody changed it since the scan. */
export interface Rewrite {
  readonly Item: Record<string, unknown>;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeValues: Record<string, unknown>;
  /** For names the condition cannot spell (reserved words such as `owner`). */
  readonly ExpressionAttributeNames?: Record<string, string>;
}

/** What a rewrite of scanned items found and did. */
export interface Rewritten {
  /** Items the scan selected. */
  readonly found: number;
  /** Of them written (0 on a dry run). */
  readonly written: number;
  /** Of them changed by another writer between the scan and the write (the condition refused): run it again. */
  readonly changed: number;
}

/**
 * Scans the items `scan` selects, page by page, and writes each as `rewrite` says, on its
 * condition: the loop of a rollback past a format fence (case-format-rollback.ts,
 * theme-format-rollback.ts, settlement-format-rollback.ts). `rewrite` may do its own writes first and may answer nothing to
 * leave an item (gone since the scan). A dry run counts and writes nothing. A scan of the
 * table: an operator's command, not a request path.
 */
export async function rewriteScanned(
  client: DynamoDBDocumentClient,
  tableName: string,
  scan: Pick<
    ScanCommandInput,
    'FilterExpression' | 'ExpressionAttributeValues' | 'ProjectionExpression' | 'ConsistentRead'
  >,
  rewrite: (item: Record<string, unknown>) => Promise<Rewrite | undefined>,
  options: { readonly dryRun?: boolean } = {},
): Promise<Rewritten> {
  let found = 0;
  let written = 0;
  let changed = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ...scan, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }),
    );
    for (const item of page.Items ?? []) {
      found++;
      if (options.dryRun) continue;
      const put = await rewrite(item);
      if (!put) continue;
      try {
        await client.send(new PutCommand({ TableName: tableName, ...put }));
        written++;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        changed++;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { found, written, changed };
}
