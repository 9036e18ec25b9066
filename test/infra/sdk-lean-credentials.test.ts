import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../infra/sdk-lean/credential-provider.ts';

/*
 * The Lambda bundles alias @aws-sdk/credential-provider-node to
 * infra/sdk-lean/credential-provider.ts: the links of the SDK's default chain that serve
 * Lambda (the environment, the container endpoint), and a clear error for anything else.
 */

/** Every variable the provider reads, cleared so that the machine's own do not leak in. */
const CREDENTIAL_VARIABLES = [
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/** A container credentials endpoint on loopback (which fromHttp accepts over http), counting what it was asked. */
async function containerEndpoint(
  expiration: Date,
): Promise<{ url: string; requests: IncomingHttpHeaders[]; server: Server }> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    requests.push(request.headers);
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        AccessKeyId: 'ASIACONTAINER',
        SecretAccessKey: 'container-secret',
        Token: 'container-session',
        Expiration: expiration.toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`, requests, server };
}

describe('the bundles’ credential provider (in place of @aws-sdk/credential-provider-node)', () => {
  let server: Server | undefined;

  beforeEach(() => {
    for (const name of CREDENTIAL_VARIABLES) vi.stubEnv(name, undefined);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('returns the execution role’s credentials from the environment, as Lambda sets them', async () => {
    // Arrange
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'environment-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'environment-session');

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toEqual(
      expect.objectContaining({
        accessKeyId: 'ASIAENVIRONMENT',
        secretAccessKey: 'environment-secret',
        sessionToken: 'environment-session',
      }),
    );
  });

  it('reads the container endpoint with its authorization token, once while the credentials are fresh', async () => {
    // Arrange
    const endpoint = await containerEndpoint(new Date(Date.now() + 3_600_000));
    server = endpoint.server;
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url);
    vi.stubEnv('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'container-authorization');
    const provider = defaultProvider();

    // Act
    const first = await provider();
    const second = await provider();

    // Assess
    expect(first).toEqual(
      expect.objectContaining({
        accessKeyId: 'ASIACONTAINER',
        secretAccessKey: 'container-secret',
        sessionToken: 'container-session',
      }),
    );
    expect(second).toBe(first);
    expect(endpoint.requests.map((headers) => headers.authorization)).toEqual(['container-authorization']);
  });

  it('asks the container endpoint again when the credentials are within five minutes of expiring', async () => {
    // Arrange
    const endpoint = await containerEndpoint(new Date(Date.now() + 60_000));
    server = endpoint.server;
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url);
    vi.stubEnv('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'container-authorization');
    const provider = defaultProvider();

    await provider();
    const asked = endpoint.requests.length;

    // Act
    await provider();

    // Assess
    expect(endpoint.requests.length).toBeGreaterThan(asked);
  });

  it('throws what it looked for when neither the environment nor a container endpoint has credentials', async () => {
    // Act / Assess
    await expect(defaultProvider()()).rejects.toThrow(
      expect.objectContaining({
        name: 'CredentialsProviderError',
        message: expect.stringMatching(
          /no credentials in the environment \(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\)/,
        ),
      }),
    );
  });

  it('throws rather than use the environment when AWS_PROFILE is set, which the SDK’s chain would read instead', async () => {
    // Arrange
    vi.stubEnv('AWS_PROFILE', 'someone');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'environment-secret');

    // Act / Assess
    await expect(defaultProvider()()).rejects.toThrow(/AWS_PROFILE is set \(someone\)/);
  });

  it('tries again on the next call after a failure, so credentials that appear later are found', async () => {
    // Arrange
    const provider = defaultProvider();
    await expect(provider()).rejects.toThrow(/no credentials in the environment/);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIALATER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'later-secret');

    // Act
    const credentials = await provider();

    // Assess
    expect(credentials.accessKeyId).toBe('ASIALATER');
  });
});
