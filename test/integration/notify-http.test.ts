import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  postJsonWithRetry,
  WebhookDeliveryError,
  type PostJsonOptions,
} from '../../shared/adapters/notify/http-retry.ts';
import { registrySenders } from '../../shared/adapters/notify/senders.ts';
import { WebhookUrls } from '../../shared/adapters/notify/webhook-urls.ts';
import { notifyDepartment } from '../../shared/domain/notify-department.ts';
import { fixedClock, InMemoryNotificationClaims } from '../fakes/in-memory.ts';
import { notificationFactory } from '../factories/notification.ts';
import { ReplayServer } from '../support/replay-server.ts';

/**
 * Slack and Teams webhooks against a local recording server on port 0: what they would
 * receive, and how 429, 5xx and 4xx answers are retried or not. Waits run on a virtual
 * clock, so a Retry-After of seconds costs no real time.
 */

const SLACK_PATH = '/services/T0DEMO/B0DEMO/s3cr3tWebhookPath';
const TEAMS_PATH = '/workflows/abc/triggers/manual/paths/invoke';
const server = new ReplayServer();

function virtualTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

function urls(base: string) {
  const secrets: Record<string, unknown> = {
    'backchannel/demo/slack': { channels: { '#kundenservice': `${base}${SLACK_PATH}` } },
    'backchannel/demo/teams-service': `${base}${TEAMS_PATH}`,
  };
  return new WebhookUrls({ secretFor: async (name: string) => secrets[name] });
}

/** The registered senders (slack, teams) posting to the recording server; no e-mail here. */
function webhookNotifier(base: string, http: Omit<PostJsonOptions, 'target'>) {
  return registrySenders({
    companyId: 'demo',
    companyName: 'Radwerk Hansen',
    urls: urls(base),
    mail: { send: async () => expect.fail('no e-mail in these tests') },
    http,
  }).notifier;
}

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => server.reset());

describe('Slack incoming webhook', () => {
  it('receives the notification as text and blocks, with the mention escaped and a case button', async () => {
    // Arrange
    server.on((r) => r.path === SLACK_PATH, { status: 200 });
    const slack = webhookNotifier(server.url, virtualTime());

    // Act
    await slack.send(notificationFactory(), { type: 'slack', channel: '#kundenservice' });

    // Assess
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toContain('application/json');
    const body = JSON.parse(request?.body ?? '') as {
      text: string;
      blocks: { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { url?: string }[] }[];
    };
    expect(body.text).toContain('New complaint case for Kundenservice');
    const texts = JSON.stringify(body.blocks);
    expect(texts).toContain('Mein Stadtflitzer ist kaputt &lt;und&gt; keiner antwortet &amp; niemand hilft');
    expect(texts).toContain(
      '<https://www.facebook.com/104729381726354/posts/901097836652708?comment_id=903438993085259|Erika Mustermann (@erika) on facebook>',
    );
    expect(texts).toContain('*Sentiment*\\nnegative');
    expect(texts).toContain('*Urgency*\\n45%');
    expect(texts).toContain('• category complaint is owned by service');
    expect(body.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ url: 'https://cases.radwerk-hansen.example/cases/case_0123456789abcdef0123' }],
    });
  });
});

describe('Teams workflow webhook', () => {
  it('receives an Adaptive Card 1.4 in a message envelope that @-mentions people with an e-mail', async () => {
    // Arrange
    server.on((r) => r.path === TEAMS_PATH, { status: 202 });
    const teams = webhookNotifier(server.url, virtualTime());
    const notification = notificationFactory({
      people: [{ name: 'Aylin Demir', email: 'aylin.demir@radwerk-hansen.example', role: 'lead' }],
    });

    // Act
    await teams.send(notification, { type: 'teams', secretName: 'backchannel/demo/teams-service' });

    // Assess
    const body = JSON.parse(server.requests[0]?.body ?? '') as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> }[];
    };
    expect(body.type).toBe('message');
    expect(body.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]?.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      actions: [
        { type: 'Action.OpenUrl', url: 'https://cases.radwerk-hansen.example/cases/case_0123456789abcdef0123' },
        { type: 'Action.OpenUrl', title: 'Open on facebook' },
      ],
      msteams: {
        entities: [
          {
            type: 'mention',
            text: '<at>Aylin Demir</at>',
            mentioned: { id: 'aylin.demir@radwerk-hansen.example', name: 'Aylin Demir' },
          },
        ],
      },
    });
    expect(JSON.stringify(body)).toContain('{"title":"Urgency","value":"45%"}');
  });
});

