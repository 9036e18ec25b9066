import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { CASE_STATES, OPEN_STATES, type Case, type CaseState } from '../../domain/case.ts';
import { isInTriage } from '../../domain/triage.ts';
import { StaleCaseError, ValidationError } from '../../domain/errors.ts';
import type { MentionRouted } from '../../domain/events.ts';
import type {
  CaseJournal,
  CaseNote,
  CasePage,
  CaseQuery,
  CaseRepository,
  DeliveryClaimRequest,
} from '../../domain/ports.ts';
import { decodeCaseHistory, encodeCaseHistory, LOCK, lockAttributes, lockCondition, lockOf } from './case-format.ts';
import { caseMentionItem, eventOfCaseMention } from './case-mention-record.ts';
import { casesByIds, namesIn, syncRefs } from './case-refs.ts';
import { conditionalWrite, GSI1, isConditionFailed, keys } from './keys.ts';
import { itemsOfEntries, queryAll } from './query-all.ts';

/** Page size of listCases when the query names none. */
const DEFAULT_PAGE_SIZE = 50;
/** Larger pages are refused: a page is one answer of the admin API or one sweep step. */
const MAX_PAGE_SIZE = 1000;

/** Cases, the mentions recorded on them and their notes, in the company table. */
export class DynamoCaseRepository implements CaseRepository, CaseJournal {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Creates the case unless it exists, at version 1 (or the version it carries), listed
   * in the index under its department, state and due time.
   * @returns the case as stored: the given one, or the one that was there before
   */
  async ensure(c: Case, expiresAt: number): Promise<Case> {
    const created: Case = { ...c, version: c.version ?? 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: caseItem(created, expiresAt),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      await syncRefs(this.client, this.tableName, undefined, created, expiresAt);
      return created;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = await this.get(c.id);
      if (!existing) throw new Error(`case ${c.id} exists but cannot be read`, { cause: error });
      return existing;
    }
  }

