/**
 * Replies posted on the platforms speak for the company in public: the attacks on them.
 * Each is written against the admin API with the real reply clients pointed at a replay
 * server, which counts what would have reached the platform.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { replyApi } from '../factories/replies.ts';
import { startReplayServer, type ReplayServer } from '../support/replay-server.ts';

const JANA = 'jana.krueger@radwerk-hansen.example'; // leads press (the approving department)
const TIM = 'tim.osterloh@radwerk-hansen.example'; // member of press
const OLE = 'ole.hansen@radwerk-hansen.example'; // member of service
const MIA = 'mia.schulz@radwerk-hansen.example'; // member of service
const JONAS = 'jonas.meyer@radwerk-hansen.example'; // member of legal
const MALTE = 'malte.brandt@radwerk-hansen.example'; // leads sales, owner of key account hochbahn
const SVEN = 'sven.petersen@radwerk-hansen.example'; // member of sales

const SEND = 'POST /cases/{id}/replies/{replyId}/send';
const APPROVE = 'POST /cases/{id}/replies/{replyId}/approve';
const COMMENT = mentionFactory();
const REPLY_PATH = `/${COMMENT.externalId}/comments`;

/** A service case whose reply Mia drafted; `approved` by Jana of press when given. */
function serviceCase(overrides: Partial<Case> = {}, approved = false): Case {
  return caseFactory({
    requireApproval: true,
    approverDepartment: 'press',
    reply: {
      id: 'reply_00000000000000aa',
      text: 'Das tut uns leid, wir tauschen das Rad.',
      draftedBy: `user:${MIA}`,
      draftedAt: '2026-11-30T10:00:00.000Z',
      ...(approved ? { approvedBy: `user:${JANA}`, approvedAt: '2026-11-30T10:10:00.000Z' } : {}),
    },
    ...overrides,
  });
}

describe('attacks on sending replies', () => {
  let replay: ReplayServer;

  beforeAll(async () => {
    replay = await startReplayServer();
  });
  afterAll(async () => {
    await replay.stop();
  });
  beforeEach(() => {
    replay.reset();
    replay.on((r) => r.method === 'POST' && r.path === REPLY_PATH, { json: { id: '901097836652708_903440000000001' } });
  });

  const path = (c: Case) => ({ pathParameters: { id: c.id, replyId: 'reply_00000000000000aa' } });

  it('a member of another department cannot post a reply of a case they may not read, and learns nothing of it', async () => {
    // Arrange
    const api = replyApi(replay.url);
    const c = serviceCase({}, true);
    await api.seed(c, COMMENT);

    // Act
    const answer = await api.call(SEND, JONAS, path(c));

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body.message).toBe(
      `you may not read case ${c.id}: you may read the cases of legal and those that name them as cc, approver or escalation (member of legal)`,
    );
    expect(replay.requests).toHaveLength(0);
    expect((await api.cases.get(c.id))?.reply?.sendingAt).toBeUndefined();
  });

  it('the approving department may read the case but not post its reply: sending is the owning department’s', async () => {
    const api = replyApi(replay.url);
    const c = serviceCase({}, true);
    await api.seed(c, COMMENT);

    const answer = await api.call(SEND, TIM, path(c));

    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/only members and leads of service or an admin may mark replies sent on case/);
    expect(replay.requests).toHaveLength(0);
  });

  it('a request without identity posts nothing', async () => {
    const api = replyApi(replay.url);
    const c = serviceCase({}, true);
    await api.seed(c, COMMENT);

    const answer = await api.call(SEND, null, path(c));

    expect(answer.status).toBe(401);
    expect(replay.requests).toHaveLength(0);
  });

  it('a reply that needs approval is not posted before the press office approved it', async () => {
    const api = replyApi(replay.url);
    const c = serviceCase();
    await api.seed(c, COMMENT);

    const answer = await api.call(SEND, OLE, path(c));

    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(
      `the reply reply_00000000000000aa of case ${c.id} needs approval before it is sent`,
    );
    expect(replay.requests).toHaveLength(0);
  });

  it('sending twice, or concurrently, posts once and answers the same post id', async () => {
    const api = replyApi(replay.url);
    const c = serviceCase({}, true);
    await api.seed(c, COMMENT);

    const [first, second] = await Promise.all([
      api.call(SEND, OLE, { ...path(c), requestId: 'req-a' }),
      api.call(SEND, MIA, { ...path(c), requestId: 'req-b' }),
    ]);
    const third = await api.call(SEND, OLE, { ...path(c), requestId: 'req-c' });

    const posts = replay.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toBe('message=Das+tut+uns+leid%2C+wir+tauschen+das+Rad.');
    // One of the two concurrent sends claimed the reply; the other was told it is being sent.
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect(third).toEqual({
      status: 200,
      body: {
        reply: {
          id: 'reply_00000000000000aa',
          state: 'sent',
          platformPostId: '901097836652708_903440000000001',
          url: 'https://www.facebook.com/901097836652708_903440000000001',
          attempts: 1,
        },
      },
    });
  });

  it('a new draft cannot replace a reply while it is being posted', async () => {
    const api = replyApi(replay.url);
    const c = serviceCase({}, true);
    await api.seed(c, COMMENT);
    const claimed = serviceCase({
      reply: { ...(c.reply as NonNullable<Case['reply']>), approvedAt: 'x', sendingAt: '2026-11-30T10:29:00.000Z' },
    });
    api.cases.cases.set(c.id, claimed);

    const answer = await api.call('POST /cases/{id}/replies', OLE, {
      pathParameters: { id: c.id },
      body: { text: 'Etwas ganz anderes.' },
    });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(
      `the reply reply_00000000000000aa of case ${c.id} is being sent; draft again when it is sent or failed`,
    );
  });
});

