/**
 * Sign-in at an identity provider (the stack's Cognito user pool or the company's OIDC issuer):
 * the authorization code flow with PKCE (RFC 7636, S256) for a public client, as RFC 9700
 * (OAuth 2.0 Security Best Current Practice) asks of browser apps.
 *
 * 1. `startLogin` makes a code verifier, a state and a nonce, keeps them in sessionStorage
 *    (this tab only, gone with it) and sends the browser to the authorization endpoint with the
 *    verifier's SHA-256 as code_challenge.
 * 2. The provider sends the browser back to `<origin><redirectPath>?code=..&state=..`;
 *    `completeLogin` checks the state against the kept one (a login this tab did not start is
 *    refused: login CSRF), forgets it (a code is used once), and exchanges the code and the
 *    verifier at the token endpoint. The ID token's nonce, issuer and audience are checked; its
 *    signature is not, since it came straight from the token endpoint over TLS (OpenID Connect
 *    Core 3.1.3.7).
 * 3. `logout` forgets this tab's login and, when the provider has a logout endpoint (Cognito),
 *    ends the session there too.
 *
 * Pure browser code without a framework. The browser's parts (storage, navigation, fetch,
 * WebCrypto) are taken from `globalThis` unless a caller passes its own (tests do).
 */

/** The part of the console config (`GET /console/config.json`) the login reads. */
export interface LoginConfig {
  readonly oidc?: {
    readonly issuer: string;
    readonly clientId: string;
    readonly authorizeUrl: string;
    readonly tokenUrl: string;
    readonly logoutUrl?: string;
    readonly scopes: readonly string[] | string;
    readonly redirectPath: string;
  };
}

/** The tokens of a completed login; `expiresAt` in epoch milliseconds. */
export interface LoginTokens {
  readonly accessToken: string;
  readonly idToken?: string;
  readonly expiresAt: number;
}

/** A login that cannot go on: the provider refused, the state does not match, the exchange failed. */
export class LoginError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoginError';
  }
}

/** What the login needs of the browser. */
export interface BrowserParts {
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** The page's origin, `https://cases.example.com`. */
  readonly origin: string;
  readonly navigate: (url: string) => void;
  readonly fetch: typeof fetch;
  readonly crypto: Pick<typeof globalThis.crypto, 'getRandomValues' | 'subtle'>;
  readonly now: () => number;
}

interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The key of the login in progress; the console's session (its own module) lives under another. */
export const PENDING_KEY = 'backchannel.login';
/** The key of the console's session (console/src/auth/session.ts), removed on logout. */
const SESSION_KEY = 'backchannel.session';
/** A login left unfinished for longer is not completed: its state is too old to trust. */
const PENDING_MAX_AGE_MS = 10 * 60 * 1000;

interface Pending {
  readonly state: string;
  readonly verifier: string;
  readonly nonce: string;
  readonly redirectUri: string;
  readonly startedAt: number;
}

/** The browser's own parts. */
export function browserParts(): BrowserParts {
  const g = globalThis as unknown as {
    sessionStorage: Storage;
    location: { origin: string; assign(url: string): void };
    fetch: typeof fetch;
    crypto: typeof globalThis.crypto;
  };
  return {
    storage: g.sessionStorage,
    origin: g.location.origin,
    navigate: (url) => g.location.assign(url),
    fetch: (...args) => g.fetch(...args),
    crypto: g.crypto,
    now: () => Date.now(),
  };
}

/**
 * Sends the browser to the provider's login.
 * @throws LoginError when the config names no provider (a local or IAM-only setup)
 */
