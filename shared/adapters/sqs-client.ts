import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionEnv } from '../config/runtime-env.ts';
import { clientConfig, observed } from './aws-client-config.ts';

/**
 * Amazon SQS, alone in its module: ingest-webhook needs only it and Secrets Manager, and
 * importing aws-clients.ts would keep DynamoDB's client in its bundle (@aws-sdk/lib-dynamodb
 * is not `sideEffects: false`).
 *
 * `cacheMiddleware`: the client resolves a command class's middleware stack once, at its
 * first send, instead of copying and sorting the stack's 30-odd entries on every send (the
 * SDK's own option; it was about 10 % of an ack's main-thread CPU on the local runtime,
 * issue 12). Middleware must then be added before the first send: the hooks of
 * `observeClients` are applied here, at construction. Not for DynamoDB's document client,
 * whose commands keep the first call's input in the resolved handler (lib-dynamodb refuses it).
 */
export function createSqsClient(env: FunctionEnv): SQSClient {
  return observed(new SQSClient({ ...clientConfig(env, 'SQS'), cacheMiddleware: true }));
}
