/**
 * Finding 5 of issue 10, the ingest side: fuzzed mentions over DynamoDB's key sizes or
 * EventBridge's 256 KB ended in DLQs. A mention that could never be stored or published is
 * now refused at ingest (400, or ignored with its reason beside valid items) or cut with a
 * recorded reason (`truncated`), never enqueued to fail on every retry.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/adapters/sqs-intake-queue.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { DETAIL_TYPES, EVENT_SOURCE, MentionRoutedSchema, type MentionRouted } from '../../shared/domain/events.ts';
import { MentionSchema, mentionId, type Mention } from '../../shared/domain/mention.ts';
import { jsonBytes, limitMention, MENTION_LIMITS, OVER_LIMIT, utf8Bytes } from '../../shared/domain/mention-limits.ts';
import { deliveryKey } from '../../shared/domain/notification.ts';
import { receiveWebhook, type ReceiveWebhookDeps } from '../../shared/domain/receive-webhook.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { genericAdapter, signGenericBody } from '../../shared/platforms/generic.ts';
import { deletionOf, finishMention, type MentionFields } from '../../shared/platforms/normalize.ts';
import { platformRegistry } from '../../shared/platforms/registry.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';
import { RecordingQueue } from './webhook-support.ts';

const config = demoConfig();
const NOW = new Date('2026-11-28T09:15:02.000Z');

/** DynamoDB's key limits and EventBridge's event limit. */
const PARTITION_KEY_BYTES = 2048;
const SORT_KEY_BYTES = 1024;
const EVENT_BYTES = 256 * 1024;

/** Every key a mention's values go into, with the departments and targets of the demo company. */
function keysOf(mention: Mention): { partition: string[]; sort: string[] } {
  const caseId = 'case_0123456789abcdef0123';
  const partition = [keys.mention(mention.id).PK];
  const sort: string[] = [];
  for (const department of config.departments) {
    sort.push(keys.caseMention(caseId, mention.createdAt, mention.id, department.id).SK);
    sort.push(keys.caseNote(caseId, mention.receivedAt, 'mention-deleted', mention.id).SK);
    for (const target of department.notify ?? []) {
      sort.push(
        keys.notification(caseId, deliveryKey({ id: `mention:${mention.id}`, department: department.id }, target)).SK,
      );
      sort.push(
        keys.notification(caseId, deliveryKey({ id: `key-account:${mention.id}`, department: department.id }, target))
          .SK,
      );
    }
  }
  return { partition, sort };
}

/** A `Mention Routed` detail of the mention with a generous classification, as classify-mention publishes it. */
function routedOf(mention: Mention): MentionRouted {
  return MentionRoutedSchema.parse({
    companyId: config.company.id,
    mentionId: mention.id,
    caseId: 'case_0123456789abcdef0123',
    department: 'legal',
    role: 'primary',
    platform: mention.platform,
    category: 'legal_risk',
    sentiment: 'negative',
    priority: 'high',
    urgency: 1,
    language: mention.language ?? 'de',
    authorId: mention.author.id,
    ...(mention.author.name !== undefined ? { authorName: mention.author.name } : {}),
    ...(mention.author.handle !== undefined ? { authorHandle: mention.author.handle } : {}),
    ...(mention.url !== undefined ? { url: mention.url } : {}),
    text: mention.text,
    createdAt: mention.createdAt,
    routedAt: NOW.toISOString(),
    reasons: Array.from({ length: 40 }, (_, i) => `reason ${i}: ${'w'.repeat(300)}`),
    tags: Array.from({ length: 20 }, (_, i) => `tag-${i}`),
    requireApproval: true,
    matchedRules: Array.from({ length: 20 }, (_, i) => `rule-${i}`),
    keyAccounts: Array.from({ length: 10 }, (_, i) => ({
      id: `ka-${i}`,
      name: `Account ${i}`,
      owner: { name: 'Owner', email: 'owner@example.com' },
    })),
  });
}

/** PutEvents counts Source, DetailType, Detail (and Time, Resources) in UTF-8. */
function eventEntryBytes(detail: MentionRouted): number {
  return utf8Bytes(EVENT_SOURCE) + utf8Bytes(DETAIL_TYPES.mentionRouted) + jsonBytes(detail) + 14;
}

/** Strings of any size up to `max` code points: short fuzz, and long runs of costly characters. */
function sized(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
    fc
      .tuple(fc.constantFrom('a', 'ä', '€', '😀', '\u0001', '"', ' '), fc.integer({ min: 1, max }))
      .map(([c, n]) => c.repeat(n)),
  );
}

