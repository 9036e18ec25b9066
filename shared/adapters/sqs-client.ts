import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionEnv } from '../config/runtime-env.ts';
import { clientConfig, observed } from './aws-client-config.ts';

/**
 * Amazon SQS, alone in its module: ingest-webhook needs only it and Secrets Manager, and
 * importing aws-clients.ts would keep DynamoDB's client in its bundle (@aws-sdk/lib-dynamodb
 * is not `sideEffects: false`).
 */
export function createSqsClient(env: FunctionEnv): SQSClient {
  return observed(new SQSClient(clientConfig(env, 'SQS')));
}
