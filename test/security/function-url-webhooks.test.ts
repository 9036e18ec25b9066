/**
 * Issue 12 (Round w16): the webhooks come through ingest's Lambda function URL, with nothing
 * in front: no route matching, no authorizer, every path and every method reach the function
 * (payload 2.0, `routeKey` `$default`, no `pathParameters`). Each attack runs the handler on
 * that event shape with the real platform adapters: unsigned and wrongly signed bodies,
 * handshakes asked to sign an attacker's body, and paths that are no webhook's.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ingestWebhook, NO_WEBHOOK_PATH } from '../../functions/ingest-webhook/handler.ts';
import type { IntakeQueue } from '../../shared/domain/ports.ts';
import { signMetaBody } from '../../shared/platforms/meta.ts';
import { X_SIGNATURE_HEADER } from '../../shared/platforms/x.ts';
import { demoConfig } from '../factories/config.ts';
import { asFunctionUrlEvent, httpEventFactory, metaFixture } from '../factories/http.ts';
import { fixture } from '../unit/platforms/support.ts';
import { GENERATED_SECRETS, RecordingQueue, UNSIGNED, webhookDeps } from './webhook-support.ts';

const _config = demoConfig();

const depsWith = (queue: IntakeQueue) => () => webhookDeps(queue);

/** A request to the function URL: the HTTP API's event for the same request, reshaped, at `path`. */
function urlEvent(
  path: string,
  options: { method?: string; body?: Buffer; headers?: Record<string, string>; query?: Record<string, string> },
): APIGatewayProxyEventV2 {
  return asFunctionUrlEvent(httpEventFactory({ platform: 'meta', ...options }), path);
}

const metaBody = metaFixture('page-feed-comment-non-ascii.json');
const metaHeaders = (appSecret: string) => ({
  'content-type': 'application/json',
  'x-hub-signature-256': signMetaBody(metaBody, appSecret),
});

/** A valid body of each platform, at its function URL path, sent without any signature header. */
const UNSIGNED_AT_PATHS = UNSIGNED.map(({ platform, body, contentType, params }) => ({
  path: platform === 'generic' ? `/webhooks/generic/${params?.source}` : `/webhooks/${platform}`,
  body,
  type: contentType,
}));

describe('signatures through the function URL', () => {
  it('accepts a Meta body signed with the company secret: 200, and its mention is enqueued', async () => {
    // Arrange
    const queue = new RecordingQueue();

    // Act
    const response = await ingestWebhook(
      urlEvent('/webhooks/meta', { body: metaBody, headers: metaHeaders(GENERATED_SECRETS.meta?.appSecret as string) }),
      depsWith(queue),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(queue.enqueued.length).toBeGreaterThan(0);
  });

  it.each(UNSIGNED_AT_PATHS)('$path: refuses an unsigned POST with 401 and enqueues nothing', async (entry) => {
    // Arrange
    const queue = new RecordingQueue();

    // Act
    const response = await ingestWebhook(
      urlEvent(entry.path, { body: entry.body, headers: { 'content-type': entry.type } }),
      depsWith(queue),
    );

    // Assess
    expect(response.statusCode).toBe(401);
    expect(queue.enqueued).toEqual([]);
  });

  it('refuses a Meta body signed with another app secret with 401 and enqueues nothing', async () => {
    // Arrange
    const queue = new RecordingQueue();

    // Act
    const response = await ingestWebhook(
      urlEvent('/webhooks/meta', { body: metaBody, headers: metaHeaders('an-attackers-own-app-secret') }),
      depsWith(queue),
    );

    // Assess
    expect(response.statusCode).toBe(401);
    expect(queue.enqueued).toEqual([]);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])(
    'answers a signed Meta body sent with %s (the URL takes every method) with 400, and enqueues nothing',
    async (method) => {
      // Arrange
      const queue = new RecordingQueue();

      // Act
      const response = await ingestWebhook(
        urlEvent('/webhooks/meta', {
          method,
          body: metaBody,
          headers: metaHeaders(GENERATED_SECRETS.meta?.appSecret as string),
        }),
        depsWith(queue),
      );

      // Assess
      expect(response.statusCode).toBe(400);
      expect(queue.enqueued).toEqual([]);
    },
  );
});

describe('handshakes through the function URL give nothing reusable', () => {
  const forgedTweet = fixture('x', 'aaa-tweet-create-events-mention.json');

  it("refuses an X CRC about an attacker's body, and the body posted with what it answered is refused", async () => {
    // Arrange
    const queue = new RecordingQueue();
    const handshake = await ingestWebhook(
      urlEvent('/webhooks/x', { method: 'GET', query: { crc_token: forgedTweet.toString('utf8') } }),
      depsWith(queue),
    );

    // Act
    const forged = await ingestWebhook(
      urlEvent('/webhooks/x', {
        body: forgedTweet,
        headers: { 'content-type': 'application/json', [X_SIGNATURE_HEADER]: String(handshake.body) },
      }),
      depsWith(queue),
    );

    // Assess
    expect(handshake.statusCode).toBeGreaterThanOrEqual(400);
    expect(handshake.body).not.toContain('response_token');
    expect(forged.statusCode).toBe(401);
    expect(queue.enqueued).toEqual([]);
  });

  it("answers Meta's subscription handshake with the company's verify token, and only with it", async () => {
    // Arrange
    const query = (token: string) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '815' });

    // Act
    const right = await ingestWebhook(
      urlEvent('/webhooks/meta', { method: 'GET', query: query(GENERATED_SECRETS.meta?.verifyToken as string) }),
      depsWith(new RecordingQueue()),
    );
    const wrong = await ingestWebhook(
      urlEvent('/webhooks/meta', { method: 'GET', query: query('guessed') }),
      depsWith(new RecordingQueue()),
    );

    // Assess
    expect(right.statusCode).toBe(200);
    expect(right.body).toBe('815');
    expect(wrong.statusCode).toBe(403);
  });
});

describe('paths that are no webhook reach the function URL too: 404', () => {
  it.each([
    '/',
    '/webhooks',
    '/webhooks/',
    '/webhooks/meta/',
    '/webhooks/meta/extra',
    '//webhooks/meta',
    '/webhooks/../webhooks/meta',
    '/webhooks/./meta',
    '/webhooks/%2e%2e/meta',
    '/webhooks/meta%2F..%2F..%2Fcases',
    '/webhooks/..',
    '/webhooks/%2E%2E',
    '/webhooks/generic/trustpilot/extra',
    '/webhooks/generic/..%2Fmeta',
    '/webhooks/%E0%A4%A',
    '/cases',
    '/console/config.json',
  ])('%s: 404 with a clear message for a correctly signed Meta body, nothing enqueued', async (path) => {
    // Arrange
    const queue = new RecordingQueue();

    // Act
    const response = await ingestWebhook(
      urlEvent(path, { body: metaBody, headers: metaHeaders(GENERATED_SECRETS.meta?.appSecret as string) }),
      depsWith(queue),
    );

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(String(response.body))).toEqual({ message: NO_WEBHOOK_PATH });
    expect(queue.enqueued).toEqual([]);
  });

  it('answers an unknown platform with 404 naming it, and enqueues nothing', async () => {
    // Arrange
    const queue = new RecordingQueue();

    // Act
    const response = await ingestWebhook(
      urlEvent('/webhooks/myspace', {
        body: metaBody,
        headers: metaHeaders(GENERATED_SECRETS.meta?.appSecret as string),
      }),
      depsWith(queue),
    );

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(String(response.body))).toEqual({ message: 'no webhook for platform "myspace"' });
    expect(queue.enqueued).toEqual([]);
  });
});
