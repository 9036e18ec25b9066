import { describe, expect, it } from 'vitest';
import { consoleConfigOf } from '../../../shared/config/console-config.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';

const API = 'https://abc123.execute-api.eu-central-1.amazonaws.com';

function withAuth(auth: CompanyConfig['admin']['auth'], locale = 'de-DE'): CompanyConfig {
  const config = structuredClone(demoConfig());
  return { ...config, company: { ...config.company, locale }, admin: { ...config.admin, auth } } as CompanyConfig;
}

describe('the console config', () => {
  it("gives the stack's user pool endpoints for cognito, with the scopes and the callback path", () => {
    const login = {
      auth: 'cognito',
      issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc',
      clientId: 'client-1',
      domainUrl: 'https://bc-demo-123456789012.auth.eu-central-1.amazoncognito.com',
    } as const;

    const result = consoleConfigOf(withAuth('cognito'), login, API);

    expect(result).toEqual({
      auth: 'cognito',
      apiBase: API,
      language: 'de',
      company: { id: 'demo', name: expect.any(String) },
      oidc: {
        issuer: login.issuer,
        clientId: 'client-1',
        authorizeUrl: `${login.domainUrl}/oauth2/authorize`,
        tokenUrl: `${login.domainUrl}/oauth2/token`,
        logoutUrl: `${login.domainUrl}/logout`,
        scopes: ['openid', 'email', 'profile'],
        redirectPath: '/console/callback',
      },
    });
  });

  it("gives the company's issuer with its endpoints, the first audience as client id by default", () => {
    const auth = {
      issuer: 'https://login.example.com',
      audience: ['console', 'cli'],
      authorizeUrl: 'https://login.example.com/authorize',
      tokenUrl: 'https://login.example.com/token',
    };

    const result = consoleConfigOf(withAuth(auth, 'en-GB'), { auth: 'config' }, API);

    expect(result).toMatchObject({
      auth: 'oidc',
      language: 'en',
      oidc: { issuer: auth.issuer, clientId: 'console', authorizeUrl: auth.authorizeUrl, tokenUrl: auth.tokenUrl },
    });
  });

  it('names no provider when the issuer has no endpoints in the config, and none without admin.auth', () => {
    const noEndpoints = consoleConfigOf(
      withAuth({ issuer: 'https://login.example.com', audience: ['console'] }),
      { auth: 'config' },
      API,
    );
    const iamOnly = consoleConfigOf(withAuth(undefined), { auth: 'config' }, API);

    expect(noEndpoints).not.toHaveProperty('oidc');
    expect(noEndpoints.auth).toBe('oidc');
    expect(iamOnly).toEqual({ auth: 'none', apiBase: API, language: 'de', company: expect.any(Object) });
  });
});
