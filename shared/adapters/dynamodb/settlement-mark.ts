import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.ts';
import { tallyUpdate } from './metric-repository.ts';

/** A record's key. */
type RecordKey = { readonly PK: string; readonly SK: string };

/** What a mark holds of a record: a hash of its key, 16 characters (a mark of 100 records stays under 2 KB). */
export function settledEntryOf(key: RecordKey): string {
  return createHash('sha256').update(`${key.PK}\n${key.SK}`).digest('base64url').slice(0, 16);
}

/** Where a batch settles a record (`<day>#<mark id>`, the record's `mark2`): its item of that day and the record's department. */
export function markRefOf(day: string, mark: string): string {
  return `${day}#${mark}`;
}

/** The item a record's `mark2` names, for a record of `department`; undefined for a reference of another shape. */
export function itemOfMarkRef(ref: string, department: string): RecordKey | undefined {
  const at = ref.indexOf('#');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return keys.batchTally(ref.slice(0, at), department, ref.slice(at + 1));
}

/** A settlement kept for the batch's write. */
interface Settlement {
  readonly key: RecordKey;
  readonly owner: string;
  readonly expiresAt: number;
  readonly day: string;
  readonly department: string;
}

/**
 * The settlements of one handle-department batch (since w22). A record claimed by the batch
 * names where the batch settles it (`mark2`: `<day>#<mark>`, markRefOf): the batch's item of
 * that company day and the record's department, `TALLY#<day>` / `DEPT#<dept>#<mark>`
 * (keys.batchTally), which holds `settled` (a string set of settledEntryOf) and the batch's
 * tally of that day and department (number attributes, as the day's item `DEPT#<dept>` has
 * them). A record whose entry is in the item it names is settled complete, as one with
 * `complete: true` is. The settlements and the tally of a day and department are one update
 * (charged by the item's size: 1 write unit up to about 50 records) where the batch wrote a
 * settlement mark and a tally, one unit each, before w22.
 *
 * The fence: a record names its place in `mark2` and holds `mark` as NULL (caseMentionItem).
 * A release before w22 looks for a settlement only at `SETTLED#<mark>` of a string `mark`, and
 * claims a record only if it has no `mark` or the string it read: it cannot take such a record
 * over (it answers `held`), so it never sends its notification again.
 * `backchannel settlement-format --down` settles or frees those records for it
 * (settlement-format-rollback.ts).
 *
 * The item's write SETs the tally fields, so a retried write (the SDK's, or the flush's
 * retries) does not count twice; it is the batch's alone. Two batches drawing the same mark
 * (48 random bits) on the same day and department would share one item: their settlements
 * add up (`ADD`), the second's tally would replace the first's.
 */
export class SettlementMark {
  /** The mark's id, in the place written on each record the batch claims. */
  readonly id = randomBytes(6).toString('base64url');
  /** Settlements waiting for `write`: entry -> the record's key, its claim's owner and its place. */
  private readonly pending = new Map<string, Settlement>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Keeps a record's complete settlement for the batch's write, in its item of `day` and `department`. */
  add(key: RecordKey, owner: string, expiresAt: number, day: string, department: string): void {
    this.pending.set(settledEntryOf(key), { key, owner, expiresAt, day, department });
  }

  /** Whether the record (of `department`) is settled in the place `ref` names: in memory for this batch's own, else read (consistent). */
  async holds(ref: string, key: RecordKey, department: string): Promise<boolean> {
    const entry = settledEntryOf(key);
    if (this.pending.has(entry) && ref.endsWith(`#${this.id}`)) return true;
    return settledInBatchItem(this.client, this.tableName, ref, department, entry);
  }

  /** The settlements kept, by their item (day and department). */
  get groups(): readonly { readonly day: string; readonly department: string; readonly settlements: Settlement[] }[] {
    const groups = new Map<string, { day: string; department: string; settlements: Settlement[] }>();
    for (const settlement of this.pending.values()) {
      const id = `${settlement.day}\u0000${settlement.department}`;
      const group = groups.get(id) ?? { day: settlement.day, department: settlement.department, settlements: [] };
      group.settlements.push(settlement);
      groups.set(id, group);
    }
    return [...groups.values()];
  }

  /**
   * Writes the settlements of one day and department with the batch's tally `fields` of that
   * day and department, in one update of the batch's item (idempotent: SET fields, ADD entries).
   */
  async write(
    group: { readonly day: string; readonly department: string; readonly settlements: readonly Settlement[] },
    fields: Readonly<Record<string, number>>,
  ): Promise<void> {
    const { day, department } = group;
    const update = tallyUpdate(day, department, fields, 'SET') ?? {
      UpdateExpression: 'SET #type = :type, #day = :day, department = :department',
      ExpressionAttributeNames: { '#type': 'type', '#day': 'day' },
      ExpressionAttributeValues: { ':type': 'tally', ':day': day, ':department': department },
    };
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.batchTally(day, department, this.id),
        UpdateExpression: `${update.UpdateExpression} ADD settled :settled`,
        ExpressionAttributeNames: update.ExpressionAttributeNames,
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ':settled': new Set(group.settlements.map((s) => settledEntryOf(s.key))),
        },
      }),
    );
  }
}

/** Whether the batch item a record's `mark2` names holds the record's entry (consistent: an item written right before must be seen). */
export async function settledInBatchItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  ref: string,
  department: string,
  entry: string,
): Promise<boolean> {
  const Key = itemOfMarkRef(ref, department);
  if (!Key) return false;
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
  return Item?.settled instanceof Set && Item.settled.has(entry);
}

/**
 * Whether a settlement mark of a release before w22 (`SETTLED#<mark>` / `SETTLED`, a record's
 * string `mark`) holds an entry (consistent: a mark written right before must be seen). Such
 * marks are still read: a record claimed by an instance of that release during a deployment.
 */
export async function settledIn(
  client: DynamoDBDocumentClient,
  tableName: string,
  mark: string,
  entry: string,
): Promise<boolean> {
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.settlementMark(mark), ConsistentRead: true }),
  );
  return Item?.settled instanceof Set && Item.settled.has(entry);
}
