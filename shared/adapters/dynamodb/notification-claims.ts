import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MentionRouted } from '../../domain/events.ts';
import type {
  BatchNotificationClaims,
  DeliveryClaimRequest,
  NotificationClaim,
  NotificationClaims,
  NotificationSettlement,
} from '../../domain/ports.ts';
import { isConditionFailed, keys } from './keys.ts';
import { settledEntryOf, settledIn, SettlementMark } from './settlement-mark.ts';

/** Claims tried before giving up: only a claim settled between our write and our read needs a second one. */
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * One item per notification for all of its targets (`CASE#<id>` / `NOTIFIED#<notification id>#targets`,
 * expiring with the case): `sent`, the set of delivery keys sent; `complete` once every target
 * is; `owner` and `leaseUntil` while a sender holds it. A delivery writes it twice (claim,
 * settle) whatever the number of targets; the item stays well under 1 KB (1 write unit).
 *
 * The claim is one conditional update (absent, or not complete and no live lease), so of
 * concurrent claimers exactly one wins; it returns the old item, whose `sent` says what not
 * to send again.
 */
export class DynamoNotificationClaims implements NotificationClaims {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimTargets(
    caseId: string,
    notificationId: string,
    request: DeliveryClaimRequest,
  ): Promise<NotificationClaim> {
    const Key = keys.notificationClaim(caseId, notificationId);
    for (let attempt = 1; ; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression:
              'SET #type = :type, caseId = :caseId, notificationId = :id, #owner = :owner, claimedAt = :at, leaseUntil = :lease, complete = :false, expiresAt = :expiresAt',
            // ISO times of one format compare as strings; a settled claim has no lease.
            ConditionExpression:
              'attribute_not_exists(PK) OR (complete = :false AND (attribute_not_exists(leaseUntil) OR leaseUntil < :at))',
            ExpressionAttributeNames: { '#type': 'type', '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':type': 'notification-claim',
              ':caseId': caseId,
              ':id': notificationId,
              ':owner': request.owner,
              ':at': request.at,
              ':lease': request.leaseUntil,
              ':false': false,
              ':expiresAt': request.expiresAt,
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return { claim: 'claimed', sent: sentOf(Attributes) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      // Consistent: a settlement written right before must be seen.
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
      if (Item?.complete === true) return { claim: 'done', sent: sentOf(Item) };
      if (Item && typeof Item.leaseUntil === 'string' && Item.leaseUntil >= request.at) return { claim: 'held' };
      // Settled incomplete (or its lease ran out) between our write and our read: claim again.
      if (attempt >= MAX_CLAIM_ATTEMPTS) return { claim: 'held' };
    }
  }

  renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    return renewClaim(this.client, this.tableName, keys.notificationClaim(caseId, notificationId), request);
  }

  onRecordOf(event: MentionRouted): NotificationClaims {
    const record = keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department);
    return new RecordNotificationClaims(this.client, this.tableName, record, this);
  }

  batch(): BatchNotificationClaims {
    return new BatchRecordClaims(this.client, this.tableName, this);
  }

  async settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    const Key = keys.notificationClaim(caseId, notificationId);
    const add = settlement.sent.length > 0 ? ' ADD sent :sent' : '';
    const sent = settlement.sent.length > 0 ? { ':sent': new Set(settlement.sent) } : {};
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: `SET complete = :complete, settledAt = :at, expiresAt = :expiresAt REMOVE #owner, leaseUntil${add}`,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':complete': settlement.complete,
            ':at': settlement.at,
            ':expiresAt': settlement.expiresAt,
            ':owner': settlement.owner,
            ...sent,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      // Another sender took over after our lease ran out: what we sent is still sent.
      if (settlement.sent.length === 0) return;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'ADD sent :sent',
          ExpressionAttributeValues: sent,
        }),
      );
    }
  }
}

