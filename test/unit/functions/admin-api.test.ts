import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminApi, ROUTES, type AdminApiDeps } from '../../../functions/admin-api/handler.ts';
import { ADMIN_API_ROUTES } from '../../../infra/topology.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { logger } from '../../../shared/observability/powertools.ts';
import { adminEventFactory, type AdminEventOptions } from '../../factories/admin-api.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases } from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:30:00.000Z';
const TIM = 'tim.osterloh@radwerk-hansen.example';

function setup(...cases: Case[]) {
  const store = new InMemoryCases();
  for (const c of cases) store.cases.set(c.id, c);
  const deps: AdminApiDeps = {
    companyId: 'demo',
    retentionDays: 365,
    config: demoConfig(),
    cases: store,
    events: new InMemoryCaseEvents(),
    clock: fixedClock(NOW),
    dueAt: (_department, _priority, from) => new Date(from.getTime() + 240 * 60_000).toISOString(),
  };
  const call = async (routeKey: string, options: AdminEventOptions = {}) => {
    const response = await adminApi(adminEventFactory(routeKey, options), () => deps);
    return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') as Record<string, unknown> };
  };
  return { store, deps, call };
}

const pressCase = caseFactory({ department: 'press', category: 'press_inquiry' });
const id = pressCase.id;

