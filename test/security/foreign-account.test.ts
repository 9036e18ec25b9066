import { vi } from 'vitest';

// Metrics are created once per process when powertools.ts is imported: turn their EMF
// output off before that, so tests print nothing (addMetric is still called and spied on).
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminEnv, postWebhook } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parsePlatformSecret } from '../../infra/local/secrets.ts';
import { buildWebhook } from '../../infra/local/webhook-envelopes.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { metrics } from '../../shared/observability/powertools.ts';
import { demoConfig } from '../factories/config.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';

/**
 * Issue 13: a webhook for a Page or account id that is not in the company's config was
 * accepted and routed into the company's cases. Now the local runtime (the real ingest and
 * classify functions, dynalite, local SQS) answers it 200, so the platform does not retry,
 * stores nothing of it and counts it as WebhookForeignAccount.
 */
describe("webhooks for accounts that are not the company's, on the local runtime", () => {
  const config = demoConfig();
  let runtime: Runtime;

  /** Every item of the table, as JSON text, to look for what a webhook left behind. */
  const storedItems = async (): Promise<string[]> => {
    const client = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
    try {
      const { Items = [] } = await DynamoDBDocumentClient.from(client).send(
        new ScanCommand({ TableName: runtime.tableName }),
      );
      return Items.map((item) => JSON.stringify(item));
    } finally {
      client.destroy();
    }
  };
  const send = async (platform: string, accountId: string | undefined, text: string) => {
    const built = buildWebhook(platform, { config, text, now: new Date(), ...(accountId ? { accountId } : {}) });
    const secret = parsePlatformSecret(platform, runtime.secrets[platformSecretName(config, platform)]);
    const answer = await postWebhook(runtime.url, built, secret);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    return { ...answer, mentionId: built.mentionId };
  };
  const counted = (name: string) =>
    vi
      .mocked(metrics.addMetric)
      .mock.calls.filter(([metric]) => metric === name)
      .reduce((sum, [, , value]) => sum + value, 0);

  beforeAll(async () => {
    runtime = await startRuntime({ config, port: 0, startScheduler: false, log: () => undefined });
  }, 60_000);

  beforeEach(() => {
    vi.spyOn(metrics, 'addMetric').mockClear();
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await runtime?.stop();
  });

  // Its timeout holds 2 idle waits (IDLE_TIMEOUT_MS), one after each webhook, and 30 s.
  it('answers 200 to a correctly signed Meta comment for another Page, stores nothing of it and counts it', async () => {
    // Act
    const foreign = await send('meta', '990000000000001', 'Ein Kommentar auf einer fremden Seite');
    const own = await send('meta', undefined, 'Ein Kommentar auf der eigenen Seite');

    // Assess
    expect(foreign.status).toBe(200);
    expect(JSON.parse(foreign.body)).toEqual({ enqueued: 0, deleted: 0, ignored: 1, revoked: 0 });
    expect(counted('WebhookForeignAccount')).toBe(1);
    const items = await storedItems();
    expect(items.some((item) => item.includes(foreign.mentionId) || item.includes('fremden Seite'))).toBe(false);
    expect(items.some((item) => item.includes(own.mentionId))).toBe(true);
  }, 120_000);

  it('does the same for a signed X mention for another account', async () => {
    // Act
    const foreign = await send('x', '44196397', '@jemand anderes: nicht für uns');

    // Assess
    expect(foreign.status).toBe(200);
    expect(counted('WebhookForeignAccount')).toBe(1);
    expect((await storedItems()).some((item) => item.includes(foreign.mentionId))).toBe(false);
  });
});
