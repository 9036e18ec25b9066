import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { MentionDeletion } from '../../shared/domain/mention-deletion.ts';
import type { Mention } from '../../shared/domain/mention.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';
import { mentionFactory } from '../factories/mention.ts';
import { HandlerPipeline } from '../support/handler-pipeline.ts';
import { storedMentionOf } from '../../shared/adapters/dynamodb/mention-repository.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

/**
 * Finding 8 of issue 10: after a platform deletion the case still held the author's name,
 * handle and URL, and the stored classification reasons quoted words of the text; there
 * was no way to erase an author on request. These tests run mentions through the real
 * handlers against dynalite, erase, and then read every item of the table.
 */

const ADMIN = { sub: 'sub-greta', email: 'greta.voss@radwerk-hansen.example', name: 'Greta Voss' };
const MEMBER = { sub: 'sub-jana', email: 'jana.krueger@radwerk-hansen.example', name: 'Jana Krüger' };

function configWithAdmin(): CompanyConfig {
  const config = demoConfig();
  return { ...config, admin: { ...config.admin, admins: [{ name: ADMIN.name, email: ADMIN.email }] } };
}

/** The author to erase: everything that identifies them, as the platform sent it. */
const HEIKE = {
  id: '7770042001',
  name: 'Heike Quastenberg',
  handle: '@heikequast',
  url: 'https://www.facebook.com/radwerkhansen/posts/311?comment_id=7770042',
  words: ['Quastomat', 'ZX-88123'],
};
const T1 = '104729381726354_311';
const T2 = '104729381726354_312';

function heikeSays(externalId: string, threadId: string, text: string, createdAt: string): Mention {
  return mentionFactory({
    externalId,
    threadId,
    text,
    createdAt,
    receivedAt: createdAt,
    author: { id: HEIKE.id, name: HEIKE.name, handle: HEIKE.handle, followers: 120 },
    url: `${HEIKE.url}&m=${externalId}`,
  });
}

function otherSays(externalId: string, threadId: string, text: string, createdAt: string): Mention {
  return mentionFactory({
    externalId,
    threadId,
    text,
    createdAt,
    receivedAt: createdAt,
    author: { id: '5550099', name: 'Olaf Beispiel' },
  });
}

const m1 = heikeSays(
  '311_9001',
  T1,
  'Mein Stadtflitzer ist kaputt, die Klingel Quastomat quietscht seit Montag. Schrecklicher Service!',
  '2026-11-28T09:00:00.000Z',
);
const m4 = otherSays(
  '312_9004',
  T2,
  'Mein E-Trekker hat schon wieder einen Platten, wer hilft?',
  '2026-11-28T09:01:00.000Z',
);
const m2 = otherSays(
  '311_9002',
  T1,
  'Bei mir genauso, der Stadtflitzer ist nach einer Woche kaputt.',
  '2026-11-28T09:02:00.000Z',
);
const m3 = heikeSays(
  '312_9003',
  T2,
  'Bei mir auch: Quastomat defekt, Rahmennummer ZX-88123, und keiner antwortet!',
  '2026-11-28T09:03:00.000Z',
);
const m5 = heikeSays(
  '311_9005',
  T1,
  'Hallo? Immer noch keine Antwort zum Quastomat. Ich will mein Geld zurück!',
  '2026-11-28T09:04:00.000Z',
);
const heikesMentions = [m1, m3, m5];

/** Every string that would give Heike away. */
const HEIKE_TRACES = [
  HEIKE.id,
  'Heike',
  'Quastenberg',
  'heikequast',
  'comment_id=7770042',
  ...HEIKE.words,
  ...heikesMentions.map((m) => m.externalId),
];

function tracesIn(items: readonly unknown[], traces: readonly string[]): string[] {
  return items.flatMap((item) => {
    const text = JSON.stringify(item);
    return traces.filter((t) => text.includes(t)).map((t) => `${t} in ${text.slice(0, 160)}`);
  });
}