  /**
   * Writes the whole case as a transition left it (history included, so the entry is
   * stored atomically with the change), moving its index entry to its department, state
   * and due time, on the condition that nobody wrote the case since it was read; then the
   * refs of the departments it names follow (case-refs.ts: only the changed ones, when
   * `previous`, the case as read, is given).
   * @throws StaleCaseError when the stored version is not `expectedVersion` any more, or the case is gone
   */
  async saveTransition(next: Case, expectedVersion: number, expiresAt: number, previous?: Case): Promise<void> {
    // A write that does not raise the version would let a concurrent writer's change slip past the lock.
    if ((next.version ?? 0) <= expectedVersion) {
      throw new Error(
        `case ${next.id}: a transition must raise the version above ${expectedVersion}, got ${next.version ?? 0}`,
      );
    }
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // Written in the current format (case-format.ts): a case read in an older one is upgraded.
          Item: caseItem(next, expiresAt),
          // Cases from before the lifecycle have no version: the first transition claims it.
          ...lockCondition(expectedVersion),
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) {
        throw new StaleCaseError(
          `case ${next.id} was changed by someone else since version ${expectedVersion} was read`,
          { cause: error },
        );
      }
      throw error;
    }
    await syncRefs(this.client, this.tableName, previous, next, expiresAt);
  }

  async get(caseId: string, options: { readonly consistent?: boolean } = {}): Promise<Case | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: options.consistent ?? true }),
    );
    return Item ? toCase(Item) : undefined;
  }

  /** One BatchGetItem per 100 ids, eventually consistent (casesByIds); missing ids left out. */
  async getMany(caseIds: readonly string[]): Promise<Map<string, Case>> {
    const ids = [...new Set(caseIds)];
    if (ids.length === 0) return new Map();
    const found = (await casesByIds(this.client, this.tableName, ids)).map(toCase);
    return new Map(found.map((c) => [c.id, c]));
  }

  async recordMention(event: MentionRouted, expiresAt: number, claim?: DeliveryClaimRequest): Promise<boolean> {
    return this.putNew(caseMentionItem(event, expiresAt, claim));
  }

  async mentionsOf(caseId: string): Promise<MentionRouted[]> {
    return (await this.itemsOfCase(caseId, keys.caseMentionPrefix)).map(eventOfCaseMention);
  }

  /** One query of the case's partition, newest record first, one item (records sort by their `createdAt`). */
  async latestMentionOf(caseId: string): Promise<MentionRouted | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':prefix': keys.caseMentionPrefix },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const latest = Items?.[0];
    return latest ? eventOfCaseMention(latest) : undefined;
  }

  /**
   * Sets `firstResponseAt` when the reply is the earliest so far (replies may arrive out of
   * order). It raises the case's version too: a transition that read the case before would
   * otherwise write its whole item back without this response time. The version is raised
   * in the lock the case has (case-format.ts): `lock2`, or for a case still in format 1 (not
   * transitioned since this release) its `version`, which the next transition carries over.
   */
  async recordResponse(
    caseId: string,
    reply: { readonly mentionId: string; readonly at: string },
    _expiresAt: number,
  ): Promise<string | undefined> {
    if (await this.raiseFirstResponse(caseId, reply, LOCK)) return reply.at;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        ConsistentRead: true,
        ProjectionExpression: `firstResponseAt, ${LOCK}`,
      }),
    );
    // A current-format case (or none): the reply was not the earliest.
    if (!Item || Item[LOCK] !== undefined)
      return typeof Item?.firstResponseAt === 'string' ? Item.firstResponseAt : undefined;
    if (await this.raiseFirstResponse(caseId, reply, 'version')) return reply.at;
    return this.firstResponseAt(caseId);
  }

  /** The first-response update on the case's lock `lock`, conditional on the case having it: whether it was written. */
  private raiseFirstResponse(
    caseId: string,
    reply: { readonly mentionId: string; readonly at: string },
    lock: typeof LOCK | 'version',
  ): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.case(caseId),
          UpdateExpression: `SET firstResponseAt = :at, firstResponseMentionId = :mentionId ADD ${lock} :one`,
          // Format 1 (or a case from before the lifecycle): no lock2; `version` is a number or absent.
          ConditionExpression: `${lock === LOCK ? `attribute_exists(${LOCK})` : `attribute_exists(PK) AND attribute_not_exists(${LOCK})`} AND (attribute_not_exists(firstResponseAt) OR firstResponseAt > :at)`,
          ExpressionAttributeValues: { ':at': reply.at, ':mentionId': reply.mentionId, ':one': 1 },
        }),
      ),
    );
  }

  async firstResponseAt(caseId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        ConsistentRead: true,
        ProjectionExpression: 'firstResponseAt',
      }),
    );
    return typeof Item?.firstResponseAt === 'string' ? Item.firstResponseAt : undefined;
  }

  async addNote(caseId: string, note: CaseNote, expiresAt: number): Promise<boolean> {
    return this.putNew({
      ...keys.caseNote(caseId, note.at, note.kind, note.mentionId),
      type: 'case-note',
      note,
      expiresAt,
    });
  }

  async notesOf(caseId: string): Promise<CaseNote[]> {
    return (await this.itemsOfCase(caseId, keys.caseNotePrefix)).map((item) => item.note as CaseNote);
  }

  /** Writes an item beside a case unless it is there already (a redelivery): whether it was written. */
  private putNew(item: Record<string, unknown>): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
      ),
    );
  }

  /** The items in a case's partition whose sort key starts with `prefix` (its mentions, its notes). */
  private itemsOfCase(caseId: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':prefix': prefix },
    });
  }

  /** Open cases of a department (new, assigned, waiting, responded), earliest due first. */
  async openCasesOf(department: string, limit = 100): Promise<Case[]> {
    const partitions = [
      ...OPEN_STATES.map((state) => keys.casesByState(department, state)),
      keys.legacyOpenCasesOf(department),
    ];
    // Each partition is sorted by due time: its first `limit` items are all a merge can need.
    const pages = await Promise.all(
      partitions.map((pk) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: GSI1,
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            Limit: limit,
          }),
        ),
      ),
    );
    const found = pages
      .flatMap((page) => page.Items ?? [])
      .sort((a, b) => String(a.GSI1SK).localeCompare(String(b.GSI1SK)))
      .slice(0, limit);
    return this.casesOf(found);
  }

  /**
   * The cases of index entries, in their order: the index holds only keys (a case's entry
   * moves with every transition, so copying the whole case there would double each write).
   * A case deleted since the index was read is left out.
   */
  private async casesOf(entries: readonly Record<string, unknown>[]): Promise<Case[]> {
    return (await itemsOfEntries(this.client, this.tableName, entries)).map(toCase);
  }

  /**
   * One page of a department's cases in the given states (default: the open ones), each
   * state's cases earliest due first, the states in the order given. An index query per
   * state (`GSI1SK <= <dueBefore>~`), never a scan. With `role: cc` the cases that name the
   * department as cc (same order), with `role: approver` those whose draft waits for its
   * approval (oldest draft first, states ignored): their ref items, then one BatchGetItem. The cursor says where the page ended:
   * the state and the index's LastEvaluatedKey. Like a DynamoDB query, a full page may
   * hand out a cursor whose next page is empty.
   * @throws ValidationError for an unknown state, a bad `dueBefore`, `limit` or `cursor`
   */
  async listCases(query: CaseQuery): Promise<CasePage> {
    const states = query.states ?? OPEN_STATES;
    const unknown = states.filter((s) => !(CASE_STATES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new ValidationError(`unknown case state(s): ${unknown.join(', ')}`);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new ValidationError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
    }
    const dueBound = query.dueBefore === undefined ? undefined : sortKeyBound(query.dueBefore);
    const partitions = partitionsOf(query.department, query.role ?? 'owner', states);
    let position = query.cursor === undefined ? { state: 0 } : decodeCursor(query.cursor, partitions);

    const items: Case[] = [];
    while (position.state < partitions.length) {
      const pk = partitions[position.state] as string;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: dueBound === undefined ? 'GSI1PK = :pk' : 'GSI1PK = :pk AND GSI1SK <= :due',
          ExpressionAttributeValues: { ':pk': pk, ...(dueBound === undefined ? {} : { ':due': dueBound }) },
          Limit: limit - items.length,
          ...(position.key ? { ExclusiveStartKey: position.key } : {}),
        }),
      );
      const found =
        (query.role ?? 'owner') === 'owner'
          ? await this.casesOf(page.Items ?? [])
          : (await this.refCases(page.Items ?? [])).filter((c) => namesIn(c, pk));
      // Cases in triage sort before every due time (keys.caseDue): the bound reads them all, their due time decides.
      items.push(...found.filter((c) => dueBound === undefined || !isInTriage(c) || `${c.dueAt}~` <= dueBound));
      position = page.LastEvaluatedKey
        ? { state: position.state, key: page.LastEvaluatedKey }
        : { state: position.state + 1 };
      if (items.length >= limit) break;
    }
    return position.state < partitions.length ? { items, cursor: encodeCursor(position) } : { items };
  }

  /** The cases that ref items point at, in their order. */
  private async refCases(refs: readonly Record<string, unknown>[]): Promise<Case[]> {
    const ids = refs.map((ref) => String(ref.PK).slice('CASE#'.length));
    return (await casesByIds(this.client, this.tableName, ids)).map(toCase);
  }
}

