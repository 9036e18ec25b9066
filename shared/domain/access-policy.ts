import type { CompanyConfig } from '../config/schema.ts';
import type { AdminUser } from './case-admin.ts';

/**
 * Who may read or act on what: one policy for the admin API, the console and the CLI.
 * A person is matched to the company config by e-mail (case-insensitive).
 */

/** Whether the person is one of the company's `admin.admins`, who may do everything. */
export function isCompanyAdmin(config: CompanyConfig, user: AdminUser): boolean {
  const email = user.email?.toLowerCase();
  if (!email) return false;
  return config.admin.admins.some((person) => person.email?.toLowerCase() === email);
}
