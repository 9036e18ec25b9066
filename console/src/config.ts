import { isLanguage, type Language } from './i18n.ts';

/** `/console/config.json` (owned by the login part): how to sign in and where the API is. Nothing secret in it. */
export interface ConsoleConfig {
  readonly auth: 'local' | 'oidc' | 'cognito';
  /** The admin API's base URL; '' is the console's own origin. */
  readonly apiBase: string;
  readonly language: Language;
  readonly company?: { readonly id: string; readonly name: string };
  readonly oidc?: {
    readonly issuer: string;
    readonly clientId: string;
    readonly authorizeUrl: string;
    readonly tokenUrl: string;
    readonly scopes: readonly string[] | string;
    readonly redirectPath: string;
  };
}

/**
 * Loads the console's config. A server without the route (an older runtime) gets the local
 * defaults: sign in with a token, API on the same origin, German (the demo company's language).
 */
export async function loadConfig(): Promise<ConsoleConfig> {
  const fallback: ConsoleConfig = { auth: 'local', apiBase: '', language: 'de' };
  try {
    const response = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return fallback;
    const body = (await response.json()) as Partial<ConsoleConfig>;
    return {
      ...fallback,
      ...body,
      apiBase: typeof body.apiBase === 'string' ? body.apiBase.replace(/\/+$/, '') : '',
      language: isLanguage(body.language) ? body.language : fallback.language,
    };
  } catch {
    return fallback;
  }
}
