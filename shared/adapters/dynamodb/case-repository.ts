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
import {
  decodeCaseHistory,
  encodeCaseHistory,
  FORMAT2_LOCK,
  formatOf,
  LOCK,
  lockAttributes,
  lockCondition,
  lockOf,
} from './case-format.ts';
import { caseMentionItem, eventOfCaseMention } from './case-mention-record.ts';
import { casesByIds, ccIndexEntryOf, namesIn, refsOf, syncRefs, type CaseRef } from './case-refs.ts';
import { conditionalWrite, GSI1, GSI3, isConditionFailed, keys } from './keys.ts';
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
      await syncRefs(this.client, this.tableName, [], created, expiresAt);
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
   * refs of the departments it names follow (case-refs.ts: only the changed ones). Which refs
   * the case had is taken from the item the put replaced (`ALL_OLD`: no extra units), since
   * its format says whether its first cc department had a ref (formats 1 and 2) or the
   * case's own GSI3 entry (format 3); `previous` is not needed here.
   * @throws StaleCaseError when the stored version is not `expectedVersion` any more, or the case is gone
   */
  async saveTransition(next: Case, expectedVersion: number, expiresAt: number, _previous?: Case): Promise<void> {
    // A write that does not raise the version would let a concurrent writer's change slip past the lock.
    if ((next.version ?? 0) <= expectedVersion) {
      throw new Error(
        `case ${next.id}: a transition must raise the version above ${expectedVersion}, got ${next.version ?? 0}`,
      );
    }
    let replaced: Record<string, unknown> | undefined;
    try {
      ({ Attributes: replaced } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // Written in the current format (case-format.ts): a case read in an older one is upgraded.
          Item: caseItem(next, expiresAt),
          // Cases from before the lifecycle have no version: the first transition claims it.
          ...lockCondition(expectedVersion),
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      if (isConditionFailed(error)) {
        throw new StaleCaseError(
          `case ${next.id} was changed by someone else since version ${expectedVersion} was read`,
          { cause: error },
        );
      }
      throw error;
    }
    await syncRefs(this.client, this.tableName, replaced ? storedRefsOf(replaced) : [], next, expiresAt);
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
   * in the lock the case has (case-format.ts): `lock3`, or for a case still in format 2 or 1
   * (not transitioned since this release) its `lock2` or `version`, which the next transition
   * carries over. A case upgraded between the read and the update is read again.
   */
  async recordResponse(
    caseId: string,
    reply: { readonly mentionId: string; readonly at: string },
    _expiresAt: number,
  ): Promise<string | undefined> {
    if (await this.raiseFirstResponse(caseId, reply, LOCK)) return reply.at;
    for (let read = 0; read < 3; read++) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.case(caseId),
          ConsistentRead: true,
          ProjectionExpression: `firstResponseAt, ${LOCK}, ${FORMAT2_LOCK}`,
        }),
      );
      const earliest = typeof Item?.firstResponseAt === 'string' ? Item.firstResponseAt : undefined;
      // No case, a current-format case (its update above was refused), or an earlier reply recorded.
      if (!Item || Item[LOCK] !== undefined || (earliest !== undefined && earliest <= reply.at)) return earliest;
      const lock = typeof Item[FORMAT2_LOCK] === 'number' ? FORMAT2_LOCK : 'version';
      if (await this.raiseFirstResponse(caseId, reply, lock)) return reply.at;
    }
    return this.firstResponseAt(caseId);
  }

  /** The first-response update on the case's lock `lock`, conditional on the case having it as its lock: whether it was written. */
  private raiseFirstResponse(
    caseId: string,
    reply: { readonly mentionId: string; readonly at: string },
    lock: typeof LOCK | typeof FORMAT2_LOCK | 'version',
  ): Promise<boolean> {
    const hasLock = {
      [LOCK]: `attribute_exists(${LOCK})`,
      [FORMAT2_LOCK]: `attribute_exists(${FORMAT2_LOCK}) AND attribute_not_exists(${LOCK})`,
      // Format 1 (or a case from before the lifecycle): no lock2 or lock3; `version` is a number or absent.
      version: `attribute_exists(PK) AND attribute_not_exists(${FORMAT2_LOCK}) AND attribute_not_exists(${LOCK})`,
    }[lock];
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.case(caseId),
          UpdateExpression: `SET firstResponseAt = :at, firstResponseMentionId = :mentionId ADD ${lock} :one`,
          ConditionExpression: `${hasLock} AND (attribute_not_exists(firstResponseAt) OR firstResponseAt > :at)`,
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
   * department as cc (same order): the cases listing it as their first cc on GSI3 and the ref
   * items of the others on GSI1, merged by due time (`ccPage`); with `role: approver` those
   * whose draft waits for its approval (oldest draft first, states ignored): their ref items.
   * Then one BatchGetItem of the cases. The cursor says where the page ended: the state and
   * the index's LastEvaluatedKey (for cc, the last entry's partition and sort key, which
   * both indexes continue after). Like a DynamoDB query, a full page may hand out a cursor
   * whose next page is empty.
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
    const inBound = (c: Case) => dueBound === undefined || !isInTriage(c) || `${c.dueAt}~` <= dueBound;
    while (position.state < partitions.length) {
      const pk = partitions[position.state] as string;
      if (query.role === 'cc') {
        const page = await this.ccPage(pk, dueBound, limit - items.length, position.key);
        items.push(...page.cases.filter(inBound));
        position = page.after
          ? { state: position.state, key: { GSI1PK: pk, GSI1SK: page.after } }
          : { state: position.state + 1 };
        if (items.length >= limit) break;
        continue;
      }
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
      items.push(...found.filter(inBound));
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

  /**
   * Up to `wanted` cases of one cc partition after the sort key `start.GSI1SK` (a cursor's),
   * earliest due first: the partition's entries on GSI3 (cases whose first cc the department
   * is) and on GSI1 (refs: later cc departments, and every cc of a case not written since
   * format 3), one query each, merged by sort key. A case is taken once, and only when it is
   * listed there now at that sort key: an entry its case has moved on from (a state, a due
   * time, a ref of an older format) is skipped. `after` is where the next page starts, or
   * undefined when the partition is done.
   */
  private async ccPage(
    partition: string,
    dueBound: string | undefined,
    wanted: number,
    start: Record<string, unknown> | undefined,
  ): Promise<{ cases: Case[]; after?: string }> {
    const after = typeof start?.GSI1SK === 'string' ? start.GSI1SK : undefined;
    if (after !== undefined && dueBound !== undefined && after >= dueBound) return { cases: [] };
    const pages = await Promise.all(
      (
        [
          [GSI1, 'GSI1PK', 'GSI1SK'],
          // GSI3's sort key is the case item's own GSI1SK (infra/topology.ts).
          [GSI3, 'GSI3PK', 'GSI1SK'],
        ] as const
      ).map(async ([index, pk, sk]) => {
        const bound =
          after === undefined
            ? dueBound === undefined
              ? ''
              : ` AND ${sk} <= :due`
            : dueBound === undefined
              ? ` AND ${sk} > :after`
              : ` AND ${sk} BETWEEN :after AND :due`;
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: index,
            KeyConditionExpression: `${pk} = :pk${bound}`,
            ExpressionAttributeValues: {
              ':pk': partition,
              ...(after === undefined ? {} : { ':after': after }),
              ...(dueBound === undefined ? {} : { ':due': dueBound }),
            },
            // BETWEEN holds its lower bound too: the entry the cursor names, skipped below.
            Limit: wanted + (after !== undefined && dueBound !== undefined ? 1 : 0),
          }),
        );
        return {
          entries: (page.Items ?? [])
            .map((item) => ({ sortKey: String(item[sk]), caseId: String(item.PK).slice('CASE#'.length) }))
            .filter((entry) => entry.sortKey !== after),
          // Where this index stopped: nothing past it is known from it yet.
          stoppedAt: page.LastEvaluatedKey ? String(page.LastEvaluatedKey[sk]) : undefined,
        };
      }),
    );
    const { entries, next } = mergeListed(pages, wanted);
    const ids = [...new Set(entries.map((entry) => entry.caseId))];
    const byId = new Map((await casesByIds(this.client, this.tableName, ids)).map((item) => [item.id, toCase(item)]));
    const cases = entries.flatMap(({ caseId, sortKey }) => {
      const c = byId.get(caseId);
      const listedHere = c && namesIn(c, partition) && sortKey === keys.caseDue(c.dueAt, c.id, isInTriage(c));
      return listedHere ? [c] : [];
    });
    return { cases, ...(next === undefined ? {} : { after: next }) };
  }
}

