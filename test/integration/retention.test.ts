import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildReport, dependenciesFrom as reportDependencies } from '../../functions/build-report/handler.ts';
import { sweepExpired } from '../../infra/local/ttl-sweeper.ts';
import { buildTopology } from '../../infra/topology.ts';
import type { MentionDeletion } from '../../shared/domain/mention-deletion.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { HandlerPipeline } from '../support/handler-pipeline.ts';
import { startLocalTable } from '../support/local-table.ts';

/**
 * Retention: every item that holds personal data (what someone wrote, who they are, what
 * was done about it) carries the TTL attribute `expiresAt`, set to the company's
 * `retention.days` from its last write. A full flow against dynalite writes every kind of
 * item; the test lists them all. Items that hold no personal data are named here, each
 * with why; any other item type (also one a later change adds) must carry a TTL.
 */
const NOT_PERSONAL: Readonly<Record<string, string>> = {
  counter: 'a count per day, department and category',
  histogram: 'response and resolution time buckets per day and department',
  tally:
    "the reports' counts per day and department (mentions by category, platform, sentiment; responses, SLA, reopenings)",
  'report-cursor': 'the last period whose reports went out',
  'assignment-cursor': "a department's round-robin position",
  'poll-cursor': "a platform poller's position",
  'erasure-audit': 'who erased when and how much; the author only as a SHA-256 pseudonym; it must outlive the data',
};

const ADMIN_EMAIL = 'greta.voss@radwerk-hansen.example';
const ADMIN = { sub: 'sub-greta', email: ADMIN_EMAIL, name: 'Greta Voss' };
const NOW = new Date('2026-11-28T12:00:00.000Z');
const RETENTION_DAYS = 30;