export async function startLogin(config: LoginConfig, browser: BrowserParts = browserParts()): Promise<void> {
  const oidc = providerOf(config);
  const verifier = randomText(browser, 32);
  const pending: Pending = {
    state: randomText(browser, 16),
    verifier,
    nonce: randomText(browser, 16),
    redirectUri: `${browser.origin}${oidc.redirectPath}`,
    startedAt: browser.now(),
  };
  const challenge = await codeChallengeOf(verifier, browser);
  browser.storage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(oidc.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: pending.redirectUri,
    scope: scopesOf(oidc.scopes),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  browser.navigate(url.toString());
}

/**
 * Completes the login the provider sent the browser back from (`url`: the callback page's URL).
 * @throws LoginError when the provider refused, no login of this tab is pending, the state
 * differs, or the token endpoint does not answer with an access token
 */
export async function completeLogin(
  config: LoginConfig,
  url: string,
  browser: BrowserParts = browserParts(),
): Promise<LoginTokens> {
  const oidc = providerOf(config);
  const params = new URL(url).searchParams;
  const raw = browser.storage.getItem(PENDING_KEY);
  // One attempt per login: whatever happens below, the verifier is not used again.
  browser.storage.removeItem(PENDING_KEY);
  const error = params.get('error');
  if (error) throw new LoginError(`the login was refused: ${params.get('error_description') ?? error}`);
  const pending = parsePending(raw);
  if (!pending) throw new LoginError('no login was started in this tab: start again');
  if (browser.now() - pending.startedAt > PENDING_MAX_AGE_MS)
    throw new LoginError('the login took too long: start again');
  const state = params.get('state');
  if (state === null || !sameText(state, pending.state))
    throw new LoginError('the answer does not belong to the login this tab started (state differs): start again');
  const code = params.get('code');
  if (!code) throw new LoginError('the answer carries no authorization code');

  let response: Response;
  try {
    response = await browser.fetch(oidc.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: pending.redirectUri,
        client_id: oidc.clientId,
        code_verifier: pending.verifier,
      }).toString(),
    });
  } catch (cause) {
    throw new LoginError('the token endpoint cannot be reached', { cause });
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const reason = typeof body.error_description === 'string' ? body.error_description : body.error;
    throw new LoginError(
      `the token endpoint refused the code (${response.status}${reason ? `: ${String(reason)}` : ''})`,
    );
  }
  if (typeof body.access_token !== 'string' || body.access_token === '')
    throw new LoginError('the token endpoint answered without an access token');
  const idToken = typeof body.id_token === 'string' ? body.id_token : undefined;
  if (idToken) checkIdToken(idToken, oidc, pending.nonce);
  const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
  return {
    accessToken: body.access_token,
    ...(idToken ? { idToken } : {}),
    expiresAt: browser.now() + lifetime * 1000,
  };
}

/**
 * Forgets this tab's login; with a provider's logout endpoint (Cognito's), ends the session there
 * too and comes back to the console.
 */
export function logout(config?: LoginConfig, browser: BrowserParts = browserParts()): void {
  browser.storage.removeItem(PENDING_KEY);
  browser.storage.removeItem(SESSION_KEY);
  const oidc = config?.oidc;
  if (!oidc?.logoutUrl) return;
  const url = new URL(oidc.logoutUrl);
  const consoleRoot = `${browser.origin}${oidc.redirectPath.replace(/\/callback$/, '/')}`;
  url.search = new URLSearchParams({ client_id: oidc.clientId, logout_uri: consoleRoot }).toString();
  browser.navigate(url.toString());
}

/** The S256 code challenge of a verifier: BASE64URL(SHA-256(verifier)), RFC 7636 4.2. */
export async function codeChallengeOf(verifier: string, browser: Pick<BrowserParts, 'crypto'>): Promise<string> {
  const digest = await browser.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function providerOf(config: LoginConfig): NonNullable<LoginConfig['oidc']> {
  if (!config.oidc) throw new LoginError('this console has no identity provider to sign in at (admin.auth)');
  return config.oidc;
}

function scopesOf(scopes: readonly string[] | string): string {
  return typeof scopes === 'string' ? scopes : scopes.join(' ');
}

/** `bytes` random bytes as base64url: 32 give a verifier of 43 characters (RFC 7636 asks 43 to 128). */
function randomText(browser: Pick<BrowserParts, 'crypto'>, bytes: number): string {
  return base64Url(browser.crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function parsePending(raw: string | null): Pending | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Pending>;
    const texts = [value.state, value.verifier, value.nonce, value.redirectUri];
    if (texts.some((t) => typeof t !== 'string' || t === '') || typeof value.startedAt !== 'number') return undefined;
    return value as Pending;
  } catch {
    return undefined;
  }
}

/** Compares without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** The ID token is for this client, from this issuer, and answers this login (nonce). */
function checkIdToken(idToken: string, oidc: NonNullable<LoginConfig['oidc']>, nonce: string): void {
  let claims: { iss?: unknown; aud?: unknown; nonce?: unknown };
  try {
    const payload = idToken.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch (cause) {
    throw new LoginError('the ID token cannot be read', { cause });
  }
  if (claims.nonce !== nonce) throw new LoginError('the ID token answers another login (nonce differs)');
  if (claims.iss !== oidc.issuer)
    throw new LoginError(`the ID token comes from ${String(claims.iss)}, not ${oidc.issuer}`);
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(oidc.clientId)) throw new LoginError('the ID token is for another client');
}
