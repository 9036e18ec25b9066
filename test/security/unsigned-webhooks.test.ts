/**
 * Finding 2 of issue 10: YouTube accepted unsigned notifications while its secret had no
 * `hubSecret`, the state the stack left after a deploy. Every platform now refuses unsigned
 * requests whatever its secret holds: 401 with a complete secret, 503 with a reason and the
 * `WebhookSecretIncomplete` metric with an incomplete one, never 200.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ingestWebhook } from '../../functions/ingest-webhook/handler.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import {
  receiveWebhook,
  WebhookSecretIncompleteError,
  type ReceiveWebhookDeps,
} from '../../shared/domain/receive-webhook.ts';
import { statusOf } from '../../shared/observability/http-errors.ts';
import { metrics } from '../../shared/observability/powertools.ts';
import type { WebhookRequest } from '../../shared/platforms/platform-adapter.ts';
import { platformRegistry } from '../../shared/platforms/registry.ts';
import { demoConfig } from '../factories/config.ts';
import { httpEventFactory } from '../factories/http.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { RecordingQueue, UNSIGNED, webhookDeps } from './webhook-support.ts';

const config = demoConfig();

function unsignedRequest(entry: (typeof UNSIGNED)[number]): WebhookRequest {
  return {
    method: 'POST',
    headers: { 'content-type': entry.contentType },
    query: {},
    body: entry.body,
    ...(entry.params ? { params: entry.params } : {}),
  };
}

async function statusOfReceive(
  request: WebhookRequest,
  platformId: string,
  deps: ReceiveWebhookDeps<CompanyConfig>,
): Promise<number> {
  try {
    return (await receiveWebhook({ platformId, request }, deps)).response.statusCode;
  } catch (error) {
    return statusOf(error);
  }
}

describe('unsigned webhooks are refused on every platform', () => {
  it.each(UNSIGNED)(
    '$platform: refuses an unsigned POST with 401 when its secret is complete, and enqueues nothing',
    async (entry) => {
      // Arrange
      const queue = new RecordingQueue();
      const secret = platformRegistry.get(entry.platform)?.generateSecret();

      // Act
      const status = await statusOfReceive(
        unsignedRequest(entry),
        entry.platform,
        webhookDeps(queue, () => secret),
      );

      // Assess
      expect(status).toBe(401);
      expect(queue.enqueued).toEqual([]);
    },
  );

  it.each(UNSIGNED)(
    '$platform: never answers an unsigned POST with 200, whatever its secret holds (property)',
    async (entry) => {
      const generated = platformRegistry.get(entry.platform)?.generateSecret() as Record<string, string>;
      // Any subset of the real keys, any other keys, any values, or no JSON object at all.
      const anySecret = fc.oneof(
        fc
          .subarray(Object.keys(generated))
          .chain((keys) =>
            fc.record(
              Object.fromEntries(keys.map((k) => [k, fc.oneof(fc.string(), fc.constant(generated[k] as string))])),
            ),
          ),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.jsonValue(),
      );

      await fc.assert(
        fc.asyncProperty(anySecret, async (secret) => {
          // Arrange
          const queue = new RecordingQueue();

          // Act
          const status = await statusOfReceive(
            unsignedRequest(entry),
            entry.platform,
            webhookDeps(queue, () => secret),
          );

          // Assess
          expect([401, 503]).toContain(status);
          expect(queue.enqueued).toEqual([]);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('refuses an unsigned YouTube feed while its secret has no hubSecret: the state a deploy used to leave', async () => {
    // Arrange
    const queue = new RecordingQueue();
    const entry = UNSIGNED.find((u) => u.platform === 'youtube') as (typeof UNSIGNED)[number];

    // Act
    const result = receiveWebhook(
      { platformId: 'youtube', request: unsignedRequest(entry) },
      webhookDeps(queue, () => ({ verifyToken: 'generated-by-an-old-stack' })),
    );

    // Assess
    await expect(result).rejects.toThrow(WebhookSecretIncompleteError);
    await expect(result).rejects.toThrow('check: hubSecret');
    expect(queue.enqueued).toEqual([]);
  });
});

describe('ingest-webhook answers 503 with a reason and a metric while a secret is incomplete', () => {
  beforeEach(() => {
    vi.spyOn(metrics, 'addMetric');
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(UNSIGNED)('$platform: 503, names the missing key, counts WebhookSecretIncomplete', async (entry) => {
    // Arrange
    const queue = new RecordingQueue();
    const event: APIGatewayProxyEventV2 = httpEventFactory({
      platform: entry.platform,
      body: entry.body,
      headers: { 'content-type': entry.contentType },
    });
    const withParams = entry.params
      ? { ...event, pathParameters: { ...event.pathParameters, ...entry.params } }
      : event;

    // Act
    const response = await ingestWebhook(withParams, () => webhookDeps(queue, () => ({})));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body as string)).toEqual({
      message: expect.stringContaining(`the ${entry.platform} secret is incomplete`),
    });
    expect(vi.mocked(metrics.addMetric)).toHaveBeenCalledWith('WebhookSecretIncomplete', 'Count', 1);
    expect(queue.enqueued).toEqual([]);
  });
});

describe('unsigned webhooks against npm start', () => {
  let runtime: Runtime;
  let withoutHubSecret: Runtime;

  beforeAll(async () => {
    runtime = await startRuntime({ config, port: 0, startScheduler: false, log: () => {} });
    withoutHubSecret = await startRuntime({
      config,
      port: 0,
      startScheduler: false,
      log: () => {},
      secrets: { [platformSecretName(config, 'youtube')]: '{"verifyToken":"generated-by-an-old-stack"}' },
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    await withoutHubSecret?.stop();
  });

  const mentionsOf = (r: Runtime) =>
    new DynamoMentionRepository(createDocumentClient(adminEnv(r.region, r.endpoints.dynamodb)), r.tableName);
  const youtube = UNSIGNED.find((u) => u.platform === 'youtube') as (typeof UNSIGNED)[number];

  it('generates a hubSecret for YouTube at start', () => {
    // Act
    const secret = JSON.parse(runtime.secrets[platformSecretName(config, 'youtube')] as string) as {
      hubSecret?: string;
    };

    // Assess
    expect(secret.hubSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each(UNSIGNED.filter((u) => u.platform !== 'generic'))(
    '$platform: answers an unsigned POST with 401',
    async (entry) => {
      // Act
      const response = await fetch(runtime.webhookUrls[entry.platform] as string, {
        method: 'POST',
        headers: { 'content-type': entry.contentType },
        body: entry.body,
      });

      // Assess
      expect(response.status).toBe(401);
    },
  );

  it('answers an unsigned YouTube feed with 503 while the secret has no hubSecret, and stores nothing', async () => {
    // Act
    const response = await fetch(withoutHubSecret.webhookUrls.youtube as string, {
      method: 'POST',
      headers: { 'content-type': youtube.contentType },
      body: youtube.body,
    });
    await withoutHubSecret.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(response.status).toBe(503);
    expect(((await response.json()) as { message: string }).message).toContain('check: hubSecret');
    expect(await mentionsOf(withoutHubSecret).get(mentionId('youtube', 'dQ7rWk2Hn5c'))).toBeUndefined();
  });
});
