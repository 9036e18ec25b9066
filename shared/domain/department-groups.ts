import type { CompanyDirectory } from './company-directory.ts';
import type { DepartmentRole } from './access-policy.ts';

/**
 * The groups of the stack's Cognito user pool (`admin.auth: cognito`): one per department and
 * role, `<department>-lead` and `<department>-member`, and `admins`. An admin of the pool puts
 * a person into them; the pool writes them into the token's `cognito:groups` claim, which no
 * user can set (attributes a user may edit are `custom:*` or standard ones, never groups).
 *
 * Only these names give a role: a group someone added to the pool by hand, or a department's
 * group after the department left the config, gives nothing.
 */

export const ADMINS_GROUP = 'admins';

/** What one group of the pool gives. */
export type GroupGrant =
  | { readonly kind: 'department'; readonly department: string; readonly role: DepartmentRole }
  | { readonly kind: 'admin' };

export interface DepartmentGroup {
  readonly name: string;
  readonly description: string;
  /** Cognito picks the role of the lowest precedence for IAM; kept stable and unique. */
  readonly precedence: number;
  readonly grants: GroupGrant;
}

/** The pool's group of a department and role. */
export const groupName = (department: string, role: DepartmentRole): string => `${department}-${role}`;

/** Every group the stack creates for a company, admins first. */
export function departmentGroupsOf(config: CompanyDirectory): DepartmentGroup[] {
  const groups: DepartmentGroup[] = [
    {
      name: ADMINS_GROUP,
      description: 'May act on every case of every department and erase personal data',
      precedence: 0,
      grants: { kind: 'admin' },
    },
  ];
  config.departments.forEach((department, index) => {
    for (const [offset, role] of (['lead', 'member'] as const).entries()) {
      groups.push({
        name: groupName(department.id, role),
        description: `${role === 'lead' ? 'Leads' : 'Members'} of ${department.name}`,
        precedence: 1 + index * 2 + offset,
        grants: { kind: 'department', department: department.id, role },
      });
    }
  });
  return groups;
}

/**
 * What a person's pool groups give: admin, and a role per department (lead wins over member).
 * Names the config's groups do not list are ignored.
 */
export function grantsOfGroups(
  config: CompanyDirectory,
  groups: readonly string[],
): { readonly admin: boolean; readonly departments: ReadonlyMap<string, DepartmentRole> } {
  const known = new Map(departmentGroupsOf(config).map((g) => [g.name, g.grants]));
  const departments = new Map<string, DepartmentRole>();
  let admin = false;
  for (const name of groups) {
    const grant = known.get(name);
    if (!grant) continue;
    if (grant.kind === 'admin') admin = true;
    else if (grant.role === 'lead' || !departments.has(grant.department)) departments.set(grant.department, grant.role);
  }
  return { admin, departments };
}
