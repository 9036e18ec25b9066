import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../domain/zod-mini.ts';
import type { KeyAccountTimeline, TimelineItem } from '../../domain/key-accounts.ts';
import { PlatformSchema } from '../../domain/mention.ts';
import { keys } from './keys.ts';

const ItemSchema = z.object({
  accountId: z.string(),
  at: z.string(),
  kind: z.enum(['mention', 'reply']),
  platform: PlatformSchema,
  author: z.string(),
  text: z.string(),
  url: z.optional(z.string()),
  caseId: z.string(),
  itemId: z.string(),
});

/**
 * The public exchanges of each key account (`KEYACCOUNT#<id>`, sorted by time): one query,
 * newest first. The items quote mentions and replies, so they expire with the retention.
 */
export class DynamoKeyAccountTimeline implements KeyAccountTimeline {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(item: TimelineItem, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.keyAccountItem(item.accountId, item.at, item.kind, item.itemId),
          type: 'key-account-item',
          ...item,
          expiresAt,
        },
      }),
    );
  }

  /** @throws Error when a stored item is not a timeline item (written by something else) */
  async list(accountId: string, options: { readonly limit: number }): Promise<TimelineItem[]> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.keyAccountTimeline(accountId) },
        ScanIndexForward: false,
        Limit: options.limit,
      }),
    );
    return (output.Items ?? []).map((raw) => {
      const parsed = ItemSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`a stored timeline item of key account ${accountId} is not one`);
      const { url, ...rest } = parsed.data;
      return { ...rest, ...(url ? { url } : {}) };
    });
  }
}