const fieldsArbitrary: fc.Arbitrary<MentionFields> = fc.record(
  {
    platform: fc.constantFrom('x', 'facebook', 'linkedin', 'youtube', 'generic' as const),
    kind: fc.constantFrom('comment', 'mention', 'post' as const),
    externalId: sized(1200),
    threadId: sized(1500),
    accountId: sized(1500),
    author: fc.record({ id: sized(1500), name: sized(3000), handle: sized(3000) }, { requiredKeys: ['id'] }),
    text: sized(120_000),
    language: fc.oneof(
      fc.constantFrom('de', 'en'),
      sized(100).filter((s) => s.length >= 2),
    ),
    isOwnAccount: fc.boolean(),
    rawType: sized(600),
    createdAt: fc.constant('2026-11-28T09:14:00.000Z'),
    url: fc.oneof(
      fc.constant('https://x.com/i/web/status/1'),
      sized(5000).map((s) => `https://example.com/${encodeURIComponent(s)}`),
    ),
  },
  {
    requiredKeys: [
      'platform',
      'kind',
      'externalId',
      'threadId',
      'accountId',
      'author',
      'text',
      'isOwnAccount',
      'rawType',
      'createdAt',
    ],
  },
) as fc.Arbitrary<MentionFields>;

describe('every mention ingest accepts fits the keys and the event (property)', () => {
  it('keeps keys, the queue message and the Mention Routed event within their limits, or refuses the mention naming the field', () => {
    fc.assert(
      fc.property(fieldsArbitrary, (fields) => {
        // Act
        const outcome = finishMention(fields, NOW);

        // Assess
        if ('ignored' in outcome) {
          expect(outcome.ignored.reason).toMatch(/not a valid mention|over the limit of \d+ bytes/);
          return;
        }
        const { mention } = outcome;
        expect(MentionSchema.safeParse(mention).success).toBe(true);
        const { partition, sort } = keysOf(mention);
        for (const key of partition) expect(utf8Bytes(key)).toBeLessThanOrEqual(PARTITION_KEY_BYTES);
        for (const key of sort) expect(utf8Bytes(key)).toBeLessThanOrEqual(SORT_KEY_BYTES);
        expect(jsonBytes(mention)).toBeLessThanOrEqual(MENTION_LIMITS.mentionJsonBytes);
        expect(jsonBytes(mention)).toBeLessThanOrEqual(SQS_MAX_MESSAGE_BYTES);
        expect(eventEntryBytes(routedOf(mention))).toBeLessThanOrEqual(EVENT_BYTES);
      }),
      { numRuns: 300 },
    );
  });
});

describe('limitMention', () => {
  const base: Mention = {
    id: 'generic:trustpilot:1',
    platform: 'generic',
    kind: 'review',
    externalId: 'trustpilot:1',
    threadId: 'trustpilot:1',
    accountId: 'trustpilot',
    source: 'trustpilot',
    author: { id: 'a1', name: 'Kim' },
    text: 'Kurz und gut.',
    isOwnAccount: false,
    rawType: 'generic.trustpilot',
    createdAt: '2026-11-28T09:14:00.000Z',
    receivedAt: NOW.toISOString(),
  };

  it('keeps a mention within the limits as it is', () => {
    // Act
    const outcome = limitMention(base);

    // Assess
    expect(outcome).toEqual({ mention: base });
  });

  it('cuts a text over 64 KiB of JSON, marks the cut and records the original length', () => {
    // Arrange
    const text = '\u0001'.repeat(50_000);

    // Act
    const outcome = limitMention({ ...base, text });

    // Assess
    if (!('mention' in outcome)) throw new Error(outcome.rejected);
    expect(jsonBytes(outcome.mention.text)).toBeLessThanOrEqual(MENTION_LIMITS.textJsonBytes);
    expect(outcome.mention.text.endsWith(' […]')).toBe(true);
    expect(outcome.mention.truncated).toEqual({ text: 50_000 });
  });

  it('refuses an external id over 512 bytes, naming the field and its size, not its value', () => {
    // Arrange
    const externalId = `trustpilot:${'😀'.repeat(200)}`;

    // Act
    const outcome = limitMention({ ...base, externalId, id: mentionId('generic', externalId) });

    // Assess
    expect(outcome).toEqual({
      rejected: 'externalId of 811 bytes is over the limit of 512 bytes, so the mention could never be stored',
      field: 'externalId',
    });
  });

  it('makes no deletion notice of an id that could never be a key', () => {
    // Act
    const deletion = deletionOf(
      { platform: 'x', externalId: '1'.repeat(600), deletedAt: NOW.toISOString(), rawType: 'tweet_delete_events' },
      NOW,
    );

    // Assess
    expect(deletion).toBeUndefined();
  });

  it('drops a url over 2048 bytes rather than cutting it, and records that', () => {
    // Act
    const outcome = limitMention({ ...base, url: `https://example.com/${'a'.repeat(3000)}` });

    // Assess
    expect(outcome).toEqual({ mention: expect.not.objectContaining({ url: expect.anything() }) });
    expect('mention' in outcome && outcome.mention.truncated).toEqual({ url: 3020 });
  });
});