describe('retention of personal data (TTL on every personal item)', () => {
  let pipeline: HandlerPipeline;

  beforeAll(async () => {
    // Only Date is faked: dynalite and the SDK keep their real timers.
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    const demo = demoConfig();
    pipeline = await HandlerPipeline.start({
      ...demo,
      retention: { days: RETENTION_DAYS },
      admin: { ...demo.admin, admins: [{ name: 'Greta Voss', email: ADMIN_EMAIL }] },
    });
    const thread = '104729381726354_511';
    const complaint = mentionFactory({
      externalId: '511_1',
      threadId: thread,
      author: { id: '3330001', name: 'Paula Probe', handle: '@paulap' },
      url: 'https://www.facebook.com/radwerkhansen/posts/511?comment_id=1',
    });
    const again = mentionFactory({
      externalId: '511_2',
      threadId: thread,
      text: 'Hallo? Noch immer kaputt.',
      createdAt: '2026-11-28T09:20:00.000Z',
      author: { id: '3330001', name: 'Paula Probe' },
    });
    const reply = mentionFactory({
      externalId: '511_3',
      threadId: thread,
      text: 'Das tut uns leid, wir melden uns per DM.',
      isOwnAccount: true,
      createdAt: '2026-11-28T09:30:00.000Z',
      author: { id: '104729381726354', name: 'Radwerk Hansen' },
    });
    const gone = mentionFactory({
      externalId: '512_1',
      threadId: '104729381726354_512',
      text: 'Ich liebe mein Lastenrad Hanse!',
      author: { id: '3330002', name: 'Piet Pauschal' },
    });
    const deletion: MentionDeletion = {
      type: 'deletion',
      id: gone.id,
      platform: 'facebook',
      externalId: gone.externalId,
      deletedAt: '2026-11-28T10:00:00.000Z',
      receivedAt: '2026-11-28T10:00:01.000Z',
      rawType: 'page.feed.remove',
    };
    const press = mentionFactory({
      externalId: '513_1',
      threadId: '104729381726354_513',
      text: 'Ich bin Journalistin beim Hamburger Abendblatt und hätte eine Presseanfrage zu eurem Rückruf.',
      author: { id: '3330003', name: 'Jette Presse' },
    });

    await pipeline.deliver([complaint, gone, press]);
    await pipeline.deliver([again, reply, deletion]);
    const caseId = pipeline.published.published.find((e) => e.mentionId === complaint.id)!.caseId;
    // People work the case: a reply is drafted, the case resolved; a day's report is built; an author is erased.
    await pipeline.call('POST /cases/{id}/replies', {
      pathParameters: { id: caseId },
      body: { text: 'Hallo Paula, wir tauschen das Rad.' },
      claims: ADMIN,
      requestId: 'req-r1',
    });
    await pipeline.call('POST /cases/{id}/transition', {
      pathParameters: { id: caseId },
      body: { action: 'resolve' },
      claims: ADMIN,
      requestId: 'req-r2',
    });
    await buildReport({ report: 'daily', day: '2026-11-28' }, reportDependencies(pipeline.env));
    await pipeline.call('POST /authors/{platform}/{authorId}/erase', {
      pathParameters: { platform: 'facebook', authorId: '3330003' },
      claims: ADMIN,
    });
  });

  afterAll(async () => {
    vi.useRealTimers();
    await pipeline.stop();
  });

  it('writes every kind of item a flow produces, so the audit below covers them', async () => {
    // Act
    const types = new Set((await pipeline.items()).map((item) => String(item.type)));

    // Assess
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'assignment-cursor',
        'case',
        'case-mention',
        'case-note',
        'daily-report',
        'erasure-audit',
        'erasure-request',
        'histogram',
        'mention',
        'mention-routed-batch',
        'tally',
      ]),
    );
  });

  it("erases the notification claims of the erased author's mention and keeps the others'", async () => {
    // Act: a notification's claim is held on the mention's record on its case (case-mention)
    const records = (await pipeline.items()).filter((item) => item.type === 'case-mention');
    const claimed = records.filter((item) => 'complete' in item).map((item) => String(item.SK));

    // Assess: the press inquiry of author 3330003 (513_1) was erased with its record and claim;
    // the complaint's (511_1) record keeps its claim.
    expect(claimed).toContainEqual(expect.stringMatching(/^MENTION#.*511_1#service$/));
    expect(records.filter((item) => String(item.SK).includes('513_1'))).toEqual([]);
  });

  it(`gives every item holding personal data a TTL of retention.days (${RETENTION_DAYS}) from its write`, async () => {
    // Arrange
    const earliest = Math.floor(NOW.getTime() / 1000) + RETENTION_DAYS * 86_400;

    // Act
    const personal = (await pipeline.items()).filter((item) => !(String(item.type) in NOT_PERSONAL));

    // Assess
    expect(personal.length).toBeGreaterThan(0);
    const withoutTtl = personal
      .filter((item) => typeof item.expiresAt !== 'number')
      .map((item) => `${String(item.type)} ${String(item.PK)} ${String(item.SK)}`);
    expect(withoutTtl).toEqual([]);
    const outOfRange = personal
      .filter((item) => (item.expiresAt as number) < earliest || (item.expiresAt as number) > earliest + 3600)
      .map((item) => `${String(item.type)} ${String(item.expiresAt)}`);
    expect(outOfRange).toEqual([]);
  });
});

describe('the local runtime applies the TTL that dynalite does not', () => {
  const table = buildTopology(demoConfig()).table;
  let local: Awaited<ReturnType<typeof startLocalTable>>;

  beforeAll(async () => {
    local = await startLocalTable(table);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('deletes the items whose expiresAt has passed and keeps the rest, also those without a TTL', async () => {
    // Arrange
    const now = new Date('2026-11-28T12:00:00.000Z');
    const epoch = Math.floor(now.getTime() / 1000);
    const put = (PK: string, extra: Record<string, unknown>) =>
      local.documents.send(new PutCommand({ TableName: table.name, Item: { PK, SK: 'X', ...extra } }));
    await put('MENTION#expired', { expiresAt: epoch - 1 });
    await put('MENTION#due-later', { expiresAt: epoch + 60 });
    await put('METRIC#2026-11-28', { count: 3 });
    const client = new DynamoDBClient({
      region: 'eu-central-1',
      endpoint: local.backend.endpoint,
      credentials: { accessKeyId: local.env.AWS_ACCESS_KEY_ID!, secretAccessKey: local.env.AWS_SECRET_ACCESS_KEY! },
    });

    // Act
    const deleted = await sweepExpired(client, table, now);

    // Assess
    expect(deleted).toBe(1);
    const { Items = [] } = await local.documents.send(new ScanCommand({ TableName: table.name }));
    expect(Items.map((i) => i.PK).sort()).toEqual(['MENTION#due-later', 'METRIC#2026-11-28']);
    client.destroy();
  });
});
