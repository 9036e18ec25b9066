import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Case } from '../../domain/case.ts';
import type { MentionRouted } from '../../domain/events.ts';
import type { CaseJournal, CaseNote, CaseRepository } from '../../domain/ports.ts';
import { GSI1, isConditionFailed, keys } from './keys.ts';
import { queryAll } from './query-all.ts';

/** Cases, the mentions recorded on them and their notes, in the company table. */
export class DynamoCaseRepository implements CaseRepository, CaseJournal {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async ensure(c: Case, expiresAt: number): Promise<Case> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.case(c.id),
            GSI1PK: keys.openCasesOf(c.department),
            GSI1SK: `${c.dueAt}#${c.id}`,
            GSI2PK: keys.author(c.platform, c.authorId),
            GSI2SK: `CASE#${c.openedAt}`,
            type: 'case',
            ...c,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return c;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = await this.get(c.id);
      if (!existing) throw new Error(`case ${c.id} exists but cannot be read`, { cause: error });
      return existing;
    }
  }

  async get(caseId: string): Promise<Case | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: true }),
    );
    return Item ? toCase(Item) : undefined;
  }

  async recordMention(event: MentionRouted, expiresAt: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department),
            type: 'case-mention',
            event,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async mentionsOf(caseId: string): Promise<MentionRouted[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':prefix': keys.caseMentionPrefix },
    });
    return items.map((item) => item.event as MentionRouted);
  }

  /** Sets `firstResponseAt` when the reply is the earliest so far (replies may arrive out of order). */
  async recordResponse(caseId: string, reply: { readonly mentionId: string; readonly at: string }, _expiresAt: number): Promise<string | undefined> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.case(caseId),
          UpdateExpression: 'SET firstResponseAt = :at, firstResponseMentionId = :mentionId',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(firstResponseAt) OR firstResponseAt > :at)',
          ExpressionAttributeValues: { ':at': reply.at, ':mentionId': reply.mentionId },
        }),
      );
      return reply.at;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return this.firstResponseAt(caseId);
    }
  }

  async firstResponseAt(caseId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: true, ProjectionExpression: 'firstResponseAt' }),
    );
    return typeof Item?.firstResponseAt === 'string' ? Item.firstResponseAt : undefined;
  }

  async addNote(caseId: string, note: CaseNote, expiresAt: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.caseNote(caseId, note.at, note.kind, note.mentionId), type: 'case-note', note, expiresAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async notesOf(caseId: string): Promise<CaseNote[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':prefix': keys.caseNotePrefix },
    });
    return items.map((item) => item.note as CaseNote);
  }

  async openCasesOf(department: string, limit = 100): Promise<Case[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.openCasesOf(department) },
        Limit: limit,
      }),
    );
    return Items.map(toCase);
  }
}

function toCase(item: Record<string, unknown>): Case {
  return {
    id: item.id,
    platform: item.platform,
    threadId: item.threadId,
    department: item.department,
    cc: item.cc ?? [],
    state: item.state,
    priority: item.priority,
    category: item.category,
    openedAt: item.openedAt,
    dueAt: item.dueAt,
    firstMentionId: item.firstMentionId,
    authorId: item.authorId,
  } as Case;
}