/**
 * The claims of a routed mention's notification for its department kept on the mention's
 * record on its case (`CASE#<id>` / `MENTION#<createdAt>#<mentionId>#<dept>`, under 1 KB):
 * handle-department writes the record holding the first claim (`complete: false`, `owner`,
 * `leaseUntil`; caseMentionItem), so a delivery costs the settlement's one write beside the
 * record's instead of two on an item of its own. The same conditions as the item's: a claim
 * is one conditional update (not complete and no live lease); a settlement with a failed
 * target adds `sent` for the retry (a complete one needs no list: `done` skips every target).
 * A record without `complete` was written without a claim (before this, or by another
 * writer): its notification's claims stay on their own item (`fallback`), for every sender alike.
 *
 * With a batch's settlement mark (`mark`, settlement-mark.ts) the record is claimed naming
 * it, and a complete settlement is kept for the mark's one write per batch instead of an
 * update of the record. A record that names a mark is settled when the mark holds it: a
 * claim reads the mark before it takes the record over (its condition: the mark it read is
 * still the record's), so a notification settled in a mark is never sent again.
 */
export class RecordNotificationClaims implements NotificationClaims {
  /** Whether the claims went to `fallback` (a record written without a claim): so must the settlement. */
  private fellBack = false;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly Key: { PK: string; SK: string },
    private readonly fallback: NotificationClaims,
    private readonly mark?: SettlementMark,
  ) {}

  async claimTargets(
    caseId: string,
    notificationId: string,
    request: DeliveryClaimRequest,
  ): Promise<NotificationClaim> {
    // The mark the record named when last read: the claim holds only while it still does.
    let seen: string | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.Key,
            UpdateExpression: `SET #owner = :owner, leaseUntil = :lease${this.mark ? ', mark = :mark' : ' REMOVE mark'}`,
            ConditionExpression: `complete = :false AND (attribute_not_exists(leaseUntil) OR leaseUntil < :at) AND ${
              seen === undefined ? 'attribute_not_exists(mark)' : 'mark = :seen'
            }`,
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':owner': request.owner,
              ':at': request.at,
              ':lease': request.leaseUntil,
              ':false': false,
              ...(this.mark ? { ':mark': this.mark.id } : {}),
              ...(seen === undefined ? {} : { ':seen': seen }),
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return { claim: 'claimed', sent: sentOf(Attributes) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const Item = await this.record();
      if (typeof Item?.complete !== 'boolean') {
        this.fellBack = true;
        return this.fallback.claimTargets(caseId, notificationId, request);
      }
      if (Item.complete) return { claim: 'done', sent: sentOf(Item) };
      const mark = typeof Item.mark === 'string' ? Item.mark : undefined;
      if (mark !== undefined && (await this.settledIn(mark))) return { claim: 'done', sent: sentOf(Item) };
      if (typeof Item.leaseUntil === 'string' && Item.leaseUntil >= request.at) return { claim: 'held' };
      if (attempt >= MAX_CLAIM_ATTEMPTS) return { claim: 'held' };
      seen = mark;
    }
  }

  async renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    if (this.fellBack) return (await this.fallback.renew?.(caseId, notificationId, request)) ?? false;
    return renewClaim(this.client, this.tableName, this.Key, request);
  }

  async settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    if (this.mark && settlement.complete && !this.fellBack) {
      // The record names this batch's mark (written or taken over with it): the mark's write settles it.
      this.mark.add(this.Key, settlement.owner, settlement.expiresAt);
      return;
    }
    return settleRecord(this.client, this.tableName, this.Key, settlement, () => this.record(), this.fallback, {
      caseId,
      notificationId,
    });
  }

  private settledIn(mark: string): Promise<boolean> {
    if (this.mark) return this.mark.holds(mark, this.Key);
    return settledIn(this.client, this.tableName, mark, settledEntryOf(this.Key));
  }

  /** Consistent: a settlement written right before must be seen. */
  private async record(): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.Key, ConsistentRead: true }),
    );
    return Item;
  }
}