describe('erasure by author (GDPR)', () => {
  let pipeline: HandlerPipeline;
  let caseOfT1: string;

  beforeAll(async () => {
    pipeline = await HandlerPipeline.start(configWithAdmin());
    await pipeline.deliver([m1, m4]);
    await pipeline.deliver([m2, m3, m5]);
    caseOfT1 = pipeline.published.published.find((e) => e.mentionId === m1.id)!.caseId;
    // A person answers her by name: the draft quotes the author on the case item.
    const draft = await pipeline.call('POST /cases/{id}/replies', {
      pathParameters: { id: caseOfT1 },
      body: { text: `Hallo ${HEIKE.name} (${HEIKE.handle}), das tut uns leid. Wir melden uns.` },
      claims: ADMIN,
      requestId: 'req-draft-1',
    });
    expect(draft.status).toBe(201);
  });

  afterAll(async () => {
    await pipeline.stop();
  });

  /** Asks, as `claims`, to erase Heike (dry unless told). */
  const eraseHeike = (claims: typeof ADMIN, options: { dryRun?: boolean } = {}) =>
    pipeline.call('POST /authors/{platform}/{authorId}/erase', {
      pathParameters: { platform: 'facebook', authorId: HEIKE.id },
      ...(options.dryRun ? { body: { dryRun: true } } : {}),
      claims,
    });

  it('stores the author in mentions, case records, the case and the outbox before erasure (the attack surface)', async () => {
    // Act
    const items = await pipeline.items();
    const lines = await pipeline.outboxLines();

    // Assess
    const found = tracesIn(items, HEIKE_TRACES);
    expect(found.some((f) => f.startsWith(HEIKE.name.split(' ')[0]!))).toBe(true);
    expect(found.some((f) => f.startsWith('Quastomat'))).toBe(true);
    expect(tracesIn(lines, [HEIKE.id]).length).toBeGreaterThan(0);
  });

  it('refuses erasure to a signed-in person who is not a company admin, with 403, erasing nothing', async () => {
    // Arrange
    const before = await pipeline.items();

    // Act
    const answer = await eraseHeike(MEMBER);

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/admin/);
    expect(await pipeline.items()).toEqual(before);
  });

  it('counts what it would erase on a dry run and changes nothing but its request record', async () => {
    // Arrange
    const before = await pipeline.items();
    const linesBefore = await pipeline.outboxLines();

    // Act
    const answer = await eraseHeike(ADMIN, { dryRun: true });
    const erasure = await pipeline.erasureOf(answer, ADMIN);

    // Assess
    expect(answer).toMatchObject({ status: 202, body: { status: 'scanning', dryRun: true } });
    expect(erasure.status).toBe(200);
    expect(erasure.body).toMatchObject({
      status: 'done',
      dryRun: true,
      erased: true,
      counts: { mentions: 3, cases: 1 },
    });
    expect(erasure.body.auditId).toBeUndefined();
    expect((await pipeline.items()).filter((i) => i.type !== 'erasure-request')).toEqual(before);
    expect(await pipeline.outboxLines()).toEqual(linesBefore);
  });

  it('refuses to show an erasure request to a signed-in person who is not a company admin, with 403', async () => {
    // Arrange
    const started = await eraseHeike(ADMIN, { dryRun: true });

    // Act
    const answer = await pipeline.erasureOf(started, MEMBER);

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/admin/);
    expect(JSON.stringify(answer.body)).not.toContain(HEIKE.id);
  });

  it('shows an admin an erasure request without the author id, and answers 404 for an unknown one', async () => {
    // Arrange
    const started = await eraseHeike(ADMIN, { dryRun: true });

    // Act
    const shown = await pipeline.erasureOf(started, ADMIN);
    const unknown = await pipeline.erasureOf({ body: { id: 'erasure_unknown' } }, ADMIN);

    // Assess
    expect(shown.body).toMatchObject({ actor: `user:${ADMIN.email}`, subject: expect.stringMatching(/^sha256:/) });
    expect(JSON.stringify(started.body)).not.toContain(HEIKE.id);
    expect(JSON.stringify(shown.body)).not.toContain(HEIKE.id);
    expect(unknown.status).toBe(404);
  });

  it('erases every trace of the author from every item and the outbox, counts each kind, and keeps the other author', async () => {
    // Arrange: what the counts must say, read from the table and the outbox before.
    const before = await pipeline.items();
    const ids = heikesMentions.map((m) => m.id);
    const expected = {
      mentions: before.filter((i) => i.type === 'mention' && ids.includes(storedMentionOf(i).mention.id)).length,
      caseMentions: before.filter(
        (i) => i.type === 'case-mention' && ids.includes((i.event as { mentionId: string }).mentionId),
      ).length,
      caseNotes: 0,
      notificationMarkers: before.filter(
        (i) =>
          (i.type === 'notification-sent' && ids.some((id) => String(i.key).includes(`:${id}#`))) ||
          (i.type === 'notification-claim' && ids.some((id) => String(i.notificationId).includes(`:${id}#`))),
      ).length,
      cases: 1,
      outboxLines: (await pipeline.outboxLines()).filter((l) => l.includes(`"authorId":"${HEIKE.id}"`)).length,
      themeExamples: before
        .filter((i) => i.type === 'theme')
        .flatMap((i) => i.examples as { mentionId: string }[])
        .filter((e) => ids.includes(e.mentionId)).length,
    };
    expect(expected.mentions).toBe(3);
    expect(expected.caseMentions).toBeGreaterThanOrEqual(3);
    // The claims of the mention notifications are on the case-mention records (erased with them).
    const recordClaims = before.filter(
      (i) =>
        i.type === 'case-mention' &&
        ids.includes((i.event as { mentionId: string }).mentionId) &&
        typeof i.complete === 'boolean',
    ).length;
    expect(expected.notificationMarkers + recordClaims).toBeGreaterThan(0);
    expect(expected.outboxLines).toBeGreaterThan(0);

    // Act
    const started = await eraseHeike(ADMIN);
    const answer = await pipeline.erasureOf(started, ADMIN);

    // Assess
    expect(started.status).toBe(202);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'done',
      dryRun: false,
      erased: true,
      counts: expected,
      subject: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const items = await pipeline.items();
    expect(tracesIn(items, HEIKE_TRACES)).toEqual([]);
    expect(tracesIn(await pipeline.outboxLines(), HEIKE_TRACES)).toEqual([]);
    // The case stays as a work record, pseudonymized; the other author's mentions stay whole.
    expect(items.find((i) => i.PK === `CASE#${caseOfT1}` && i.SK === 'CASE')).toMatchObject({
      authorId: 'erased',
      firstMentionId: 'erased',
      reply: { text: expect.stringContaining('[erased]') },
    });
    expect(items.filter((i) => i.type === 'mention').map((i) => (i.mention as Mention).text)).toEqual(
      expect.arrayContaining([m2.text, m4.text]),
    );
    expect((await pipeline.outboxLines()).some((l) => l.includes('"authorId":"5550099"'))).toBe(true);
    // The audit entry says who, when and how much, naming the author only by pseudonym.
    const audit = items.filter((i) => i.type === 'erasure-audit');
    expect(audit).toEqual([
      expect.objectContaining({
        entry: expect.objectContaining({
          actor: `user:${ADMIN.email}`,
          subject: answer.body.subject,
          counts: expected,
        }),
      }),
    ]);
  });

  it('erases nothing the second time and says so', async () => {
    // Act
    const started = await eraseHeike(ADMIN);
    const answer = await pipeline.erasureOf(started, ADMIN);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      erased: false,
      counts: { mentions: 0, caseMentions: 0, caseNotes: 0, notificationMarkers: 0, cases: 0, outboxLines: 0 },
    });
  });

  it('rejects an author id of an unknown platform with 400', async () => {
    // Act
    const answer = await pipeline.call('POST /authors/{platform}/{authorId}/erase', {
      pathParameters: { platform: 'myspace', authorId: HEIKE.id },
      claims: ADMIN,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/platform/);
  });
});

