import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.ts';

/** A record's key. */
type RecordKey = { readonly PK: string; readonly SK: string };

/** What a mark holds of a record: a hash of its key, 16 characters (a mark of 100 records stays under 2 KB). */
export function settledEntryOf(key: RecordKey): string {
  return createHash('sha256').update(`${key.PK}\n${key.SK}`).digest('base64url').slice(0, 16);
}

/**
 * The settlement mark of one handle-department batch (`SETTLED#<mark>` / `SETTLED`, type
 * `notification-settlement`): `settled`, a string set of the records (settledEntryOf) whose
 * notification a sender of the batch sent to every target, and `expiresAt`. A record claimed
 * by the batch names the mark (`mark`); a record whose entry is in the mark it names is
 * settled complete, as one with `complete: true` is. The settlements of a batch are one
 * update of the mark (charged by the mark's size: 1 write unit up to about 60 records)
 * where each was an update of its record (charged by the record's size, 1-2 units each).
 *
 * Two batches drawing the same mark (48 random bits) would share one item, which is still
 * right: it holds entries of records, each naming the mark it was claimed with.
 */
export class SettlementMark {
  /** The mark's id, written on each record the batch claims. */
  readonly id = randomBytes(6).toString('base64url');
  /** Settlements waiting for `write`: entry -> the record's key and its claim's owner. */
  private readonly pending = new Map<
    string,
    { readonly key: RecordKey; readonly owner: string; readonly expiresAt: number }
  >();
  private expiresAt = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Keeps a record's complete settlement for the batch's write. */
  add(key: RecordKey, owner: string, expiresAt: number): void {
    this.pending.set(settledEntryOf(key), { key, owner, expiresAt });
    this.expiresAt = Math.max(this.expiresAt, expiresAt);
  }

  /** Whether the record is settled in this mark: in memory for this batch's own, else read (consistent). */
  async holds(mark: string, key: RecordKey): Promise<boolean> {
    const entry = settledEntryOf(key);
    if (mark === this.id && this.pending.has(entry)) return true;
    return settledIn(this.client, this.tableName, mark, entry);
  }

  /** The settlements kept, with their records' keys and owners (for the records' own updates when the mark cannot be written). */
  get settlements(): readonly { readonly key: RecordKey; readonly owner: string; readonly expiresAt: number }[] {
    return [...this.pending.values()];
  }

  /** Writes the kept settlements into the mark, in one update (nothing when none were kept). */
  async write(): Promise<void> {
    if (this.pending.size === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.settlementMark(this.id),
        UpdateExpression: 'SET #type = :type, expiresAt = :expiresAt ADD settled :settled',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'notification-settlement',
          ':expiresAt': this.expiresAt,
          ':settled': new Set(this.pending.keys()),
        },
      }),
    );
  }
}

/** Whether a mark holds an entry (consistent: a mark written right before must be seen). */
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
