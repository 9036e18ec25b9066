import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventOfCaseMention } from './case-mention-record.ts';
import { keys } from './keys.ts';
import { rewriteScanned, type Rewrite } from './rewrite-scanned.ts';
import { settledEntryOf, settledInBatchItem } from './settlement-mark.ts';

/** What lifting the settlement fence found and did. */
export interface SettlementDowngrade {
  /** Records claimed since w22 and not settled on the record (the fence: `mark2`, `mark` NULL). */
  readonly found: number;
  /** Of them written without the fence (0 on a dry run): settled complete, or freed. */
  readonly written: number;
  /** Of those, the ones their batch's item holds: written `complete: true`. */
  readonly settled: number;
  /** Left as they are: their claim's lease still runs (a sender may still settle them). Run again after it. */
  readonly inFlight: number;
  /** Changed by another writer between the scan and the write (the condition refused): run again. */
  readonly changed: number;
}

/**
 * Lifts the settlement fence of every record claimed since w22 (a string `mark2` naming the
 * batch item that settles it, `mark` NULL: caseMentionItem), the step after a rollback to a
 * release before w22, which reads settlements only at `SETTLED#<mark>` and refuses a record
 * with a `mark` it cannot read (its claim answers `held`, its message waits in the DLQ).
 *
 * - a record its batch's item holds was sent to every target: written `complete: true`
 *   without its claim (what the release before reads as `done`);
 * - a record that item does not hold, its lease run out: written without `mark` and `mark2`
 *   (its owner may have sent before dying: the release before then sends again, as it would
 *   for a record of its own mark whose mark was never written);
 * - a record whose lease still runs is left (a sender of this release may still settle it) and
 *   counted in `inFlight`: run again after the lease (a minute).
 *
 * Each write is a put of the record as read, on the condition that its place, owner, lease,
 * state and event are still the ones read; one changed meanwhile is counted in `changed`. The
 * batch items stay: a release before reads their tallies as the day's (they are number
 * attributes of a `TALLY#<day>` item) and ignores `settled`. One scan of the table
 * (rewrite-scanned.ts).
 */
export async function liftSettlementFence(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly dryRun?: boolean; readonly now?: Date } = {},
): Promise<SettlementDowngrade> {
  const now = (options.now ?? new Date()).toISOString();
  let settled = 0;
  let inFlight = 0;
  const { found, written, changed } = await rewriteScanned(
    client,
    tableName,
    {
      FilterExpression:
        'begins_with(PK, :case) AND begins_with(SK, :mention) AND attribute_exists(mark2) AND complete = :false',
      ExpressionAttributeValues: { ':case': 'CASE#', ':mention': keys.caseMentionPrefix, ':false': false },
      ConsistentRead: true,
    },
    async (item): Promise<Rewrite | undefined> => {
      const ref = String(item.mark2);
      const key = { PK: String(item.PK), SK: String(item.SK) };
      const done = await settledInBatchItem(
        client,
        tableName,
        ref,
        eventOfCaseMention(item).department,
        settledEntryOf(key),
      );
      const lease = typeof item.leaseUntil === 'string' ? item.leaseUntil : undefined;
      if (!done && lease !== undefined && lease >= now) {
        inFlight++;
        return undefined;
      }
      const { mark: _null, mark2: _ref, ...rest } = item;
      let Item: Record<string, unknown> = rest;
      if (done) {
        settled++;
        const { owner: _owner, leaseUntil: _lease, ...settledRecord } = rest;
        Item = { ...settledRecord, complete: true };
      }
      return { Item, ...unchangedSince(item, ref) };
    },
    options,
  );
  return { found, written, settled, inFlight, changed };
}

/** The condition that a record is as it was read: its place, claim, state and event. */
function unchangedSince(
  item: Record<string, unknown>,
  ref: string,
): Pick<Rewrite, 'ConditionExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames'> {
  const parts = ['mark2 = :ref', 'complete = :false'];
  const values: Record<string, unknown> = { ':ref': ref, ':false': false };
  for (const [name, placeholder] of [
    ['owner', '#owner'],
    ['leaseUntil', '#lease'],
    ['eventD', '#event'],
  ] as const) {
    if (item[name] === undefined) parts.push(`attribute_not_exists(${placeholder})`);
    else {
      parts.push(`${placeholder} = :${name}`);
      values[`:${name}`] = item[name];
    }
  }
  return {
    ConditionExpression: parts.join(' AND '),
    ExpressionAttributeValues: values,
    ExpressionAttributeNames: { '#owner': 'owner', '#lease': 'leaseUntil', '#event': 'eventD' },
  };
}
