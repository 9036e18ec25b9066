import { vi } from 'vitest';

// Metrics are created once per process when powertools.ts is imported: turn their EMF
// output off before that, so tests print nothing.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler, ingestWebhook } from '../../../functions/ingest-webhook/handler.ts';
import type { FunctionEnv } from '../../../shared/config/runtime-env.ts';
import { logger, metrics } from '../../../shared/observability/powertools.ts';
import { genericAdapter } from '../../../shared/platforms/generic.ts';
import { xAdapter } from '../../../shared/platforms/x.ts';
import { RESTFB_PAGE_ID, demoConfigWithPages } from '../../factories/config.ts';
import {
  TEST_META_SECRET,
  httpEventFactory,
  lambdaContextFactory,
  metaCommentsBody,
  metaFixture,
  metaHandshakeQuery,
  signedMetaEvent,
} from '../../factories/http.ts';

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/bc-demo-intake';
const SECRET_NAME = 'backchannel/demo/meta';
const sqs = mockClient(SQSClient);
const secretsManager = mockClient(SecretsManagerClient);

const env: FunctionEnv = {
  // The restfb fixtures' Page is the company's here.
  COMPANY_CONFIG: JSON.stringify(demoConfigWithPages(RESTFB_PAGE_ID)),
  INTAKE_QUEUE_URL: QUEUE_URL,
  META_SECRET_NAME: SECRET_NAME,
  AWS_REGION: 'eu-central-1',
};

async function invoke(
  event: APIGatewayProxyEventV2,
  handler = createHandler(env),
): Promise<APIGatewayProxyStructuredResultV2> {
  return handler(event, lambdaContextFactory());
}

function metricValue(name: string): number | undefined {
  const call = vi.mocked(metrics.addMetric).mock.calls.find(([metric]) => metric === name);
  return call?.[2];
}

/** The fields of the webhook's `Webhook received` line (its metrics record too). */
function receivedLine(): Record<string, unknown> | undefined {
  const call = vi.mocked(logger.info).mock.calls.find(([message]) => message === 'Webhook received');
  return call?.[1] as Record<string, unknown> | undefined;
}

/** A count of the `Webhook received` line, when its EMF metadata defines the metric. */
function lineCount(name: string): number | undefined {
  const line = receivedLine() as { _aws?: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } } | undefined;
  const defined = line?._aws?.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === name));
  return defined ? (line as Record<string, number>)[name] : undefined;
}

