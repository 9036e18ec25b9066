/**
 * Who is who in a company, as the domain sees its config: the admins, each department's
 * leads and members (matched by e-mail) and who approves replies. The company config
 * (shared/config/schema.ts) has this shape, so callers pass their `CompanyConfig` as it is;
 * the domain names only what it reads and imports nothing from the config layer.
 */

import type { Category, Platform } from './mention.ts';

/** A person named in the config; only the e-mail matters for access. */
export interface DirectoryPerson {
  readonly email?: string | undefined;
  readonly name?: string | undefined;
}

/** A department with its people. */
export interface DirectoryDepartment {
  readonly id: string;
  readonly name: string;
  readonly categories?: readonly Category[] | undefined;
  readonly leads?: readonly DirectoryPerson[] | undefined;
  readonly members?: readonly DirectoryPerson[] | undefined;
}

/** The part of the company config that access decisions and case administration read. */
export interface CompanyDirectory {
  readonly company: { readonly name: string; readonly locale: string; readonly timezone: string };
  /** The rules' ids and whether a rule requires the key account owner's approval. */
  readonly routing: {
    readonly rules: readonly { readonly id: string; readonly then: { readonly ownerApproval?: boolean | undefined } }[];
  };
  readonly keywords: { readonly keyAccounts: readonly DirectoryKeyAccount[] };
  /** `auth` is `cognito` when the stack's own user pool signs people in (its groups then give roles). */
  readonly admin: { readonly admins: readonly DirectoryPerson[]; readonly auth?: unknown };
  readonly departments: readonly DirectoryDepartment[];
  readonly cases: { readonly approver?: string | undefined };
}

/** The department whose members approve replies of a case that needs approval. */
export function approverDepartment(directory: CompanyDirectory, caseDepartment: string): string {
  return directory.cases.approver ?? (directory.departments.some((d) => d.id === 'press') ? 'press' : caseDepartment);
}

/** A key account: who owns it and its handles on the platforms. */
export interface DirectoryKeyAccount {
  readonly id: string;
  readonly name: string;
  readonly owner: { readonly name: string; readonly email?: string | undefined };
  readonly handles?: readonly string[] | undefined;
  readonly platformHandles?: Partial<Record<Platform, string>> | undefined;
}
