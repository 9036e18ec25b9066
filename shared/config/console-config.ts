import { z } from 'zod';
import type { CompanyConfig } from './schema.ts';

/**
 * What the console reads before anyone signs in (`GET /console/config.json`): how to sign in,
 * where the admin API is, the default language and the company's name. It is answered without
 * a login, so it holds only what the login page shows anyway: never a token, a secret or a
 * client secret (the console is a public client: PKCE, no secret).
 */
export interface ConsoleConfig {
  /**
   * `local`: the laptop's login page (tokens.json); `cognito`: the stack's user pool; `oidc`:
   * the company's issuer; `none`: no login carries a person (admin API with IAM only).
   */
  readonly auth: 'local' | 'oidc' | 'cognito' | 'none';
  readonly apiBase: string;
  readonly language: 'de' | 'en';
  readonly company: { readonly id: string; readonly name: string };
  readonly oidc?: ConsoleOidc;
}

export interface ConsoleOidc {
  readonly issuer: string;
  readonly clientId: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly logoutUrl?: string;
  readonly scopes: readonly string[];
  readonly redirectPath: '/console/callback';
}

/** Where the console's login happens, as the backend resolves the topology's `consoleLogin` value (CONSOLE_LOGIN). */
export const ConsoleLoginSchema = z.discriminatedUnion('auth', [
  /** The local runtime's login page. */
  z.strictObject({ auth: z.literal('local') }),
  /** The stack's Cognito user pool: ids and URLs known only once it is deployed. */
  z.strictObject({
    auth: z.literal('cognito'),
    issuer: z.url(),
    clientId: z.string().min(1),
    domainUrl: z.url(),
  }),
  /** Whatever `admin.auth` of the company config says (its own issuer, or none). */
  z.strictObject({ auth: z.literal('config') }),
]);
export type ConsoleLogin = z.infer<typeof ConsoleLoginSchema>;

/** The scopes the console asks for: who the person is (sub, e-mail, name). */
export const CONSOLE_SCOPES = ['openid', 'email', 'profile'] as const;
export const CONSOLE_REDIRECT_PATH = '/console/callback';

/**
 * The console config of a company.
 * @example
 * ```ts
 * consoleConfigOf(config, { auth: 'local' }, 'http://127.0.0.1:3000'); // { auth: 'local', apiBase: 'http://127.0.0.1:3000', ... }
 * ```
 */
export function consoleConfigOf(config: CompanyConfig, login: ConsoleLogin, apiBase: string): ConsoleConfig {
  const base = {
    apiBase,
    language: config.company.locale.toLowerCase().startsWith('de') ? 'de' : 'en',
    company: { id: config.company.id, name: config.company.name },
  } as const;
  if (login.auth === 'local') return { auth: 'local', ...base };
  if (login.auth === 'cognito') {
    return {
      auth: 'cognito',
      ...base,
      oidc: {
        issuer: login.issuer,
        clientId: login.clientId,
        authorizeUrl: `${login.domainUrl}/oauth2/authorize`,
        tokenUrl: `${login.domainUrl}/oauth2/token`,
        logoutUrl: `${login.domainUrl}/logout`,
        scopes: [...CONSOLE_SCOPES],
        redirectPath: CONSOLE_REDIRECT_PATH,
      },
    };
  }
  const auth = config.admin.auth;
  if (auth === undefined || auth === 'cognito') return { auth: 'none', ...base };
  // Without the endpoints the console cannot send anyone to the issuer: it says so instead.
  if (!auth.authorizeUrl || !auth.tokenUrl) return { auth: 'oidc', ...base };
  return {
    auth: 'oidc',
    ...base,
    oidc: {
      issuer: auth.issuer,
      clientId: auth.clientId ?? (auth.audience[0] as string),
      authorizeUrl: auth.authorizeUrl,
      tokenUrl: auth.tokenUrl,
      scopes: [...CONSOLE_SCOPES],
      redirectPath: CONSOLE_REDIRECT_PATH,
    },
  };
}
