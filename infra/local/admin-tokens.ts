import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { RequestAuthorizer } from './http-event.ts';

/**
 * The admin API's tokens on a laptop: what the company's identity provider is in AWS.
 * Every start makes a random bearer token for each lead and member of each department and
 * each of the config's `admin.admins` (one per person) and for the local `admin`, keeps them
 * in `<dataDir>/tokens.json` (mode 0600) or in memory, and turns a token into what the API
 * Gateway authorizer would pass on.
 *
 * A person's token becomes the claims of the JWT authorizer (sub, e-mail, name): the access
 * policy finds their departments by that e-mail, as it does in AWS. The local `admin` is the
 * one running `npm start`, who can read the table and the secrets on disk anyway: their token
 * is the laptop's stand-in for the AWS account's credentials, so it arrives as the IAM
 * authorizer's caller, whom the admin API takes for the account operator (an admin). It
 * carries no claim that makes an admin: the admin API never trusts a claim for that (an
 * identity provider may let its users set claims of their own), and in AWS only API
 * Gateway, having verified a SigV4 signature, sets the IAM caller.
 */

export const TOKENS_FILE = 'tokens.json';

/** The caller name of the local `admin` as the IAM authorizer's `userArn`: their actor is `user:local:admin`. */
export const LOCAL_OPERATOR_ARN = 'local:admin';

/** The claims of a token, as `requestContext.authorizer.jwt.claims` carries them. */
export interface TokenClaims {
  readonly sub: string;
  readonly email?: string;
  readonly name: string;
}

export interface AdminTokens {
  /** Claims by token. */
  readonly tokens: Readonly<Record<string, TokenClaims>>;
  /** Where they are kept; undefined in memory. */
  readonly file: string | undefined;
  /** The token of the local `admin`, the account operator (see above). */
  readonly operatorToken: string;
}

/** The people who get a token: each lead, member and admin once (by e-mail, else by name), and the local `admin` last. */
export function tokenHolders(config: CompanyConfig): TokenClaims[] {
  const holders = new Map<string, TokenClaims>();
  for (const people of [
    ...config.departments.map((d) => [...(d.leads ?? []), ...(d.members ?? [])]),
    config.admin.admins,
  ]) {
    for (const person of people) {
      const key = person.email?.toLowerCase() ?? `name:${person.name}`;
      if (holders.has(key)) continue;
      const sub = `local:${person.email ?? person.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
      holders.set(key, { sub, ...(person.email ? { email: person.email } : {}), name: person.name });
    }
  }
  holders.set(OPERATOR_KEY, OPERATOR);
  return [...holders.values()];
}

const OPERATOR_KEY = '\u0000operator';
const OPERATOR: TokenClaims = { sub: 'local:admin', name: 'admin' };

/** Makes new tokens for a start, written to `<dataDir>/tokens.json` when persisted. */
export async function createAdminTokens(config: CompanyConfig, dataDir?: string): Promise<AdminTokens> {
  const tokens: Record<string, TokenClaims> = {};
  let operatorToken = '';
  // 32 random bytes: as hard to guess as a signing key.
  for (const holder of tokenHolders(config)) {
    const token = randomBytes(32).toString('base64url');
    tokens[token] = holder;
    // By identity, not by sub: a person without e-mail named "Admin" has the sub local:admin too.
    if (holder === OPERATOR) operatorToken = token;
  }
  if (!dataDir) return { tokens, file: undefined, operatorToken };
  const file = path.join(dataDir, TOKENS_FILE);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  // writeFile keeps the mode of an existing file: make sure only the owner can read it.
  await chmod(file, 0o600);
  return { tokens, file, operatorToken };
}

/** The claims of an `Authorization: Bearer <token>` header, or undefined when it names no known token. */
export function claimsOfAuthorization(
  tokens: Readonly<Record<string, TokenClaims>>,
  authorization: string | undefined,
): TokenClaims | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  return Object.hasOwn(tokens, match[1] as string) ? tokens[match[1] as string] : undefined;
}

/**
 * What the admin routes' authorizer passes on for an `Authorization` header: the local
 * `admin` as the IAM caller (the account operator), anyone else as their JWT claims;
 * undefined (401) for a header that names no token.
 */
export function authorizerOf(
  adminTokens: Pick<AdminTokens, 'tokens' | 'operatorToken'>,
  authorization: string | undefined,
): RequestAuthorizer | undefined {
  const claims = claimsOfAuthorization(adminTokens.tokens, authorization);
  if (!claims) return undefined;
  if (claims === adminTokens.tokens[adminTokens.operatorToken]) return { iam: { userArn: LOCAL_OPERATOR_ARN } };
  return { jwt: { claims: { ...claims }, scopes: [] } };
}
