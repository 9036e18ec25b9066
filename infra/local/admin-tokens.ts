import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompanyConfig } from '../../shared/config/schema.ts';

/**
 * The admin API's tokens on a laptop: what the company's identity provider is in AWS.
 * Every start makes a random bearer token for each lead and member of each department (one
 * per person) and for an `admin`, keeps them in `<dataDir>/tokens.json` (mode 0600) or in
 * memory, and turns a token into the claims the API Gateway JWT authorizer would pass.
 */

export const TOKENS_FILE = 'tokens.json';

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
}

/** The people who get a token: each lead and member once (by e-mail, else by name), and an `admin`. */
export function tokenHolders(config: CompanyConfig): TokenClaims[] {
  const holders = new Map<string, TokenClaims>();
  for (const department of config.departments) {
    for (const person of [...(department.leads ?? []), ...(department.members ?? [])]) {
      const key = person.email?.toLowerCase() ?? `name:${person.name}`;
      if (holders.has(key)) continue;
      const sub = `local:${person.email ?? person.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
      holders.set(key, { sub, ...(person.email ? { email: person.email } : {}), name: person.name });
    }
  }
  holders.set('admin', { sub: 'local:admin', name: 'admin' });
  return [...holders.values()];
}

/** Makes new tokens for a start, written to `<dataDir>/tokens.json` when persisted. */
export async function createAdminTokens(config: CompanyConfig, dataDir?: string): Promise<AdminTokens> {
  const tokens: Record<string, TokenClaims> = {};
  // 32 random bytes: as hard to guess as a signing key.
  for (const holder of tokenHolders(config)) tokens[randomBytes(32).toString('base64url')] = holder;
  if (!dataDir) return { tokens, file: undefined };
  const file = path.join(dataDir, TOKENS_FILE);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  // writeFile keeps the mode of an existing file: make sure only the owner can read it.
  await chmod(file, 0o600);
  return { tokens, file };
}

/** The claims of an `Authorization: Bearer <token>` header, or undefined when it names no known token. */
export function claimsOfAuthorization(tokens: Readonly<Record<string, TokenClaims>>, authorization: string | undefined): TokenClaims | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  return Object.hasOwn(tokens, match[1] as string) ? tokens[match[1] as string] : undefined;
}
