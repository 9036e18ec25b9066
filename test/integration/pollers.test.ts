import { vi } from 'vitest';

// No EMF lines from the shared metrics in test output.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler as createBlueskyHandler } from '../../functions/poll-bluesky/handler.ts';
import { createHandler as createMastodonHandler } from '../../functions/poll-mastodon/handler.ts';
import { createHandler as createYouTubeHandler } from '../../functions/poll-youtube/handler.ts';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startSqs,
  type LocalBackend,
} from '../../infra/local/backends.ts';
import { startJsonEndpoint, type JsonEndpoint } from '../../infra/local/json-endpoint.ts';
import { startRuntime } from '../../infra/local/runtime.ts';
import { getSecretValueOperation } from '../../infra/local/secrets.ts';
import { buildTopology, type Topology } from '../../infra/topology.ts';
import { DynamoCursorRepository } from '../../shared/adapters/dynamodb/cursor-repository.ts';
import { storedMentionOf } from '../../shared/adapters/dynamodb/mention-repository.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { MentionSchema, type Mention } from '../../shared/domain/mention.ts';
import { PollRunError } from '../../shared/pollers/run-pollers.ts';
import { contextFactory } from '../factories/lambda.ts';
import { configWithPollers, DEMO_BLUESKY_DID, DEMO_CHANNEL_ID } from '../factories/pollers.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { startLocalTable } from '../support/local-table.ts';
import { ReplayServer } from '../support/replay-server.ts';

const SECRETS = {
  'backchannel/demo/youtube': JSON.stringify({ apiKey: 'test-youtube-api-key' }),
  'backchannel/demo/mastodon': JSON.stringify({ accessToken: 'test-mastodon-token' }),
  'backchannel/demo/bluesky': JSON.stringify({ appPassword: 'test-app-pass-word' }),
};
const event = (platform: string) => ({ poll: platform, scheduledTime: '2025-11-28T11:00:00Z' });

