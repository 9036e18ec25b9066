/**
 * Finding 1 of issue 10: the X CRC and the LinkedIn challenge signed any text, which is
 * exactly the signature of a POST whose body is that text. Each attack is written as the
 * attacker would run it: ask the handshake about a body of their choice, then POST that
 * body with what the handshake answered. The first part runs the receive use case with the
 * real adapters; the last runs the attack against `npm start`'s runtime.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEnv } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { receiveWebhook, type WebhookOutcome } from '../../shared/domain/receive-webhook.ts';
import { statusOf as httpStatusOf } from '../../shared/observability/http-errors.ts';
import { HANDSHAKE_TOKENS } from '../../shared/platforms/handshake-tokens.ts';
import { LINKEDIN_SIGNATURE_HEADER, linkedInChallengeResponse } from '../../shared/platforms/linkedin.ts';
import { META_SIGNATURE_HEADER } from '../../shared/platforms/meta.ts';
import type { WebhookRequest, WebhookResponse } from '../../shared/platforms/platform-adapter.ts';
import { platformRegistry } from '../../shared/platforms/registry.ts';
import { signX, X_SIGNATURE_HEADER } from '../../shared/platforms/x.ts';
import { YOUTUBE_SIGNATURE_HEADER, youtubeTopic } from '../../shared/platforms/youtube.ts';
import { demoConfig } from '../factories/config.ts';
import { fixture } from '../unit/platforms/support.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';
import { GENERATED_SECRETS, RecordingQueue, webhookDeps } from './webhook-support.ts';

const config = demoConfig();
const CHANNEL = config.platforms.youtube?.channelIds[0] as string;

/** The HTTP status an outcome or a thrown error ends in, mapped where the handler maps it. */
async function statusOf(run: Promise<WebhookOutcome>): Promise<number> {
  try {
    return (await run).response.statusCode;
  } catch (error) {
    return httpStatusOf(error);
  }
}

const get = (query: Record<string, string>): WebhookRequest => ({
  method: 'GET',
  headers: {},
  query,
  body: Buffer.alloc(0),
});
const post = (body: string, headers: Record<string, string>): WebhookRequest => ({
  method: 'POST',
  headers,
  query: {},
  body: Buffer.from(body, 'utf8'),
});

/** Handshake answers read as the attacker would use them: as a signature header of the body. */
function signatureFrom(
  response: WebhookResponse,
  read: (json: Record<string, string>) => string | undefined,
  asHeader: (value: string) => Record<string, string>,
): Record<string, string> {
  let json: Record<string, string> = {};
  try {
    json = JSON.parse(response.body) as Record<string, string>;
  } catch {
    json = { text: response.body };
  }
  return asHeader(read(json) ?? response.body);
}

interface Attack {
  readonly platform: string;
  /** A body the attacker wants accepted: a mention with a crisis in it. */
  readonly body: string;
  /** The handshake query that would have the handshake answer about `text`. */
  readonly handshake: (text: string) => Record<string, string>;
  /** What the attacker posts as the signature, from the handshake's answer. */
  readonly signature: (response: WebhookResponse) => Record<string, string>;
}

const forgedTweet = fixture('x', 'aaa-tweet-create-events-mention.json').toString('utf8');
const forgedLinkedIn = fixture('linkedin', 'org-social-action-comment.json').toString('utf8');

