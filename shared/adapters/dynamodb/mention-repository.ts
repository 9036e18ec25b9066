import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ERASED } from '../../domain/erasure.ts';
import { mentionId, type Mention } from '../../domain/mention.ts';
import type { MentionErasure, MentionRepository, StoredMention } from '../../domain/ports.ts';
import { erasedCaseMentionItem, isDeflatedCaseMention } from './case-mention-record.ts';
import { isConditionFailed, keys } from './keys.ts';
import { decodeMentionDetail, encodeMentionDetail } from './mention-detail.ts';
import { queryAll } from './query-all.ts';

/** The author id an erased mention keeps: the Mention schema needs one. */
export const ERASED_AUTHOR_ID = ERASED;

/** Mentions in the company table, deduplicated by `(platform, externalId)` via the mention id. */
export class DynamoMentionRepository implements MentionRepository, MentionErasure {
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
            type: 'mention',
            mention: packedMention(mention),
            detail: encodeMentionDetail(stored),
            caseId: stored.caseId,
            // Its batch's routed mark, under a short name: the item is close to 1 KB.
            ...(stored.routeMark ? { mark: stored.routeMark } : {}),
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

  /**
   * A `ROUTED` item beside the mention (1 write unit) instead of an update of the mention
   * item, which DynamoDB charges by the whole item's size (2-3 KB with its classification).
   * The first mark stays: a second is a failed condition, ignored.
   */
  async markRouted(mentionId: string, routedAt: string, expiresAt: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.mentionRouted(mentionId), type: 'mention-routed', routedAt, expiresAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /**
   * Adds the mentions to their batch's routed mark (`ROUTED#<mark>`, a string set of ids
   * under 1 KB for a batch of 10: 1 write unit for the batch instead of one per mention).
   * ADD is idempotent and atomic, so a redelivery in another batch, or two batches racing,
   * only add ids; the first `routedAt` stays.
   */
  async markRoutedTogether(
    mark: string,
    mentionIds: readonly string[],
    routedAt: string,
    expiresAt: number,
  ): Promise<void> {
    if (mentionIds.length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.routedMark(mark),
        UpdateExpression:
          'SET #type = :type, routedAt = if_not_exists(routedAt, :at), expiresAt = :expiresAt ADD mentions :ids',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'mention-routed-batch',
          ':at': routedAt,
          ':expiresAt': expiresAt,
          ':ids': new Set(mentionIds),
        },
      }),
    );
  }

  /**
   * The mention and its routed mark, in one strongly consistent read of its partition, and,
   * when it was stored with a batch's mark and has no mark of its own, a consistent read of
   * that mark (only a redelivery or a duplicate reads it).
   */
  async get(mentionId: string): Promise<StoredMention | undefined> {
    return (await this.read(mentionId))?.stored;
  }

  private async read(mentionId: string): Promise<{ item: Record<string, unknown>; stored: StoredMention } | undefined> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.mention(mentionId).PK },
        ConsistentRead: true,
      }),
    );
    const item = Items.find((i) => i.SK === keys.mention(mentionId).SK);
    if (!item) return undefined;
    const own = Items.find((i) => i.SK === keys.mentionRouted(mentionId).SK)?.routedAt;
    // Mentions routed before the mark existed carry routedAt on the item itself.
    const routedAt = item.routedAt ?? own ?? (await this.routedInMark(item.mark, mentionId));
    return { item, stored: storedMentionOf(routedAt ? { ...item, routedAt } : item) };
  }

  /** When the batch mark `mark` holds the mention: its routedAt. */
  private async routedInMark(mark: unknown, mentionId: string): Promise<string | undefined> {
    if (typeof mark !== 'string') return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.routedMark(mark), ConsistentRead: true }),
    );
    const ids = Item?.mentions;
    return ids instanceof Set && ids.has(mentionId) && typeof Item?.routedAt === 'string' ? Item.routedAt : undefined;
  }

  /**
   * Erases what a stored mention said and who said it: its text, author (name, handle,
   * followers), link and the reasons that quote its words (classification features,
   * routing reasons and matched-rule explanations); drops the author-index keys of releases before w18; and
   * does the same on the copies its case records carry. The item stays, without personal
   * data, so a redelivery is still a duplicate. Idempotent.
   */
  async erase(mentionId: string, erasedAt: string): Promise<StoredMention | undefined> {
    const found = await this.read(mentionId);
    if (!found) return undefined;
    const before = found.stored;
    const common = {
      TableName: this.tableName,
      Key: keys.mention(mentionId),
      ConditionExpression: 'attribute_exists(PK)',
    };
    const mentionNames = { '#mention': 'mention', '#text': 'text', '#author': 'author', '#url': 'url' };
    const erasedMention = { ':empty': '', ':author': { id: ERASED_AUTHOR_ID }, ':at': erasedAt };
    await this.client.send(
      found.item.detail === undefined
        ? // Written before the detail was compressed: the reasons are attributes of their own.
          new UpdateCommand({
            ...common,
            UpdateExpression:
              'SET #mention.#text = :empty, #mention.#author = :author, #classification.#reasons = :none, #routing.#reasons = :none, erasedAt = if_not_exists(erasedAt, :at) ' +
              'REMOVE #mention.#url, #routing.#matched, GSI2PK, GSI2SK',
            ExpressionAttributeNames: {
              ...mentionNames,
              '#classification': 'classification',
              '#routing': 'routing',
              '#reasons': 'reasons',
              '#matched': 'matched',
            },
            ExpressionAttributeValues: { ...erasedMention, ':none': [] },
          })
        : new UpdateCommand({
            ...common,
            UpdateExpression:
              'SET #mention.#text = :empty, #mention.#author = :author, detail = :detail, erasedAt = if_not_exists(erasedAt, :at) ' +
              'REMOVE #mention.#url, GSI2PK, GSI2SK',
            ExpressionAttributeNames: mentionNames,
            ExpressionAttributeValues: { ...erasedMention, ':detail': encodeMentionDetail(withoutQuotes(before)) },
          }),
    );
    const records = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.case(before.caseId).PK,
        ':prefix': keys.caseMentionsOf(before.mention.createdAt, mentionId),
      },
    });
    for (const record of records) {
      if (isDeflatedCaseMention(record)) {
        await this.erasePackedRecord(record);
        continue;
      }
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: record.PK, SK: record.SK },
          UpdateExpression:
            'SET #event.#text = :empty, #event.authorId = :author, #event.reasons = :none REMOVE #event.authorName, #event.authorHandle, #event.#url, #event.classifierReasons',
          ExpressionAttributeNames: { '#event': 'event', '#text': 'text', '#url': 'url' },
          ExpressionAttributeValues: { ':empty': '', ':author': ERASED_AUTHOR_ID, ':none': [] },
        }),
      );
    }
    return before;
  }

  /**
   * Rewrites a packed record's event without the mention's words and author: an update of
   * the event alone, on the condition that it is still the event read. The record also
   * holds its notification's claim (`complete`, `owner`, `leaseUntil`, `mark`), which a
   * sender may write between this read and this write; a put of the record as read would
   * restore the claim read and lose a settlement or a takeover (a second notification).
   * When the event changed meanwhile the record is read again; a record gone is left.
   */
  private async erasePackedRecord(read: Record<string, unknown>): Promise<void> {
    let record: Record<string, unknown> | undefined = read;
    for (let attempt = 1; record && isDeflatedCaseMention(record); attempt++) {
      const packed = record.eventD instanceof Uint8Array ? 'eventD' : 'eventZ';
      const Key: Record<string, unknown> = { PK: record.PK, SK: record.SK };
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET eventD = :erased REMOVE eventZ',
            ConditionExpression: `#packed = :read`,
            ExpressionAttributeNames: { '#packed': packed },
            ExpressionAttributeValues: {
              ':erased': erasedCaseMentionItem(record, ERASED_AUTHOR_ID).eventD,
              ':read': record[packed],
            },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailed(error) || attempt >= MAX_RECORD_ATTEMPTS) throw error;
      }
      ({ Item: record } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      ));
    }
  }
}

