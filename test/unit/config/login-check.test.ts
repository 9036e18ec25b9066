import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCompanyConfigYaml } from '../../../shared/config/load.ts';

const manufacturer = readFileSync(
  fileURLToPath(new URL('../../../companies/manufacturer.yaml', import.meta.url)),
  'utf8',
);

/** The manufacturer's config with its `admin:` block replaced (or removed). */
function withAdmin(block: string): string {
  return manufacturer.replace(/^admin:\n(?: {2}.*\n)+/m, block);
}

function issuesOf(text: string): string[] {
  try {
    parseCompanyConfigYaml(text, 'companies/manufacturer.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split('\n');
  }
}

describe('who can sign in (validate)', () => {
  it('refuses a rule that requires approval when only IAM callers reach the admin API, pointing at the rule', () => {
    const text = withAdmin('');
    const line = text.split('\n').findIndex((l) => l.includes('requireApproval: true')) + 1;

    const issues = issuesOf(text);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      new RegExp(
        `^companies/manufacturer\\.yaml:${line}:\\d+: routing\\.rules\\.0\\.then\\.requireApproval: rule "legal-risk" requires approval, but nobody can sign in to approve`,
      ),
    );
    expect(issues[0]).toContain('admin.auth: cognito');
  });

  it("accepts approval rules with the company's own OIDC issuer", () => {
    const issues = issuesOf(
      withAdmin('admin:\n  auth: { issuer: "https://login.example.com", audience: [console] }\n'),
    );

    expect(issues).toEqual([]);
  });

  it('accepts a config without approval rules and without admin.auth', () => {
    const issues = issuesOf(withAdmin('').replace(', requireApproval: true', ''));

    expect(issues).toEqual([]);
  });

  it('refuses cognito without the console address the login returns to', () => {
    const issues = issuesOf(withAdmin('admin:\n  auth: cognito\n'));

    expect(issues).toEqual([expect.stringMatching(/admin\.auth: admin\.auth: cognito needs admin\.consoleUrl/)]);
  });

  it('refuses a console address that is not the console (its callback would not be /console/callback)', () => {
    const issues = issuesOf(withAdmin('admin:\n  auth: cognito\n  consoleUrl: https://cases.example.com/app\n'));

    expect(issues).toEqual([expect.stringMatching(/admin\.consoleUrl: the console is served under \/console/)]);
  });
});
