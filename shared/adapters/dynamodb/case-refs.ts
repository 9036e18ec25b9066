import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { waitingForApproval, type Case } from '../../domain/case.ts';
import { isInTriage } from '../../domain/triage.ts';
import { keys } from './keys.ts';
import { itemsOfEntries } from './query-all.ts';

/**
 * Where a case is listed for the departments it names besides its own (cc, and the approver
 * while a draft waits for approval), so each can list the cases it must act on with index
 * queries. The first cc department is listed by the case item's own GSI3 entry (`ccIndexEntryOf`,
 * written with the case: case format 3, since round w22), every further one and the approver by
 * a ref item on GSI1 (`refsOf`). Refs are written after the case and only when a department's
 * entry changes, so a case that names nobody, or one department, costs no write beside the
 * case; a ref left behind by a crash between the two writes is corrected by the case's next
 * change, and listings check every case against where it is listed now (`namesIn`).
 */

/** One department's entry: its ref item's sort key and its place on GSI1. */
export interface CaseRef {
  readonly SK: string;
  readonly GSI1PK: string;
  readonly GSI1SK: string;
}

/** The case item's partition on GSI3: its first cc department's listing (sorted by the case's own GSI1SK). */
export interface CcIndexEntry {
  readonly GSI3PK: string;
}

/** The departments a case names as cc besides its own, in the order named, each once. */
export function ccDepartmentsOf(c: Pick<Case, 'cc' | 'department'>): string[] {
  return [...new Set(c.cc)].filter((department) => department !== c.department);
}

/**
 * The case's GSI3 partition (its first cc department's, by state), or undefined when it names
 * none. GSI3's sort key is the case's GSI1SK (`[!]<dueAt>#<caseId>`), the order a cc listing
 * wants as well.
 */
export function ccIndexEntryOf(c: Case): CcIndexEntry | undefined {
  const [first] = ccDepartmentsOf(c);
  if (first === undefined) return undefined;
  return { GSI3PK: keys.casesNaming(first, 'cc', c.state) };
}

/**
 * The refs a case should have as it is now: one per cc department after the first (which the
 * case's own GSI3 entry lists) and the approver's. With `firstCcInIndex: false`, the refs of a
 * case of format 1 or 2 (case-format.ts), which list every cc department.
 */
export function refsOf(c: Case, options: { readonly firstCcInIndex?: boolean } = {}): CaseRef[] {
  const refs: CaseRef[] = [];
  const due = keys.caseDue(c.dueAt, c.id, isInTriage(c));
  const listedByRef = ccDepartmentsOf(c).slice((options.firstCcInIndex ?? true) ? 1 : 0);
  for (const department of listedByRef) {
    refs.push({
      SK: keys.caseRef(c.id, 'cc', department).SK,
      GSI1PK: keys.casesNaming(department, 'cc', c.state),
      GSI1SK: due,
    });
  }
  if (waitingForApproval(c) && c.reply) {
    const approver = c.approverDepartment ?? c.department;
    refs.push({
      SK: keys.caseRef(c.id, 'approver', approver).SK,
      GSI1PK: keys.casesNaming(approver, 'approver'),
      GSI1SK: `${c.reply.draftedAt}#${c.id}`,
    });
  }
  return refs;
}

/**
 * Whether the case (as read now) is to be listed in this partition (of GSI1 or GSI3, the same
 * names): an entry left by an earlier state, or a ref of an earlier format, is skipped.
 */
export function namesIn(c: Case, partition: string): boolean {
  return ccIndexEntryOf(c)?.GSI3PK === partition || refsOf(c).some((ref) => ref.GSI1PK === partition);
}

/**
 * Brings a case's refs from `before` (the refs it had as stored; none for a new case) to
 * those of `after`: puts new and moved entries, deletes those no longer named.
 */
export async function syncRefs(
  client: DynamoDBDocumentClient,
  tableName: string,
  before: readonly CaseRef[],
  after: Case,
  expiresAt: number,
): Promise<void> {
  const old = new Map(before.map((ref) => [ref.SK, ref]));
  const next = refsOf(after);
  const pk = keys.case(after.id).PK;
  for (const ref of next) {
    const was = old.get(ref.SK);
    old.delete(ref.SK);
    if (was && was.GSI1PK === ref.GSI1PK && was.GSI1SK === ref.GSI1SK) continue;
    await putRef(client, tableName, pk, after.id, ref, expiresAt);
  }
  for (const gone of old.values())
    await client.send(new DeleteCommand({ TableName: tableName, Key: { PK: pk, SK: gone.SK } }));
}

/** Writes one ref item (a plain put: the same ref written twice is the same item). */
export async function putRef(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  caseId: string,
  ref: CaseRef,
  expiresAt: number,
): Promise<void> {
  await client.send(
    new PutCommand({ TableName: tableName, Item: { PK: pk, ...ref, type: 'case-ref', caseId, expiresAt } }),
  );
}

/** The cases of these ids that exist, in the order of the ids (missing ones left out). */
export function casesByIds(
  client: DynamoDBDocumentClient,
  tableName: string,
  ids: readonly string[],
): Promise<Record<string, unknown>[]> {
  return itemsOfEntries(
    client,
    tableName,
    ids.map((id) => keys.case(id)),
  );
}
