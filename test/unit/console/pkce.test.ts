import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BrowserParts,
  codeChallengeOf,
  completeLogin,
  type LoginConfig,
  LoginError,
  logout,
  PENDING_KEY,
  startLogin,
} from '../../../console/src/auth/pkce.ts';

/**
 * The console's PKCE login against a token endpoint on this machine (node:http on port 0) that
 * does what RFC 7636 4.6 says a server does: it answers only when SHA-256 of the code_verifier
 * is the code_challenge the authorization request carried. WebCrypto is Node's own.
 */

const ISSUER = 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Test';
const CLIENT_ID = 'console-client';
const ORIGIN = 'https://cases.example.com';

/** An unsigned JWT with these claims (the login reads, not verifies, an ID token from the token endpoint). */
function idTokenWith(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.signature`;
}

interface TokenRequest {
  readonly form: URLSearchParams;
}

describe('the console login with PKCE', () => {
  let server: Server;
  let tokenUrl: string;
  const requests: TokenRequest[] = [];
  /** code -> { challenge, nonce } as the authorization endpoint would remember them. */
  const codes = new Map<string, { challenge: string; nonce: string }>();
  let answer: { status: number; body: Record<string, unknown> } | undefined;

  let stored: Map<string, string>;
  let navigations: string[];
  let now: number;
  const browser = (): BrowserParts => ({
    storage: {
      getItem: (key) => stored.get(key) ?? null,
      setItem: (key, value) => void stored.set(key, value),
      removeItem: (key) => void stored.delete(key),
    },
    origin: ORIGIN,
    navigate: (url) => void navigations.push(url),
    fetch: (...args) => fetch(...args),
    crypto: globalThis.crypto,
    now: () => now,
  });
  const config = (): LoginConfig => ({
    oidc: {
      issuer: ISSUER,
      clientId: CLIENT_ID,
      authorizeUrl: 'https://login.example.com/oauth2/authorize',
      tokenUrl,
      logoutUrl: 'https://login.example.com/logout',
      scopes: ['openid', 'email', 'profile'],
      redirectPath: '/console/callback',
    },
  });

  /** What the provider does between the two halves: remember the challenge, send back a code and the state. */
  const providerAnswers = (authorizeUrl: string, overrides: Record<string, string> = {}): string => {
    const params = new URL(authorizeUrl).searchParams;
    const code = `code-${codes.size + 1}`;
    codes.set(code, { challenge: params.get('code_challenge') ?? '', nonce: params.get('nonce') ?? '' });
    const back = new URL(params.get('redirect_uri') ?? '');
    back.search = new URLSearchParams({ code, state: params.get('state') ?? '', ...overrides }).toString();
    return back.toString();
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      req.on('end', () => {
        const form = new URLSearchParams(text);
        requests.push({ form });
        const issued = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const reply =
          answer ??
          (issued && issued.challenge === challenge
            ? {
                status: 200,
                body: {
                  access_token: 'access-1',
                  id_token: idTokenWith({ iss: ISSUER, aud: CLIENT_ID, nonce: issued.nonce }),
                  token_type: 'Bearer',
                  expires_in: 3600,
                },
              }
            : { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } });
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    stored = new Map();
    navigations = [];
    now = Date.parse('2026-12-03T10:00:00Z');
    requests.length = 0;
    answer = undefined;
  });

  it('sends the browser to the authorization endpoint with an S256 challenge of a verifier it keeps in the tab', async () => {
    await startLogin(config(), browser());

    expect(navigations).toHaveLength(1);
    const url = new URL(navigations[0] as string);
    expect(`${url.origin}${url.pathname}`).toBe('https://login.example.com/oauth2/authorize');
    const pending = JSON.parse(stored.get(PENDING_KEY) as string) as { verifier: string; state: string; nonce: string };
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${ORIGIN}/console/callback`,
      scope: 'openid email profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('computes the challenge of RFC 7636 appendix B', async () => {
    const challenge = await codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', {
      crypto: globalThis.crypto,
    });

    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('exchanges the code with the verifier and returns the tokens with their expiry', async () => {
    await startLogin(config(), browser());
    const callback = providerAnswers(navigations[0] as string);

    const tokens = await completeLogin(config(), callback, browser());

    expect(tokens).toEqual({ accessToken: 'access-1', idToken: expect.any(String), expiresAt: now + 3_600_000 });
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: `${ORIGIN}/console/callback`,
      client_id: CLIENT_ID,
      code_verifier: expect.any(String),
    });
    expect(stored.has(PENDING_KEY)).toBe(false);
  });

  it('refuses an answer whose state is not the one this tab started with, and exchanges nothing (login CSRF)', async () => {
    await startLogin(config(), browser());
    const forged = providerAnswers(navigations[0] as string, { state: 'attacker-state' });

    await expect(completeLogin(config(), forged, browser())).rejects.toThrow(/state differs/);
    expect(requests).toHaveLength(0);
  });

  it('refuses a callback when this tab started no login (an attacker-made link)', async () => {
    const link = `${ORIGIN}/console/callback?code=attacker-code&state=whatever`;

    await expect(completeLogin(config(), link, browser())).rejects.toThrow(/no login was started/);
    expect(requests).toHaveLength(0);
  });

  it('uses a started login once: the same callback a second time is refused', async () => {
    await startLogin(config(), browser());
    const callback = providerAnswers(navigations[0] as string);
    await completeLogin(config(), callback, browser());

    await expect(completeLogin(config(), callback, browser())).rejects.toBeInstanceOf(LoginError);
  });

  it("says why when the provider refused the login (the provider's error_description)", async () => {
    await startLogin(config(), browser());
    const refused = `${ORIGIN}/console/callback?error=access_denied&error_description=User+is+disabled`;

    await expect(completeLogin(config(), refused, browser())).rejects.toThrow(
      'the login was refused: User is disabled',
    );
  });

  it('fails when the verifier does not match the challenge (the token endpoint refuses)', async () => {
    await startLogin(config(), browser());
    const callback = providerAnswers(navigations[0] as string);
    const pending = JSON.parse(stored.get(PENDING_KEY) as string) as Record<string, unknown>;
    stored.set(PENDING_KEY, JSON.stringify({ ...pending, verifier: 'x'.repeat(43) }));

    await expect(completeLogin(config(), callback, browser())).rejects.toThrow(
      'the token endpoint refused the code (400: PKCE verification failed)',
    );
  });

  it('refuses an ID token issued for another login (nonce differs)', async () => {
    await startLogin(config(), browser());
    const callback = providerAnswers(navigations[0] as string);
    answer = {
      status: 200,
      body: {
        access_token: 'a',
        id_token: idTokenWith({ iss: ISSUER, aud: CLIENT_ID, nonce: 'other' }),
        expires_in: 60,
      },
    };

    await expect(completeLogin(config(), callback, browser())).rejects.toThrow(/nonce differs/);
  });

  it('refuses a login left unfinished for more than ten minutes', async () => {
    await startLogin(config(), browser());
    const callback = providerAnswers(navigations[0] as string);
    now += 11 * 60 * 1000;

    await expect(completeLogin(config(), callback, browser())).rejects.toThrow(/too long/);
  });

  it('refuses to start without an identity provider in the config', async () => {
    await expect(startLogin({}, browser())).rejects.toThrow(/no identity provider/);
    expect(navigations).toHaveLength(0);
  });

  it("forgets the tab's session and ends the provider's session, coming back to the console", () => {
    stored.set('backchannel.session', '{"token":"t"}');
    stored.set(PENDING_KEY, '{}');

    logout(config(), browser());

    expect([...stored.keys()]).toEqual([]);
    expect(navigations).toEqual([
      `https://login.example.com/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent(`${ORIGIN}/console/`)}`,
    ]);
  });
});
