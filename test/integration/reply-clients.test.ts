/**
 * Each platform's reply client against a local replay server that answers the documented
 * request and response shapes (the platforms' API references: Graph API comments, replies and
 * Send API; X API v2 POST /2/tweets; LinkedIn socialActions comments; YouTube comments and
 * commentThreads insert; Mastodon POST /api/v1/statuses; AT Protocol createSession, getPosts
 * and createRecord), then the send through the admin API: 429 with Retry-After, expired tokens.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import type { Platform } from '../../shared/domain/mention.ts';
import { ReplyPublishError, type ReplyTarget } from '../../shared/domain/reply-publisher.ts';
import { replyPublishersFor } from '../../shared/platforms/outbound/index.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { replyApi } from '../factories/replies.ts';
import { startReplayServer, type ReplayServer } from '../support/replay-server.ts';

const REPLY = {
  replyId: 'reply_0123456789abcdef',
  text: 'Danke, wir kümmern uns!',
  idempotencyKey: 'reply_0123456789abcdef',
};

/** The demo config with every reply platform enabled, all pointed at the replay server. */
function allPlatforms(url: string) {
  const config = demoConfig();
  return {
    ...config,
    replies: { apiBaseUrl: url },
    platforms: {
      ...config.platforms,
      x: { enabled: true, accountIds: ['1500000000000000000'] },
      linkedin: { enabled: true, organizationIds: ['2414183'] },
      youtube: {
        enabled: true,
        channelIds: ['UCradwerk'],
        pollComments: false,
        pollSchedule: 'cron(0/5 * * * ? *)',
        backfillHours: 24,
        apiBaseUrl: 'https://www.googleapis.com/youtube/v3',
      },
      mastodon: {
        enabled: true,
        instanceUrl: 'https://social.example',
        pollSchedule: 'cron(0/5 * * * ? *)',
        backfillHours: 24,
      },
      bluesky: {
        enabled: true,
        handle: 'radwerk.bsky.social',
        serviceUrl: 'https://bsky.social',
        pollSchedule: 'cron(0/5 * * * ? *)',
        backfillHours: 24,
      },
    },
  };
}

function target(platform: Platform, overrides: Partial<ReplyTarget> = {}): ReplyTarget {
  return {
    platform,
    kind: 'comment',
    externalId: 'ext-1',
    threadId: 'thread-1',
    accountId: 'acct-1',
    authorId: 'author-1',
    ...overrides,
  };
}

