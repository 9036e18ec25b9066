import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionEnv } from '../config/runtime-env.ts';

type Service = 'DYNAMODB' | 'SQS' | 'EVENTBRIDGE' | 'SECRETS_MANAGER' | 'SESV2';

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
      ? { credentials: { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } }
      : {}),
  };
}

export function createDocumentClient(env: FunctionEnv): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(env, 'DYNAMODB')), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function createSqsClient(env: FunctionEnv): SQSClient {
  return new SQSClient(clientConfig(env, 'SQS'));
}

export function createEventBridgeClient(env: FunctionEnv): EventBridgeClient {
  return new EventBridgeClient(clientConfig(env, 'EVENTBRIDGE'));
}

export function createSecretsClient(env: FunctionEnv): SecretsManagerClient {
  return new SecretsManagerClient(clientConfig(env, 'SECRETS_MANAGER'));
}

/** Amazon SES (API v2), for e-mail notifications. */
export function createSesClient(env: FunctionEnv): SESv2Client {
  return new SESv2Client(clientConfig(env, 'SESV2'));
}
