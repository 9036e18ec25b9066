import type { CompanyConfig } from './schema.ts';

/** A problem of the config's login, located by its path in the config (as zod's issues are). */
export interface LoginIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Whether anyone can sign in as a person, and where the login returns to.
 *
 * Approving a reply needs a person: a member of the approving department, never the reply's
 * author. Without `admin.auth` the admin API in AWS accepts only IAM (SigV4) callers, who are
 * the account's operator and carry no member's identity, so a rule's `requireApproval` could
 * never be met: every such reply would wait for ever. Each rule that requires approval is
 * named (the validation error points at it), not only the missing `admin.auth`.
 *
 * Kept beside the schema instead of inside it (like the holiday checks in load.ts): configs
 * built in code for tests need no login, and the functions never need this check.
 */
export function loginIssues(config: CompanyConfig): LoginIssue[] {
  const issues: LoginIssue[] = [];
  const auth = config.admin.auth;
  if (!auth) {
    config.routing.rules.forEach((rule, index) => {
      if (rule.then.requireApproval !== true) return;
      issues.push({
        path: ['routing', 'rules', index, 'then', 'requireApproval'],
        message: `rule "${rule.id}" requires approval, but nobody can sign in to approve: without admin.auth the admin API accepts only AWS IAM callers, which carry no member's identity. Set admin.auth: cognito (with admin.consoleUrl) or admin.auth: { issuer, audience } of the company's identity provider`,
      });
    });
  }
  if (auth === 'cognito' && !config.admin.consoleUrl) {
    issues.push({
      path: ['admin', 'auth'],
      message:
        "admin.auth: cognito needs admin.consoleUrl, the console's address (such as https://cases.example.com/console): the user pool sends people back to <consoleUrl>/callback after they sign in",
    });
  }
  const consoleUrl = config.admin.consoleUrl;
  if (consoleUrl && !new URL(consoleUrl).pathname.replace(/\/+$/, '').endsWith('/console')) {
    issues.push({
      path: ['admin', 'consoleUrl'],
      message: `the console is served under /console: end the address with it (such as ${new URL(consoleUrl).origin}/console), so that the login's callback <consoleUrl>/callback is the console's /console/callback`,
    });
  }
  return issues;
}
