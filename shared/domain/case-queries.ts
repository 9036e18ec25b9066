import { approverDepartment, type CompanyDirectory } from './company-directory.ts';
import {
  approvingDepartmentOf,
  authorizeCase,
  authorizeListing,
  listableDepartmentsOf,
  standingOf,
} from './access-policy.ts';
import { OPEN_STATES, waitingForApproval, type Case, type CaseState } from './case.ts';
import type { AdminUser, CaseAdminDeps } from './case-admin.ts';
import { actorOf } from './case-admin.ts';
import { ForbiddenError, ValidationError } from './errors.ts';
import type { Platform, Priority } from './mention.ts';
import type { CasePage, CaseQuery } from './ports.ts';
import { instantOf } from './business-time.ts';
import { dayIn } from './time.ts';

/**
 * What the console reads: who the caller is (`whoAmI`), case lists across departments with
 * filters (`listCaseSummaries`), and the drafts waiting for the caller's approval
 * (`listApprovals`). Every list asks the access policy (access-policy.ts) per department.
 */

/** A department of the caller, with their role in it and whether it approves replies. */
export interface MyDepartment {
  readonly id: string;
  readonly name: string;
  readonly role: 'lead' | 'member';
  /** The department approves replies (of its own cases or of others': `cases.approver`). */
  readonly approves: boolean;
}

/** `GET /me`. */
export interface Me {
  readonly actor: string;
  readonly name: string;
  readonly email?: string;
  readonly admin: boolean;
  readonly departments: readonly MyDepartment[];
  /** The console's default language: the company's locale (de or en). */
  readonly language: 'de' | 'en';
}

/** Who the caller is in the company: what the console shows and offers them. */
export function whoAmI(config: CompanyDirectory, user: AdminUser): Me {
  const standing = standingOf(config, user);
  const approving = new Set(config.departments.map((d) => approverDepartment(config, d.id)));
  const email = user.email?.toLowerCase();
  const person = email
    ? config.departments
        .flatMap((d) => [...(d.leads ?? []), ...(d.members ?? [])])
        .concat(config.admin.admins)
        .find((p) => p.email?.toLowerCase() === email)
    : undefined;
  return {
    actor: actorOf(user),
    name: user.name ?? person?.name ?? user.email ?? user.sub,
    ...(user.email ? { email: user.email } : {}),
    admin: standing.admin,
    departments: config.departments.flatMap((d) => {
      const role = standing.departments.get(d.id);
      return role ? [{ id: d.id, name: d.name, role, approves: approving.has(d.id) }] : [];
    }),
    language: consoleLanguageOf(config),
  };
}

/** The console's language by the company's locale: German for de-*, else English. */
export function consoleLanguageOf(config: CompanyDirectory): 'de' | 'en' {
  return config.company.locale.toLowerCase().startsWith('de') ? 'de' : 'en';
}

/** A case as a list shows it. */
export interface CaseSummary {
  readonly id: string;
  readonly threadId: string;
  readonly department: string;
  readonly state: CaseState;
  readonly priority: Priority;
  readonly dueAt: string;
  readonly openedAt: string;
  readonly assignee?: string;
  readonly platform: Platform;
  readonly category: string;
  readonly sentiment?: string;
  readonly language?: string;
  readonly tags: readonly string[];
  readonly cc: readonly string[];
  /** The first words of the first mention (absent on cases stored before titles were kept). */
  readonly title?: string;
  readonly needsApproval: boolean;
  readonly waitingForApproval: boolean;
  readonly approverDepartment?: string;
  readonly slaPaused: boolean;
  readonly breached: boolean;
}

