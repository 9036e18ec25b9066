import type { CompanyDirectory, DirectoryKeyAccount } from './company-directory.ts';
import { standingOf } from './access-policy.ts';
import type { AdminUser } from './case-admin.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';
import type { MentionRouted } from './events.ts';
import type { Platform } from './mention.ts';
import { keyAccountDepartment } from './notification.ts';

/**
 * Key accounts and the company's public words to them: a sales lead must never be surprised
 * by what the company said in public to a customer. Every mention that names a key account
 * and every public reply on such a case goes on the account's timeline; a reply tells the
 * account owner (through the key-account department's notifications); a rule with
 * `ownerApproval` makes the owner approve a reply before it is sent.
 */

/** A key account's owner, whose approval a rule requires for replies to a case naming the account. */
export interface OwnerApproval {
  readonly accountId: string;
  readonly accountName: string;
  readonly owner: { readonly name: string; readonly email?: string };
}

/** A key account named by a case's mentions. */
export interface CaseKeyAccount {
  readonly id: string;
  readonly name: string;
  readonly owner: { readonly name: string; readonly email?: string };
}

/** One public exchange with a key account: their mention, or our reply. */
export interface TimelineItem {
  readonly accountId: string;
  readonly at: string;
  readonly kind: 'mention' | 'reply';
  readonly platform: Platform;
  /** Who wrote it: the customer's name or handle, or the company (`company.name`). */
  readonly author: string;
  readonly text: string;
  readonly url?: string;
  readonly caseId: string;
  /** The mention id, or the reply's platform post id: the same exchange recorded twice is one item. */
  readonly itemId: string;
}

/** Port: the public exchanges of each key account, newest first. */
export interface KeyAccountTimeline {
  /** Adds an item (again: the same account, time and item id is overwritten, not doubled). */
  add(item: TimelineItem, expiresAt: number): Promise<void>;
  list(accountId: string, options: { readonly limit: number }): Promise<TimelineItem[]>;
}

/** A key account as the console lists it. */
export interface KeyAccountView {
  readonly id: string;
  readonly name: string;
  readonly owner: { readonly name: string; readonly email?: string };
  /** Handle by platform; handles given for every platform are under `any`. */
  readonly handles: Readonly<Record<string, string>>;
}

/** The key accounts the case's mentions name (each once). */
export function keyAccountsOfCase(mentions: readonly Pick<MentionRouted, 'keyAccounts'>[]): CaseKeyAccount[] {
  const byId = new Map<string, CaseKeyAccount>();
  for (const m of mentions) for (const k of m.keyAccounts ?? []) if (!byId.has(k.id)) byId.set(k.id, k);
  return [...byId.values()];
}

/**
 * The owners who must approve a reply of the case: of the key accounts named by a mention
 * that a rule with `ownerApproval` matched (the rule ids are stored with each routed mention).
 */
export function ownerApprovalsOf(
  config: Pick<CompanyDirectory, 'routing'>,
  mentions: readonly Pick<MentionRouted, 'keyAccounts' | 'matchedRules'>[],
): OwnerApproval[] {
  const rules = new Set(config.routing.rules.filter((r) => r.then.ownerApproval === true).map((r) => r.id));
  if (rules.size === 0) return [];
  const approvals = new Map<string, OwnerApproval>();
  for (const m of mentions) {
    if (!(m.matchedRules ?? []).some((r) => rules.has(r))) continue;
    for (const k of m.keyAccounts ?? []) {
      if (!approvals.has(k.id)) approvals.set(k.id, { accountId: k.id, accountName: k.name, owner: k.owner });
    }
  }
  return [...approvals.values()];
}

/** Whether the person is the owner (by e-mail) of one of these approvals. */
export function isOwnerOf(approvals: readonly OwnerApproval[], user: AdminUser): boolean {
  const email = user.email?.trim().toLowerCase();
  return email !== undefined && approvals.some((a) => a.owner.email?.toLowerCase() === email);
}

/**
 * Who may read a key account and its timeline: admins, the members and leads of the
 * key-account department (sales, or whoever owns sales leads), and the account's owner.
 * The timeline quotes every department's cases with the account, so nobody else may.
 */