/** The GSI1 partitions a listing reads, in order: one per state, or the department's approval queue. */
function partitionsOf(department: string, role: 'owner' | 'cc' | 'approver', states: readonly CaseState[]): string[] {
  if (role === 'approver') return [keys.casesNaming(department, 'approver')];
  return states.map((state) =>
    role === 'cc' ? keys.casesNaming(department, 'cc', state) : keys.casesByState(department, state),
  );
}

/**
 * The stored item of a case in the current format (case-format.ts): its keys, its index
 * entries, every field it has, the lock in `lock2` behind the fence, the history packed.
 */
function caseItem(c: Case, expiresAt: number): Record<string, unknown> {
  const { version, history, ...rest } = c;
  const fields = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return {
    ...fields,
    ...lockAttributes(version),
    // Packed: it keeps a case with a few entries under 1 KB, one write unit per transition.
    ...(history ? { historyZ: encodeCaseHistory(history) } : {}),
    ...keys.case(c.id),
    GSI1PK: keys.casesByState(c.department, c.state),
    GSI1SK: keys.caseDue(c.dueAt, c.id, isInTriage(c)),
    type: 'case',
    expiresAt,
  };
}

/** The fields of a Case besides the required ones; everything else on the item is storage. */
const OPTIONAL_FIELDS = [
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
] as const satisfies readonly (keyof Case)[];

/** Keys of `T` whose value may be missing. */
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
/**
 * Fails to compile when a Case field is not read back: `publishedReplies` once was not, so
 * a case lost its published replies at its next transition and their echoes were not recognised.
 */
const EVERY_OPTIONAL_FIELD_READ: [Exclude<OptionalKeys<Case>, (typeof OPTIONAL_FIELDS)[number]>] extends [never]
  ? true
  : never = true;
void EVERY_OPTIONAL_FIELD_READ;

/** A case item of either format (case-format.ts) as the domain's Case. */
function toCase(item: Record<string, unknown>): Case {
  const optional = Object.fromEntries(
    OPTIONAL_FIELDS.filter((field) => item[field] !== undefined && item[field] !== null).map((field) => [
      field,
      item[field],
    ]),
  );
  const version = lockOf(item);
  // Format 1 keeps `history` as a list (in OPTIONAL_FIELDS); format 2 packs it.
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

/**
 * The sort-key bound of "due at or before": keys are `<dueAt>#<caseId>` and `~` sorts after
 * `#` and every id character. The time is normalized to the stored form
 * (`toISOString`), so `...:00Z` and `...:00.000Z` bound the same.
 */
function sortKeyBound(dueBefore: string): string {
  const time = Date.parse(dueBefore);
  if (Number.isNaN(time)) throw new ValidationError(`dueBefore is not a time: ${dueBefore}`);
  return `${new Date(time).toISOString()}~`;
}

interface ListPosition {
  /** Index into the query's states. */
  readonly state: number;
  /** Where the index query of that state stopped. */
  readonly key?: Record<string, unknown>;
}

function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ s: position.state, ...(position.key ? { k: position.key } : {}) })).toString(
    'base64url',
  );
}

/** Reads a cursor of listCases, checking it belongs to this listing's partitions (department, role, states). */
function decodeCursor(cursor: string, partitions: readonly string[]): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new ValidationError('cursor is not a cursor of this listing', [], { cause: error });
  }
  const { s, k } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { s?: unknown; k?: unknown };
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s >= partitions.length) {
    throw new ValidationError('cursor is not a cursor of this listing');
  }
  if (k === undefined) return { state: s };
  const key = k as Record<string, unknown>;
  const isKey =
    typeof k === 'object' &&
    k !== null &&
    Object.values(key).every((value) => typeof value === 'string') &&
    key.GSI1PK === partitions[s];
  if (!isKey) throw new ValidationError('cursor is not a cursor of this listing');
  return { state: s, key };
}