const ATTACKS: readonly Attack[] = [
  {
    platform: 'x',
    body: forgedTweet,
    handshake: (text) => ({ crc_token: text }),
    signature: (r) =>
      signatureFrom(
        r,
        (j) => j.response_token,
        (v) => ({ [X_SIGNATURE_HEADER]: v }),
      ),
  },
  {
    platform: 'linkedin',
    body: forgedLinkedIn,
    // LinkedIn signs "hmacsha256=" + body; the challenge answered the HMAC of the bare code.
    handshake: (text) => ({ challengeCode: `hmacsha256=${text}` }),
    signature: (r) =>
      signatureFrom(
        r,
        (j) => j.challengeResponse,
        (v) => ({ [LINKEDIN_SIGNATURE_HEADER]: v }),
      ),
  },
  {
    platform: 'meta',
    body: fixture('meta', 'page-feed-comment-add.restfb.json').toString('utf8'),
    handshake: (text) => ({
      'hub.mode': 'subscribe',
      'hub.verify_token': GENERATED_SECRETS.meta?.verifyToken as string,
      'hub.challenge': text,
    }),
    signature: (r) => ({ [META_SIGNATURE_HEADER]: `sha256=${r.body}` }),
  },
  {
    platform: 'youtube',
    body: fixture('youtube', 'push-notification-video.xml').toString('utf8'),
    handshake: (text) => ({ 'hub.mode': 'subscribe', 'hub.topic': youtubeTopic(CHANNEL), 'hub.challenge': text }),
    signature: (r) => ({ [YOUTUBE_SIGNATURE_HEADER]: `sha1=${r.body}` }),
  },
  {
    platform: 'tiktok',
    body: fixture('tiktok', 'post-publish-publicly-available.json').toString('utf8'),
    handshake: (text) => ({ challenge: text }),
    signature: (r) => ({
      'tiktok-signature': `t=${Math.floor(Date.parse('2026-11-28T09:15:02.000Z') / 1000)},s=${r.body}`,
    }),
  },
  {
    platform: 'generic',
    body: fixture('generic', 'trustpilot-service-review.json').toString('utf8'),
    handshake: (text) => ({ challenge: text }),
    signature: (r) => ({
      'x-backchannel-timestamp': String(Math.floor(Date.parse('2026-11-28T09:15:02.000Z') / 1000)),
      'x-backchannel-signature': `sha256=${r.body}`,
    }),
  },
];

describe('handshakes are no signing oracle', () => {
  it.each(ATTACKS)(
    '$platform: refuses to answer its handshake about an attacker-chosen body, with the reason',
    async (attack) => {
      // Arrange
      const queue = new RecordingQueue();
      const params = attack.platform === 'generic' ? { params: { source: 'trustpilot' } } : {};

      // Act
      const outcome = await receiveWebhook(
        { platformId: attack.platform, request: { ...get(attack.handshake(attack.body)), ...params } },
        webhookDeps(queue),
      );

      // Assess
      expect(outcome.response.statusCode).toBeGreaterThanOrEqual(400);
      expect(outcome.response.rejection).toEqual(expect.any(String));
      expect(outcome.response.body).not.toContain('response_token');
      expect(outcome.response.body).not.toContain('challengeResponse');
      expect(queue.enqueued).toEqual([]);
    },
  );

  it.each(ATTACKS)(
    '$platform: refuses the attacker-chosen body posted with what the handshake answered, and enqueues nothing',
    async (attack) => {
      // Arrange
      const queue = new RecordingQueue();
      const deps = webhookDeps(queue);
      const params = attack.platform === 'generic' ? { params: { source: 'trustpilot' } } : {};
      const answer = await receiveWebhook(
        { platformId: attack.platform, request: { ...get(attack.handshake(attack.body)), ...params } },
        deps,
      );

      // Act
      const status = await statusOf(
        receiveWebhook(
          {
            platformId: attack.platform,
            request: { ...post(attack.body, attack.signature(answer.response)), ...params },
          },
          deps,
        ),
      );

      // Assess
      expect([400, 401]).toContain(status);
      expect(queue.enqueued).toEqual([]);
    },
  );

  it("answers a CRC of X's format, so registration keeps working", async () => {
    // Arrange
    const token = 'bWFrZSBzdXJlIFggY2FuIHN0aWxsIHJlZ2lzdGVyIQ';

    // Act
    const outcome = await receiveWebhook(
      { platformId: 'x', request: get({ crc_token: token }) },
      webhookDeps(new RecordingQueue()),
    );

    // Assess
    expect(outcome.response.statusCode).toBe(200);
    expect(JSON.parse(outcome.response.body)).toEqual({
      response_token: signX(token, GENERATED_SECRETS.x?.consumerSecret as string),
    });
  });

  it('answers a LinkedIn challenge that is a UUID, so validation keeps working', async () => {
    // Arrange
    const code = '890e4665-4dfe-4ab1-b689-ed553bceeed0';

    // Act
    const outcome = await receiveWebhook(
      { platformId: 'linkedin', request: get({ challengeCode: code }) },
      webhookDeps(new RecordingQueue()),
    );

    // Assess
    expect(outcome.response.statusCode).toBe(200);
    expect(JSON.parse(outcome.response.body)).toEqual({
      challengeCode: code,
      challengeResponse: linkedInChallengeResponse(code, GENERATED_SECRETS.linkedin?.clientSecret as string),
    });
  });
});

