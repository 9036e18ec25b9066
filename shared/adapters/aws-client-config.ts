import type { FunctionEnv } from '../config/runtime-env.ts';

/*
 * What every SDK client factory shares: its settings from the function's environment and
 * the hooks that see it. A module of its own, without any client, so that a function that
 * needs one client (forward-alarm: Secrets Manager, shared/adapters/secrets-client.ts) does
 * not carry the others (issue 12, bundle size): @aws-sdk/lib-dynamodb alone keeps DynamoDB's
 * client in every bundle that imports aws-clients.ts.
 */

type Service =
  | 'DYNAMODB'
  | 'SQS'
  | 'EVENTBRIDGE'
  | 'SECRETS_MANAGER'
  | 'SESV2'
  | 'S3'
  | 'BEDROCK_RUNTIME'
  | 'CLOUDFORMATION';

/**
 * Client settings from a function's environment. The endpoint variables are the SDK's own
 * service-specific ones (`AWS_ENDPOINT_URL_SQS`, ...); they are read from the given
 * environment rather than process.env so the local runtime can run every function in one
 * process, each with its own environment.
 */
export function clientConfig(env: FunctionEnv, service: Service) {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
  };
}

/** A hook that sees every SDK client the factories below build (its middleware stack). */
export type ClientHook = (client: { readonly middlewareStack: { add: (...args: never[]) => unknown } }) => void;

/** None in the functions: `bench/cost.ts` adds one that counts every request by service and operation. */
const clientHooks = new Set<ClientHook>();

/**
 * Lets `hook` see (and add middleware to) every client built from now on, in this process.
 * @returns a function that removes the hook again
 */
export function observeClients(hook: ClientHook): () => void {
  clientHooks.add(hook);
  return () => clientHooks.delete(hook);
}

/**
 * An SDK client with the hooks of {@link observeClients} applied (the one place every client
 * passes). No X-Ray SDK in the bundle: Lambda's active tracing records each invocation
 * without it (issue 12, bundle size and cold import).
 */
export function observed<T>(client: T): T {
  for (const hook of clientHooks) hook(client as Parameters<ClientHook>[0]);
  return client;
}