describe('reply clients against the documented shapes', () => {
  let replay: ReplayServer;
  const invalidated: string[] = [];
  let publisherOf: ReturnType<typeof replyPublishersFor>;

  beforeAll(async () => {
    replay = await startReplayServer();
    publisherOf = replyPublishersFor(allPlatforms(replay.url), {
      tokenOf: (platform) => ({
        get: async () => `token-${platform}`,
        invalidate: () => {
          invalidated.push(platform);
        },
      }),
    });
  });
  afterAll(async () => {
    await replay.stop();
  });
  beforeEach(() => {
    replay.reset();
    invalidated.length = 0;
  });

  const publish = (platform: Platform, t: Partial<ReplyTarget> = {}) => {
    const publisher = publisherOf(platform);
    if (!publisher) throw new Error(`no publisher for ${platform}`);
    return publisher.publish(target(platform, t), REPLY);
  };

  it('Facebook: POST /{comment-id}/comments with the message, the Page token as bearer', async () => {
    replay.on((r) => r.path === '/901_903/comments', { json: { id: '901_904' } });

    const published = await publish('facebook', { externalId: '901_903' });

    expect(published).toEqual({ platformPostId: '901_904', url: 'https://www.facebook.com/901_904' });
    expect(replay.requests[0]).toMatchObject({ method: 'POST', body: 'message=Danke%2C+wir+k%C3%BCmmern+uns%21' });
    expect(replay.requests[0]?.headers.authorization).toBe('Bearer token-meta');
  });

  it('Instagram: POST /{ig-comment-id}/replies', async () => {
    replay.on((r) => r.path === '/17870913679156914/replies', { json: { id: '17873440459141021' } });

    const published = await publish('instagram', { externalId: '17870913679156914' });

    expect(published).toEqual({ platformPostId: '17873440459141021' });
  });

  it('Messenger: POST /me/messages with recipient, messaging_type RESPONSE and the text', async () => {
    replay.on((r) => r.path === '/me/messages', { json: { recipient_id: 'psid-7', message_id: 'm_abc' } });

    const published = await publish('facebook', { kind: 'message', authorId: 'psid-7' });

    expect(published).toEqual({ platformPostId: 'm_abc' });
    expect(JSON.parse(replay.requests[0]?.body ?? '')).toEqual({
      recipient: { id: 'psid-7' },
      messaging_type: 'RESPONSE',
      message: { text: REPLY.text },
    });
  });

  it('X: POST /2/tweets with reply.in_reply_to_tweet_id', async () => {
    replay.on((r) => r.path === '/2/tweets', {
      status: 201,
      json: { data: { id: '1866000000000000001', text: REPLY.text } },
    });

    const published = await publish('x', { externalId: '1865000000000000000' });

    expect(published).toEqual({
      platformPostId: '1866000000000000001',
      url: 'https://x.com/i/web/status/1866000000000000001',
    });
    expect(JSON.parse(replay.requests[0]?.body ?? '')).toEqual({
      text: REPLY.text,
      reply: { in_reply_to_tweet_id: '1865000000000000000' },
    });
  });

  it('X: a 429 is transient with the wait of x-rate-limit-reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    replay.on((r) => r.path === '/2/tweets', {
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset) },
      json: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
    });

    const error = await publish('x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReplyPublishError);
    expect((error as ReplyPublishError).transient).toBe(true);
    expect((error as ReplyPublishError).details.retryAfterMs).toBeGreaterThan(25_000);
  });

  it('X: an expired token is permanent, says what to do, and drops the cached token', async () => {
    replay.on((r) => r.path === '/2/tweets', {
      status: 401,
      json: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
    });

    const error = (await publish('x').catch((e: unknown) => e)) as ReplyPublishError;

    expect(error.details).toMatchObject({ transient: false, status: 401, credentials: true });
    expect(error.message).toBe(
      'x: POST /2/tweets answered 401 Unauthorized: Unauthorized (the token in the x secret is expired, revoked or lacks the permission to reply; renew it, then send again)',
    );
    expect(invalidated).toEqual(['x']);
  });

  it('LinkedIn: POST /rest/socialActions/{post urn}/comments as the organization, nested under the comment; the URN from x-restli-id', async () => {
    const comment = 'urn:li:comment:(urn:li:activity:7100,7101)';
    replay.on((r) => r.path === `/socialActions/${encodeURIComponent('urn:li:activity:7100')}/comments`, {
      status: 201,
      headers: { 'x-restli-id': 'urn:li:comment:(urn:li:activity:7100,7102)' },
      json: { object: 'urn:li:activity:7100' },
    });

    const published = await publish('linkedin', {
      externalId: comment,
      threadId: 'urn:li:activity:7100',
      accountId: '2414183',
    });

    expect(published.platformPostId).toBe('urn:li:comment:(urn:li:activity:7100,7102)');
    expect(JSON.parse(replay.requests[0]?.body ?? '')).toEqual({
      actor: 'urn:li:organization:2414183',
      object: 'urn:li:activity:7100',
      message: { text: REPLY.text },
      parentComment: comment,
    });
    expect(replay.requests[0]?.headers['linkedin-version']).toMatch(/^\d{6}$/);
    expect(replay.requests[0]?.headers['x-restli-protocol-version']).toBe('2.0.0');
  });

  it('YouTube: comments.insert under the top-level comment of a reply', async () => {
    replay.on((r) => r.path === '/comments' && r.query.get('part') === 'snippet', {
      json: { kind: 'youtube#comment', id: 'UgzTOP.8xREPLY', snippet: { parentId: 'UgzTOP' } },
    });

    const published = await publish('youtube', { externalId: 'UgzTOP.8xOTHER', threadId: 'dQw4w9WgXcQ' });

    expect(published).toEqual({
      platformPostId: 'UgzTOP.8xREPLY',
      url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzTOP.8xREPLY',
    });
    expect(JSON.parse(replay.requests[0]?.body ?? '')).toEqual({
      snippet: { parentId: 'UgzTOP', textOriginal: REPLY.text },
    });
  });

  it('Mastodon: POST /api/v1/statuses in reply, addressed to the author, with the reply id as Idempotency-Key', async () => {
    replay.on((r) => r.path === '/api/v1/statuses', {
      json: { id: '113000000000000002', url: 'https://social.example/@radwerk/113000000000000002' },
    });

    const published = await publish('mastodon', {
      externalId: '113000000000000001',
      authorHandle: 'erika@bike.social',
    });

    expect(published).toEqual({
      platformPostId: '113000000000000002',
      url: 'https://social.example/@radwerk/113000000000000002',
    });
    expect(replay.requests[0]?.headers['idempotency-key']).toBe(REPLY.replyId);
    expect(JSON.parse(replay.requests[0]?.body ?? '')).toEqual({
      status: `@erika@bike.social ${REPLY.text}`,
      in_reply_to_id: '113000000000000001',
      visibility: 'unlisted',
    });
  });

  it('Bluesky: session, the parent post and its root, then createRecord with the reply refs', async () => {
    const parent = 'at://did:plc:erika/app.bsky.feed.post/3kparent';
    replay
      .on((r) => r.path === '/xrpc/com.atproto.server.createSession', {
        json: { accessJwt: 'jwt-1', refreshJwt: 'r', did: 'did:plc:radwerk', handle: 'radwerk.bsky.social' },
      })
      .on((r) => r.path === '/xrpc/app.bsky.feed.getPosts', {
        json: {
          posts: [
            {
              uri: parent,
              cid: 'bafyparent',
              record: {
                text: 'frage',
                reply: {
                  root: { uri: 'at://did:plc:radwerk/app.bsky.feed.post/3kroot', cid: 'bafyroot' },
                  parent: { uri: 'at://x', cid: 'y' },
                },
              },
            },
          ],
        },
      })
      .on((r) => r.path === '/xrpc/com.atproto.repo.createRecord', {
        json: { uri: 'at://did:plc:radwerk/app.bsky.feed.post/3kreply', cid: 'bafyreply' },
      });

    const published = await publish('bluesky', { externalId: parent });

    expect(published).toEqual({
      platformPostId: 'at://did:plc:radwerk/app.bsky.feed.post/3kreply',
      url: 'https://bsky.app/profile/did:plc:radwerk/post/3kreply',
    });
    expect(replay.requests[1]?.query.get('uris')).toBe(parent);
    const record = JSON.parse(replay.requests[2]?.body ?? '');
    expect(record).toMatchObject({
      repo: 'did:plc:radwerk',
      collection: 'app.bsky.feed.post',
      record: {
        $type: 'app.bsky.feed.post',
        text: REPLY.text,
        reply: {
          root: { uri: 'at://did:plc:radwerk/app.bsky.feed.post/3kroot', cid: 'bafyroot' },
          parent: { uri: parent, cid: 'bafyparent' },
        },
      },
    });
    expect(replay.requests[2]?.headers.authorization).toBe('Bearer jwt-1');
  });

  it('TikTok and generic sources have no reply client: their replies are marked sent elsewhere', () => {
    expect(publisherOf('tiktok')).toBeUndefined();
    expect(publisherOf('generic')).toBeUndefined();
  });
});