describe('pollers against a replayed platform API, dynalite and local SQS', () => {
  const api = new ReplayServer();
  let config: CompanyConfig;
  let topology: Topology;
  let table: Awaited<ReturnType<typeof startLocalTable>>;
  let sqsBackend: LocalBackend;
  let sqs: SQSClient;
  let secrets: JsonEndpoint;
  let cursors: DynamoCursorRepository;
  let queueUrl: string;
  let queues = 0;

  beforeAll(async () => {
    config = configWithPollers(await api.start());
    topology = buildTopology(config);
    table = await startLocalTable(topology.table);
    cursors = new DynamoCursorRepository(table.documents, topology.table.name);
    sqsBackend = await startSqs({ port: 0 });
    sqs = new SQSClient({ region: LOCAL_REGION, endpoint: sqsBackend.endpoint, credentials: LOCAL_CREDENTIALS });
    secrets = await startJsonEndpoint({
      operations: {
        'secretsmanager.GetSecretValue': getSecretValueOperation({
          specs: topology.secrets,
          values: SECRETS,
          region: LOCAL_REGION,
          accountId: LOCAL_ACCOUNT_ID,
        }),
      },
    });
  });

  afterAll(async () => {
    sqs?.destroy();
    await Promise.all([api.stop(), table?.backend.stop(), sqsBackend?.stop(), secrets?.stop()]);
  });

  beforeEach(async () => {
    api.reset();
    // A queue per test, so each test sees only its own messages.
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `bc-demo-intake-${++queues}` }))).QueueUrl as string;
  });

  /** The function environment the topology gives a poller, resolved against the local backends. */
  const envOf = (platform: string) => ({
    ...table.env,
    COMPANY_CONFIG: JSON.stringify(config),
    INTAKE_QUEUE_URL: queueUrl,
    POLLER_SECRET_NAME: `backchannel/demo/${platform}`,
    AWS_ENDPOINT_URL_SQS: sqsBackend.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  });

  const enqueued = async (): Promise<Mention[]> => {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) return messages.map((m) => MentionSchema.parse(JSON.parse(m.Body ?? '')));
      messages.push(...Messages);
    }
  };

  describe('poll-youtube', () => {
    const listing = (r: { path: string }) => r.path === '/youtube/v3/commentThreads';

    it("follows the channel's comment-thread pages down to the stored cursor and enqueues valid Mentions", async () => {
      // Arrange
      await cursors.put('youtube', DEMO_CHANNEL_ID, {
        newest: { at: '2025-11-27T12:00:00.000Z', ids: [] },
        updatedAt: '2025-11-27T12:00:00.000Z',
      });
      api.on((r) => listing(r) && !r.query.has('pageToken'), { fixture: 'youtube/comment-threads-page-1.json' });
      api.on((r) => listing(r) && r.query.get('pageToken') === 'QURTSl9pMlQ2Y0xLcjFwM2V0ZWk0N3RfY0FBWE15ZnZf', {
        fixture: 'youtube/comment-threads-page-2.json',
      });

      // Act
      const run = await createYouTubeHandler(envOf('youtube'))(event('youtube'), contextFactory());

      // Assess
      expect(api.requests).toHaveLength(2);
      const [first] = api.requests;
      expect(Object.fromEntries(first?.query ?? [])).toEqual({
        part: 'snippet,replies',
        allThreadsRelatedToChannelId: DEMO_CHANNEL_ID,
        maxResults: '100',
        order: 'time',
        textFormat: 'plainText',
      });
      expect(first?.headers['x-goog-api-key']).toBe('test-youtube-api-key');
      const mentions = await enqueued();
      expect(mentions.map((m) => [m.externalId, m.isOwnAccount]).sort()).toEqual([
        ['UgwC5pQ1rT7yU3iO9kL4AaABAg', false],
        ['UgxB3nL8sW2eD6fG0hJ4AaABAg', false],
        ['UgzA7mK2pX9qR4tY1vB4AaABAg', false],
        ['UgzA7mK2pX9qR4tY1vB4AaABAg.AB12cd34EF5', true],
      ]);
      expect(run.outcomes[0]).toMatchObject({ stoppedBy: 'caught-up', pages: 2, enqueued: 4 });
      expect(await cursors.get('youtube', DEMO_CHANNEL_ID)).toEqual({
        newest: { at: '2025-11-28T10:15:00.000Z', ids: ['UgzA7mK2pX9qR4tY1vB4AaABAg'] },
        updatedAt: expect.any(String),
      });
    });

    it('reads one page and enqueues nothing when nothing is new since the stored cursor', async () => {
      // Arrange
      await cursors.put('youtube', DEMO_CHANNEL_ID, {
        newest: { at: '2025-11-28T10:15:00.000Z', ids: ['UgzA7mK2pX9qR4tY1vB4AaABAg'] },
        updatedAt: '2025-11-28T10:20:00.000Z',
      });
      api.on(listing, { fixture: 'youtube/comment-threads-page-1.json' });

      // Act
      const run = await createYouTubeHandler(envOf('youtube'))(event('youtube'), contextFactory());

      // Assess
      expect(api.requests).toHaveLength(1);
      expect(run.outcomes[0]).toMatchObject({ stoppedBy: 'caught-up', pages: 1, enqueued: 0 });
      expect(await enqueued()).toEqual([]);
    });
  });

  describe('poll-mastodon', () => {
    const notifications = (r: { path: string }) => r.path === '/mastodon/api/v1/notifications';

    it('backs off on a 429 with Retry-After and on a 500, then pages until an empty page', async () => {
      // Arrange
      const source = `${new URL(api.url).host}#109999000000000001`;
      await cursors.put('mastodon', source, {
        newest: { at: '2022-08-30T00:00:00.000Z', ids: [] },
        updatedAt: '2022-08-30T00:00:00.000Z',
      });
      api.on(
        (r) => notifications(r) && !r.query.has('max_id'),
        { status: 429, headers: { 'retry-after': '1' }, json: { error: 'Too many requests' } },
        { status: 500, json: { error: 'Internal server error' } },
        { fixture: 'mastodon/notifications-page-1.json' },
      );
      api.on((r) => notifications(r) && r.query.get('max_id') === '68739250', {
        fixture: 'mastodon/notifications-page-2.json',
      });
      api.on((r) => notifications(r) && r.query.get('max_id') === '68739215', { json: [] });

      // Act
      const run = await createMastodonHandler(envOf('mastodon'))(event('mastodon'), contextFactory());

      // Assess
      expect(
        api.requests.map((r) => [r.query.getAll('types[]'), r.query.get('max_id'), r.headers.authorization]),
      ).toEqual([
        [['mention'], null, 'Bearer test-mastodon-token'],
        [['mention'], null, 'Bearer test-mastodon-token'],
        [['mention'], null, 'Bearer test-mastodon-token'],
        [['mention'], '68739250', 'Bearer test-mastodon-token'],
        [['mention'], '68739215', 'Bearer test-mastodon-token'],
      ]);
      expect(run.outcomes[0]).toMatchObject({
        stoppedBy: 'caught-up',
        pages: 3,
        retries: 2,
        enqueued: 3,
        ignored: { 'notification type "favourite" is not a mention': 1 },
      });
      const mentions = await enqueued();
      expect(mentions.map((m) => m.externalId).sort()).toEqual([
        '108914343542683797',
        '108917500000000003',
        '108918000000000002',
      ]);
      expect((await cursors.get('mastodon', source))?.newest).toEqual({
        at: '2022-08-31T08:12:40.512Z',
        ids: ['68739310'],
      });
    });

    it('fails with a clear error on a bad token, enqueues nothing and leaves the cursor where it was', async () => {
      // Arrange
      const source = `${new URL(api.url).host}#109999000000000001`;
      const stored = { newest: { at: '2022-08-29T00:00:00.000Z', ids: [] }, updatedAt: '2022-08-29T00:00:00.000Z' };
      await cursors.put('mastodon', source, stored);
      api.on(notifications, { status: 401, fixture: 'mastodon/error-invalid-token.json' });

      // Act
      const run = createMastodonHandler(envOf('mastodon'))(event('mastodon'), contextFactory());

      // Assess
      await expect(run).rejects.toBeInstanceOf(PollRunError);
      await expect(run).rejects.toThrow(
        'mastodon: GET /api/v1/notifications answered 401: The access token is invalid',
      );
      await expect(run).rejects.not.toThrow('test-mastodon-token');
      expect(api.requests).toHaveLength(1);
      expect(await cursors.get('mastodon', source)).toEqual(stored);
      expect(await enqueued()).toEqual([]);
    });
  });

  describe('poll-bluesky', () => {
    it('signs in, resumes a stopped sweep from its stored page cursor, renews an expired session and completes the sweep', async () => {
      // Arrange
      const top = {
        at: '2025-11-28T11:20:04.101Z',
        ids: ['at://did:plc:mia7velo2k4xq9z3lwe8rt5d/app.bsky.feed.post/3lbyrep1ly2x'],
      };
      await cursors.put('bluesky', 'radwerkhansen.bsky.social', {
        newest: { at: '2025-11-27T00:00:00.000Z', ids: [] },
        sweep: { pageToken: '2025-11-28T09:41:10.654Z', top },
        updatedAt: '2025-11-28T11:30:00.000Z',
      });
      api.on((r) => r.path === '/bsky/xrpc/com.atproto.server.createSession', {
        fixture: 'bluesky/create-session.json',
      });
      api.on(
        (r) =>
          r.path === '/bsky/xrpc/app.bsky.notification.listNotifications' &&
          r.query.get('cursor') === '2025-11-28T09:41:10.654Z',
        { status: 400, fixture: 'bluesky/error-expired-token.json' },
        { fixture: 'bluesky/list-notifications-page-2.json' },
      );
      api.on(
        (r) =>
          r.path === '/bsky/xrpc/app.bsky.notification.listNotifications' &&
          r.query.get('cursor') === '2025-11-27T16:12:01.222Z',
        {
          fixture: 'bluesky/list-notifications-empty.json',
        },
      );

      // Act
      const run = await createBlueskyHandler(envOf('bluesky'))(event('bluesky'), contextFactory());

      // Assess
      const sessions = api.requests.filter((r) => r.path.endsWith('createSession'));
      expect(sessions.map((r) => JSON.parse(r.body))).toEqual([
        { identifier: 'radwerkhansen.bsky.social', password: 'test-app-pass-word' },
        { identifier: 'radwerkhansen.bsky.social', password: 'test-app-pass-word' },
      ]);
      const lists = api.requests.filter((r) => r.path.endsWith('listNotifications'));
      expect(lists[0]?.query.getAll('reasons')).toEqual(['mention', 'reply', 'quote']);
      expect(lists[0]?.headers.authorization).toMatch(/^Bearer eyJ/);
      const mentions = await enqueued();
      expect(mentions).toEqual([
        expect.objectContaining({
          rawType: 'bluesky.notification.quote',
          accountId: DEMO_BLUESKY_DID,
          isOwnAccount: false,
        }),
      ]);
      expect(run.outcomes[0]).toMatchObject({ stoppedBy: 'caught-up', pages: 2, enqueued: 1 });
      expect(await cursors.get('bluesky', 'radwerkhansen.bsky.social')).toEqual({
        newest: top,
        updatedAt: expect.any(String),
      });
    });
  });
});

