import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { waitingForApproval, type Case } from '../../domain/case.ts';
import { isInTriage } from '../../domain/triage.ts';
import { keys } from './keys.ts';
import { itemsOfEntries } from './query-all.ts';

/**
 * The ref items of the departments a case names (cc, and the approver while a draft waits
 * for approval), so each can list the cases it must act on with one index query. Refs are
 * written after the case and only when a department's entry changes, so a case that names
 * nobody costs no write; a ref left behind by a crash between the two writes is corrected by
 * the case's next change, and listings check every case against its refs (`namesIn`).
 */

/** One department's entry: its ref item's sort key and its place on GSI1. */
export interface CaseRef {
  readonly SK: string;
  readonly GSI1PK: string;
  readonly GSI1SK: string;
}

/** The refs a case should have as it is now. */
export function refsOf(c: Case): CaseRef[] {
  const refs: CaseRef[] = [];
  const due = keys.caseDue(c.dueAt, c.id, isInTriage(c));
  for (const department of new Set(c.cc)) {
    if (department === c.department) continue;
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

/** Whether the case (as read now) has an entry in this GSI1 partition: a stale ref is skipped. */
export function namesIn(c: Case, partition: string): boolean {
  return refsOf(c).some((ref) => ref.GSI1PK === partition);
}

/**
 * Brings a case's refs from `before` (the case as it was read; undefined: a new case) to
 * `after`: puts new and moved entries, deletes those no longer named.
 */
export async function syncRefs(
  client: DynamoDBDocumentClient,
  tableName: string,
  before: Case | undefined,
  after: Case,
  expiresAt: number,
): Promise<void> {
  const old = new Map((before ? refsOf(before) : []).map((ref) => [ref.SK, ref]));
  const next = refsOf(after);
  const pk = keys.case(after.id).PK;
  for (const ref of next) {
    const was = old.get(ref.SK);
    old.delete(ref.SK);
    if (was && was.GSI1PK === ref.GSI1PK && was.GSI1SK === ref.GSI1SK) continue;
    await client.send(
      new PutCommand({ TableName: tableName, Item: { PK: pk, ...ref, type: 'case-ref', caseId: after.id, expiresAt } }),
    );
  }
  for (const gone of old.values())
    await client.send(new DeleteCommand({ TableName: tableName, Key: { PK: pk, SK: gone.SK } }));
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
