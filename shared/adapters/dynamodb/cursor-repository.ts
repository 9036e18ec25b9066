import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../domain/zod-mini.ts';
import type { Platform } from '../../domain/mention.ts';
import type { CursorRepository, PollCursor } from '../../domain/pollers/ports.ts';
import { keys } from './keys.ts';

const MarkSchema = z.object({ at: z.string(), ids: z.array(z.string()) });
const PollCursorSchema = z.object({
  newest: z.optional(MarkSchema),
  sweep: z.optional(z.object({ pageToken: z.string().check(z.minLength(1)), top: MarkSchema })),
  updatedAt: z.string(),
});

/**
 * Poller cursors, one item per platform listing (`CURSOR#<platform>#<source>`). They hold
 * no personal data and do not expire: a lost cursor would read the backfill again.
 */
export class DynamoCursorRepository implements CursorRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** @throws Error when the stored item is not a cursor (written by something else) */
  async get(platform: Platform, source: string): Promise<PollCursor | undefined> {
    const output = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.pollCursor(platform, source), ConsistentRead: true }),
    );
    if (!output.Item) return undefined;
    const parsed = PollCursorSchema.safeParse(output.Item.cursor);
    if (!parsed.success) throw new Error(`the stored cursor of ${platform} ${source} is not a poll cursor`);
    return parsed.data;
  }

  async put(platform: Platform, source: string, cursor: PollCursor): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.pollCursor(platform, source), type: 'poll-cursor', platform, source, cursor },
      }),
    );
  }
}
