import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FORMAT2_LOCK, LOCK, toFormat1, toFormat2 } from './case-format.ts';
import { ccDepartmentsOf, putRef } from './case-refs.ts';
import { keys } from './keys.ts';
import { rewriteScanned } from './rewrite-scanned.ts';

/** What a down-conversion found and did. */
export interface CaseDowngrade {
  /** Cases of a format above the target found. */
  readonly found: number;
  /** Of them written back in the target format (0 on a dry run). */
  readonly converted: number;
  /** Of them changed by another writer between the scan and the write: run it again. */
  readonly changed: number;
}

/**
 * Writes every case of a newer format back in format `to` (case-format.ts): 1 (the default,
 * which every release before reads and writes) or 2 (what rounds w14-w21 write), so that a
 * release from before a fence can read and write it again: the step of a rollback past the
 * fence, run after the older release is deployed (a newer instance still running would
 * upgrade the case again at its next change). A case of format 3 listed under its first cc
 * department by its own GSI3 entry gets that department's ref item first (an older release
 * lists cc cases by refs alone). Each case write is conditional on the lock it read, so a
 * case changed meanwhile is left as it is and counted in `changed` (rewrite-scanned.ts); its
 * ref, if written, is one the case's listing checks like any other.
 */
export async function downgradeCases(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly dryRun?: boolean; readonly to?: 1 | 2 } = {},
): Promise<CaseDowngrade> {
  const to = options.to ?? 1;
  const { found, written, changed } = await rewriteScanned(
    client,
    tableName,
    {
      FilterExpression:
        to === 1
          ? `SK = :case AND (attribute_type(${LOCK}, :number) OR attribute_type(${FORMAT2_LOCK}, :number))`
          : `SK = :case AND attribute_type(${LOCK}, :number)`,
      ExpressionAttributeValues: { ':case': 'CASE', ':number': 'N' },
      ConsistentRead: true,
    },
    async (item) => {
      const lock = typeof item[LOCK] === 'number' ? LOCK : FORMAT2_LOCK;
      const [firstCc] = ccDepartmentsOf({
        cc: (item.cc as string[] | undefined) ?? [],
        department: String(item.department),
      });
      if (
        lock === LOCK &&
        firstCc !== undefined &&
        typeof item.GSI3PK === 'string' &&
        typeof item.GSI1SK === 'string'
      ) {
        const ref = { SK: keys.caseRef(String(item.id), 'cc', firstCc).SK, GSI1PK: item.GSI3PK, GSI1SK: item.GSI1SK };
        await putRef(client, tableName, String(item.PK), String(item.id), ref, Number(item.expiresAt));
      }
      return {
        Item: to === 1 ? toFormat1(item) : toFormat2(item),
        ConditionExpression: `${lock} = :lock`,
        ExpressionAttributeValues: { ':lock': item[lock] },
      };
    },
    options,
  );
  return { found, converted: written, changed };
}