describe('receiveWebhook with mentions over the limits', () => {
  const secret = { signingSecret: 'test-generic-signing-secret' };
  const review = (id: string) => ({
    id,
    author: { id: 'a1' },
    text: 'Lieferung kam nie an.',
    createdAt: '2026-11-28T09:14:00.000Z',
  });

  function send(body: unknown) {
    const queue = new RecordingQueue();
    const text = JSON.stringify(body);
    const deps: ReceiveWebhookDeps<CompanyConfig> = {
      registry: platformRegistry,
      secrets: { secretFor: async () => secret },
      queue,
      clock: fixedClock(NOW.toISOString()),
      config,
      maxBodyBytes: 1024 * 1024,
    };
    const request = {
      method: 'POST',
      headers: genericAdapter.sign(text, secret, { now: NOW, params: { source: 'trustpilot' } }),
      query: {},
      body: Buffer.from(text, 'utf8'),
      params: { source: 'trustpilot' },
    };
    return { queue, result: receiveWebhook({ platformId: 'generic', request }, deps) };
  }

  it('refuses with 400 a body whose only mention has an id too long to store, and enqueues nothing', async () => {
    // Act
    const { queue, result } = send(review('😀'.repeat(200)));

    // Assess
    await expect(result).rejects.toThrow(ValidationError);
    await expect(result).rejects.toMatchObject({
      issues: [expect.stringContaining('externalId of 811 bytes is over the limit of 512 bytes')],
    });
    expect(queue.enqueued).toEqual([]);
  });

  it('enqueues the valid mentions of a batch and ignores the one over the limits with its reason', async () => {
    // Act
    const { queue, result } = send([review('ok-1'), review('😀'.repeat(200)), review('ok-2')]);

    // Assess
    const outcome = await result;
    expect(outcome.response.statusCode).toBe(200);
    expect(queue.enqueued.map((m) => m.id)).toEqual(['generic:trustpilot:ok-1', 'generic:trustpilot:ok-2']);
    expect(outcome.ignored).toEqual([
      expect.objectContaining({ [OVER_LIMIT]: 'externalId', reason: expect.stringContaining('over the limit') }),
    ]);
  });
});

describe('mentions over the limits against npm start', () => {
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

  const post = (body: string) => {
    const { signingSecret } = JSON.parse(runtime.secrets[platformSecretName(config, 'generic')] as string) as {
      signingSecret: string;
    };
    return fetch(`${runtime.url}/webhooks/generic/trustpilot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signGenericBody(body, signingSecret, new Date()) },
      body,
    });
  };

  it('stores a mention whose text would make a 300 KB event, cut and marked, with its case, and leaves every DLQ empty', async () => {
    // Arrange
    const text = `Rückruf! ${'\u0001'.repeat(49_000)}`;
    const body = JSON.stringify({ id: 'huge-1', author: { id: 'a1' }, text, createdAt: new Date().toISOString() });

    // Act
    const response = await post(body);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(response.status).toBe(200);
    const stored = await new DynamoMentionRepository(
      createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
      runtime.tableName,
    ).get('generic:trustpilot:huge-1');
    expect(stored?.mention.truncated).toEqual({ text: text.length });
    expect(stored?.caseId).toEqual(expect.any(String));
    expect(await dlqDepths(runtime)).toEqual(Object.fromEntries(Object.keys(runtime.dlqUrls).map((id) => [id, 0])));
  });

  it('answers 400 to a mention whose id could never be a key, and leaves every DLQ empty', async () => {
    // Arrange
    const body = JSON.stringify({
      id: '😀'.repeat(200),
      author: { id: 'a1' },
      text: 'x',
      createdAt: new Date().toISOString(),
    });

    // Act
    const response = await post(body);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(response.status).toBe(400);
    expect(await dlqDepths(runtime)).toEqual(Object.fromEntries(Object.keys(runtime.dlqUrls).map((id) => [id, 0])));
  });
});

async function dlqDepths(runtime: Runtime): Promise<Record<string, number>> {
  const sqs = new SQSClient({
    region: runtime.region,
    endpoint: runtime.endpoints.sqs,
    credentials: LOCAL_CREDENTIALS,
  });
  const depths: Record<string, number> = {};
  for (const [id, url] of Object.entries(runtime.dlqUrls)) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    depths[id] =
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  sqs.destroy();
  return depths;
}
