/**
 * `admin.auth: cognito`: the access policy reads departments from the token's `cognito:groups`
 * (a pool's access token carries groups but no e-mail). The attacks: a claim from anywhere but
 * the stack's own pool, a group the stack did not create, a look-alike name, a user-settable
 * attribute named like groups. Each must give nothing; only `admins` of the pool makes an admin.
 * Through the admin API's handler, with the claims as API Gateway's JWT authorizer passes them
 * (a list claim flattened to `[a b]`).
 */
import { describe, expect, it } from 'vitest';
import { adminApi, groupsOfClaim } from '../../functions/admin-api/handler.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { AdminApiDeps } from '../../functions/admin-api/handler.ts';
import { adminEventFactory } from '../factories/admin-api.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases } from '../fakes/in-memory.ts';

const legalCase = caseFactory({ department: 'legal', category: 'legal_risk' });

function withAuth(auth: CompanyConfig['admin']['auth']): CompanyConfig {
  const config = structuredClone(demoConfig());
  return {
    ...config,
    admin: { ...config.admin, auth, consoleUrl: 'https://cases.example.com/console' },
  } as CompanyConfig;
}

/** GET /cases/{id} of the legal case as a caller with these claims: the status. */
async function readLegalCase(config: CompanyConfig, claims: Record<string, string>): Promise<number> {
  const store = new InMemoryCases();
  store.cases.set(legalCase.id, legalCase);
  const deps: AdminApiDeps = {
    companyId: 'demo',
    retentionDays: 365,
    config,
    cases: store,
    events: new InMemoryCaseEvents(),
    clock: fixedClock('2026-12-03T10:00:00.000Z'),
    dueAt: (_d, _p, from) => new Date(from.getTime() + 3_600_000).toISOString(),
  };
  const event = adminEventFactory('GET /cases/{id}', { pathParameters: { id: legalCase.id }, claims });
  return (await adminApi(event, () => deps)).statusCode as number;
}

/** An access token of a Cognito pool: a subject, groups, no e-mail. */
const poolToken = (groups: string) => ({ sub: '7f3c-sub', 'cognito:groups': groups, token_use: 'access' });

describe('roles from the user pool groups (admin.auth: cognito)', () => {
  const cognito = withAuth('cognito');

  it('lets a member of the legal-member group read a legal case, with no e-mail in the token', async () => {
    expect(await readLegalCase(cognito, poolToken('[legal-member]'))).toBe(200);
  });

  it('lets a member of the admins group read every case', async () => {
    expect(await readLegalCase(cognito, poolToken('[admins]'))).toBe(200);
  });

  it("gives nothing for a group the stack did not create (a pool admin's own group, a look-alike)", async () => {
    for (const groups of ['[legal]', '[legal-owner]', '[Legal-member]', '[legal-member-x]', '[admin]', '[Admins]']) {
      expect(await readLegalCase(cognito, poolToken(groups)), groups).toBe(403);
    }
  });

  it('gives nothing for a department group of a department the config no longer has', async () => {
    expect(await readLegalCase(cognito, poolToken('[marketing-lead]'))).toBe(403);
  });

  it('ignores attributes a user may set, however they are named', async () => {
    const claims = { sub: '7f3c-sub', 'custom:groups': '[admins]', 'custom:cognito:groups': 'admins' };

    expect(await readLegalCase(cognito, claims)).toBe(403);
  });
});

describe('a cognito:groups claim from any other issuer', () => {
  it("gives nothing with the company's own OIDC issuer: that issuer may let users write such a claim", async () => {
    const oidc = withAuth({ issuer: 'https://login.example.com', audience: ['console'] });

    expect(await readLegalCase(oidc, poolToken('[admins]'))).toBe(403);
    expect(await readLegalCase(oidc, poolToken('[legal-lead]'))).toBe(403);
  });
});

describe("API Gateway's flattened cognito:groups claim", () => {
  it('reads the list from `[a b]`, from a JSON list and from a single name', () => {
    expect(groupsOfClaim('[press-member sales-lead]')).toEqual(['press-member', 'sales-lead']);
    expect(groupsOfClaim(['admins'])).toEqual(['admins']);
    expect(groupsOfClaim('legal-member')).toEqual(['legal-member']);
    expect(groupsOfClaim(undefined)).toEqual([]);
  });
});