/** Tokens of each handshake platform's documented format, and any text at all. */
const SIGNING_HANDSHAKES = ATTACKS.filter((a) => HANDSHAKE_TOKENS[a.platform] !== undefined);

describe('no token a handshake accepts is a body the platform accepts (property)', () => {
  it.each(SIGNING_HANDSHAKES)('$platform: no accepted token parses as a mention payload', (attack) => {
    const adapter = platformRegistry.get(attack.platform);
    const token = HANDSHAKE_TOKENS[attack.platform];
    if (!adapter || !token) throw new Error(`no handshake for ${attack.platform}`);

    fc.assert(
      fc.property(fc.stringMatching(token.pattern), (text) => {
        // Act
        let mentions = 0;
        let deletions = 0;
        try {
          const parsed = adapter.parse(Buffer.from(text, 'utf8'), {
            config,
            receivedAt: new Date('2026-11-28T09:15:02.000Z'),
          });
          mentions = parsed.mentions.length;
          deletions = parsed.deletions.length;
        } catch (error) {
          // Assess: refused as a malformed body
          expect(error).toBeInstanceOf(DomainError);
        }
        // Assess
        expect(mentions + deletions).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it.each(SIGNING_HANDSHAKES)(
    '$platform: whatever text is asked, a body signed through the handshake enqueues nothing',
    async (attack) => {
      const token = HANDSHAKE_TOKENS[attack.platform];
      if (!token) throw new Error(`no handshake for ${attack.platform}`);

      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.stringMatching(token.pattern), fc.string(), fc.json()), async (text) => {
          // Arrange
          const queue = new RecordingQueue();
          const deps = webhookDeps(queue);
          const answer = await receiveWebhook(
            { platformId: attack.platform, request: get(attack.handshake(text)) },
            deps,
          );

          // Act
          const status = await statusOf(
            receiveWebhook(
              { platformId: attack.platform, request: post(text, attack.signature(answer.response)) },
              deps,
            ),
          );

          // Assess
          expect([400, 401]).toContain(status);
          expect(queue.enqueued).toEqual([]);
          if (answer.response.statusCode === 200) expect(text).toMatch(token.pattern);
        }),
        { numRuns: 200 },
      );
    },
  );
});

describe('the signing-oracle attack against npm start', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => {},
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('refuses a forged X tweet signed through the CRC, and stores no mention', async () => {
    // Arrange
    const consumerSecret = (
      JSON.parse(runtime.secrets[platformSecretName(config, 'x')] as string) as { consumerSecret: string }
    ).consumerSecret;
    const tweetId = /"id_str":\s*"(\d+)"/.exec(forgedTweet)?.[1] as string;

    // Act
    const crc = await fetch(`${runtime.webhookUrls.x}?${new URLSearchParams({ crc_token: forgedTweet })}`);
    const crcBody = await crc.text();
    const forged = await fetch(runtime.webhookUrls.x as string, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [X_SIGNATURE_HEADER]: (JSON.parse(crcBody) as { response_token?: string }).response_token ?? 'sha256=',
      },
      body: forgedTweet,
    });
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(crc.status).toBe(400);
    expect(crcBody).not.toContain(signX(forgedTweet, consumerSecret));
    expect(forged.status).toBe(401);
    const mentions = new DynamoMentionRepository(
      createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
      runtime.tableName,
    );
    expect(await mentions.get(mentionId('x', tweetId))).toBeUndefined();
  });

  it('refuses a forged LinkedIn comment signed through the challenge, and stores no mention', async () => {
    // Arrange
    const commentUrn = /"entity":\s*"(urn:li:comment:[^"]+)"/.exec(forgedLinkedIn)?.[1] as string;

    // Act
    const challenge = await fetch(
      `${runtime.webhookUrls.linkedin}?${new URLSearchParams({ challengeCode: `hmacsha256=${forgedLinkedIn}` })}`,
    );
    const answer = (await challenge.json()) as { challengeResponse?: string };
    const forged = await fetch(runtime.webhookUrls.linkedin as string, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [LINKEDIN_SIGNATURE_HEADER]: answer.challengeResponse ?? '0'.repeat(64),
      },
      body: forgedLinkedIn,
    });
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(challenge.status).toBe(400);
    expect(answer.challengeResponse).toBeUndefined();
    expect(forged.status).toBe(401);
    const mentions = new DynamoMentionRepository(
      createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
      runtime.tableName,
    );
    expect(await mentions.get(mentionId('linkedin', commentUrn))).toBeUndefined();
  });
});
