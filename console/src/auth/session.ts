import type { ConsoleConfig } from '../config.ts';

/**
 * The signed-in person of this tab: a bearer token in sessionStorage (gone with the tab).
 * Locally the token comes from the login page (`POST /console/login`); with an identity
 * provider from the authorization code flow with PKCE in `./pkce.ts` (the login part's
 * module, loaded only when that flow is used; see `pkceModule`).
 */
export interface Session {
  readonly token: string;
  readonly name?: string;
  /** Epoch milliseconds; absent for local tokens, which live as long as `npm start`. */
  readonly expiresAt?: number;
}

const KEY = 'backchannel.session';

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || !session.token) return undefined;
    if (session.expiresAt !== undefined && session.expiresAt <= Date.now()) {
      clearSession();
      return undefined;
    }
    return session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** The contract's PKCE module (console/src/auth/pkce.ts, written by the login part). */
export interface PkceModule {
  startLogin(config: ConsoleConfig): Promise<void>;
  completeLogin(
    config: ConsoleConfig,
    url: string,
  ): Promise<{ accessToken: string; idToken?: string; expiresAt: number }>;
  logout(): void | Promise<void>;
}

// A glob instead of a plain dynamic import: the build stays green while pkce.ts is absent,
// and bundles it as its own chunk, loaded only on the OIDC path, once it is there.
const pkceModules = import.meta.glob<PkceModule>('./pkce.ts');

/** Loads the PKCE module, or fails with a clear message when this build has none. */
export async function pkceModule(): Promise<PkceModule> {
  const load = pkceModules['./pkce.ts'];
  if (!load) throw new Error('this console was built without console/src/auth/pkce.ts: OIDC sign-in is not available');
  return load();
}

/** Local sign-in: the members `npm start` made tokens for, or undefined when the server has no such list. */
export interface LocalMember {
  readonly id: string;
  readonly name: string;
  readonly departments: readonly (string | { readonly id: string; readonly name?: string })[];
}
