import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { FunctionEnv } from '../config/runtime-env.ts';
import { clientConfig, observed } from './aws-client-config.ts';

export { type ClientHook, observeClients } from './aws-client-config.ts';
export { createSecretsClient } from './secrets-client.ts';
export { createSqsClient } from './sqs-client.ts';

export function createDocumentClient(env: FunctionEnv): DynamoDBDocumentClient {
  // The base client is observed: the document client sends through its middleware stack.
  return DynamoDBDocumentClient.from(observed(new DynamoDBClient(clientConfig(env, 'DYNAMODB'))), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function createEventBridgeClient(env: FunctionEnv): EventBridgeClient {
  return observed(new EventBridgeClient(clientConfig(env, 'EVENTBRIDGE')));
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
