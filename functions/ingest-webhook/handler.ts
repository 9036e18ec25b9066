import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { COMPANY_CONFIG_ENV, MAX_WEBHOOK_BODY_BYTES } from '../../infra/topology-constants.ts';
// One module per client: aws-clients.ts would bring DynamoDB's client, which this function never calls.
import { createSecretsClient } from '../../shared/adapters/secrets-client.ts';
import { createSqsClient } from '../../shared/adapters/sqs-client.ts';
import { SecretsManagerWebhookSecrets } from '../../shared/adapters/secrets-store.ts';
import { SqsIntakeQueue } from '../../shared/adapters/sqs-intake-queue.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import {
  receiveWebhook,
  WebhookSecretIncompleteError,
  type ReceiveWebhookDeps,
  type WebhookOutcome,
} from '../../shared/domain/receive-webhook.ts';
import { NotFoundError } from '../../shared/domain/errors.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { errorResponse, logRejection } from '../../shared/observability/http-errors.ts';
import { embeddedMetrics, logger, metrics } from '../../shared/observability/powertools.ts';
import type { WebhookRequest } from '../../shared/platforms/platform-adapter.ts';
import { configuredPlatformRegistry } from '../../shared/platforms/configured-registry.ts';
import { webhookRouteOf } from './webhook-route.ts';

type Result = APIGatewayProxyStructuredResultV2;

/** The 404 of a path that is no webhook's (the function URL passes every path); the path itself is not echoed. */
export const NO_WEBHOOK_PATH =
  'no webhook at this path: platforms post to /webhooks/<platform> or /webhooks/generic/<source>';

/** Answer before Lambda's own timeout so the platform gets a status it retries on. */
const TIMEOUT_MARGIN_MS = 500;

/** Builds the use case's dependencies from the function's environment, once per cold start. */
export function dependenciesFrom(env: FunctionEnv): ReceiveWebhookDeps<CompanyConfig> {
  const config = parseCompanyConfigJson(env[COMPANY_CONFIG_ENV]);
  return {
    registry: configuredPlatformRegistry,
    // The topology names each platform's secret variable `<PLATFORM>_SECRET_NAME`.
    secrets: new SecretsManagerWebhookSecrets({
      client: createSecretsClient(env),
      secretNameOf: (platformId) => env[`${platformId.toUpperCase()}_SECRET_NAME`],
    }),
    queue: new SqsIntakeQueue(createSqsClient(env), requireEnv(env, 'INTAKE_QUEUE_URL')),
    clock: systemClock,
    config,
    maxBodyBytes: MAX_WEBHOOK_BODY_BYTES,
  };
}

/**
 * The raw handler: payload 2.0 event (the function URL's or the HTTP API's) -> receive use
 * case -> response. Every path, a failure to build the dependencies included, ends in a response.
 */
export async function ingestWebhook(
  event: APIGatewayProxyEventV2,
  resolveDeps: () => ReceiveWebhookDeps<CompanyConfig>,
): Promise<Result> {
  const route = webhookRouteOf(event);
  const platform = route?.platform ?? '';
  try {
    // The function URL hands over every path; only the webhook paths have a platform.
    if (!route) throw new NotFoundError(NO_WEBHOOK_PATH);
    const outcome = await receiveWebhook(
      { platformId: platform, request: toWebhookRequest(event, route.params) },
      resolveDeps(),
    );
    record(platform, outcome);
    const { statusCode, headers, body } = outcome.response;
    return { statusCode, headers: { ...headers }, body };
  } catch (error) {
    // A path that is no webhook's is logged (cut short: it is the caller's text), never echoed.
    const { statusCode, response } = errorResponse(
      error,
      route ? { platform } : { path: event.rawPath?.slice(0, 120) },
    );
    metrics.addMetric(statusCode >= 500 ? 'WebhooksFailed' : 'WebhooksRejected', MetricUnit.Count, 1);
    // Its own metric, so an alarm tells "a key is missing" from the platform's 5xx retries.
    if (error instanceof WebhookSecretIncompleteError)
      metrics.addMetric('WebhookSecretIncomplete', MetricUnit.Count, 1);
    return response;
  }
}

/** The Lambda handler of an environment; dependencies are built on the first invocation. */
export function createHandler(env: FunctionEnv) {
  let deps: ReceiveWebhookDeps<CompanyConfig> | undefined;
  const resolveDeps = () => (deps ??= dependenciesFrom(env));
  return middy<APIGatewayProxyEventV2, Result>({
    timeoutEarlyInMillis: TIMEOUT_MARGIN_MS,
    timeoutEarlyResponse: () => {
      metrics.addMetric('WebhooksFailed', MetricUnit.Count, 1);
      return errorResponse(new Error('the webhook was not handled before the function timeout')).response;
    },
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler((event) => ingestWebhook(event, resolveDeps));
}

export const handler = createHandler(lambdaEnvironment());

function record(platform: string, outcome: WebhookOutcome): void {
  const { response, enqueued, enqueuedIds, deleted, ignored, revocations, foreignAccounts } = outcome;
  if (response.statusCode >= 400) {
    logRejection(response.statusCode, response.rejection ?? 'refused by the platform adapter', { platform });
    metrics.addMetric('WebhooksRejected', MetricUnit.Count, 1);
    return;
  }
  for (const { accountId, items } of foreignAccounts) {
    // A signed body for a Page or account the config does not name: a misconfigured
    // subscription or another company's app secret. The account id is the platform's, not a secret.
    logger.warn('Webhook for a foreign account ignored', { platform, accountId, items });
    metrics.addMetric('WebhookForeignAccount', MetricUnit.Count, items);
  }
  for (const revocation of revocations) {
    // The account id says who left; it is the platform's opaque id, not a secret.
    logger.warn('Authorization revoked', {
      platform,
      userId: revocation.userId,
      rawType: revocation.rawType,
      at: revocation.at,
    });
  }
  const byReason = new Map<string, number>();
  for (const event of ignored) byReason.set(event.reason, (byReason.get(event.reason) ?? 0) + 1);
  for (const [reason, count] of byReason) logger.info('Events ignored', { platform, reason, count });
  // The rarer counts are metrics (EMF) carried by this line itself, and only when not 0: an EMF
  // record of its own per webhook was ~415 bytes, 40 % of the logs per mention (CloudWatch Logs
  // bills by the byte). How many mentions came has no metric of ours per webhook: the intake
  // queue's NumberOfMessagesSent (AWS/SQS, free, zeros included) counts the same messages, and
  // `enqueued` here counts them in Logs Insights (docs/operations.md).
  const rarer = {
    ...(ignored.length > 0 ? { EventsIgnored: ignored.length } : {}),
    ...(deleted > 0 ? { DeletionsEnqueued: deleted } : {}),
    ...(revocations.length > 0 ? { AuthorizationsRevoked: revocations.length } : {}),
  };
  logger.info('Webhook received', {
    platform,
    status: response.statusCode,
    enqueued,
    // The one INFO line of a webhook names its mentions: a mention's trace starts here.
    mentionIds: enqueuedIds,
    ...(Object.keys(rarer).length > 0 ? embeddedMetrics(rarer) : {}),
  });
}

function toWebhookRequest(event: APIGatewayProxyEventV2, params: Readonly<Record<string, string>>): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    // API Gateway sends lower-case names; another caller may repeat a name in two cases.
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  // requestContext may be thin when a caller other than API Gateway builds the event.
  const method = event.requestContext?.http?.method?.toUpperCase() ?? '';
  return { method, headers, query, body, ...(Object.keys(params).length > 0 ? { params: { ...params } } : {}) };
}
