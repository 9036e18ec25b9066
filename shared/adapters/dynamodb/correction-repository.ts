import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Correction, CorrectionStore } from '../../domain/corrections.ts';
import { keys } from './keys.ts';
import { queryAll } from './query-all.ts';

/**
 * Corrections in the company table: `CORRECTION` / `MENTION#<mentionId>`, one item per
 * mention, listed with one query of the `CORRECTION` partition (corrections are made by
 * people, a few a minute at most, and expire with the retention). Erasure finds an
 * author's by a scan of the table (`correction.authorId`, erasure-job-store.ts).
 */
export class DynamoCorrectionRepository implements CorrectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(mentionId: string): Promise<Correction | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.correction(mentionId), ConsistentRead: true }),
    );
    return Item ? (Item.correction as Correction) : undefined;
  }

  async put(correction: Correction): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.correction(correction.mentionId),
          type: 'correction',
          correction,
          expiresAt: correction.expiresAt,
        },
      }),
    );
  }

  async list(): Promise<Correction[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.corrections },
    });
    return items.map((item) => item.correction as Correction);
  }
}