export function caseSummaryOf(c: Case): CaseSummary {
  return {
    id: c.id,
    threadId: c.threadId,
    department: c.department,
    state: c.state,
    priority: c.priority,
    dueAt: c.dueAt,
    openedAt: c.openedAt,
    ...(c.assignee ? { assignee: c.assignee } : {}),
    platform: c.platform,
    category: c.category,
    ...(c.sentiment ? { sentiment: c.sentiment } : {}),
    ...(c.language ? { language: c.language } : {}),
    tags: c.tags ?? [],
    cc: c.cc,
    ...(c.title !== undefined ? { title: c.title } : {}),
    needsApproval: c.requireApproval === true,
    waitingForApproval: waitingForApproval(c),
    ...(c.requireApproval && c.approverDepartment ? { approverDepartment: c.approverDepartment } : {}),
    slaPaused: c.state === 'waiting' && c.slaPausedAt !== undefined,
    breached: c.breachedAt !== undefined,
  };
}

/** `GET /cases`: which cases, filtered how. */
export interface CaseListQuery {
  /** Absent: every department the caller may list. */
  readonly department?: string;
  /** `owner` (default): the department's own cases; `cc`: those naming it as cc; `approver`: drafts waiting for its approval. */
  readonly role?: 'owner' | 'cc' | 'approver';
  /** Default: the open states. */
  readonly states?: readonly CaseState[];
  /** Only the caller's own cases (assignee is the caller). */
  readonly mine?: boolean;
  /** An e-mail, or `none` for the team queue. */
  readonly assignee?: string;
  readonly priority?: Priority;
  readonly platform?: Platform;
  /** `overdue`: due before now; `today`: due by the end of today (company timezone). */
  readonly due?: 'overdue' | 'today';
  /** Due at or before this ISO time (instead of `due`). */
  readonly dueBefore?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface CaseSummaryPage {
  readonly cases: readonly CaseSummary[];
  readonly nextCursor?: string;
}

/** Index queries one listing request makes at most before it answers with what it found and a cursor. */
const MAX_QUERIES_PER_PAGE = 12;
const DEFAULT_LIMIT = 50;

/**
 * One page of cases across the departments the query names (or the caller may list),
 * earliest due first within each department and state, filtered by assignee, priority,
 * platform and due time. The filters are applied to what the index returns, so a page may
 * hold fewer cases than `limit` and still have a `nextCursor`.
 *
 * @throws ValidationError for an unknown department, `mine` without an e-mail, a bad cursor
 * @throws ForbiddenError when the caller may not list a department (access-policy.ts)
 */
export async function listCaseSummaries(
  query: CaseListQuery,
  user: AdminUser,
  deps: Pick<CaseAdminDeps, 'config' | 'cases' | 'clock' | 'timezone'>,
): Promise<CaseSummaryPage> {
  const departments = query.department ? [query.department] : listableDepartmentsOf(deps.config, user);
  for (const department of departments) {
    if (!deps.config.departments.some((d) => d.id === department))
      throw new ValidationError(
        `unknown department "${department}"; use one of: ${deps.config.departments.map((d) => d.id).join(', ')}`,
      );
    authorizeListing(deps.config, user, department);
  }
  const assignee = query.mine ? mineOf(user) : query.assignee?.toLowerCase();
  const dueBefore =
    query.dueBefore ?? dueBoundOf(query.due, deps.clock.now(), deps.timezone ?? deps.config.company.timezone);
  const keep = (c: Case) =>
    (assignee === undefined || (assignee === 'none' ? !c.assignee : c.assignee?.toLowerCase() === assignee)) &&
    (query.priority === undefined || c.priority === query.priority) &&
    (query.platform === undefined || c.platform === query.platform);

  const limit = query.limit ?? DEFAULT_LIMIT;
  let position = query.cursor === undefined ? { source: 0 } : decodeListCursor(query.cursor, departments.length);
  const found: Case[] = [];
  for (let queries = 0; position.source < departments.length && queries < MAX_QUERIES_PER_PAGE; queries++) {
    const page: CasePage = await deps.cases.listCases({
      department: departments[position.source] as string,
      role: query.role ?? 'owner',
      states: query.states ?? OPEN_STATES,
      ...(dueBefore ? { dueBefore } : {}),
      limit: limit - found.length,
      ...(position.inner ? { cursor: position.inner } : {}),
    } satisfies CaseQuery);
    found.push(...page.items.filter(keep));
    position = page.cursor ? { source: position.source, inner: page.cursor } : { source: position.source + 1 };
    if (found.length >= limit) break;
  }
  return {
    cases: found.map(caseSummaryOf),
    ...(position.source < departments.length ? { nextCursor: encodeListCursor(position) } : {}),
  };
}

/** The assignee id of the caller: their verified e-mail, as assignment stores it. */
function mineOf(user: AdminUser): string {
  if (!user.email)
    throw new ValidationError('mine=1 needs your e-mail, and your token carries no verified e-mail to match cases by');
  return user.email.toLowerCase();
}

/** The due-time bound of a `due` filter, as an ISO instant. */
function dueBoundOf(due: CaseListQuery['due'], now: Date, timezone: string): string | undefined {
  if (due === 'overdue') return now.toISOString();
  if (due === 'today') return new Date(instantOf(dayIn(now, timezone), 24 * 60, timezone) - 1).toISOString();
  return undefined;
}

interface ListPosition {
  /** Index into the listing's departments. */
  readonly source: number;
  /** The repository's cursor within that department. */
  readonly inner?: string;
}

function encodeListCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ d: position.source, ...(position.inner ? { c: position.inner } : {}) })).toString(
    'base64url',
  );
}

