import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { standingOf } from '../../shared/domain/access-policy.ts';
import type { AdminTokens } from './admin-tokens.ts';
import type { LocalRoute } from './http-server.ts';

/**
 * The console's login page on a laptop: `GET /console/login/members` lists the people of
 * tokens.json, `POST /console/login {"member": id}` answers that person's bearer token.
 *
 * These two routes exist only in the local runtime, on purpose not in the topology: in AWS
 * there is no tokens.json, people sign in at the company's identity provider or the stack's
 * Cognito user pool (console/src/auth/pkce.ts), and nothing hands out tokens.
 *
 * Whoever may call them acts as anyone, so they answer only the browser of this machine on
 * the runtime's own page (test/security/console-login.test.ts):
 * - the connection comes from the loopback (the server may listen on another address);
 * - the Host header names the loopback (`127.0.0.1`, `localhost`, `[::1]`): a DNS-rebinding
 *   page reaches 127.0.0.1 under a hostname of its own, and its Host says so;
 * - a POST carries no Origin of another page (nor `null`) and no `Sec-Fetch-Site` other than
 *   same-origin or none, so a page elsewhere can neither use nor read it (no CORS headers);
 * - a POST is JSON: what an HTML form sends cross-origin without a preflight
 *   (urlencoded, multipart, text/plain) gets 415.
 *
 * What remains: another user account of this machine can reach the loopback too. tokens.json
 * is readable by its owner only; on a shared machine start with `--memory` or behind a firewall.
 */

/** A member as the login page lists them; `id` is the token's subject. */
export interface ConsoleMember {
  readonly id: string;
  readonly name: string;
  readonly departments: readonly { readonly id: string; readonly name: string; readonly role: 'lead' | 'member' }[];
  /** The local `admin` (the account operator on a laptop). */
  readonly admin?: true;
}

const LOGIN_PATH = '/console/login';
const MEMBERS_PATH = '/console/login/members';
const MAX_LOGIN_BODY = 4096;

const LoginBodySchema = z.strictObject({ member: z.string().min(1).max(512) });

/** The members of tokens.json with their departments (from the config, by e-mail), in token order. */
export function consoleMembers(
  config: CompanyConfig,
  adminTokens: Pick<AdminTokens, 'tokens' | 'operatorToken'>,
): ConsoleMember[] {
  const names = new Map(config.departments.map((d) => [d.id, d.name]));
  return Object.entries(adminTokens.tokens).map(([token, claims]) => {
    if (token === adminTokens.operatorToken) return { id: claims.sub, name: claims.name, departments: [], admin: true };
    const standing = standingOf(config, { sub: claims.sub, ...(claims.email ? { email: claims.email } : {}) });
    return {
      id: claims.sub,
      name: claims.name,
      departments: [...standing.departments].map(([id, role]) => ({ id, name: names.get(id) ?? id, role })),
      ...(standing.admin ? { admin: true as const } : {}),
    };
  });
}

/** The login routes of a runtime. */
export function consoleLoginRoute(
  config: CompanyConfig,
  adminTokens: Pick<AdminTokens, 'tokens' | 'operatorToken'>,
): LocalRoute {
  return async (req, res, log) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== LOGIN_PATH && path !== MEMBERS_PATH) return false;
    const method = req.method ?? 'GET';
    // GET /console/login is the console's own login page (serve-console); only POST signs in here.
    if (path === LOGIN_PATH && (method === 'GET' || method === 'HEAD')) return false;
    const refuse = (status: number, message: string): true => {
      req.resume();
      log(`${method} ${path} -> ${status} (${message})`);
      writeJson(res, status, { message });
      return true;
    };
    const expected = path === LOGIN_PATH ? 'POST' : 'GET';
    if (method !== expected) return refuse(405, `use ${expected} ${path}`);
    const notLocal = whyNotThisMachine(req);
    if (notLocal) return refuse(403, notLocal);
    if (path === MEMBERS_PATH) {
      req.resume();
      log(`GET ${path} -> 200`);
      writeJson(res, 200, { members: consoleMembers(config, adminTokens) });
      return true;
    }
    const foreign = whyForeignPage(req);
    if (foreign) return refuse(403, foreign);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return refuse(415, 'send the login as Content-Type: application/json');
    const text = await readSmallBody(req, MAX_LOGIN_BODY);
    if (text === undefined) return refuse(413, `a login body is at most ${MAX_LOGIN_BODY} bytes`);
    let body: z.infer<typeof LoginBodySchema>;
    try {
      body = LoginBodySchema.parse(JSON.parse(text));
    } catch {
      return refuse(400, 'send {"member": "<id from GET /console/login/members>"}');
    }
    const entry = Object.entries(adminTokens.tokens).find(([, claims]) => claims.sub === body.member);
    // The member id (a subject, such as local:<e-mail>) is logged, never the token.
    if (!entry) return refuse(404, `no member ${JSON.stringify(body.member)} in tokens.json`);
    log(`POST ${path} -> 200 (${body.member} signed in)`);
    writeJson(res, 200, { token: entry[0], name: entry[1].name });
    return true;
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why the request is not from this machine's browser on the loopback, or undefined when it is. */
function whyNotThisMachine(req: IncomingMessage): string | undefined {
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (remote !== '::1' && !remote.startsWith('127.')) return 'the local login answers only this machine';
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(host))
    return `the local login answers only on 127.0.0.1, localhost or [::1], not on host ${JSON.stringify(host)}`;
  return undefined;
}

/** Why the request comes from a page of another origin, or undefined when it does not. */
function whyForeignPage(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`)
    return `the local login answers only the console's own origin, not ${JSON.stringify(origin)}`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `the local login answers only the console's own origin, not a ${site} page`;
  return undefined;
}

function readSmallBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  // A token or the member list must stay in no cache.
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
