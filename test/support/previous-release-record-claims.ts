import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, keys } from '../../shared/adapters/dynamodb/keys.ts';
import type { DynamoNotificationClaims } from '../../shared/adapters/dynamodb/notification-claims.ts';
import { settledEntryOf } from '../../shared/adapters/dynamodb/settlement-mark.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import type {
  DeliveryClaimRequest,
  NotificationClaim,
  NotificationClaims,
  NotificationSettlement,
} from '../../shared/domain/ports.ts';

/**
 * The claims kept on a mention's record as the release before the settlement fence sends them
 * (main at f9f30ea, shared/adapters/dynamodb/notification-claims.ts RecordNotificationClaims,
 * without a batch), command for command: what an instance of it sends, during a deployment or
 * after a rollback, for a record that this release wrote. Its claim is a conditional update
 * (`complete = :false`, no live lease, and `attribute_not_exists(mark)` or `mark = :seen` of the
 * string `mark` it read); it finds a settlement only at `SETTLED#<mark>` / `SETTLED`. Its batch
 * differs only in writing `mark = :mark` with the claim and settling into that mark; the
 * conditions are the same. Kept here, not imported from git: a test must show what that release
 * does, whatever this one becomes. The claims kept on their own item did not change.
 */
export function previousReleaseClaims(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: DynamoNotificationClaims,
): NotificationClaims {
  return {
    claimTargets: (caseId, notificationId, request) => items.claimTargets(caseId, notificationId, request),
    settle: (caseId, notificationId, settlement) => items.settle(caseId, notificationId, settlement),
    renew: (caseId, notificationId, request) => items.renew(caseId, notificationId, request),
    onRecordOf: (event: MentionRouted) => new PreviousReleaseRecordClaims(client, tableName, items, event),
  };
}

class PreviousReleaseRecordClaims implements NotificationClaims {
  private fellBack = false;
  private readonly Key: { PK: string; SK: string };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly fallback: DynamoNotificationClaims,
    event: MentionRouted,
  ) {
    this.Key = keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department);
  }

  async claimTargets(
    caseId: string,
    notificationId: string,
    request: DeliveryClaimRequest,
  ): Promise<NotificationClaim> {
    let seen: string | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.Key,
            UpdateExpression: 'SET #owner = :owner, leaseUntil = :lease REMOVE mark',
            ConditionExpression: `complete = :false AND (attribute_not_exists(leaseUntil) OR leaseUntil < :at) AND ${
              seen === undefined ? 'attribute_not_exists(mark)' : 'mark = :seen'
            }`,
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':owner': request.owner,
              ':at': request.at,
              ':lease': request.leaseUntil,
              ':false': false,
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
      if (attempt >= 3) return { claim: 'held' };
      seen = mark;
    }
  }

  async renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    if (this.fellBack) return this.fallback.renew(caseId, notificationId, request);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.Key,
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

  async settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    if (this.fellBack) return this.fallback.settle(caseId, notificationId, settlement);
    const keep = settlement.sent.length > 0 && !settlement.complete;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.Key,
          UpdateExpression: `SET complete = :complete REMOVE #owner, leaseUntil${keep ? ' ADD sent :sent' : ''}`,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':complete': settlement.complete,
            ':owner': settlement.owner,
            ...(keep ? { ':sent': new Set(settlement.sent) } : {}),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      if (settlement.sent.length === 0) return;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.Key,
          UpdateExpression: 'ADD sent :sent',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':sent': new Set(settlement.sent) },
        }),
      );
    }
  }

  private async settledIn(mark: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.settlementMark(mark), ConsistentRead: true }),
    );
    return Item?.settled instanceof Set && Item.settled.has(settledEntryOf(this.Key));
  }

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