function decodeListCursor(cursor: string, sources: number): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new ValidationError('cursor is not a cursor of this listing', [], { cause: error });
  }
  const { d, c } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { d?: unknown; c?: unknown };
  if (
    typeof d !== 'number' ||
    !Number.isInteger(d) ||
    d < 0 ||
    d >= sources ||
    (c !== undefined && typeof c !== 'string')
  )
    throw new ValidationError('cursor is not a cursor of this listing');
  return { source: d, ...(typeof c === 'string' ? { inner: c } : {}) };
}

/** A draft waiting for the caller's approval. */
export interface PendingApproval {
  readonly caseId: string;
  readonly replyId: string;
  readonly text: string;
  readonly draftedBy: string;
  readonly draftedAt: string;
  /** The case's department. */
  readonly department: string;
  /** The department whose approval the draft waits for. */
  readonly approver: string;
  readonly case: CaseSummary;
}

/** Drafts read per approving department at most (a queue longer than this is a backlog to fix, not to page). */
const MAX_APPROVALS_PER_DEPARTMENT = 500;

/**
 * The drafts the caller may approve, oldest first: those waiting for the approval of a
 * department they are a member or lead of (every department for an admin), except their
 * own drafts (four eyes).
 * @throws ForbiddenError for a person in no department
 */
export async function listApprovals(
  user: AdminUser,
  deps: Pick<CaseAdminDeps, 'config' | 'cases'>,
): Promise<{ readonly replies: readonly PendingApproval[] }> {
  const actor = actorOf(user);
  const replies: PendingApproval[] = [];
  for (const department of listableDepartmentsOf(deps.config, user)) {
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await deps.cases.listCases({
        department,
        role: 'approver',
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      read += page.items.length;
      for (const c of page.items) {
        if (!c.reply || c.reply.draftedBy === actor || !mayApprove(deps.config, user, c)) continue;
        replies.push({
          caseId: c.id,
          replyId: c.reply.id,
          text: c.reply.text,
          draftedBy: c.reply.draftedBy,
          draftedAt: c.reply.draftedAt,
          department: c.department,
          approver: approvingDepartmentOf(deps.config, c),
          case: caseSummaryOf(c),
        });
      }
      cursor = page.cursor;
    } while (cursor && read < MAX_APPROVALS_PER_DEPARTMENT);
  }
  return { replies: replies.sort((a, b) => a.draftedAt.localeCompare(b.draftedAt)) };
}

function mayApprove(config: CompanyDirectory, user: AdminUser, c: Case): boolean {
  try {
    authorizeCase(config, user, c, 'approve');
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
}
