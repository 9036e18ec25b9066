import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NotificationLog } from '../../domain/ports.ts';
import { keys } from './keys.ts';

/**
 * Sent-markers of notifications, one item per case and key (`CASE#<id>` / `NOTIFIED#<key>`,
 * the key being the notification's id and its target), expiring with the case.
 */
export class DynamoNotificationLog implements NotificationLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async wasSent(caseId: string, key: string): Promise<boolean> {
    // Consistent: a redelivery right after the send must see the marker.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.notification(caseId, key), ConsistentRead: true, ProjectionExpression: 'PK' }),
    );
    return Item !== undefined;
  }

  async markSent(caseId: string, key: string, sentAt: string, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.notification(caseId, key), type: 'notification-sent', caseId, key, sentAt, expiresAt },
      }),
    );
  }
}