describe('ingest-webhook handler', () => {
  beforeEach(() => {
    sqs.reset();
    secretsManager.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_NAME })
      .resolves({ SecretString: JSON.stringify(TEST_META_SECRET) });
    vi.spyOn(metrics, 'addMetric');
    vi.spyOn(logger, 'info');
    vi.spyOn(logger, 'warn');
    vi.spyOn(logger, 'error');
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('answers 200 after enqueueing the mentions of a signed POST', async () => {
    // Arrange
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const response = await invoke(event);

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"enqueued":1,"deleted":0,"ignored":0,"revoked":0}',
    });
    expect(sqs).toReceiveCommandWith(SendMessageBatchCommand, {
      QueueUrl: QUEUE_URL,
      Entries: [
        expect.objectContaining({
          MessageBody: expect.stringContaining('"id":"facebook:901097836652708_903438993085259"'),
        }),
      ],
    });
    expect(receivedLine()).toMatchObject({ enqueued: 1 });
  });

  it('prints no metrics record for a webhook of mentions only: its one INFO line counts them', async () => {
    // Arrange
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    await invoke(event);

    // Assess
    expect(receivedLine()).toEqual({
      platform: 'meta',
      status: 200,
      enqueued: 1,
      mentionIds: ['facebook:901097836652708_903438993085259'],
    });
    expect(metrics.addMetric).not.toHaveBeenCalled();
  });

  it('enqueues all 25 mentions of a delivery in three batches', async () => {
    // Arrange
    const event = signedMetaEvent(metaCommentsBody(5, 5));

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 3);
  });

  it("answers 200 to a signed webhook for a Page that is not the company's, enqueues nothing, and logs and counts its account id", async () => {
    // Arrange
    const event = signedMetaEvent(
      metaFixture('page-feed-comment-non-ascii.json').toString('utf8').replaceAll('104729381726354', '990000000000001'),
    );

    // Act
    const response = await invoke(event);

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"enqueued":0,"deleted":0,"ignored":1,"revoked":0}',
    });
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 0);
    expect(metricValue('WebhookForeignAccount')).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith('Webhook for a foreign account ignored', {
      platform: 'meta',
      accountId: '990000000000001',
      items: 1,
    });
  });

  it('decodes a base64-encoded body before verifying it', async () => {
    // Arrange
    const event = signedMetaEvent(metaFixture('page-feed-comment-non-ascii.json'), { base64: true });

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sqs).toReceiveCommandWith(SendMessageBatchCommand, {
      Entries: [expect.objectContaining({ MessageBody: expect.stringContaining('Grüße aus Köln 🚲') })],
    });
  });

  it('answers 401 to a bad signature, enqueues nothing and logs the reason without the signature', async () => {
    // Arrange
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'), { appSecret: 'forged' });
    const signature = event.headers['x-hub-signature-256'] as string;

    // Act
    const response = await invoke(event);

    // Assess
    expect(response).toEqual({
      statusCode: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'X-Hub-Signature-256 does not match the body' }),
    });
    expect(sqs).not.toReceiveCommand(SendMessageBatchCommand);
    expect(logger.warn).toHaveBeenCalledWith('Request rejected', {
      platform: 'meta',
      status: 401,
      reason: 'X-Hub-Signature-256 does not match the body',
    });
    expect(JSON.stringify(vi.mocked(logger.warn).mock.calls)).not.toContain(signature.slice(7));
    expect(metricValue('WebhooksRejected')).toBe(1);
  });

  it('answers 401 to a POST without a signature', async () => {
    // Arrange
    const event = httpEventFactory({ body: metaFixture('page-feed-comment-add.restfb.json') });

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(sqs).not.toReceiveCommand(SendMessageBatchCommand);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    // Arrange
    const event = signedMetaEvent('{"object":"page",');

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}')).toEqual({ message: 'body is not JSON' });
  });

  it('answers 413 to a body over 1 MiB without reading the secret', async () => {
    // Arrange
    const event = signedMetaEvent(Buffer.alloc(1024 * 1024 + 1, 0x20));

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(413);
    expect(secretsManager).not.toReceiveCommand(GetSecretValueCommand);
  });

  it('answers 404 to an unknown platform', async () => {
    // Arrange
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'), { platform: 'friendster' });

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(logger.warn).toHaveBeenCalledWith(
      'Request rejected',
      expect.objectContaining({ platform: 'friendster', status: 404 }),
    );
  });

  it("answers Meta's GET handshake with the challenge", async () => {
    // Arrange
    const event = httpEventFactory({ method: 'GET', query: metaHandshakeQuery() });

    // Act
    const response = await invoke(event);

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '1158201444',
    });
  });

  it('answers 403 to a handshake with a wrong verify token and logs why', async () => {
    // Arrange
    const event = httpEventFactory({ method: 'GET', query: metaHandshakeQuery({ 'hub.verify_token': 'guess' }) });

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(logger.warn).toHaveBeenCalledWith('Request rejected', {
      platform: 'meta',
      status: 403,
      reason: 'hub.verify_token does not match the verify token',
    });
    expect(metricValue('WebhooksRejected')).toBe(1);
  });

  it('answers 500 with a generic message when enqueueing fails, logging the full error', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).rejects(new Error('queue unavailable'));
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const response = await invoke(event);

    // Assess
    expect(response).toEqual({
      statusCode: 500,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"internal error"}',
    });
    expect(logger.error).toHaveBeenCalledWith(
      'Request failed',
      expect.objectContaining({
        platform: 'meta',
        status: 500,
        error: expect.objectContaining({ name: 'EnqueueError' }),
      }),
    );
    expect(metricValue('WebhooksFailed')).toBe(1);
  });

  it('answers 200 and enqueues nothing for a delivery of ignored events only', async () => {
    // Arrange
    const event = signedMetaEvent(metaFixture('page-feed-reaction.json'));

    // Act
    const response = await invoke(event);

    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: '{"enqueued":0,"deleted":0,"ignored":1,"revoked":0}' });
    expect(sqs).not.toReceiveCommand(SendMessageBatchCommand);
    expect(receivedLine()).toMatchObject({
      enqueued: 0,
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          { Namespace: 'Backchannel', Dimensions: [['service']], Metrics: [{ Name: 'EventsIgnored', Unit: 'Count' }] },
        ],
      },
    });
    expect(lineCount('EventsIgnored')).toBe(1);
    expect(receivedLine()).not.toHaveProperty('service');
  });

  it('reads the secret once for several requests', async () => {
    // Arrange
    const handler = createHandler(env);
    const event = signedMetaEvent(metaFixture('page-feed-reaction.json'));

    // Act
    await invoke(event, handler);
    await invoke(event, handler);

    // Assess
    expect(secretsManager).toReceiveCommandTimes(GetSecretValueCommand, 1);
  });

  it('reads the secret again once five minutes have passed, so a rotation is picked up', async () => {
    // Arrange
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T09:00:00Z') });
    const handler = createHandler(env);
    const event = signedMetaEvent(metaFixture('page-feed-reaction.json'));
    await invoke(event, handler);

    // Act
    vi.setSystemTime(new Date('2026-11-28T09:05:01Z'));
    await invoke(event, handler);

    // Assess
    expect(secretsManager).toReceiveCommandTimes(GetSecretValueCommand, 2);
  });

  it('reads the secret again after two signature mismatches in a row and accepts the rotated secret', async () => {
    // Arrange
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T09:00:00Z') });
    const rotated = { ...TEST_META_SECRET, appSecret: 'rotated-app-secret' };
    const handler = createHandler(env);
    await invoke(signedMetaEvent(metaFixture('page-feed-reaction.json')), handler);
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_NAME })
      .resolves({ SecretString: JSON.stringify(rotated) });
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'), { appSecret: rotated.appSecret });
    vi.setSystemTime(new Date('2026-11-28T09:01:00Z'));

    // Act
    const first = await invoke(event, handler);
    const second = await invoke(event, handler);

    // Assess
    expect([first.statusCode, second.statusCode]).toEqual([401, 200]);
    expect(secretsManager).toReceiveCommandTimes(GetSecretValueCommand, 2);
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 1);
  });

  it('accepts a signed generic POST on /webhooks/generic/{source}', async () => {
    // Arrange
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T09:00:00Z') });
    const genericSecret = { signingSecret: 'generic-test-secret' };
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'backchannel/demo/generic' })
      .resolves({ SecretString: JSON.stringify(genericSecret) });
    const body = JSON.stringify({
      id: 'r-1',
      kind: 'review',
      author: { id: 'c-1' },
      text: 'Super Beratung!',
      createdAt: '2026-11-28T08:00:00Z',
    });
    const event = httpEventFactory({
      body,
      headers: genericAdapter.sign(body, genericSecret, { now: new Date(), params: { source: 'trustpilot' } }),
    });
    const genericEvent = {
      ...event,
      pathParameters: { source: 'trustpilot' },
      routeKey: 'POST /webhooks/generic/{source}',
    };

    // Act
    const response = await invoke(
      genericEvent,
      createHandler({ ...env, GENERIC_SECRET_NAME: 'backchannel/demo/generic' }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sqs).toReceiveCommandWith(SendMessageBatchCommand, {
      Entries: [expect.objectContaining({ MessageBody: expect.stringContaining('"externalId":"trustpilot:r-1"') })],
    });
  });

  it('logs and counts an X revocation without enqueuing anything', async () => {
    // Arrange
    const xSecret = { consumerSecret: 'x-test-secret' };
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'backchannel/demo/x' })
      .resolves({ SecretString: JSON.stringify(xSecret) });
    const body = JSON.stringify({
      user_event: {
        revoke: {
          date_time: '2026-11-28T09:00:00+00:00',
          target: { app_id: '13090192' },
          source: { user_id: '63046977' },
        },
      },
    });
    const event = httpEventFactory({ platform: 'x', body, headers: xAdapter.sign(body, xSecret, { now: new Date() }) });
    vi.spyOn(logger, 'warn');

    // Act
    const response = await invoke(event, createHandler({ ...env, X_SECRET_NAME: 'backchannel/demo/x' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(lineCount('AuthorizationsRevoked')).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'Authorization revoked',
      expect.objectContaining({ platform: 'x', userId: '63046977' }),
    );
    expect(sqs).not.toReceiveCommand(SendMessageBatchCommand);
  });

  it('answers 500 when the secret does not exist, naming it in the log', async () => {
    // Arrange
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(
        new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }),
      );
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(logger.error).toHaveBeenCalledWith(
      'Request failed',
      expect.objectContaining({
        error: expect.objectContaining({ message: `secret "${SECRET_NAME}" does not exist` }),
      }),
    );
    expect(sqs).not.toReceiveCommand(SendMessageBatchCommand);
  });

  it('answers 500 when the secret is not the expected JSON, never logging its value', async () => {
    // Arrange
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'hunter2-plain-text' });
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(500);
    const logged = vi.mocked(logger.error).mock.calls;
    expect(logged).toHaveLength(1);
    const error = (logged[0]![1] as { error: Error }).error;
    expect(error.message).toMatch(/is not JSON/);
    expect(`${error.message} ${String(error.cause)}`).not.toContain('hunter2');
  });

  it('answers 503, logs the missing field at ERROR and counts WebhookSecretIncomplete when a secret lacks a field', async () => {
    // Arrange
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ appSecret: 'x' }) });
    const event = httpEventFactory({ method: 'GET', query: metaHandshakeQuery() });

    // Act
    const response = await invoke(event);

    // Assess
    expect(response.statusCode).toBe(503);
    expect(logger.error).toHaveBeenCalledWith(
      'Request failed',
      expect.objectContaining({ status: 503, reason: expect.stringContaining('check: verifyToken') }),
    );
    expect(metricValue('WebhookSecretIncomplete')).toBe(1);
  });

  it('answers 500 from the raw function when the dependencies cannot be built', async () => {
    // Arrange
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'));
    const resolveDeps = () => {
      throw new Error('environment variable INTAKE_QUEUE_URL is not set');
    };

    // Act
    const response = await ingestWebhook(event, resolveDeps);

    // Assess
    expect(response).toMatchObject({ statusCode: 500, body: '{"message":"internal error"}' });
    expect(metricValue('WebhooksFailed')).toBe(1);
  });

  it('answers 500 instead of throwing when the company config is missing', async () => {
    // Arrange
    const handler = createHandler({ ...env, COMPANY_CONFIG: undefined });
    const event = signedMetaEvent(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const response = await invoke(event, handler);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(logger.error).toHaveBeenCalledWith(
      'Request failed',
      expect.objectContaining({ error: expect.objectContaining({ name: 'ConfigError' }) }),
    );
  });
});
