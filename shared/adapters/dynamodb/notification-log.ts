import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryClaim, DeliveryClaimRequest, NotificationLog } from '../../domain/ports.ts';
import { isConditionFailed, keys } from './keys.ts';

/** Claims tried before giving up: only a claim released between our put and our read needs a second one. */
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * Delivery claims and sent-markers of notifications, one item per case and key
 * (`CASE#<id>` / `NOTIFIED#<key>`, the key being the notification's id and its target),
 * expiring with the case.
 *
 * The item is `state: 'sending'` with `owner` and `leaseUntil` while a sender holds it, and
 * `state: 'sent'` once delivered. Markers written before claims existed have no state and
 * count as sent. The claim is one conditional put (absent, or a sending claim whose lease
 * ran out), so of concurrent claimers exactly one wins.
 */
export class DynamoNotificationLog implements NotificationLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The item key of a delivery; reports keep theirs apart (`keys.reportSent`, the report's key in place of the case id). */
    private readonly keyOf: (caseId: string, key: string) => { PK: string; SK: string } = keys.notification,
  ) {}

  async claim(caseId: string, key: string, request: DeliveryClaimRequest): Promise<DeliveryClaim> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...this.keyOf(caseId, key),
              type: 'notification-sent',
              caseId,
              key,
              state: 'sending',
              owner: request.owner,
              claimedAt: request.at,
              leaseUntil: request.leaseUntil,
              expiresAt: request.expiresAt,
            },
            // ISO times of one format compare as strings.
            ConditionExpression: 'attribute_not_exists(PK) OR (#state = :sending AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending', ':now': request.at },
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      // Consistent: a marker written right before must be seen.
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: this.keyOf(caseId, key), ConsistentRead: true }),
      );
      if (Item?.state === 'sending') return 'held';
      if (Item) return 'sent';
      // Released between our put and our read: claim again.
      if (attempt >= MAX_CLAIM_ATTEMPTS) return 'held';
    }
  }

  async markSent(caseId: string, key: string, sentAt: string, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...this.keyOf(caseId, key), type: 'notification-sent', caseId, key, state: 'sent', sentAt, expiresAt },
      }),
    );
  }

  async release(caseId: string, key: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: this.keyOf(caseId, key),
          ConditionExpression: '#state = :sending AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: { ':sending': 'sending', ':owner': owner },
        }),
      );
    } catch (error) {
      // Another sender took over an expired claim, or it was sent: not ours to delete.
      if (!isConditionFailed(error)) throw error;
    }
  }
}
