import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MentionRepository, StoredMention } from '../../domain/ports.ts';
import { isConditionFailed, keys } from './keys.ts';

/** Mentions in the company table, deduplicated by `(platform, externalId)` via the mention id. */
export class DynamoMentionRepository implements MentionRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putIfAbsent(stored: StoredMention, expiresAt: number): Promise<{ created: boolean; stored: StoredMention }> {
    const { mention } = stored;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.mention(mention.id),
            GSI2PK: keys.author(mention.platform, mention.author.id),
            GSI2SK: `MENTION#${mention.createdAt}`,
            type: 'mention',
            mention,
            classification: stored.classification,
            routing: stored.routing,
            caseId: stored.caseId,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { created: true, stored };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = await this.get(mention.id);
      if (!existing) throw new Error(`mention ${mention.id} exists but cannot be read`, { cause: error });
      return { created: false, stored: existing };
    }
  }

  async markRouted(mentionId: string, routedAt: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.mention(mentionId),
        UpdateExpression: 'SET routedAt = if_not_exists(routedAt, :routedAt)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':routedAt': routedAt },
      }),
    );
  }

  async get(mentionId: string): Promise<StoredMention | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mention(mentionId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      mention: Item.mention,
      classification: Item.classification,
      routing: Item.routing,
      caseId: Item.caseId,
      ...(Item.routedAt ? { routedAt: Item.routedAt } : {}),
    } as StoredMention;
  }
}
