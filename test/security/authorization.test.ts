/**
 * Finding 3 of issue 10, "any signed-in person can act on any department's case": the
 * attack, then every admin route per role, against the real local runtime over HTTP (its
 * dynalite table, bus and bearer tokens), and for a person the config does not know (a
 * valid token of nobody: only an identity provider makes one) the admin function itself
 * on the runtime's table.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, dependenciesFrom } from '../../functions/admin-api/handler.ts';
import { adminEnv, loadSampleWebhooks, postSignedMeta, sampleWebhooksDir } from '../../infra/local/demo.ts';
import { resolveEnv } from '../../infra/local/function-env.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { buildTopology, platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import { caseIdForThread, type Case } from '../../shared/domain/case.ts';
import { adminEventFactory } from '../factories/admin-api.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();

// People of companies/demo.yaml.
const JANA = 'jana.krueger@radwerk-hansen.example'; // leads press (the approving department)
const TIM = 'tim.osterloh@radwerk-hansen.example'; // member of press
const AYLIN = 'aylin.demir@radwerk-hansen.example'; // leads service
const OLE = 'ole.hansen@radwerk-hansen.example'; // member of service
const JONAS = 'jonas.meyer@radwerk-hansen.example'; // member of legal
const BIRTE = 'birte.hansen@radwerk-hansen.example'; // admin.admins
/** The local runtime's own `admin` token: the account operator. */
const OPERATOR = 'operator';

type Answer = { status: number; body: Record<string, unknown> };