describe('erasure after a platform deletion', () => {
  const KARLA = {
    id: '4440001',
    name: 'Karla Löschmann',
    handle: '@karlaloe',
    url: 'https://www.facebook.com/radwerkhansen/posts/411?comment_id=4440001',
  };
  const opening = mentionFactory({
    externalId: '411_1',
    threadId: '104729381726354_411',
    text: 'Die Schaltung Knarzomat16 am Stadtflitzer ist kaputt, ich will mein Geld zurück! Betrug!',
    author: { id: KARLA.id, name: KARLA.name, handle: KARLA.handle },
    url: KARLA.url,
    createdAt: '2026-11-28T10:00:00.000Z',
    receivedAt: '2026-11-28T10:00:01.000Z',
  });
  const deletion: MentionDeletion = {
    type: 'deletion',
    id: opening.id,
    platform: 'facebook',
    externalId: opening.externalId,
    deletedAt: '2026-11-28T11:00:00.000Z',
    receivedAt: '2026-11-28T11:00:01.000Z',
    rawType: 'page.feed.remove',
  };
  const KARLA_TRACES = [
    KARLA.id,
    'Karla',
    'Löschmann',
    'karlaloe',
    'comment_id=4440001',
    'Knarzomat16',
    'Schaltung',
    'Betrug',
  ];
  let pipeline: HandlerPipeline;

  beforeAll(async () => {
    pipeline = await HandlerPipeline.start(configWithAdmin());
    await pipeline.deliver([opening]);
  });

  afterAll(async () => {
    await pipeline.stop();
  });

  it("leaves nothing of the deleted mention's author and words on the mention, its case, its records and reasons, or the outbox", async () => {
    // Arrange: the routed mention put the author on the case records and the words in the reasons.
    const caseId = pipeline.published.published[0]!.caseId;
    const ofMention = (items: Record<string, unknown>[]) =>
      items.filter((i) => i.PK === `MENTION#${opening.id}` || i.PK === `CASE#${caseId}`);
    const stored = ofMention(await pipeline.items());
    expect(tracesIn(stored, KARLA_TRACES).length).toBeGreaterThan(0);
    expect(stored.find((i) => i.type === 'case')).toMatchObject({ authorId: KARLA.id });

    // Act
    await pipeline.deliver([deletion]);

    // Assess
    const items = ofMention(await pipeline.items());
    expect(tracesIn(items, KARLA_TRACES)).toEqual([]);
    const mention = items.find((i) => i.type === 'mention')!;
    expect(mention).toMatchObject({
      mention: { text: '', author: { id: 'erased' } },
      detail: { classification: { reasons: [] }, routing: { reasons: [] } },
    });
    expect(mention.GSI2PK).toBeUndefined();
    const kase = items.find((i) => i.type === 'case')!;
    expect(kase).toMatchObject({ authorId: 'erased', firstMentionId: 'erased' });
    expect(kase.GSI2PK).toBeUndefined();
    for (const record of items.filter((i) => i.type === 'case-mention')) {
      expect(record.event).toMatchObject({ text: '', authorId: 'erased', reasons: [] });
      expect(record.event).not.toHaveProperty('authorName');
      expect(record.event).not.toHaveProperty('url');
    }
    expect(items.filter((i) => i.type === 'case-note')).toEqual([
      expect.objectContaining({ note: expect.objectContaining({ kind: 'mention-deleted' }) }),
    ]);
    expect(tracesIn(await pipeline.outboxLines(), KARLA_TRACES)).toEqual([]);
  });
});

