import { approverDepartment, type CompanyDirectory } from './company-directory.ts';
import type { Case } from './case.ts';
import type { AdminUser } from './case-admin.ts';
import { grantsOfGroups } from './department-groups.ts';
import { ForbiddenError } from './errors.ts';

/**
 * Who may read or act on what: one policy for the admin API, the console and the CLI.
 * A person is matched to the company config by e-mail (case-insensitive): the e-mail of a
 * token is only used when the identity provider has verified it (functions/admin-api). With
 * `admin.auth: cognito` the groups of the stack's user pool give roles too (an access token of
 * the pool carries groups but no e-mail); a role from either source counts, a lead wins.
 *
 * - admins (`admin.admins`, and the account's operator: see `AdminUser.operator`) may do all;
 * - members and leads of a case's department read it and act on it: assign, transition,
 *   draft, mark sent, correct the classification (a labelled example for the company model);
 * - members and leads of a department the case names (cc, approver when the case needs
 *   approval, escalation target) read it; nothing more;
 * - approving follows its own rule: a member or lead of the approving department (or an
 *   admin), never the reply's author (the lifecycle checks the author);
 * - leads reroute cases out of their department; members do not;
 * - listing a department's cases is for its members and leads (and admins); so is listing
 *   the cases that name the department as cc or wait for its approval (they read those
 *   cases anyway); a listing without a department covers the person's own departments
 *   (every department for an admin);
 * - reopening is a change of state: the case's department (and admins), not cc;
 * - a department's reports are read by its members and leads, the management report by
 *   leads of any department (and admins);
 * - anyone else, however valid their token, may do nothing.
 */

/** What a person may be in a department. */
export type DepartmentRole = 'lead' | 'member';

/** Who a person is in a company: admin or not, and their role in each of their departments. */
export interface Standing {
  readonly admin: boolean;
  /** Role by department id; a person who is lead and member of one department is its lead. */
  readonly departments: ReadonlyMap<string, DepartmentRole>;
}

/** What can be done to a case; `approve` has its own department (see `mayApprove`). */
export type CaseAccess =
  | 'read'
  | 'assign'
  | 'transition'
  | 'reopen'
  | 'draft'
  | 'approve'
  | 'mark-sent'
  | 'reroute'
  | 'correct';

/** Whether the person is one of the company's `admin.admins`, or the account's operator, who may do everything. */
export function isCompanyAdmin(config: CompanyDirectory, user: AdminUser): boolean {
  if (user.operator === true) return true;
  if (poolGrantsOf(config, user)?.admin) return true;
  const email = user.email?.toLowerCase();
  if (!email) return false;
  return config.admin.admins.some((person) => person.email?.toLowerCase() === email);
}

/** Who the person is in the company: admin, and lead or member of which departments (by e-mail). */
export function standingOf(config: CompanyDirectory, user: AdminUser): Standing {
  const departments = new Map<string, DepartmentRole>();
  const email = user.email?.trim().toLowerCase();
  if (email) {
    for (const department of config.departments) {
      const is = (people: readonly { readonly email?: string | undefined }[] | undefined) =>
        (people ?? []).some((p) => p.email?.toLowerCase() === email);
      if (is(department.leads)) departments.set(department.id, 'lead');
      else if (is(department.members)) departments.set(department.id, 'member');
    }
  }
  for (const [department, role] of poolGrantsOf(config, user)?.departments ?? []) {
    if (departments.get(department) !== 'lead') departments.set(department, role);
  }
  return { admin: isCompanyAdmin(config, user), departments };
}

/**
 * What the person's user-pool groups give, when the admin API's identity provider is the
 * stack's own pool; undefined otherwise (an OIDC issuer's `cognito:groups`-named claim is
 * whatever that issuer lets be written, so it gives nothing).
 */
function poolGrantsOf(config: CompanyDirectory, user: AdminUser): ReturnType<typeof grantsOfGroups> | undefined {
  if (config.admin.auth !== 'cognito' || !user.groups || user.groups.length === 0) return undefined;
  return grantsOfGroups(config, user.groups);
}

/**
 * The departments a case names besides its own: whose members and leads may read it.
 * cc, the approving department when the case needs approval, and the escalation targets.
 */
export function readingDepartmentsOf(
  c: Pick<Case, 'cc' | 'requireApproval' | 'approverDepartment' | 'escalatedTo' | 'department'>,
): string[] {
  return [
    ...new Set([
      ...(c.cc ?? []),
      ...(c.requireApproval && c.approverDepartment ? [c.approverDepartment] : []),
      ...(c.escalatedTo ?? []),
    ]),
  ].filter((d) => d !== c.department);
}

/**
 * Refuses a person who may not list the cases of `department`.
 * @throws ForbiddenError unless the person is an admin or a member or lead of the department
 */
export function authorizeListing(config: CompanyDirectory, user: AdminUser, department: string): void {
  const standing = standingOf(config, user);
  if (standing.admin || standing.departments.has(department)) return;
  throw new ForbiddenError(`you may not list the cases of ${department}: ${listableBy(standing)}`);
}

/**
 * The departments whose cases a person may list: every one for an admin, else their own.
 * @throws ForbiddenError for a person in no department
 */