/** Rewrites of one record tried before giving up: only a writer changing its event in between needs another. */
const MAX_RECORD_ATTEMPTS = 3;

/**
 * The mention as the item stores it: without its id, platform and external id when the key
 * says them (`MENTION#<platform>:<externalId>`), about 70 bytes of an item that is often
 * just under or over 1 KB (1 or 2 write units).
 */
function packedMention(mention: Mention): Partial<Mention> {
  if (mention.id !== mentionId(mention.platform, mention.externalId)) return mention;
  const { id: _id, platform: _platform, externalId: _externalId, ...rest } = mention;
  return rest;
}

/** The stored mention whole: what packedMention left out, from the item's key. */
function unpackedMention(item: Record<string, unknown>): Mention {
  const stored = item.mention as Mention;
  if (!stored || stored.id !== undefined) return stored;
  const id = String(item.PK).slice(keys.mention('').PK.length);
  const colon = id.indexOf(':');
  const rest: Omit<Mention, 'id' | 'platform' | 'externalId'> = stored;
  return { id, platform: id.slice(0, colon) as Mention['platform'], externalId: id.slice(colon + 1), ...rest };
}

/** The classification and routing without what quotes the mention's words (an erased mention's). */
function withoutQuotes(stored: StoredMention): Pick<StoredMention, 'classification' | 'routing'> {
  const { matched: _matched, ...routing } = stored.routing;
  return { classification: { ...stored.classification, reasons: [] }, routing: { ...routing, reasons: [] } };
}

/**
 * A mention item of the table (by its key or a scan) as the domain reads
 * it: its classification and routing from the compressed `detail` (mention-detail.ts; the
 * item keeps `mention` as attributes: the replay's scan filters on `mention.createdAt`, a
 * deletion erases its text and author in place), or, written before that, from attributes
 * of their own.
 */
export function storedMentionOf(item: Record<string, unknown>): StoredMention {
  const detail: Record<string, unknown> = item.detail instanceof Uint8Array ? decodeMentionDetail(item.detail) : item;
  return {
    mention: unpackedMention(item),
    classification: detail.classification,
    routing: detail.routing,
    caseId: item.caseId,
    ...(item.routedAt ? { routedAt: item.routedAt } : {}),
    ...(typeof item.mark === 'string' ? { routeMark: item.mark } : {}),
  } as StoredMention;
}
