import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authorizerOf,
  claimsOfAuthorization,
  createAdminTokens,
  TOKENS_FILE,
  tokenHolders,
} from '../../../infra/local/admin-tokens.ts';
import { demoConfig } from '../../factories/config.ts';

const config = demoConfig();

describe('local admin tokens', () => {
  let dir: string | undefined;

  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('gives each person once and an admin a token, with the claims the JWT authorizer passes', () => {
    // Arrange
    const twice = structuredClone(config);
    twice.departments[1]?.members?.push({ name: 'Tim Osterloh', email: 'TIM.OSTERLOH@radwerk-hansen.example' });

    // Act
    const holders = tokenHolders(twice);

    // Assess
    expect(holders.filter((h) => h.email?.toLowerCase() === 'tim.osterloh@radwerk-hansen.example')).toEqual([
      {
        sub: 'local:tim.osterloh@radwerk-hansen.example',
        email: 'tim.osterloh@radwerk-hansen.example',
        name: 'Tim Osterloh',
      },
    ]);
    expect(holders.at(-1)).toEqual({ sub: 'local:admin', name: 'admin' });
  });

  it('gives the admins of the config a token with their e-mail', () => {
    // Act
    const holders = tokenHolders(config);

    // Assess
    expect(holders).toContainEqual({
      sub: 'local:birte.hansen@radwerk-hansen.example',
      email: 'birte.hansen@radwerk-hansen.example',
      name: 'Birte Hansen',
    });
  });

  it("passes the local admin on as the IAM caller and a person as the JWT authorizer's claims", async () => {
    // Arrange
    const named = structuredClone(config);
    // A person without e-mail named Admin has the sub local:admin too, and must stay a person.
    named.departments[0]?.members?.push({ name: 'Admin' });
    const adminTokens = await createAdminTokens(named);
    const personToken = Object.entries(adminTokens.tokens).find(
      ([token, claims]) => claims.sub === 'local:admin' && token !== adminTokens.operatorToken,
    )?.[0];

    // Act
    const operator = authorizerOf(adminTokens, `Bearer ${adminTokens.operatorToken}`);
    const person = authorizerOf(adminTokens, `Bearer ${personToken}`);
    const unknown = authorizerOf(adminTokens, 'Bearer nope');

    // Assess
    expect(adminTokens.tokens[adminTokens.operatorToken]).toEqual({ sub: 'local:admin', name: 'admin' });
    expect(operator).toEqual({ iam: { userArn: 'local:admin' } });
    expect(person).toEqual({ jwt: { claims: { sub: 'local:admin', name: 'Admin' }, scopes: [] } });
    expect(unknown).toBeUndefined();
  });

  it('writes the tokens to tokens.json, readable only by the owner', async () => {
    // Arrange
    dir = await mkdtemp(path.join(tmpdir(), 'backchannel-tokens-'));

    // Act
    const { tokens, file } = await createAdminTokens(config, dir);

    // Assess
    expect(file).toBe(path.join(dir, TOKENS_FILE));
    expect(JSON.parse(await readFile(file as string, 'utf8'))).toEqual(tokens);
    expect((await stat(file as string)).mode & 0o777).toBe(0o600);
    expect(Object.keys(tokens)).toHaveLength(tokenHolders(config).length);
  });

  it('turns a known bearer token into its claims and refuses anything else', async () => {
    // Arrange
    const { tokens } = await createAdminTokens(config);
    const [token, claims] = Object.entries(tokens)[0] as [string, unknown];

    // Act
    const known = claimsOfAuthorization(tokens, `bearer ${token}`);
    const refused = [undefined, token, `Bearer ${token}x`, 'Bearer toString', `Basic ${token}`].map((h) =>
      claimsOfAuthorization(tokens, h),
    );

    // Assess
    expect(known).toEqual(claims);
    expect(refused).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