describe('sending through the admin API: retries and failures', () => {
  let replay: ReplayServer;
  const OLE = 'ole.hansen@radwerk-hansen.example';
  const comment = mentionFactory();
  const path = `/${comment.externalId}/comments`;
  const approvedCase = (): Case =>
    caseFactory({
      reply: {
        id: 'reply_00000000000000bb',
        text: 'Wir tauschen das Rad.',
        draftedBy: `user:${OLE}`,
        draftedAt: '2026-11-30T10:00:00.000Z',
      },
    });
  const send = { pathParameters: { id: approvedCase().id, replyId: 'reply_00000000000000bb' } };

  beforeAll(async () => {
    replay = await startReplayServer();
  });
  afterAll(async () => {
    await replay.stop();
  });
  beforeEach(() => replay.reset());

  it('waits out a 429 with Retry-After and posts once; the case is responded with the post id', async () => {
    // Arrange: the platform is busy once, then takes the reply.
    replay.on(
      (r) => r.path === path,
      { status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'busy', code: 4 } } },
      { json: { id: '901_777' } },
    );
    const api = replyApi(replay.url);
    await api.seed(approvedCase(), comment);

    // Act
    const answer = await api.call('POST /cases/{id}/replies/{replyId}/send', OLE, send);

    // Assess
    expect(answer).toEqual({
      status: 200,
      body: {
        reply: {
          id: 'reply_00000000000000bb',
          state: 'sent',
          platformPostId: '901_777',
          url: 'https://www.facebook.com/901_777',
          attempts: 2,
        },
      },
    });
    expect(replay.requests).toHaveLength(2);
    const stored = await api.cases.get(approvedCase().id);
    expect(stored?.state).toBe('responded');
    expect(stored?.history?.map((h) => h.action)).toEqual(['send-reply', 'publish-reply']);
    expect(stored?.publishedReplies?.[0]).toMatchObject({
      replyId: 'reply_00000000000000bb',
      platformPostId: '901_777',
    });
  });

  it('an expired token fails at once: no retry, the reason on the reply and in the history, and a later send may try again', async () => {
    replay.on((r) => r.path === path, {
      status: 401,
      json: {
        error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190 },
      },
    });
    const api = replyApi(replay.url);
    await api.seed(approvedCase(), comment);

    const answer = await api.call('POST /cases/{id}/replies/{replyId}/send', OLE, { ...send, requestId: 'req-1' });

    const reason =
      'facebook: POST /{id}/comments answered 401: Error validating access token: Session has expired (the token in the facebook secret is expired, revoked or lacks the permission to reply; renew it, then send again)';
    expect(answer).toEqual({
      status: 502,
      body: {
        message: `the reply was not posted: ${reason}`,
        reply: { id: 'reply_00000000000000bb', state: 'failed', error: reason, attempts: 1 },
      },
    });
    expect(replay.requests).toHaveLength(1);
    expect(api.invalidated).toEqual(['meta']);
    const stored = await api.cases.get(approvedCase().id);
    expect(stored?.history?.at(-1)).toMatchObject({ action: 'fail-reply', detail: { error: reason } });
    expect(stored?.state).toBe('new');

    // A renewed token: the same reply is sent.
    replay.reset();
    replay.on((r) => r.path === path, { json: { id: '901_778' } });
    const again = await api.call('POST /cases/{id}/replies/{replyId}/send', OLE, { ...send, requestId: 'req-2' });
    expect(again.body.reply).toMatchObject({ state: 'sent', platformPostId: '901_778', attempts: 2 });
  });

  it('a platform that keeps failing is given up within the budget, with what the platform asked', async () => {
    replay.on((r) => r.path === path, { status: 503, json: { error: { message: 'Service temporarily unavailable' } } });
    const api = replyApi(replay.url);
    await api.seed(approvedCase(), comment);

    const answer = await api.call('POST /cases/{id}/replies/{replyId}/send', OLE, send);

    expect(answer.status).toBe(502);
    expect((answer.body.reply as { error: string }).error).toMatch(
      /^facebook: POST \/\{id\}\/comments answered 503: Service temporarily unavailable \(gave up after \d attempt\(s\); send again later\)$/,
    );
    expect(replay.requests.length).toBeGreaterThanOrEqual(2);
  });
});
