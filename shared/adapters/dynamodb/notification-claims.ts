import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MentionRouted } from '../../domain/events.ts';
import type {
  DeliveryClaimRequest,
  NotificationClaim,
  NotificationClaims,
  NotificationSettlement,
} from '../../domain/ports.ts';
import { isConditionFailed, keys } from './keys.ts';

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

  onRecordOf(event: MentionRouted): NotificationClaims {
    const record = keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department);
    return new RecordNotificationClaims(this.client, this.tableName, record, this);
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
 */
export class RecordNotificationClaims implements NotificationClaims {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly Key: { PK: string; SK: string },
    private readonly fallback: NotificationClaims,
  ) {}

  async claimTargets(
    caseId: string,
    notificationId: string,
    request: DeliveryClaimRequest,
  ): Promise<NotificationClaim> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.Key,
            UpdateExpression: 'SET #owner = :owner, leaseUntil = :lease',
            ConditionExpression: 'complete = :false AND (attribute_not_exists(leaseUntil) OR leaseUntil < :at)',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':owner': request.owner,
              ':at': request.at,
              ':lease': request.leaseUntil,
              ':false': false,
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return { claim: 'claimed', sent: sentOf(Attributes) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const Item = await this.record();
      if (typeof Item?.complete !== 'boolean') return this.fallback.claimTargets(caseId, notificationId, request);
      if (Item.complete) return { claim: 'done', sent: sentOf(Item) };
      if (typeof Item.leaseUntil === 'string' && Item.leaseUntil >= request.at) return { claim: 'held' };
      if (attempt >= MAX_CLAIM_ATTEMPTS) return { claim: 'held' };
    }
  }

  async settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    const sent = settlement.sent.length > 0 ? { ':sent': new Set(settlement.sent) } : {};
    // A complete claim answers `done`, which skips every target: it needs no list of them,
    // and without it the settled record is no larger than the record written (one write unit
    // where the list would take a record past 1 KB).
    const keep = settlement.sent.length > 0 && !settlement.complete;
    const add = keep ? ' ADD sent :sent' : '';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.Key,
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
      const Item = await this.record();
      if (typeof Item?.complete !== 'boolean') return this.fallback.settle(caseId, notificationId, settlement);
      // Another sender took over after our lease ran out: what we sent is still sent.
      if (settlement.sent.length === 0) return;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.Key,
          UpdateExpression: 'ADD sent :sent',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: sent,
        }),
      );
    }
  }

  /** Consistent: a settlement written right before must be seen. */
  private async record(): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.Key, ConsistentRead: true }),
    );
    return Item;
  }
}

function sentOf(item: Record<string, unknown> | undefined): string[] {
  const sent = item?.sent;
  return sent instanceof Set ? [...sent].map(String).sort() : [];
}