describe('a poller on the local runtime', () => {
  // Its timeout holds a runtime start, an idle wait (IDLE_TIMEOUT_MS) and 30 s.
  it('runs poll-mastodon from its schedule and the mention goes through classification into the table', async () => {
    // Arrange
    const api = new ReplayServer();
    const config = configWithPollers(await api.start());
    api.on((r) => r.path === '/mastodon/api/v1/notifications', { json: [] });
    api.on((r) => r.path === '/mastodon/api/v1/notifications' && !r.query.has('max_id'), {
      fixture: 'mastodon/notifications-page-2.json',
    });
    const runtime = await startRuntime({
      config: { ...config, platforms: { ...config.platforms, youtube: undefined, bluesky: undefined } },
      port: 0,
      startScheduler: false,
      secrets: SECRETS,
      log: () => {},
    });
    try {
      const documents = await startLocalTableClient(runtime.endpoints.dynamodb);
      await new DynamoCursorRepository(documents, runtime.tableName).put(
        'mastodon',
        `${new URL(api.url).host}#109999000000000001`,
        {
          newest: { at: '2022-08-30T00:00:00.000Z', ids: [] },
          updatedAt: '2022-08-30T00:00:00.000Z',
        },
      );

      // Act
      const run = await runtime.fireSchedule('poll-mastodon');
      await runtime.waitForIdle(IDLE_TIMEOUT_MS);

      // Assess
      expect(run).toMatchObject({ outcomes: [{ stoppedBy: 'caught-up', enqueued: 1 }] });
      const stored = await documents.send(
        new GetCommand({
          TableName: runtime.tableName,
          Key: { PK: 'MENTION#mastodon:108914343542683797', SK: 'MENTION' },
        }),
      );
      expect(storedMentionOf(stored.Item ?? {}).mention).toMatchObject({
        platform: 'mastodon',
        kind: 'mention',
        text: '@trwnh test',
      });
    } finally {
      await runtime.stop();
      await api.stop();
    }
  }, 75_000);
});

/** A document client on the runtime's dynalite. */
async function startLocalTableClient(endpoint: string) {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS }),
  );
}