describe('postJsonWithRetry', () => {
  it('waits out a 429 with Retry-After and delivers once', async () => {
    // Arrange
    server.on((r) => r.path === SLACK_PATH, { status: 429, headers: { 'retry-after': '2' } }, { status: 200 });
    const time = virtualTime();

    // Act
    const result = await postJsonWithRetry(
      `${server.url}${SLACK_PATH}`,
      { text: 'hello' },
      { target: 'slack #kundenservice', ...time },
    );

    // Assess
    expect(result).toEqual({ status: 200, attempts: 2 });
    expect(server.requests).toHaveLength(2);
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(2000);
  });

  it('caps a long Retry-After', async () => {
    // Arrange
    server.on((r) => r.path === SLACK_PATH, { status: 429, headers: { 'retry-after': '3600' } }, { status: 200 });
    const time = virtualTime();

    // Act
    await postJsonWithRetry(
      `${server.url}${SLACK_PATH}`,
      { text: 'hello' },
      { target: 'slack #kundenservice', maxRetryAfterMs: 3000, baseMs: 100, ...time },
    );

    // Assess
    expect(time.sleeps).toEqual([3050]);
  });

  it('gives up on repeated 500s when the budget is spent, naming the target but not the URL', async () => {
    // Arrange
    server.on((r) => r.path === SLACK_PATH, { status: 500 });
    const time = virtualTime();

    // Act
    const run = postJsonWithRetry(
      `${server.url}${SLACK_PATH}`,
      { text: 'hello' },
      { target: 'slack #kundenservice', budgetMs: 2000, baseMs: 400, maxAttempts: 10, ...time },
    );

    // Assess
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({ details: { status: 500, transient: true } });
    expect((error as Error).message).toMatch(
      /^slack #kundenservice: answered 500 \(gave up after \d attempt\(s\) within 2000 ms\)$/,
    );
    expect((error as Error).message).not.toContain('s3cr3t');
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(2000);
    expect(server.requests.length).toBeGreaterThan(1);
  });

  it('fails at once on a 400, without retrying and without the URL', async () => {
    // Arrange
    server.on((r) => r.path === SLACK_PATH, { status: 400 });
    const time = virtualTime();

    // Act
    const error = await postJsonWithRetry(
      `${server.url}${SLACK_PATH}`,
      { text: '' },
      { target: 'slack #kundenservice', ...time },
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({
      name: 'WebhookDeliveryError',
      message: 'slack #kundenservice: answered 400',
      details: { status: 400, transient: false, attempts: 1 },
    });
    expect(server.requests).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it('reports a refused connection as transient, without the URL', async () => {
    // Act
    const error = await postJsonWithRetry(
      `http://127.0.0.1:9${SLACK_PATH}`,
      {},
      { target: 'slack #kundenservice', maxAttempts: 2, ...virtualTime() },
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ details: { transient: true, attempts: 2 } });
    expect((error as Error).message).toMatch(/^slack #kundenservice: could not be sent/);
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});

describe('notifyDepartment over the webhooks', () => {
  it('delivers to Slack and Teams once, and after a Teams outage sends only Teams on redelivery', async () => {
    // Arrange
    server.on((r) => r.path === SLACK_PATH, { status: 200 });
    server.on((r) => r.path === TEAMS_PATH, { status: 503 });
    const time = virtualTime();
    const notifier = webhookNotifier(server.url, { ...time, maxAttempts: 2 });
    const deps = {
      notifier,
      log: new InMemoryNotificationClaims(),
      clock: fixedClock('2026-11-30T09:00:05.000Z'),
      expiresAt: 1_800_000_000,
    };
    const targets = [
      { type: 'slack', channel: '#kundenservice' },
      { type: 'teams', secretName: 'backchannel/demo/teams-service' },
    ] as const;
    await expect(notifyDepartment(notificationFactory(), targets, deps)).rejects.toThrow(
      /teams:backchannel\/demo\/teams-service \(teams backchannel\/demo\/teams-service: answered 503/,
    );
    server.on((r) => r.path === TEAMS_PATH, { status: 202 });
    server.requests.length = 0;

    // Act
    const outcome = await notifyDepartment(notificationFactory(), targets, deps);

    // Assess
    expect(server.requests.map((r) => r.path)).toEqual([TEAMS_PATH]);
    expect(outcome.skipped).toEqual(['mention:facebook:1_2#service/slack:#kundenservice']);
  });
});