export function listableDepartmentsOf(config: CompanyDirectory, user: AdminUser): string[] {
  const standing = standingOf(config, user);
  if (standing.admin) return config.departments.map((d) => d.id);
  if (standing.departments.size === 0) throw new ForbiddenError(`you may not list cases: ${NOBODY}`);
  return [...standing.departments.keys()];
}

/**
 * Refuses a person who may not read the reports of `audience` (`management` or a department id).
 * @throws ForbiddenError with the reason
 */
export function authorizeReportReading(config: CompanyDirectory, user: AdminUser, audience: string): void {
  const standing = standingOf(config, user);
  if (standing.admin) return;
  if (audience === 'management') {
    if ([...standing.departments.values()].includes('lead')) return;
    throw new ForbiddenError(
      `only admins and department leads may read the management report; you are ${standing.departments.size === 0 ? 'in no department' : rolesOf(standing)}`,
    );
  }
  if (standing.departments.has(audience)) return;
  throw new ForbiddenError(`you may not read the reports of ${audience}: ${listableBy(standing)}`);
}

/**
 * Refuses a person who may not do `access` to the case as it is now.
 *
 * A person who may not read the case is told only that (not its department or what it
 * names), so a refusal says nothing about a case the person may not see.
 *
 * @throws ForbiddenError with the reason
 * @example
 * ```ts
 * authorizeCase(config, request.user, current, 'assign'); // throws for a member of another department
 * ```
 */
export function authorizeCase(config: CompanyDirectory, user: AdminUser, c: Case, access: CaseAccess): void {
  const standing = standingOf(config, user);
  if (standing.admin) return;
  const own = standing.departments.get(c.department);
  const reads = own !== undefined || readingDepartmentsOf(c).some((d) => standing.departments.has(d));
  const approves = access === 'approve' && standing.departments.has(approvingDepartmentOf(config, c));
  if (!reads && !approves) throw new ForbiddenError(`you may not read case ${c.id}: ${readableBy(standing)}`);
  switch (access) {
    case 'read':
      return;
    case 'approve':
      if (approves) return;
      throw new ForbiddenError(
        `only a member or lead of ${approvingDepartmentOf(config, c)} may approve replies of case ${c.id}`,
      );
    case 'reroute':
      if (own === 'lead') return;
      throw new ForbiddenError(
        own === 'member'
          ? `only a lead of ${c.department} or an admin may reroute case ${c.id}; you are a member`
          : `only a lead of ${c.department} or an admin may reroute case ${c.id}; you may read it (${rolesOf(standing)})`,
      );
    default:
      if (own !== undefined) return;
      throw new ForbiddenError(
        `only members and leads of ${c.department} or an admin may ${VERBS[access]} case ${c.id}; you may read it (${rolesOf(standing)})`,
      );
  }
}

/** The department whose members and leads approve replies of a case: the one the case names, else the company's approver. */
export function approvingDepartmentOf(
  config: CompanyDirectory,
  c: Pick<Case, 'approverDepartment' | 'department'>,
): string {
  return c.approverDepartment ?? approverDepartment(config, c.department);
}

/**
 * Refuses a person who may not read the company's themes, ideas and projects: they are
 * for everyone who works a department (and admins), since a theme spans departments.
 * @throws ForbiddenError for a person who is neither an admin nor in any department
 */
export function authorizeInsightReading(config: CompanyDirectory, user: AdminUser): void {
  const standing = standingOf(config, user);
  if (standing.admin || standing.departments.size > 0) return;
  throw new ForbiddenError(`you may not read themes: ${NOBODY}`);
}

/**
 * Refuses a person who may not mark a theme as a known defect: admins and the leads of a
 * department the theme's mentions were routed to may; members may not.
 * @throws ForbiddenError with the reason
 */
export function authorizeThemeDefect(
  config: CompanyDirectory,
  user: AdminUser,
  theme: { readonly id: string; readonly departments: readonly string[] },
): void {
  const standing = standingOf(config, user);
  if (standing.admin) return;
  if (theme.departments.some((d) => standing.departments.get(d) === 'lead')) return;
  const involved = theme.departments.join(', ') || 'none yet';
  throw new ForbiddenError(
    standing.departments.size === 0
      ? `you may not mark theme ${theme.id} as a defect: ${NOBODY}`
      : `only an admin or a lead of a department involved in theme ${theme.id} (${involved}) may mark it as a defect; you are ${rolesOf(standing)}`,
  );
}

const VERBS: Readonly<Record<Exclude<CaseAccess, 'read' | 'approve' | 'reroute'>, string>> = {
  assign: 'assign',
  transition: 'change the state of',
  reopen: 'reopen',
  draft: 'draft replies on',
  'mark-sent': 'mark replies sent on',
  correct: 'correct the classification of',
};

function rolesOf(standing: Standing): string {
  return [...standing.departments].map(([department, role]) => `${role} of ${department}`).join(', ');
}

function listableBy(standing: Standing): string {
  if (standing.departments.size === 0) return NOBODY;
  return `you may list those of ${[...standing.departments.keys()].join(', ')} (${rolesOf(standing)})`;
}

function readableBy(standing: Standing): string {
  if (standing.departments.size === 0) return NOBODY;
  return `you may read the cases of ${[...standing.departments.keys()].join(', ')} and those that name them as cc, approver or escalation (${rolesOf(standing)})`;
}

const NOBODY =
  'you are neither an admin nor a member or lead of any department (people are matched by their verified e-mail; an admin adds them to the company config)';