describe('erasure over HTTP on the local runtime', () => {
  // Tim is a press member whom this config makes a company admin; Aylin leads service and is not one.
  const TIM = 'tim.osterloh@radwerk-hansen.example';
  const AYLIN = 'aylin.demir@radwerk-hansen.example';
  const JUERGEN = { id: '5550006', name: 'Jürgen Öztürk' };
  let runtime: Runtime;

  const erase = async (as: string, authorId: string) => {
    const token = Object.entries(runtime.adminTokens).find(([, claims]) => claims.email === as)?.[0];
    const response = await fetch(`${runtime.url}/authors/facebook/${encodeURIComponent(authorId)}/erase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** The erasure request, once the runtime's erasure queue is idle (erase-author ran its job). */
  const erasureOf = async (as: string, id: unknown) => {
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    const token = Object.entries(runtime.adminTokens).find(([, claims]) => claims.email === as)?.[0];
    const response = await fetch(`${runtime.url}/erasures/${encodeURIComponent(String(id))}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const config = demoConfig();
    runtime = await startRuntime({
      config: { ...config, admin: { ...config.admin, admins: [{ name: 'Tim Osterloh', email: TIM }] } },
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => {},
    });
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const answer = await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-non-ascii.json'),
      appSecret,
    );
    if (answer.status !== 200) throw new Error(`the webhook was refused: ${answer.status} ${answer.body}`);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers 403 to a lead who is not a company admin', async () => {
    // Act
    const answer = await erase(AYLIN, JUERGEN.id);

    // Assess
    expect(answer).toEqual({
      status: 403,
      body: { status: 403, message: 'only an admin (admin.admins, or the account operator) may erase an author' },
    });
  });

  it("erases the webhook author's mention for a company admin and leaves their case without them", async () => {
    // Act
    const started = await erase(TIM, JUERGEN.id);
    const answer = await erasureOf(TIM, started.body.id);

    // Assess
    expect(started.status).toBe(202);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'done',
      erased: true,
      counts: { mentions: 1, cases: 1, caseMentions: expect.any(Number), outboxLines: expect.any(Number) },
    });
    const cases = await fetch(`${runtime.url}/cases?department=service&state=all`, {
      headers: {
        authorization: `Bearer ${Object.entries(runtime.adminTokens).find(([, c]) => c.email === AYLIN)?.[0]}`,
      },
    });
    const text = await cases.text();
    // The list shows the case's title, which quoted the erased mention.
    expect(text).toContain('"title":"[erased]"');
    expect(text).not.toContain(JUERGEN.id);
    expect(text).not.toContain(JUERGEN.name);
  });

  it('answers 403 to a lead who is not a company admin asking for an erasure request', async () => {
    // Arrange
    const started = await erase(TIM, '5550999');

    // Act
    const answer = await erasureOf(AYLIN, started.body.id);

    // Assess
    expect(answer.status).toBe(403);
  });
});
