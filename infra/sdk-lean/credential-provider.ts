import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { CredentialsProviderError, memoize } from '@smithy/core/config';

/**
 * The SDK clients' default credential provider in the Lambda bundles, in place of
 * `@aws-sdk/credential-provider-node` (esbuild alias, infra/bundling.ts). Every client's
 * runtime config imports that package's `defaultProvider`, whose chain (environment, SSO,
 * ini profiles, credential process, web identity token file, container and instance
 * metadata) brings the STS and SSO OIDC clients of `@aws-sdk/nested-clients` and the
 * providers around them into every bundle (issue 12): esbuild inlines the chain's
 * `import()`s.
 *
 * In Lambda the execution role's credentials are in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and where Lambda hands them out through a
 * container endpoint instead (as it does for SnapStart functions:
 * AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN) the SDK's chain
 * reads that endpoint with `fromHttp`: those two are the links kept, in the chain's order
 * (the chain's fallback after `fromHttp`, the older ECS `fromContainerMetadata`, serves the
 * same variables and is left out with the instance metadata client). Without either, the provider throws a
 * CredentialsProviderError that names what it read, never falling back to anything else; with
 * AWS_PROFILE set it throws too, because the SDK's chain would then read the profile, which
 * a bundle cannot. Tests and `npm start` import the source and use the SDK's chain itself.
 *
 * Same exports as the package's index.
 */
export const defaultProvider = (init: DefaultProviderInit = {}): CredentialProvider =>
  // Decided at the first call (the SDK's chain reads the environment then too), and kept
  // until five minutes before it expires, as the SDK's chain keeps it: the client does not
  // memoize what its default provider returns.
  memoize(() => lambdaCredentials(init)(), credentialsTreatedAsExpired, credentialsWillNeedRefresh);

/** The link of the SDK's chain that serves this environment, or one that throws what is missing. */
function lambdaCredentials(init: DefaultProviderInit): CredentialProvider {
  const profile = process.env[ENV_PROFILE];
  if (profile) {
    return failing(
      init,
      `AWS_PROFILE is set (${profile}), and the SDK's own chain would read that profile, but a Lambda bundle reads no profile files; unset it, or give the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (process.env[ENV_KEY] && process.env[ENV_SECRET]) return fromEnv(init);
  if (process.env[ENV_CMDS_RELATIVE_URI] || process.env[ENV_CMDS_FULL_URI]) return fromHttp(init);
  return failing(
    init,
    'no credentials in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and no container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI); a Lambda bundle reads no profile, SSO, credential process, web identity token or instance metadata credentials',
  );
}

/** A provider that rejects with the reason, named after this module so that a failing call says where to look. */
function failing(init: DefaultProviderInit, reason: string): CredentialProvider {
  return async () => {
    throw new CredentialsProviderError(`Lambda bundle credentials (infra/sdk-lean/credential-provider.ts): ${reason}`, {
      logger: init.logger,
      tryNextLink: false,
    });
  };
}

/** Whether credentials expire (they are refreshed then): as the SDK's own `credentialsWillNeedRefresh`. */
export const credentialsWillNeedRefresh = (credentials: Credentials | undefined): boolean =>
  credentials?.expiration !== undefined;

/** Whether credentials expire within five minutes: as the SDK's own `credentialsTreatedAsExpired`. */
export const credentialsTreatedAsExpired = (credentials: Credentials | undefined): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/** A credential provider, as the SDK's own providers type it. */
type CredentialProvider = ReturnType<typeof fromEnv>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;
/** What a client passes to `credentialDefaultProvider` (its whole config): the options of the two links kept. */
type DefaultProviderInit = NonNullable<Parameters<typeof fromEnv>[0]> & NonNullable<Parameters<typeof fromHttp>[0]>;

const ENV_PROFILE = 'AWS_PROFILE';
const ENV_KEY = 'AWS_ACCESS_KEY_ID';
const ENV_SECRET = 'AWS_SECRET_ACCESS_KEY';
const ENV_CMDS_RELATIVE_URI = 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';
const ENV_CMDS_FULL_URI = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