function mayRead(config: CompanyDirectory, user: AdminUser, account: DirectoryKeyAccount) {
  const standing = standingOf(config, user);
  if (standing.admin) return true;
  const department = keyAccountDepartment({ departments: config.departments });
  if (department && standing.departments.has(department.id)) return true;
  const email = user.email?.trim().toLowerCase();
  return email !== undefined && account.owner.email?.toLowerCase() === email;
}

/**
 * The key accounts the person may read.
 * @throws ForbiddenError when there is none (the refusal names who may)
 */
export function listKeyAccounts(config: CompanyDirectory, user: AdminUser): KeyAccountView[] {
  const accounts = config.keywords.keyAccounts.filter((a) => mayRead(config, user, a));
  if (accounts.length === 0 && config.keywords.keyAccounts.length > 0) throw new ForbiddenError(REFUSAL(config));
  return accounts.map((a) => ({
    id: a.id,
    name: a.name,
    owner: { name: a.owner.name, ...(a.owner.email ? { email: a.owner.email } : {}) },
    handles: {
      ...(a.handles && a.handles.length > 0 ? { any: a.handles.join(', ') } : {}),
      ...Object.fromEntries(Object.entries(a.platformHandles ?? {}).filter(([, h]) => h !== undefined)),
    },
  }));
}

/**
 * A key account's public exchanges, newest first.
 * @throws NotFoundError for an unknown account, ForbiddenError for a person who may not read it
 *   (an unknown id and a forbidden one are told apart only to those who may read accounts at all)
 */
export async function keyAccountTimeline(
  accountId: string,
  user: AdminUser,
  deps: {
    readonly config: CompanyDirectory;
    readonly timeline: Pick<KeyAccountTimeline, 'list'>;
    readonly limit?: number;
  },
): Promise<TimelineItem[]> {
  const account = deps.config.keywords.keyAccounts.find((a) => a.id === accountId);
  if (!account) {
    // Whether an id exists is itself something only readers of accounts may learn.
    listKeyAccounts(deps.config, user);
    throw new NotFoundError(`key account ${accountId} does not exist`);
  }
  if (!mayRead(deps.config, user, account)) throw new ForbiddenError(REFUSAL(deps.config));
  return deps.timeline.list(accountId, { limit: deps.limit ?? 200 });
}

/** The timeline items of a routed mention, one per key account it names (the primary event only). */
export function mentionTimelineItems(event: MentionRouted): TimelineItem[] {
  if (event.role !== 'primary') return [];
  return (event.keyAccounts ?? []).map((k) => ({
    accountId: k.id,
    at: event.createdAt,
    kind: 'mention',
    platform: event.platform,
    author: event.authorName ?? (event.authorHandle ? `@${event.authorHandle.replace(/^@/, '')}` : event.authorId),
    text: event.text,
    ...(event.url ? { url: event.url } : {}),
    caseId: event.caseId,
    itemId: event.mentionId,
  }));
}

/** The timeline items of a public reply of ours on a case, one per key account the case names. */
export function replyTimelineItems(
  accounts: readonly CaseKeyAccount[],
  reply: {
    readonly caseId: string;
    readonly at: string;
    readonly platform: Platform;
    readonly text: string;
    readonly url?: string;
    readonly itemId: string;
    readonly author: string;
  },
): TimelineItem[] {
  return accounts.map((k) => ({ accountId: k.id, kind: 'reply', ...reply }));
}

/**
 * What a public reply's case event carries so that the account owners are told: the
 * key-account department to notify and the accounts with their owners, in words.
 */
export function ownerNoticeOf(
  config: Pick<CompanyDirectory, 'departments'>,
  accounts: readonly CaseKeyAccount[],
): { readonly notify: string; readonly keyAccounts: string } | undefined {
  if (accounts.length === 0) return undefined;
  const department = keyAccountDepartment({ departments: config.departments });
  if (!department) return undefined;
  return {
    notify: department.id,
    keyAccounts: accounts
      .map((a) => `${a.name} (owner ${a.owner.name}${a.owner.email ? ` <${a.owner.email}>` : ''})`)
      .join('; '),
  };
}

function REFUSAL(config: CompanyDirectory): string {
  const department = keyAccountDepartment({ departments: config.departments });
  return `you may not read key accounts: admins${department ? `, members and leads of ${department.id}` : ''} and each account's owner may`;
}
