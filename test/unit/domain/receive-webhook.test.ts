import { describe, expect, it } from 'vitest';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { NotFoundError, PayloadTooLargeError, SignatureError, ValidationError } from '../../../shared/domain/errors.ts';
import type { Mention } from '../../../shared/domain/mention.ts';
import type { IntakeQueue } from '../../../shared/domain/ports.ts';
import {
  receiveWebhook,
  type ReceiveWebhookDeps,
  type WebhookSecretProvider,
} from '../../../shared/domain/receive-webhook.ts';
import type { WebhookSecret } from '../../../shared/platforms/platform-adapter.ts';
import { platformRegistry } from '../../../shared/platforms/registry.ts';
import { demoConfig } from '../../factories/config.ts';
import {
  TEST_META_SECRET,
  metaCommentsBody,
  metaFixture,
  metaHandshakeQuery,
  signedMetaRequest,
  webhookRequestFactory,
} from '../../factories/http.ts';
import { fixedClock } from '../../fakes/in-memory.ts';

/** Records enqueued mentions; `failWith` makes every enqueue throw, like a queue outage. */
class RecordingQueue implements IntakeQueue {
  readonly enqueued: Mention[] = [];
  failWith: Error | undefined;

  async enqueue(mentions: readonly Mention[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.enqueued.push(...mentions);
  }
}

class StaticSecrets implements WebhookSecretProvider {
  readonly asked: string[] = [];
  constructor(private readonly secret: WebhookSecret = TEST_META_SECRET) {}

  async secretFor(platformId: string): Promise<WebhookSecret> {
    this.asked.push(platformId);
    return this.secret;
  }
}

const NOW = '2026-11-28T09:15:02.000Z';

function setup(overrides: { config?: CompanyConfig; maxBodyBytes?: number } = {}) {
  const queue = new RecordingQueue();
  const secrets = new StaticSecrets();
  const deps: ReceiveWebhookDeps = {
    registry: platformRegistry,
    secrets,
    queue,
    clock: fixedClock(NOW),
    config: overrides.config ?? demoConfig(),
    maxBodyBytes: overrides.maxBodyBytes ?? 1024 * 1024,
  };
  return { deps, queue, secrets };
}

describe('receiveWebhook', () => {
  it('enqueues every mention of a signed POST and answers 200 with the counts', async () => {
    // Arrange
    const { deps, queue } = setup();
    const request = signedMetaRequest(metaFixture('page-batch-mixed.json'));

    // Act
    const outcome = await receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    expect(queue.enqueued).toHaveLength(6);
    expect(outcome.enqueued).toBe(6);
    expect(outcome.ignored).toHaveLength(4);
    expect(outcome.response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enqueued: 6, ignored: 4 }),
    });
  });

  it('stamps each mention with the clock as receivedAt', async () => {
    // Arrange
    const { deps, queue } = setup();
    const request = signedMetaRequest(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    await receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    expect(queue.enqueued.map((m) => m.receivedAt)).toEqual([NOW]);
  });

  it('enqueues all 1000 mentions of a maximal delivery', async () => {
    // Arrange
    const { deps, queue } = setup();
    const request = signedMetaRequest(metaCommentsBody(10, 100));

    // Act
    const outcome = await receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    expect(outcome.enqueued).toBe(1000);
    expect(queue.enqueued).toHaveLength(1000);
  });

  it('answers 200 and enqueues nothing for a delivery of ignored events only', async () => {
    // Arrange
    const { deps, queue } = setup();
    const request = signedMetaRequest(metaFixture('page-feed-reaction.json'));

    // Act
    const outcome = await receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    expect(outcome.response.statusCode).toBe(200);
    expect(outcome.ignored.map((i) => i.reason)).toEqual(["feed reaction with verb 'add' is not a mention"]);
    expect(queue.enqueued).toEqual([]);
  });

  it('throws SignatureError and enqueues nothing when the signature does not match', async () => {
    // Arrange
    const { deps, queue } = setup();
    const request = signedMetaRequest(metaFixture('page-feed-comment-add.restfb.json'), 'not-the-app-secret');

    // Act
    const result = receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    await expect(result).rejects.toThrow(SignatureError);
    expect(queue.enqueued).toEqual([]);
  });

  it('throws ValidationError for a signed body that is not JSON', async () => {
    // Arrange
    const { deps } = setup();
    const request = signedMetaRequest('{"object": "page", "entry": [');

    // Act
    const result = receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    await expect(result).rejects.toThrow(ValidationError);
  });

  it('throws NotFoundError for an unknown platform without reading any secret', async () => {
    // Arrange
    const { deps, secrets } = setup();
    const request = signedMetaRequest('{}');

    // Act
    const result = receiveWebhook({ platformId: 'myspace', request }, deps);

    // Assess
    await expect(result).rejects.toThrow(new NotFoundError('no webhook for platform "myspace"'));
    expect(secrets.asked).toEqual([]);
  });

  it('throws NotFoundError for a platform the company has not enabled', async () => {
    // Arrange
    const config = demoConfig();
    const disabled: CompanyConfig = { ...config, platforms: { meta: { ...config.platforms.meta!, enabled: false } } };
    const { deps } = setup({ config: disabled });
    const request = signedMetaRequest(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const result = receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    await expect(result).rejects.toThrow(new NotFoundError('platform "meta" is not enabled for this company'));
  });

  it('throws PayloadTooLargeError for a body over the limit, before verifying it', async () => {
    // Arrange
    const { deps, secrets } = setup({ maxBodyBytes: 100 });
    const request = webhookRequestFactory({ body: Buffer.alloc(101, 0x20) });

    // Act
    const result = receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    await expect(result).rejects.toThrow(PayloadTooLargeError);
    expect(secrets.asked).toEqual([]);
  });

  it('accepts a body of exactly the limit', async () => {
    // Arrange
    const body = metaFixture('page-feed-reaction.json');
    const { deps } = setup({ maxBodyBytes: body.length });

    // Act
    const outcome = await receiveWebhook({ platformId: 'meta', request: signedMetaRequest(body) }, deps);

    // Assess
    expect(outcome.response.statusCode).toBe(200);
  });

  it('answers the GET handshake with the platform secret', async () => {
    // Arrange
    const { deps, secrets } = setup();
    const request = webhookRequestFactory({ method: 'GET', query: metaHandshakeQuery() });

    // Act
    const outcome = await receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    expect(outcome.response.statusCode).toBe(200);
    expect(outcome.response.body).toBe('1158201444');
    expect(secrets.asked).toEqual(['meta']);
  });

  it('returns a refused handshake as a 403 response with its reason', async () => {
    // Arrange
    const { deps } = setup();
    const request = webhookRequestFactory({ method: 'GET', query: metaHandshakeQuery({ 'hub.verify_token': 'nope' }) });

    // Act
    const outcome = await receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    expect(outcome.response.statusCode).toBe(403);
    expect(outcome.response.rejection).toBe('hub.verify_token does not match the verify token');
  });

  it('throws ValidationError for a method other than GET or POST', async () => {
    // Arrange
    const { deps } = setup();
    const request = webhookRequestFactory({ method: 'PUT' });

    // Act
    const result = receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    await expect(result).rejects.toThrow(new ValidationError('method PUT is not supported; use GET or POST'));
  });

  it('lets an enqueue failure propagate so the platform delivers again', async () => {
    // Arrange
    const { deps, queue } = setup();
    queue.failWith = new Error('queue unavailable');
    const request = signedMetaRequest(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const result = receiveWebhook({ platformId: 'meta', request }, deps);

    // Assess
    await expect(result).rejects.toThrow('queue unavailable');
  });
});
