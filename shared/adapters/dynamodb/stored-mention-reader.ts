import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredMentionPage, StoredMentionReader } from '../../domain/ports.ts';
import { storedMentionOf } from './mention-repository.ts';

/**
 * Reads every stored mention of the company table with a paged Scan (mentions have no
 * index of their own by time; a replay reads them all once). Read-only.
 */
export class DynamoStoredMentionReader implements StoredMentionReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *pages(
    options: { readonly since?: string; readonly pageSize?: number } = {},
  ): AsyncIterable<StoredMentionPage> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          Limit: options.pageSize ?? 500,
          FilterExpression: options.since ? '#sk = :sk AND #m.#created >= :since' : '#sk = :sk',
          ExpressionAttributeNames: {
            '#sk': 'SK',
            ...(options.since ? { '#m': 'mention', '#created': 'createdAt' } : {}),
          },
          ExpressionAttributeValues: { ':sk': 'MENTION', ...(options.since ? { ':since': options.since } : {}) },
          ExclusiveStartKey,
        }),
      );
      yield {
        items: (page.Items ?? []).map(storedMentionOf),
        scanned: page.ScannedCount ?? 0,
      };
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}
