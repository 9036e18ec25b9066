import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCK, toFormat1 } from './case-format.ts';
import { rewriteScanned } from './rewrite-scanned.ts';

/** What a down-conversion found and did. */
export interface CaseDowngrade {
  /** Cases of format 2 found. */
  readonly found: number;
  /** Of them written back as format 1 (0 on a dry run). */
  readonly converted: number;
  /** Of them changed by another writer between the scan and the write: run it again. */
  readonly changed: number;
}

/**
 * Writes every case of format 2 back as format 1 (case-format.ts, toFormat1), so that a
 * release from before the fence can read and write it again: the step of a rollback past
 * the fence, run after the older release is deployed (a newer instance still running would
 * upgrade the case again at its next change). Each write is conditional on the lock it read,
 * so a case changed meanwhile is left as it is and counted in `changed` (rewrite-scanned.ts).
 */
export async function downgradeCases(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly dryRun?: boolean } = {},
): Promise<CaseDowngrade> {
  const { found, written, changed } = await rewriteScanned(
    client,
    tableName,
    {
      FilterExpression: `SK = :case AND attribute_type(${LOCK}, :number)`,
      ExpressionAttributeValues: { ':case': 'CASE', ':number': 'N' },
      ConsistentRead: true,
    },
    async (item) => ({
      Item: toFormat1(item),
      ConditionExpression: `${LOCK} = :lock`,
      ExpressionAttributeValues: { ':lock': item[LOCK] },
    }),
    options,
  );
  return { found, converted: written, changed };
}