/** One entry of a listing's index query: its sort key and the case it points at. */
interface ListedEntry {
  readonly sortKey: string;
  readonly caseId: string;
}

/** The entries of one index query of a listing, and the sort key where the query stopped if it did. */
interface ListedEntries {
  readonly entries: readonly ListedEntry[];
  readonly stoppedAt?: string;
}

/**
 * Merges the entries of queries of one partition on several indexes by sort key: the first
 * `wanted` entries, an entry held by both indexes (a case and its ref at the same place) once,
 * up to where the first query that stopped early stopped (past it, an entry of that index
 * could still come before). `next`: the sort key to continue after, or undefined when every
 * query reached the partition's end and all was taken.
 */
export function mergeListed(
  pages: readonly ListedEntries[],
  wanted: number,
): { readonly entries: ListedEntry[]; readonly next?: string } {
  const stops = pages.flatMap((page) => (page.stoppedAt === undefined ? [] : [page.stoppedAt]));
  const horizon = stops.length === 0 ? undefined : stops.reduce((a, b) => (b < a ? b : a));
  const merged = pages
    .flatMap((page) => page.entries)
    .filter((entry) => horizon === undefined || entry.sortKey <= horizon)
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const entries: ListedEntry[] = [];
  for (const entry of merged) {
    const last = entries.at(-1);
    if (last?.sortKey === entry.sortKey && last.caseId === entry.caseId) continue;
    if (entries.length === wanted) return { entries, next: last?.sortKey };
    entries.push(entry);
  }
  return horizon === undefined ? { entries } : { entries, next: horizon };
}

/**
 * The refs a stored case item had: a case of format 3 lists its first cc department by its own
 * GSI3 entry, one of an earlier format by a ref like every other (case-format.ts).
 */
function storedRefsOf(item: Record<string, unknown>): CaseRef[] {
  // The history is not needed to place the refs: left packed.
  const { historyZ: _packed, history: _list, ...fields } = item;
  return refsOf(toCase(fields), { firstCcInIndex: formatOf(item) === 3 });
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
    // Its first cc department's listing (case format 3), on the write that happens anyway.
    ...ccIndexEntryOf(c),
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
