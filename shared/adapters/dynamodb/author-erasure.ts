import { BatchWriteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  EraseAuthorDeps,
  ErasureAudit,
  ErasureAuditEntry,
  PersonalItem,
  PersonalItemKind,
} from '../../domain/erase-author.ts';
import type { StoredMention } from '../../domain/ports.ts';
import { DynamoThemeRepository } from './theme-repository.ts';
import { DynamoCaseRepository } from './case-repository.ts';
import { isConditionFailed, keys } from './keys.ts';
import { queryAll } from './query-all.ts';
import { untilProcessed } from './unprocessed.ts';

/** DynamoDB takes at most 25 requests per BatchWriteItem. */
const BATCH_SIZE = 25;

/**
 * The table's side of one mention's erasure: the items that hang off a mention (found by key
 * and by queries of its case's partition) and their deletion. Which mentions are the author's
 * is what the erasure job's scan found (erasure-job-store.ts).
 */
export class DynamoMentionItems {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The mention's item; on its case the records of it per department
   * (`MENTION#<createdAt>#<mentionId>#`), its notes (`NOTE#...#<mentionId>`) and the sent
   * markers of its notifications (`NOTIFIED#mention:<mentionId>#...`, `NOTIFIED#key-account:<mentionId>#...`).
   */
  async itemsOfMention(stored: StoredMention): Promise<PersonalItem[]> {
    const { mention, caseId } = stored;
    const partition = keys.case(caseId).PK;
    const keysOf = async (
      prefix: string,
      kind: PersonalItemKind,
      belongs: (sk: string) => boolean,
    ): Promise<PersonalItem[]> => {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ProjectionExpression: 'PK, SK',
      });
      return items
        .filter((item) => belongs(String(item.SK)))
        .map((item) => ({ kind, key: { PK: String(item.PK), SK: String(item.SK) } }));
    };
    const [records, notes, markers] = await Promise.all([
      keysOf(keys.caseMentionsOf(mention.createdAt, mention.id), 'case-mention', () => true),
      keysOf(keys.caseNotePrefix, 'case-note', (sk) => sk.endsWith(`#${mention.id}`)),
      keysOf('NOTIFIED#', 'notification-marker', (sk) => sk.includes(`:${mention.id}#`)),
    ]);
    return [
      { kind: 'mention', key: keys.mention(mention.id) },
      { kind: 'mention-mark', key: keys.mentionRouted(mention.id) },
      ...records,
      ...notes,
      ...markers,
    ];
  }

  /**
   * Deletes in batches of 25, resending what DynamoDB left unprocessed after a backoff (an
   * error after 8 rounds: the caller may run the erasure again).
   */
  async remove(items: readonly PersonalItem[]): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      await untilProcessed(
        items.slice(start, start + BATCH_SIZE).map((item) => ({ DeleteRequest: { Key: { ...item.key } } })),
        async (requests) => {
          const { UnprocessedItems } = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: [...requests] } }),
          );
          return (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        },
        'erasure deletes',
      );
    }
  }
}

/**
 * The audit trail of erasures: `AUDIT#ERASURE` / `<at>#<id>`. Entries name the author only
 * by pseudonym and carry no TTL: the record that an erasure happened outlives the data.
 */
export class DynamoErasureAudit implements ErasureAudit {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: ErasureAuditEntry): Promise<ErasureAuditEntry> {
    const key = keys.erasureAudit(entry.at, entry.id);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, type: 'erasure-audit', entry },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return entry;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      return Item?.entry as ErasureAuditEntry;
    }
  }
}

/** The table's side of an erasure besides the author's data: the cases, the audit trail and the themes. */
export function dynamoErasurePorts(
  client: DynamoDBDocumentClient,
  tableName: string,
): Pick<EraseAuthorDeps, 'cases' | 'audit' | 'themes'> {
  return {
    cases: new DynamoCaseRepository(client, tableName),
    audit: new DynamoErasureAudit(client, tableName),
    themes: new DynamoThemeRepository(client, tableName),
  };
}
