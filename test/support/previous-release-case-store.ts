import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/adapters/dynamodb/index.ts';
import type { Case } from '../../shared/domain/case.ts';
import { StaleCaseError } from '../../shared/domain/errors.ts';
import { isInTriage } from '../../shared/domain/triage.ts';
import type { CaseRepository } from '../../shared/domain/ports.ts';

/**
 * The case writes of the release before the case's format fence (main at 24ce08c,
 * shared/adapters/dynamodb/case-repository.ts), command for command: what an instance of it
 * still running during a deployment sends for a case that this release wrote. Its reads
 * copy every stored field as it is (a NULL `version` included); its transition is a PutItem
 * of the whole case on `version = :expected`, or on `attribute_not_exists(version)` when the
 * case it read had no version; its first response an `ADD version :one`. Kept here, not
 * imported from git: a test must show what that release does, whatever this one becomes.
 */
export class PreviousReleaseCaseStore implements Pick<CaseRepository, 'get' | 'saveTransition'> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(c: Case, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: previousCaseItem({ ...c, version: c.version ?? 1 }, expiresAt),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(caseId: string): Promise<Case | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const optional = Object.fromEntries(
      PREVIOUS_OPTIONAL_FIELDS.filter((field) => Item[field] !== undefined).map((field) => [field, Item[field]]),
    );
    return {
      id: Item.id,
      platform: Item.platform,
      threadId: Item.threadId,
      department: Item.department,
      cc: Item.cc ?? [],
      state: Item.state,
      priority: Item.priority,
      category: Item.category,
      openedAt: Item.openedAt,
      dueAt: Item.dueAt,
      firstMentionId: Item.firstMentionId,
      authorId: Item.authorId,
      ...optional,
    } as Case;
  }

  async saveTransition(next: Case, expectedVersion: number, expiresAt: number): Promise<void> {
    if ((next.version ?? 0) <= expectedVersion) throw new Error(`case ${next.id}: a transition must raise the version`);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: previousCaseItem(next, expiresAt),
          ConditionExpression:
            expectedVersion === 0 ? 'attribute_exists(PK) AND attribute_not_exists(version)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new StaleCaseError(`case ${next.id} was changed since version ${expectedVersion}`, { cause: error });
      }
      throw error;
    }
  }

  async recordResponse(caseId: string, reply: { readonly mentionId: string; readonly at: string }): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: 'SET firstResponseAt = :at, firstResponseMentionId = :mentionId ADD version :one',
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(firstResponseAt) OR firstResponseAt > :at)',
        ExpressionAttributeValues: { ':at': reply.at, ':mentionId': reply.mentionId, ':one': 1 },
      }),
    );
  }
}

/** That release's case item: every field as it is (the history a list), `version` the lock. */
function previousCaseItem(c: Case, expiresAt: number): Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(c).filter(([, value]) => value !== undefined));
  return {
    ...fields,
    ...keys.case(c.id),
    GSI1PK: keys.casesByState(c.department, c.state),
    GSI1SK: keys.caseDue(c.dueAt, c.id, isInTriage(c)),
    GSI2PK: keys.author(c.platform, c.authorId),
    GSI2SK: `CASE#${c.openedAt}`,
    type: 'case',
    expiresAt,
  };
}

const PREVIOUS_OPTIONAL_FIELDS = [
  'version',
  'generation',
  'tags',
  'assignee',
  'assignedReason',
  'requireApproval',
  'approverDepartment',
  'firstResponseAt',
  'responseMinutes',
  'responseBusinessMinutes',
  'resolvedAt',
  'resolutionMinutes',
  'reopenedAt',
  'slaPausedAt',
  'title',
  'sentiment',
  'language',
  'slaWarnedAt',
  'breachedAt',
  'escalatedAt',
  'escalatedTo',
  'reply',
  'publishedReplies',
  'corrections',
  'history',
] as const;
