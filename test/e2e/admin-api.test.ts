/**
 * The admin API in the embedded runtime: a case made from a signed webhook, then read and
 * changed over HTTP with the local bearer tokens, as a person in a department would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import type { Case } from '../../shared/domain/case.ts';
import { caseIdForThread } from '../../shared/domain/case.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();
const AYLIN = 'aylin.demir@radwerk-hansen.example'; // leads service
const TIM = 'tim.osterloh@radwerk-hansen.example'; // member of press, the approving department

describe('admin API on the local runtime', () => {
  let runtime: Runtime;
  let caseId: string;

  const tokenOf = (email: string): string => {
    const found = Object.entries(runtime.adminTokens).find(([, claims]) => claims.email === email);
    if (!found) throw new Error(`no token for ${email}`);
    return found[0];
  };

  const api = async (method: 'GET' | 'POST', path: string, options: { as?: string; body?: unknown } = {}) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        ...(options.as ? { authorization: `Bearer ${tokenOf(options.as)}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
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
    const stored = await api('GET', '/cases?department=service&state=open', { as: AYLIN });
    caseId = ((stored.body.cases as Case[])[0] as Case).id;
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('makes a token for every lead, member and admin and the local admin', () => {
    // Act
    const holders = Object.values(runtime.adminTokens);

    // Assess
    const people = new Set(
      [...config.departments.flatMap((d) => [...(d.leads ?? []), ...(d.members ?? [])]), ...config.admin.admins].map(
        (p) => p.email,
      ),
    );
    expect(holders.map((h) => h.email ?? h.sub).sort()).toEqual([...people, 'local:admin'].sort());
    expect(Object.keys(runtime.adminTokens).every((token) => /^[A-Za-z0-9_-]{43}$/.test(token))).toBe(true);
    expect(runtime.tokensFile).toBeUndefined();
  });

  it("lists the service department's open cases with the webhook's case", async () => {
    // Act
    const answer = await api('GET', '/cases?department=service&state=open', { as: AYLIN });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.cases).toEqual([
      expect.objectContaining({ id: caseId, department: 'service', category: 'praise' }),
    ]);
  });

  it('shows the case with its mention', async () => {
    // Act
    const answer = await api('GET', `/cases/${caseId}`, { as: AYLIN });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.case).toMatchObject({ id: caseId });
    expect(answer.body.mentions).toEqual([
      expect.objectContaining({
        mentionId: mentionId('facebook', '1223334445556667_7001'),
        text: 'Grüße aus Köln 🚲 — tolle Räder!',
      }),
    ]);
  });

  it('assigns the case to the lead, drafts a reply, has press approve it and marks it sent', async () => {
    // Act
    const assigned = await api('POST', `/cases/${caseId}/assign`, {
      as: AYLIN,
      body: { assignee: AYLIN, reason: 'übernehme ich' },
    });
    const drafted = await api('POST', `/cases/${caseId}/replies`, { as: AYLIN, body: { text: 'Danke für das Lob!' } });
    const replyId = (drafted.body.reply as { id: string }).id;
    const refused = await api('POST', `/cases/${caseId}/replies/${replyId}/approve`, { as: AYLIN });
    const approved = await api('POST', `/cases/${caseId}/replies/${replyId}/approve`, { as: TIM });
    const sent = await api('POST', `/cases/${caseId}/replies/${replyId}/sent`, { as: AYLIN });
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(assigned).toMatchObject({ status: 200, body: { case: { state: 'assigned', assignee: AYLIN } } });
    expect(drafted.status).toBe(201);
    expect(refused).toEqual({
      status: 403,
      body: { status: 403, message: `only a member or lead of press may approve replies of case ${caseId}` },
    });
    expect(approved.status).toBe(200);
    expect(sent.body.case).toMatchObject({
      state: 'responded',
      firstResponseAt: expect.any(String),
      reply: { id: replyId, draftedBy: `user:${AYLIN}`, approvedBy: `user:${TIM}`, sentBy: `user:${AYLIN}` },
    });
    const view = await api('GET', `/cases/${caseId}`, { as: AYLIN });
    expect(
      (view.body.history as { action: string; actor: string }[])
        .filter((e) => e.actor.startsWith('user:'))
        .map((e) => [e.action, e.actor]),
    ).toEqual([
      ['assign', `user:${AYLIN}`],
      ['draft-reply', `user:${AYLIN}`],
      ['approve-reply', `user:${TIM}`],
      ['respond', `user:${AYLIN}`],
    ]);
  });

  it('answers 401 before the function runs when the token is missing or unknown', async () => {
    // Act
    const missing = await fetch(`${runtime.url}/cases?department=service`);
    const unknown = await fetch(`${runtime.url}/cases/${caseIdForThread('facebook', 'x')}`, {
      headers: { authorization: 'Bearer not-a-token' },
    });

    // Assess
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: 'Unauthorized' });
    expect(unknown.status).toBe(401);
  });

  it('leaves the webhook routes open', async () => {
    // Arrange
    const { verifyToken } = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]);
    const query = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': verifyToken,
      'hub.challenge': '42',
    });

    // Act
    const response = await fetch(`${runtime.webhookUrls.meta}?${query}`);

    // Assess
    expect(response.status).toBe(200);
  });
});