describe('authorization by department and role (finding 3)', () => {
  let runtime: Runtime;
  let cases: DynamoCaseRepository;
  let seeded = 0;

  const tokenOf = (who: string): string => {
    const found = Object.entries(runtime.adminTokens).find(([, claims]) =>
      who === OPERATOR ? claims.sub === 'local:admin' && !claims.email : claims.email === who,
    );
    if (!found) throw new Error(`no token for ${who}`);
    return found[0];
  };

  const api = async (method: 'GET' | 'POST', route: string, as: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${runtime.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${tokenOf(as)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** A case stored in the runtime's table as classify-mention stores one; a new thread each call. */
  const seed = async (overrides: Partial<Case>): Promise<Case> => {
    const id = caseIdForThread('facebook', `seeded-${++seeded}`);
    return cases.ensure(
      caseFactory({
        id,
        threadId: `seeded-${seeded}`,
        dueAt: new Date(Date.now() + 3_600_000).toISOString(),
        ...overrides,
      }),
      Math.floor(Date.now() / 1000) + 86_400,
    );
  };

  /** Every admin route on one case, as one person: the statuses in route order. */
  const everyRoute = async (c: Case, as: string, replyId = 'reply_0000000000000000'): Promise<Answer[]> => [
    await api('GET', `/cases/${c.id}`, as),
    await api('POST', `/cases/${c.id}/assign`, as, { assignee: as === OLE ? OLE : TIM }),
    await api('POST', `/cases/${c.id}/transition`, as, { action: 'resolve' }),
    await api('POST', `/cases/${c.id}/replies`, as, { text: 'Wir melden uns.' }),
    await api('POST', `/cases/${c.id}/replies/${replyId}/approve`, as),
    await api('POST', `/cases/${c.id}/replies/${replyId}/sent`, as),
    await api('POST', `/cases/${c.id}/reroute`, as, { department: 'service', reason: 'gehört zu uns' }),
  ];

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => {},
    });
    cases = new DynamoCaseRepository(
      createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
      runtime.tableName,
    );
    // The cases come from signed webhooks: a press inquiry and a legal risk.
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const samples = await loadSampleWebhooks(sampleWebhooksDir('demo'));
    for (const file of ['05-press-inquiry.json', '09-legal-risk.json']) {
      const sample = samples.find((s) => path.basename(s.file) === file);
      const answer = await postSignedMeta(runtime.webhookUrls.meta as string, sample?.body ?? '', appSecret);
      if (answer.status !== 200) throw new Error(`${file} was refused: ${answer.status} ${answer.body}`);
    }
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  /** The webhook's open case of a department, read as the operator. */
  const webhookCaseOf = async (department: string): Promise<Case> => {
    const page = await api('GET', `/cases?department=${department}`, OPERATOR);
    const found = (page.body.cases as Case[]).find((c) => !c.threadId.startsWith('seeded-'));
    if (!found) throw new Error(`no webhook case in ${department}`);
    return found;
  };

  describe('the attack from the issue: a member of service', () => {
    it('is refused reading, assigning, resolving, drafting, approving, marking sent and rerouting a press case, and leaves it as it was', async () => {
      // Arrange
      const pressCase = await webhookCaseOf('press');
      const before = await cases.get(pressCase.id);

      // Act
      const answers = await everyRoute(pressCase, OLE);

      // Assess
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
      for (const answer of answers) {
        expect(answer.body).toEqual({
          status: 403,
          message: `you may not read case ${pressCase.id}: you may read the cases of service and those that name them as cc, approver or escalation (member of service)`,
        });
      }
      expect(await cases.get(pressCase.id)).toEqual(before);
    });

    it("is refused listing and reading legal's cases", async () => {
      // Arrange
      const legalCase = await webhookCaseOf('legal');

      // Act
      const listing = await api('GET', '/cases?department=legal&state=all', OLE);
      const reading = await api('GET', `/cases/${legalCase.id}`, OLE);

      // Assess
      expect(listing).toEqual({
        status: 403,
        body: {
          status: 403,
          message: 'you may not list the cases of legal: you may list those of service (member of service)',
        },
      });
      expect(reading.status).toBe(403);
      expect(reading.body).not.toHaveProperty('case');
    });
  });

  describe('a member of the case’s department', () => {
    it("lists the department's cases, reads, assigns, drafts, marks the reply sent and resolves", async () => {
      // Arrange
      const pressCase = await seed({ department: 'press', category: 'press_inquiry' });

      // Act
      const listed = await api('GET', '/cases?department=press', TIM);
      const read = await api('GET', `/cases/${pressCase.id}`, TIM);
      const assigned = await api('POST', `/cases/${pressCase.id}/assign`, TIM, { assignee: TIM });
      const drafted = await api('POST', `/cases/${pressCase.id}/replies`, TIM, {
        text: 'Gern stehen wir für ein Gespräch bereit.',
      });
      const replyId = (drafted.body.reply as { id: string }).id;
      const sent = await api('POST', `/cases/${pressCase.id}/replies/${replyId}/sent`, TIM);
      const resolved = await api('POST', `/cases/${pressCase.id}/transition`, TIM, { action: 'resolve' });

      // Assess
      expect(listed.status).toBe(200);
      expect((listed.body.cases as Case[]).map((c) => c.id)).toContain(pressCase.id);
      expect(read.status).toBe(200);
      expect([assigned.status, drafted.status, sent.status, resolved.status]).toEqual([200, 201, 200, 200]);
      expect(await cases.get(pressCase.id)).toMatchObject({
        state: 'resolved',
        assignee: TIM,
        reply: { sentBy: `user:${TIM}` },
      });
    });

    it('may not reroute the case, and may assign it only within the department', async () => {
      // Arrange
      const serviceCase = await seed({ department: 'service' });

      // Act
      const rerouted = await api('POST', `/cases/${serviceCase.id}/reroute`, OLE, {
        department: 'product',
        reason: 'Produktidee',
      });
      const assigned = await api('POST', `/cases/${serviceCase.id}/assign`, OLE, { assignee: TIM });

      // Assess
      expect(rerouted).toEqual({
        status: 403,
        body: {
          status: 403,
          message: `only a lead of service or an admin may reroute case ${serviceCase.id}; you are a member`,
        },
      });
      expect(assigned.status).toBe(400);
      expect(assigned.body.message).toContain(`${TIM} is not a member or lead of service`);
      expect(await cases.get(serviceCase.id)).toEqual(serviceCase);
    });
  });

  describe('a lead', () => {
    it('reroutes a case out of the own department, and then no longer reads it', async () => {
      // Arrange
      const serviceCase = await seed({ department: 'service' });

      // Act
      const rerouted = await api('POST', `/cases/${serviceCase.id}/reroute`, AYLIN, {
        department: 'product',
        reason: 'Produktidee, kein Servicefall',
      });
      const readAfter = await api('GET', `/cases/${serviceCase.id}`, AYLIN);

      // Assess
      expect(rerouted.status).toBe(200);
      expect(await cases.get(serviceCase.id)).toMatchObject({
        department: 'product',
        corrections: [expect.objectContaining({ from: 'service', to: 'product', by: `user:${AYLIN}` })],
      });
      expect(readAfter.status).toBe(403);
    });

    it("may not reroute another department's case", async () => {
      // Arrange
      const serviceCase = await seed({ department: 'service' });

      // Act
      const rerouted = await api('POST', `/cases/${serviceCase.id}/reroute`, JANA, {
        department: 'press',
        reason: 'übernehmen wir',
      });

      // Assess
      expect(rerouted.status).toBe(403);
      expect((await cases.get(serviceCase.id))?.department).toBe('service');
    });
  });

  describe('a member of a department the case names as cc', () => {
    it('reads the case and does nothing else on it, nor lists the case’s department', async () => {
      // Arrange
      const crisisCase = await seed({
        department: 'press',
        cc: ['legal'],
        priority: 'high',
        tags: ['crisis'],
        requireApproval: true,
        approverDepartment: 'press',
      });

      // Act
      const [read, ...acts] = await everyRoute(crisisCase, JONAS);
      const listing = await api('GET', '/cases?department=press', JONAS);

      // Assess
      expect(read?.status).toBe(200);
      expect(read?.body.case).toMatchObject({ id: crisisCase.id, cc: ['legal'] });
      expect(acts.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403]);
      expect(acts[0]?.body.message).toBe(
        `only members and leads of press or an admin may assign case ${crisisCase.id}; you may read it (member of legal)`,
      );
      expect(listing.status).toBe(403);
      expect(await cases.get(crisisCase.id)).toEqual(crisisCase);
    });
  });

  describe('a member of the approving department', () => {
    it("reads a legal case that needs press's approval and approves its draft, and does nothing else on it", async () => {
      // Arrange
      const legalCase = await seed({
        department: 'legal',
        category: 'legal_risk',
        priority: 'high',
        requireApproval: true,
        approverDepartment: 'press',
      });
      const drafted = await api('POST', `/cases/${legalCase.id}/replies`, JONAS, { text: 'Wir prüfen den Vorgang.' });
      const replyId = (drafted.body.reply as { id: string }).id;
      const refusedToLegal = await api('POST', `/cases/${legalCase.id}/replies/${replyId}/approve`, JONAS);

      // Act
      const read = await api('GET', `/cases/${legalCase.id}`, TIM);
      const approved = await api('POST', `/cases/${legalCase.id}/replies/${replyId}/approve`, TIM);
      const others = [
        await api('POST', `/cases/${legalCase.id}/assign`, TIM, { assignee: JONAS }),
        await api('POST', `/cases/${legalCase.id}/transition`, TIM, { action: 'resolve' }),
        await api('POST', `/cases/${legalCase.id}/replies`, TIM, { text: 'Andere Worte.' }),
        await api('POST', `/cases/${legalCase.id}/replies/${replyId}/sent`, TIM),
        await api('POST', `/cases/${legalCase.id}/reroute`, TIM, { department: 'press', reason: 'x' }),
        await api('GET', '/cases?department=legal', TIM),
      ];

      // Assess
      expect(refusedToLegal).toEqual({
        status: 403,
        body: { status: 403, message: `only a member or lead of press may approve replies of case ${legalCase.id}` },
      });
      expect(read.status).toBe(200);
      expect(approved.status).toBe(200);
      expect(others.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403]);
      expect(await cases.get(legalCase.id)).toMatchObject({
        state: 'new',
        reply: { id: replyId, draftedBy: `user:${JONAS}`, approvedBy: `user:${TIM}` },
      });
    });
  });

  describe('an admin', () => {
    it('of the config lists, reads, assigns, reroutes and resolves a case of any department', async () => {
      // Arrange
      const legalCase = await seed({ department: 'legal', category: 'legal_risk' });

      // Act
      const listed = await api('GET', '/cases?department=legal', BIRTE);
      const read = await api('GET', `/cases/${legalCase.id}`, BIRTE);
      const assigned = await api('POST', `/cases/${legalCase.id}/assign`, BIRTE, { assignee: JONAS });
      const rerouted = await api('POST', `/cases/${legalCase.id}/reroute`, BIRTE, {
        department: 'press',
        reason: 'Presseanfrage',
      });
      const resolved = await api('POST', `/cases/${legalCase.id}/transition`, BIRTE, { action: 'resolve' });

      // Assess
      expect([listed.status, read.status, assigned.status, rerouted.status, resolved.status]).toEqual([
        200, 200, 200, 200, 200,
      ]);
      expect(await cases.get(legalCase.id)).toMatchObject({ department: 'press', state: 'resolved' });
    });

    it('drafts, approves another admin’s draft and marks it sent: the local admin token is the account operator', async () => {
      // Arrange
      const pressCase = await seed({ department: 'press', requireApproval: true, approverDepartment: 'press' });
      const drafted = await api('POST', `/cases/${pressCase.id}/replies`, BIRTE, { text: 'Danke für Ihre Nachricht.' });
      const replyId = (drafted.body.reply as { id: string }).id;

      // Act
      const ownApproval = await api('POST', `/cases/${pressCase.id}/replies/${replyId}/approve`, BIRTE);
      const approved = await api('POST', `/cases/${pressCase.id}/replies/${replyId}/approve`, OPERATOR);
      const sent = await api('POST', `/cases/${pressCase.id}/replies/${replyId}/sent`, OPERATOR);

      // Assess
      expect(ownApproval.status).toBe(409);
      expect(approved.status).toBe(200);
      expect(sent.status).toBe(200);
      expect(await cases.get(pressCase.id)).toMatchObject({
        state: 'responded',
        reply: { draftedBy: `user:${BIRTE}`, approvedBy: 'user:local:admin', sentBy: 'user:local:admin' },
      });
    });
  });

  describe('a person the company config does not know', () => {
    it('is refused every route with a reason, and nothing changes', async () => {
      // Arrange: a valid token of the identity provider for someone in no department
      const pressCase = await seed({ department: 'press' });
      const topology = buildTopology(config);
      const spec = topology.functions.find((f) => f.id === 'admin-api');
      if (!spec) throw new Error('no admin-api function in the topology');
      const deps = dependenciesFrom(
        resolveEnv(spec, topology, config, {}, { region: runtime.region, endpoints: runtime.endpoints }),
      );
      const claims = {
        sub: 'c0ffee00-0000-4000-8000-000000000001',
        email: 'mallory@example.com',
        email_verified: 'true',
      };
      const call = async (
        routeKey: string,
        options: { pathParameters?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {},
      ) => {
        const response = await adminApi(adminEventFactory(routeKey, { ...options, claims }), () => deps);
        return {
          status: response.statusCode,
          body: JSON.parse(response.body ?? 'null') as { status: number; message: string },
        };
      };
      const id = pressCase.id;

      // Act
      const answers = [
        await call('GET /cases', { query: { department: 'press' } }),
        await call('GET /cases/{id}', { pathParameters: { id } }),
        await call('POST /cases/{id}/assign', { pathParameters: { id }, body: { assignee: TIM } }),
        await call('POST /cases/{id}/transition', { pathParameters: { id }, body: { action: 'resolve' } }),
        await call('POST /cases/{id}/replies', { pathParameters: { id }, body: { text: 'x' } }),
        await call('POST /cases/{id}/replies/{replyId}/approve', {
          pathParameters: { id, replyId: 'reply_0000000000000000' },
        }),
        await call('POST /cases/{id}/replies/{replyId}/sent', {
          pathParameters: { id, replyId: 'reply_0000000000000000' },
        }),
        await call('POST /cases/{id}/reroute', { pathParameters: { id }, body: { department: 'legal', reason: 'x' } }),
        await call('POST /cases/{id}/transition', { pathParameters: { id }, body: { action: 'reopen' } }),
        await call('GET /cases'),
        await call('GET /approvals'),
        await call('GET /reports'),
      ];
      const me = await call('GET /me');

      // Assess
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]);
      // Who they are, as their own token says: nothing of the company.
      expect(me).toEqual({
        status: 200,
        body: {
          actor: 'user:mallory@example.com',
          name: 'mallory@example.com',
          email: 'mallory@example.com',
          admin: false,
          departments: [],
          language: 'de',
        },
      });
      for (const answer of answers)
        expect(answer.body.message).toMatch(
          /you are neither an admin nor a member or lead of any department|in any department/,
        );
      expect(await cases.get(id)).toEqual(pressCase);
    });
  });

  describe('the console routes (issue 14): who may list, read and reopen', () => {
    it('a member of another department can neither list a department as cc or approver nor reopen its case', async () => {
      // Arrange: a resolved press case that names legal as cc
      const pressCase = await seed({
        department: 'press',
        state: 'resolved',
        cc: ['legal'],
        resolvedAt: new Date().toISOString(),
      });
      const before = await cases.get(pressCase.id);

      // Act
      const answers = [
        await api('GET', '/cases?department=press', OLE),
        await api('GET', '/cases?department=legal&role=cc', OLE),
        await api('GET', '/cases?department=press&role=approver', OLE),
        await api('POST', `/cases/${pressCase.id}/transition`, OLE, { action: 'reopen' }),
      ];
      const mine = await api('GET', '/cases?mine=1&state=all', OLE);
      const everything = await api('GET', '/cases?state=all&limit=100', OLE);

      // Assess
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403]);
      expect(answers[3]?.body.message).toBe(
        `you may not read case ${pressCase.id}: you may read the cases of service and those that name them as cc, approver or escalation (member of service)`,
      );
      expect(await cases.get(pressCase.id)).toEqual(before);
      // Without a department the listing covers only the caller's own.
      for (const listing of [mine, everything]) {
        expect(listing.status).toBe(200);
        expect((listing.body.cases as Case[]).every((c) => c.department === 'service')).toBe(true);
      }
    });

    it('a cc department lists and reads the case that names it, but may not reopen it', async () => {
      // Arrange
      const pressCase = await seed({
        department: 'press',
        state: 'resolved',
        cc: ['legal'],
        resolvedAt: new Date().toISOString(),
      });

      // Act
      const listed = await api('GET', '/cases?department=legal&role=cc&state=resolved', JONAS);
      const read = await api('GET', `/cases/${pressCase.id}`, JONAS);
      const reopened = await api('POST', `/cases/${pressCase.id}/transition`, JONAS, { action: 'reopen' });

      // Assess
      expect((listed.body.cases as Case[]).map((c) => c.id)).toContain(pressCase.id);
      expect(read.status).toBe(200);
      expect(read.body.sla).toMatchObject({ dueAt: pressCase.dueAt, paused: false });
      expect(reopened).toEqual({
        status: 403,
        body: {
          status: 403,
          message: `only members and leads of press or an admin may reopen case ${pressCase.id}; you may read it (member of legal)`,
        },
      });
      expect((await cases.get(pressCase.id))?.state).toBe('resolved');
    });

    it("the case's department reopens it, with the history entry", async () => {
      // Arrange
      const pressCase = await seed({ department: 'press', state: 'resolved', resolvedAt: new Date().toISOString() });

      // Act
      const reopened = await api('POST', `/cases/${pressCase.id}/transition`, TIM, {
        action: 'reopen',
        note: 'Nachfrage',
      });

      // Assess
      expect(reopened.status).toBe(200);
      expect((await cases.get(pressCase.id))?.history?.at(-1)).toMatchObject({
        action: 'reopen',
        from: 'resolved',
        to: 'new',
        actor: `user:${TIM}`,
        detail: { note: 'Nachfrage' },
      });
    });

    it("only the approving department sees a draft in its approvals, and never the drafter's own", async () => {
      // Arrange: service drafted a reply that press must approve
      const serviceCase = await seed({ department: 'service', requireApproval: true, approverDepartment: 'press' });
      const drafted = await api('POST', `/cases/${serviceCase.id}/replies`, OLE, { text: 'Wir kümmern uns.' });
      const replyId = (drafted.body.reply as { id: string }).id;

      // Act
      const forTim = await api('GET', '/approvals', TIM);
      const forOle = await api('GET', '/approvals', OLE);
      const forJonas = await api('GET', '/approvals', JONAS);

      // Assess
      const ids = (answer: Answer) => (answer.body.replies as { replyId: string }[]).map((r) => r.replyId);
      expect(ids(forTim)).toContain(replyId);
      expect(ids(forOle)).not.toContain(replyId);
      expect(ids(forJonas)).not.toContain(replyId);
    });

    it("a member reads their own department's reports but not the management report or another department's", async () => {
      // Act
      const management = await api('GET', '/reports?scope=management', OLE);
      const press = await api('GET', '/reports?scope=press', OLE);
      const byId = await api('GET', '/reports/weekly:2026-W48:press', OLE);
      const own = await api('GET', '/reports?scope=service', OLE);

      // Assess
      expect([management.status, press.status, byId.status, own.status]).toEqual([403, 403, 403, 200]);
      expect(byId.body.message).toMatch(/you may not read the reports of press/);
    });
  });
});
