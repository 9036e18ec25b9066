import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { decodeCaseHistory, encodeCaseHistory } from '../../shared/adapters/dynamodb/case-format.ts';
import { keys } from '../../shared/adapters/dynamodb/index.ts';
import { waitingForApproval, type Case } from '../../shared/domain/case.ts';
import { StaleCaseError } from '../../shared/domain/errors.ts';
import type { CaseRepository } from '../../shared/domain/ports.ts';
import { isInTriage } from '../../shared/domain/triage.ts';

/**
 * The case writes and the cc listing of the last release before case format 3 (main at
 * f9f30ea, rounds w14-w21: format 2, shared/adapters/dynamodb/case-repository.ts and
 * case-refs.ts), command for command: what an instance of it still running during a
 * deployment, or running again after a rollback, sends. Its reads copy the fields it knows
 * (not `lock3`, not the GSI3 entry); its transition is a PutItem of the whole case on
 * `lock2 = :expected OR version = :expected` (or neither lock for a case read without one),
 * followed by a ref item for every cc department; its first response an `ADD lock2 :one`
 * (then `ADD version :one` for a case without lock2); its cc listing reads the refs on GSI1
 * alone. Kept here, not imported from git: a test must show what that release does, whatever
 * this one becomes. (The history's dictionary is the same: a version byte never changes.)
 */
export class Format2ReleaseCaseStore implements Pick<CaseRepository, 'get' | 'saveTransition'> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(c: Case, expiresAt: number): Promise<void> {
    const created = { ...c, version: c.version ?? 1 };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: format2CaseItem(created, expiresAt),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    await this.syncRefs(undefined, created, expiresAt);
  }

  async get(caseId: string): Promise<Case | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: true }),
    );
    return Item ? format2Case(Item) : undefined;
  }

  async saveTransition(next: Case, expectedVersion: number, expiresAt: number, previous?: Case): Promise<void> {
    if ((next.version ?? 0) <= expectedVersion) throw new Error(`case ${next.id}: a transition must raise the version`);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: format2CaseItem(next, expiresAt),
          ...(expectedVersion === 0
            ? {
                ConditionExpression:
                  'attribute_exists(PK) AND attribute_not_exists(version) AND attribute_not_exists(lock2)',
              }
            : {
                ConditionExpression: 'lock2 = :expected OR version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new StaleCaseError(`case ${next.id} was changed since version ${expectedVersion}`, { cause: error });
      }
      throw error;
    }
    await this.syncRefs(previous, next, expiresAt);
  }

  /** Its first response: `ADD lock2`, or for a case without lock2 `ADD version`. */
  async recordResponse(caseId: string, reply: { readonly mentionId: string; readonly at: string }): Promise<void> {
    const raise = (lock: 'lock2' | 'version') =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.case(caseId),
          UpdateExpression: `SET firstResponseAt = :at, firstResponseMentionId = :mentionId ADD ${lock} :one`,
          ConditionExpression: `${lock === 'lock2' ? 'attribute_exists(lock2)' : 'attribute_exists(PK) AND attribute_not_exists(lock2)'} AND (attribute_not_exists(firstResponseAt) OR firstResponseAt > :at)`,
          ExpressionAttributeValues: { ':at': reply.at, ':mentionId': reply.mentionId, ':one': 1 },
        }),
      );
    try {
      await raise('lock2');
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      await raise('version');
    }
  }

  /** The ids of the cases its cc listing shows for a department in one state (one page: the refs on GSI1). */
  async ccCaseIds(department: string, state: string): Promise<string[]> {
    const partition = `DEPT#${department}#cc#${state}`;
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
      }),
    );
    if (Items.length === 0) return [];
    const { Responses } = await this.client.send(
      new BatchGetCommand({
        RequestItems: { [this.tableName]: { Keys: Items.map((ref) => ({ PK: ref.PK, SK: 'CASE' })) } },
      }),
    );
    const found = new Map((Responses?.[this.tableName] ?? []).map((item) => [item.id, format2Case(item)]));
    return Items.map((ref) => found.get(String(ref.PK).slice('CASE#'.length)))
      .filter((c): c is Case => c !== undefined && format2Refs(c).some((ref) => ref.GSI1PK === partition))
      .map((c) => c.id);
  }

  private async syncRefs(before: Case | undefined, after: Case, expiresAt: number): Promise<void> {
    const old = new Map((before ? format2Refs(before) : []).map((ref) => [ref.SK, ref]));
    const pk = keys.case(after.id).PK;
    for (const ref of format2Refs(after)) {
      const was = old.get(ref.SK);
      old.delete(ref.SK);
      if (was && was.GSI1PK === ref.GSI1PK && was.GSI1SK === ref.GSI1SK) continue;
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: pk, ...ref, type: 'case-ref', caseId: after.id, expiresAt },
        }),
      );
    }
    for (const gone of old.values())
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: pk, SK: gone.SK } }));
  }
}

/** Its refs: one per cc department besides the case's own, and the approver's. */
function format2Refs(c: Case): { SK: string; GSI1PK: string; GSI1SK: string }[] {
  const due = `${isInTriage(c) ? '!' : ''}${c.dueAt}#${c.id}`;
  const refs = [...new Set(c.cc)]
    .filter((department) => department !== c.department)
    .map((department) => ({ SK: `REF#cc#${department}`, GSI1PK: `DEPT#${department}#cc#${c.state}`, GSI1SK: due }));
  if (waitingForApproval(c) && c.reply) {
    const approver = c.approverDepartment ?? c.department;
    refs.push({
      SK: `REF#approver#${approver}`,
      GSI1PK: `DEPT#${approver}#approver`,
      GSI1SK: `${c.reply.draftedAt}#${c.id}`,
    });
  }
  return refs;
}

function format2CaseItem(c: Case, expiresAt: number): Record<string, unknown> {
  const { version, history, ...rest } = c;
  const fields = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return {
    ...fields,
    version: null,
    ...(version === undefined ? {} : { lock2: version }),
    ...(history ? { historyZ: encodeCaseHistory(history) } : {}),
    PK: `CASE#${c.id}`,
    SK: 'CASE',
    GSI1PK: `DEPT#${c.department}#${c.state}`,
    GSI1SK: `${isInTriage(c) ? '!' : ''}${c.dueAt}#${c.id}`,
    type: 'case',
    expiresAt,
  };
}

const FORMAT2_OPTIONAL_FIELDS = [
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

function format2Case(item: Record<string, unknown>): Case {
  const optional = Object.fromEntries(
    FORMAT2_OPTIONAL_FIELDS.filter((field) => item[field] !== undefined && item[field] !== null).map((field) => [
      field,
      item[field],
    ]),
  );
  const version =
    typeof item.lock2 === 'number' ? item.lock2 : typeof item.version === 'number' ? item.version : undefined;
  const packed = item.historyZ instanceof Uint8Array ? { history: decodeCaseHistory(item.historyZ) } : {};
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
    ...optional,
    ...(version === undefined ? {} : { version }),
    ...packed,
  } as Case;
}
