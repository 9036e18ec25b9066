import { describe, expect, it } from 'vitest';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { NotFoundError, PayloadTooLargeError, SignatureError, ValidationError } from '../../../shared/domain/errors.ts';
import type { IntakeMessage } from '../../../shared/domain/mention-deletion.ts';
import type { IntakeQueue } from '../../../shared/domain/ports.ts';
import { buildWebhook } from '../../../infra/local/webhook-envelopes.ts';
import { genericAdapter } from '../../../shared/platforms/generic.ts';
import { xAdapter } from '../../../shared/platforms/x.ts';
import {
  FOREIGN_ACCOUNT_REASON,
  WebhookSecretIncompleteError,
  receiveWebhook,
  type ReceiveWebhookDeps,
  type WebhookSecretProvider,
} from '../../../shared/domain/receive-webhook.ts';
import type { WebhookSecret } from '../../../shared/platforms/platform-adapter.ts';
import { platformRegistry } from '../../../shared/platforms/registry.ts';
import { RESTFB_PAGE_ID, demoConfig, demoConfigWithPages } from '../../factories/config.ts';
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
  readonly enqueued: IntakeMessage[] = [];
  failWith: Error | undefined;

  async enqueue(mentions: readonly IntakeMessage[]): Promise<void> {
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

/** A provider whose secret was rotated: it serves the old one until a mismatch asks again. */
class RotatingSecrets implements WebhookSecretProvider {
  mismatches = 0;
  matches = 0;
  constructor(
    private current: unknown,
    private readonly next: unknown,
  ) {}

  async secretFor(): Promise<unknown> {
    return this.current;
  }

  async mismatched(): Promise<unknown> {
    this.mismatches++;
    if (this.mismatches < 2) return undefined;
    this.current = this.next;
    return this.current;
  }

  matched(): void {
    this.matches++;
  }
}

const NOW = '2026-11-28T09:15:02.000Z';

function setup(overrides: { config?: CompanyConfig; maxBodyBytes?: number } = {}) {
  const queue = new RecordingQueue();
  const secrets = new StaticSecrets();
  const deps: ReceiveWebhookDeps<CompanyConfig> = {
    registry: platformRegistry,
    secrets,
    queue,
    clock: fixedClock(NOW),
    // The restfb fixtures' Page is the company's here; page-batch-mixed's other Page is not.
    config: overrides.config ?? demoConfigWithPages(RESTFB_PAGE_ID),
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

    // Assess: 6 mentions parsed; the one on another Page (104729381726999) is ignored
    expect(queue.enqueued).toHaveLength(5);
    expect(outcome.enqueued).toBe(5);
    expect(outcome.ignored).toHaveLength(5);
    expect(outcome.response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enqueued: 5, deleted: 0, ignored: 5, revoked: 0 }),
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

  it('verifies again with a freshly read secret on the second mismatch in a row, so a rotation costs one delivery', async () => {
    // Arrange
    const { deps, queue } = setup();
    const rotated = { appSecret: 'rotated-app-secret', verifyToken: TEST_META_SECRET.verifyToken };
    const secrets = new RotatingSecrets(TEST_META_SECRET, rotated);
    const body = metaFixture('page-feed-comment-add.restfb.json');
    const request = signedMetaRequest(body, rotated.appSecret);

    // Act
    const first = receiveWebhook({ platformId: 'meta', request }, { ...deps, secrets });
    await expect(first).rejects.toThrow(SignatureError);
    const second = await receiveWebhook({ platformId: 'meta', request }, { ...deps, secrets });

    // Assess
    expect(second.response.statusCode).toBe(200);
    expect(queue.enqueued).toHaveLength(1);
    expect(secrets.matches).toBe(1);
  });

  it('does not read the secret again for a stale or malformed signature, which a rotation cannot explain', async () => {
    // Arrange
    const { deps } = setup();
    const secrets = new RotatingSecrets(TEST_META_SECRET, TEST_META_SECRET);
    const request = webhookRequestFactory({
      body: metaFixture('page-feed-comment-add.restfb.json'),
      headers: { 'x-hub-signature-256': 'sha256=zz' },
    });

    // Act
    for (let i = 0; i < 3; i++)
      await receiveWebhook({ platformId: 'meta', request }, { ...deps, secrets }).catch(() => undefined);

    // Assess
    expect(secrets.mismatches).toBe(0);
  });

  it('enqueues deletion notices and counts revocations of an X delivery', async () => {
    // Arrange
    const { deps, queue } = setup();
    const xSecret = { consumerSecret: 'x-secret' };
    const body = Buffer.from(
      JSON.stringify({
        for_user_id: '1529483711625383936',
        tweet_delete_events: [
          { status: { id: '1994652037415829505', user_id: '3001969357' }, timestamp_ms: '1795857300000' },
        ],
        user_event: {
          revoke: { date_time: '2026-11-28T09:00:00+00:00', target: { app_id: '1' }, source: { user_id: '63046977' } },
        },
      }),
    );
    const request = webhookRequestFactory({ body, headers: xAdapter.sign(body, xSecret, { now: new Date(NOW) }) });

    // Act
    const outcome = await receiveWebhook(
      { platformId: 'x', request },
      { ...deps, secrets: new RotatingSecrets(xSecret, xSecret) },
    );

    // Assess
    expect(outcome).toMatchObject({ enqueued: 0, deleted: 1, revocations: [{ userId: '63046977' }] });
    expect(queue.enqueued).toEqual([expect.objectContaining({ type: 'deletion', id: 'x:1994652037415829505' })]);
  });

  it('checks a generic request against the clock: a signature made 10 minutes ago is refused', async () => {
    // Arrange
    const { deps, queue } = setup();
    const secret = { signingSecret: 'generic-secret' };
    const body = Buffer.from(
      JSON.stringify({ id: 'r1', author: { id: 'a' }, text: 'gut', createdAt: '2026-11-28T09:00:00Z' }),
    );
    const headers = genericAdapter.sign(body, secret, {
      now: new Date(Date.parse(NOW) - 600_000),
      params: { source: 'trustpilot' },
    });
    const request = webhookRequestFactory({ body, headers, params: { source: 'trustpilot' } });

    // Act
    const result = receiveWebhook(
      { platformId: 'generic', request },
      { ...deps, secrets: new RotatingSecrets(secret, secret) },
    );

    // Assess
    await expect(result).rejects.toThrow('outside the 300 s replay window');
    expect(queue.enqueued).toEqual([]);
  });

  it("fails with a 503-class error naming the fields when the secret is not the adapter's shape", async () => {
    // Arrange
    const { deps } = setup();
    const request = signedMetaRequest(metaFixture('page-feed-comment-add.restfb.json'));

    // Act
    const result = receiveWebhook(
      { platformId: 'meta', request },
      { ...deps, secrets: new RotatingSecrets({ appSecret: 'only' }, {}) },
    );

    // Assess
    await expect(result).rejects.toThrow(WebhookSecretIncompleteError);
    await expect(result).rejects.toThrow('(check: verifyToken)');
  });
  describe("webhooks for accounts that are not the company's", () => {
    const otherPage = '990000000000001';
    const signed = (platform: string, body: string, secret: unknown) =>
      webhookRequestFactory({
        body: Buffer.from(body),
        headers: platformRegistry.get(platform)!.sign(body, secret, { now: new Date(NOW) }),
      });

    it('ignores a correctly signed Meta comment for another Page: 200, nothing enqueued, the account named', async () => {
      // Arrange
      const { deps, queue } = setup();
      const built = buildWebhook('meta', {
        config: deps.config,
        text: 'Hallo',
        accountId: otherPage,
        now: new Date(NOW),
      });

      // Act
      const outcome = await receiveWebhook({ platformId: 'meta', request: signedMetaRequest(built.body) }, deps);

      // Assess
      expect(outcome.response.statusCode).toBe(200);
      expect(outcome.response.body).toBe(JSON.stringify({ enqueued: 0, deleted: 0, ignored: 1, revoked: 0 }));
      expect(queue.enqueued).toEqual([]);
      expect(outcome.foreignAccounts).toEqual([{ accountId: otherPage, items: 1 }]);
      expect(outcome.ignored).toEqual([{ reason: FOREIGN_ACCOUNT_REASON, accountId: otherPage, id: built.mentionId }]);
    });

    it.each([
      ['x', { consumerSecret: 'x-secret' }, '44196397'],
      ['linkedin', { clientSecret: 'li-secret' }, 'urn:li:organization:1337'],
      ['youtube', { hubSecret: 'yt-secret' }, 'UCsomebodyElse0000000000'],
      ['tiktok', { clientSecret: 'tt-secret' }, 'act.somebodyelse'],
    ])('ignores a signed %s webhook for another account and enqueues nothing', async (platform, secret, account) => {
      // Arrange
      const { deps, queue } = setup();
      const built = buildWebhook(platform, {
        config: deps.config,
        text: 'Hallo',
        accountId: account,
        now: new Date(NOW),
      });

      // Act
      const outcome = await receiveWebhook(
        { platformId: platform, request: signed(platform, built.body, secret) },
        { ...deps, secrets: new RotatingSecrets(secret, secret) },
      );

      // Assess
      expect(outcome.response.statusCode).toBe(200);
      expect(queue.enqueued).toEqual([]);
      expect(outcome.foreignAccounts).toEqual([{ accountId: account, items: 1 }]);
    });

    it("enqueues the company's items of a body and ignores only those for another account", async () => {
      // Arrange
      const { deps, queue } = setup();
      const own = JSON.parse(
        buildWebhook('meta', { config: deps.config, text: 'Eins', now: new Date(NOW), itemId: '1' }).body,
      );
      const foreign = JSON.parse(
        buildWebhook('meta', {
          config: deps.config,
          text: 'Zwei',
          accountId: otherPage,
          now: new Date(NOW),
          itemId: '2',
        }).body,
      );
      const body = JSON.stringify({ object: 'page', entry: [...own.entry, ...foreign.entry] });

      // Act
      const outcome = await receiveWebhook({ platformId: 'meta', request: signedMetaRequest(body) }, deps);

      // Assess
      expect(queue.enqueued).toEqual([expect.objectContaining({ accountId: '104729381726354', text: 'Eins' })]);
      expect(outcome.foreignAccounts).toEqual([{ accountId: otherPage, items: 1 }]);
    });

    it('accepts a LinkedIn webhook for an organization the config names by its bare id', async () => {
      // Arrange
      const config = demoConfig();
      const bare: CompanyConfig = {
        ...config,
        platforms: { ...config.platforms, linkedin: { ...config.platforms.linkedin!, organizationIds: ['80412573'] } },
      };
      const { deps, queue } = setup({ config: bare });
      const secret = { clientSecret: 'li-secret' };
      const built = buildWebhook('linkedin', { config: bare, text: 'Angebot?', now: new Date(NOW) });

      // Act
      const outcome = await receiveWebhook(
        { platformId: 'linkedin', request: signed('linkedin', built.body, secret) },
        { ...deps, secrets: new RotatingSecrets(secret, secret) },
      );

      // Assess
      expect(outcome.foreignAccounts).toEqual([]);
      expect(queue.enqueued).toEqual([expect.objectContaining({ accountId: 'urn:li:organization:80412573' })]);
    });

    it("ignores a deletion notice for another X account, so another account cannot erase the company's mentions", async () => {
      // Arrange
      const { deps, queue } = setup();
      const xSecret = { consumerSecret: 'x-secret' };
      const body = JSON.stringify({
        for_user_id: '44196397',
        tweet_delete_events: [
          { status: { id: '1994652037415829505', user_id: '3001969357' }, timestamp_ms: '1795857300000' },
        ],
      });

      // Act
      const outcome = await receiveWebhook(
        { platformId: 'x', request: signed('x', body, xSecret) },
        { ...deps, secrets: new RotatingSecrets(xSecret, xSecret) },
      );

      // Assess
      expect(outcome).toMatchObject({
        enqueued: 0,
        deleted: 0,
        foreignAccounts: [{ accountId: '44196397', items: 1 }],
      });
      expect(queue.enqueued).toEqual([]);
    });

    it('does not check generic webhooks, whose URL names the source', async () => {
      // Arrange
      const { deps, queue } = setup();
      const secret = { signingSecret: 'generic-secret' };
      const built = buildWebhook('generic', { config: deps.config, text: 'Gut', now: new Date(NOW) });
      const headers = genericAdapter.sign(built.body, secret, { now: new Date(NOW), params: built.params ?? {} });

      // Act
      const outcome = await receiveWebhook(
        {
          platformId: 'generic',
          request: webhookRequestFactory({ body: Buffer.from(built.body), headers, params: built.params ?? {} }),
        },
        { ...deps, secrets: new RotatingSecrets(secret, secret) },
      );

      // Assess
      expect(outcome.foreignAccounts).toEqual([]);
      expect(queue.enqueued).toHaveLength(1);
    });
  });
});