describe('admin-api handler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('has a handler for every admin route of the topology, and no other', () => {
    // Act
    const keys = Object.keys(ROUTES);

    // Assess
    expect(keys.sort()).toEqual(ADMIN_API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('assigns a case and records the caller from the JWT claims and the request id', async () => {
    // Arrange
    const { store, call } = setup(pressCase);

    // Act
    const answer = await call('POST /cases/{id}/assign', {
      pathParameters: { id },
      body: { assignee: TIM },
      requestId: 'req-7',
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ applied: true, case: { id, state: 'assigned', assignee: TIM } });
    expect((await store.get(id))?.history?.[0]).toMatchObject({
      actor: 'user:jana.krueger@radwerk-hansen.example',
      transitionId: 'api:req-7',
    });
  });

  it('lists the cases of a department and state', async () => {
    // Arrange
    const { call } = setup(
      pressCase,
      caseFactory({ id: 'case_00000000000000000009', department: 'press', state: 'waiting' }),
    );

    // Act
    const answer = await call('GET /cases', { query: { department: 'press', state: 'new' } });

    // Assess
    expect(answer.status).toBe(200);
    expect((answer.body.cases as Case[]).map((c) => c.id)).toEqual([id]);
  });

  it("shows in the case detail why each mention is there: the classifier's words beside the routing reasons", async () => {
    // Arrange
    const { store, call } = setup(pressCase);
    const reasons = ['category press_inquiry (88%): word "anfrage", word "redaktion"'];
    await store.recordMention(
      mentionRoutedFactory({ caseId: id, department: 'press', category: 'press_inquiry', classifierReasons: reasons }),
    );

    // Act
    const answer = await call('GET /cases/{id}', { pathParameters: { id } });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.mentions).toEqual([
      expect.objectContaining({ classifierReasons: reasons, reasons: ['category complaint is owned by service'] }),
    ]);
  });

  it('answers 400 with every problem of the body', async () => {
    // Arrange
    const { store, call } = setup(pressCase);

    // Act
    const answer = await call('POST /cases/{id}/assign', {
      pathParameters: { id },
      body: { assignee: 'tim', extra: 1 },
    });

    // Assess
    expect(answer).toEqual({
      status: 400,
      body: { status: 400, message: expect.stringMatching(/^invalid body: assignee: not an e-mail address; .*extra/) },
    });
    expect(store.saves).toEqual([]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    // Arrange
    const { call } = setup(pressCase);

    // Act
    const answer = await call('POST /cases/{id}/replies', { pathParameters: { id }, body: '{"text":' });

    // Assess
    expect(answer).toEqual({ status: 400, body: { status: 400, message: 'body is not JSON' } });
  });

  it('answers 400 to a malformed case id and an unknown state', async () => {
    // Arrange
    const { call } = setup(pressCase);

    // Act
    const byId = await call('GET /cases/{id}', { pathParameters: { id: 'nope' } });
    const byState = await call('GET /cases', { query: { department: 'press', state: 'closed' } });

    // Assess
    expect(byId).toEqual({
      status: 400,
      body: { status: 400, message: 'invalid path: id: not a case id (case_ and 20 hex digits)' },
    });
    expect(byState.body.message).toBe(
      'invalid query: state: unknown state "closed"; use open, all or a list of new, assigned, waiting, responded, resolved',
    );
  });

  it('answers 400 to an assignee outside the department', async () => {
    // Arrange
    const { call } = setup(pressCase);

    // Act
    const answer = await call('POST /cases/{id}/assign', {
      pathParameters: { id },
      body: { assignee: 'malte.brandt@radwerk-hansen.example' },
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('is not a member or lead of press');
  });

  it('answers 404 to a case that does not exist', async () => {
    // Arrange
    const { call } = setup();

    // Act
    const answer = await call('GET /cases/{id}', { pathParameters: { id: 'case_ffffffffffffffffffff' } });

    // Assess
    expect(answer).toEqual({
      status: 404,
      body: { status: 404, message: 'case case_ffffffffffffffffffff does not exist' },
    });
  });

  it('answers 409 to a transition the case does not allow', async () => {
    // Arrange
    const { call } = setup(caseFactory({ id, department: 'press', state: 'resolved' }));

    // Act
    const answer = await call('POST /cases/{id}/transition', { pathParameters: { id }, body: { action: 'resolve' } });

    // Assess
    expect(answer).toEqual({
      status: 409,
      body: { status: 409, message: `cannot resolve case ${id}: it is resolved (reopen it first)` },
    });
  });

  it('answers 403 to an approval by someone outside the approving department', async () => {
    // Arrange
    const { call } = setup(caseFactory({ id, department: 'service' }));
    const drafted = await call('POST /cases/{id}/replies', {
      pathParameters: { id },
      body: { text: 'Wir kümmern uns darum.' },
      claims: { sub: 'sub-ole', email: 'ole.hansen@radwerk-hansen.example' },
      requestId: 'req-draft',
    });
    const replyId = (drafted.body.reply as { id: string }).id;

    // Act
    const answer = await call('POST /cases/{id}/replies/{replyId}/approve', {
      pathParameters: { id, replyId },
      claims: { sub: 'sub-aylin', email: 'aylin.demir@radwerk-hansen.example' },
      requestId: 'req-approve',
    });

    // Assess
    expect(drafted.status).toBe(201);
    expect(answer).toEqual({
      status: 403,
      body: { status: 403, message: `only a member or lead of press may approve replies of case ${id}` },
    });
  });

  it('answers 401 to a request without identity and changes nothing', async () => {
    // Arrange
    const { store, call } = setup(pressCase);

    // Act
    const answer = await call('POST /cases/{id}/assign', {
      pathParameters: { id },
      body: { assignee: TIM },
      claims: null,
    });

    // Assess
    expect(answer).toEqual({
      status: 401,
      body: { status: 401, message: 'the request carries no identity: send Authorization: Bearer <token>' },
    });
    expect(store.saves).toEqual([]);
  });

  it('ignores an e-mail the identity provider marks unverified: the caller is nobody of the company', async () => {
    // Arrange
    const { store, call } = setup(pressCase);

    // Act
    const answer = await call('POST /cases/{id}/transition', {
      pathParameters: { id },
      body: { action: 'resolve' },
      claims: { sub: 'sub-x', email: 'jana.krueger@radwerk-hansen.example', email_verified: 'false' },
    });

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/you are neither an admin nor a member or lead of any department/);
    expect(store.saves).toEqual([]);
  });

  it('answers 403 to a member of another department and changes nothing', async () => {
    // Arrange
    const { store, call } = setup(pressCase);

    // Act
    const answer = await call('POST /cases/{id}/transition', {
      pathParameters: { id },
      body: { action: 'resolve' },
      claims: { sub: 'sub-ole', email: 'ole.hansen@radwerk-hansen.example' },
    });

    // Assess
    expect(answer).toEqual({
      status: 403,
      body: {
        status: 403,
        message: expect.stringMatching(new RegExp(`^you may not read case ${id}: you may read the cases of service`)),
      },
    });
    expect(store.saves).toEqual([]);
  });

  it('logs a refusal with the reason, the route, the case and who asked', async () => {
    // Arrange
    const { call } = setup(pressCase);
    vi.spyOn(logger, 'warn');

    // Act
    await call('POST /cases/{id}/reroute', {
      pathParameters: { id },
      body: { department: 'legal', reason: 'x' },
      claims: { sub: 'sub-tim', email: TIM },
      requestId: 'req-9',
    });

    // Assess
    expect(logger.warn).toHaveBeenCalledWith('Request rejected', {
      route: 'POST /cases/{id}/reroute',
      requestId: 'req-9',
      caseId: id,
      actor: `user:${TIM}`,
      status: 403,
      reason: `only a lead of press or an admin may reroute case ${id}; you are a member`,
    });
  });

  it('takes a caller the IAM authorizer let in for the account operator, who may act on every case', async () => {
    // Arrange
    const { deps } = setup(pressCase);
    const event = adminEventFactory('POST /cases/{id}/transition', {
      pathParameters: { id },
      body: { action: 'resolve' },
      claims: null,
    });
    const iam = {
      ...event,
      requestContext: {
        ...event.requestContext,
        authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/ops' } },
      },
    } as typeof event;

    // Act
    const response = await adminApi(iam, () => deps);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      case: {
        state: 'resolved',
        history: [expect.objectContaining({ actor: 'user:arn:aws:iam::123456789012:user/ops' })],
      },
    });
  });
});