/**
 * Extends a claim (its own item or a record) to `request.leaseUntil` while `request.owner`
 * still holds it: not settled, not taken over. One conditional update; false when refused.
 */
async function renewClaim(
  client: DynamoDBDocumentClient,
  tableName: string,
  Key: { PK: string; SK: string },
  request: DeliveryClaimRequest,
): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'SET leaseUntil = :lease',
        ConditionExpression: '#owner = :owner AND complete = :false',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': request.owner, ':lease': request.leaseUntil, ':false': false },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return false;
  }
}

/**
 * Settles a claim kept on a record with an update of the record: `complete`, the lease given
 * up, `sent` when a target failed; a claim another sender took over gets what was sent added.
 */
async function settleRecord(
  client: DynamoDBDocumentClient,
  tableName: string,
  Key: { PK: string; SK: string },
  settlement: NotificationSettlement,
  read: () => Promise<Record<string, unknown> | undefined>,
  fallback: NotificationClaims | undefined,
  of: { readonly caseId: string; readonly notificationId: string },
): Promise<void> {
  const sent = settlement.sent.length > 0 ? { ':sent': new Set(settlement.sent) } : {};
  // A complete claim answers `done`, which skips every target: it needs no list of them,
  // and without it the settled record is no larger than the record written (one write unit
  // where the list would take a record past 1 KB).
  const keep = settlement.sent.length > 0 && !settlement.complete;
  const add = keep ? ' ADD sent :sent' : '';
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: `SET complete = :complete REMOVE #owner, leaseUntil${add}`,
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':complete': settlement.complete,
          ':owner': settlement.owner,
          ...(keep ? sent : {}),
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const Item = await read();
    if (typeof Item?.complete !== 'boolean') return fallback?.settle(of.caseId, of.notificationId, settlement);
    // Another sender took over after our lease ran out: what we sent is still sent.
    if (settlement.sent.length === 0) return;
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'ADD sent :sent',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: sent,
      }),
    );
  }
}

/**
 * The claims of one handle-department batch (NotificationClaims.batch): claims kept on
 * records name the batch's settlement mark, their complete settlements are written by
 * `flush` in one update of the mark. If the mark cannot be written, each record is settled
 * by its own update, as without a mark.
 */
class BatchRecordClaims implements BatchNotificationClaims {
  private readonly settlements: SettlementMark;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly items: DynamoNotificationClaims,
  ) {
    this.settlements = new SettlementMark(client, tableName);
  }

  get mark(): string {
    return this.settlements.id;
  }

  claimTargets(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<NotificationClaim> {
    return this.items.claimTargets(caseId, notificationId, request);
  }

  settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    return this.items.settle(caseId, notificationId, settlement);
  }

  renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    return this.items.renew(caseId, notificationId, request);
  }

  onRecordOf(event: MentionRouted): NotificationClaims {
    const record = keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department);
    return new RecordNotificationClaims(this.client, this.tableName, record, this.items, this.settlements);
  }

  async flush(): Promise<void> {
    try {
      await this.settlements.write();
      return;
    } catch (markError) {
      // Each record on its own, as without a mark: a settlement lost here sends it again after the lease.
      const failed: unknown[] = [];
      const at = new Date().toISOString();
      for (const { key, owner, expiresAt } of this.settlements.settlements) {
        const read = async () =>
          (await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
        await settleRecord(
          this.client,
          this.tableName,
          key,
          { owner, sent: [], complete: true, at, expiresAt },
          read,
          undefined,
          { caseId: '', notificationId: '' },
        ).catch((error: unknown) => failed.push(error));
      }
      if (failed.length > 0) {
        throw new Error(
          `settlement mark ${this.settlements.id} not written, and ${failed.length} record settlement(s) neither`,
          { cause: new AggregateError([markError, ...failed]) },
        );
      }
    }
  }
}

function sentOf(item: Record<string, unknown> | undefined): string[] {
  const sent = item?.sent;
  return sent instanceof Set ? [...sent].map(String).sort() : [];
}
