import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionEnv } from '../config/runtime-env.ts';

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
function clientConfig(env: FunctionEnv, service: Service) {
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
function observed<T>(client: T): T {
  for (const hook of clientHooks) hook(client as Parameters<ClientHook>[0]);
  return client;
}

export function createDocumentClient(env: FunctionEnv): DynamoDBDocumentClient {
  // The base client is observed: the document client sends through its middleware stack.
  return DynamoDBDocumentClient.from(observed(new DynamoDBClient(clientConfig(env, 'DYNAMODB'))), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function createSqsClient(env: FunctionEnv): SQSClient {
  return observed(new SQSClient(clientConfig(env, 'SQS')));
}

export function createEventBridgeClient(env: FunctionEnv): EventBridgeClient {
  return observed(new EventBridgeClient(clientConfig(env, 'EVENTBRIDGE')));
}

export function createSecretsClient(env: FunctionEnv): SecretsManagerClient {
  return observed(new SecretsManagerClient(clientConfig(env, 'SECRETS_MANAGER')));
}

/** Amazon SES (API v2), for e-mail notifications. */
export function createSesClient(env: FunctionEnv): SESv2Client {
  return observed(new SESv2Client(clientConfig(env, 'SESV2')));
}

/** Amazon S3, for the company's trained models. An endpoint of its own (an S3-compatible server) is addressed path-style. */
export function createS3Client(env: FunctionEnv): S3Client {
  const config = clientConfig(env, 'S3');
  return observed(new S3Client({ ...config, ...('endpoint' in config ? { forcePathStyle: true } : {}) }));
}

/**
 * Amazon Bedrock Runtime, for the optional cloud classifier. No SDK retries: the classifier's
 * timeout is short and the local result is the fallback. The local runtime points
 * `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` at a closed port, as it has no Bedrock.
 */
export function createBedrockClient(env: FunctionEnv): BedrockRuntimeClient {
  return observed(new BedrockRuntimeClient({ ...clientConfig(env, 'BEDROCK_RUNTIME'), maxAttempts: 1 }));
}

/**
 * AWS CloudFormation, for the CLI: the physical names of a deployed stack's queues, table
 * and functions are in its outputs (CloudFormation chooses them, infra/aws/physical-names.ts).
 */
export function createCloudFormationClient(env: FunctionEnv): CloudFormationClient {
  return observed(new CloudFormationClient(clientConfig(env, 'CLOUDFORMATION')));
}