describe('attacks on key accounts', () => {
  let replay: ReplayServer;

  beforeAll(async () => {
    replay = await startReplayServer({ [`POST ${REPLY_PATH}`]: [{ json: { id: '901097836652708_903440000000002' } }] });
  });
  afterAll(async () => {
    await replay.stop();
  });

  /** The demo config whose key-account rule asks the owner to approve replies. */
  function ownerApprovalConfig() {
    const config = demoConfig();
    const rules = config.routing.rules.map((r) =>
      r.id === 'key-account' ? { ...r, then: { ...r.then, ownerApproval: true } } : r,
    );
    return { ...config, routing: { ...config.routing, rules } };
  }
  const hochbahn = {
    keyAccounts: [{ id: 'hochbahn', name: 'Hamburger Hochbahn', owner: { name: 'Malte Brandt', email: MALTE } }],
    matchedRules: ['key-account'],
  };
  const path = (c: Case) => ({ pathParameters: { id: c.id, replyId: 'reply_00000000000000aa' } });

  it('a reply to a key account is not posted before its owner approved it, and only the owner may', async () => {
    // Arrange: the press office approved; the rule also wants the account owner.
    const api = replyApi(replay.url, { config: ownerApprovalConfig() });
    const c = serviceCase({}, true);
    await api.seed(c, COMMENT, hochbahn);

    // Act
    const early = await api.call(SEND, OLE, { ...path(c), requestId: 'req-1' });
    const bySalesMember = await api.call(APPROVE, SVEN, { ...path(c), requestId: 'req-2' });
    const byOwner = await api.call(APPROVE, MALTE, { ...path(c), requestId: 'req-3' });
    const sent = await api.call(SEND, OLE, { ...path(c), requestId: 'req-4' });

    // Assess
    expect(early.status).toBe(409);
    expect(early.body.message).toBe(
      `the reply reply_00000000000000aa of case ${c.id} needs the key account owner's approval before it is sent`,
    );
    expect(bySalesMember.status).toBe(403);
    expect(byOwner.status).toBe(200);
    expect((byOwner.body.case as Case).reply?.ownerApprovedBy).toBe(`user:${MALTE}`);
    expect(sent.body).toMatchObject({ reply: { state: 'sent' } });
    expect(replay.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a key account timeline is refused to a member of another department, and an unknown id is not confirmed to them', async () => {
    const api = replyApi(replay.url);

    const timeline = await api.call('GET /accounts/{id}/timeline', OLE, { pathParameters: { id: 'hochbahn' } });
    const unknown = await api.call('GET /accounts/{id}/timeline', OLE, { pathParameters: { id: 'nobody-corp' } });
    const listing = await api.call('GET /accounts', OLE);

    const refusal = "you may not read key accounts: admins, members and leads of sales and each account's owner may";
    expect(timeline).toEqual({ status: 403, body: { status: 403, message: refusal } });
    expect(unknown).toEqual({ status: 403, body: { status: 403, message: refusal } });
    expect(listing.status).toBe(403);
  });

  it('the owner and sales read the accounts with their handles', async () => {
    const api = replyApi(replay.url);

    const bySales = await api.call('GET /accounts', SVEN);

    expect(bySales).toEqual({
      status: 200,
      body: {
        accounts: [
          {
            id: 'hochbahn',
            name: 'Hamburger Hochbahn',
            owner: { name: 'Malte Brandt', email: MALTE },
            handles: { any: '@hochbahn' },
          },
        ],
      },
    });
  });
});
