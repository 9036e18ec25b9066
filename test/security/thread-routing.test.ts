/**
 * Finding 7 (issue 10): when a mention joined an existing case (same thread), the matched
 * rule's priority, tags and approval were dropped: a second angry comment with a crisis
 * hashtag stayed a normal service case, and the public reply went out unapproved.
 *
 * Against the embedded runtime with the demo config (its `crisis` rule: department press,
 * cc legal, priority high, approval required, tag crisis), driven over HTTP only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import type { OutboxLine } from '../../shared/adapters/notify/index.ts';
import { caseIdForThread, type Case, type CaseHistoryEntry } from '../../shared/domain/case.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { demoConfig } from '../factories/config.ts';
import { DEMO_PAGE_ID, escapeNonAscii, metaFeedCommentChange } from '../factories/http.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();
const AYLIN = 'aylin.demir@radwerk-hansen.example'; // leads service

/** A Page webhook with one customer comment on the demo post (every comment is in the same thread). */
function commentWebhook(n: number, message: string): string {
  const change = metaFeedCommentChange(n, { message });
  return escapeNonAscii(
    JSON.stringify({ object: 'page', entry: [{ id: DEMO_PAGE_ID, time: 1764322000 + n, changes: [change] }] }),
  );
}

describe('a crisis message in an existing thread raises its case (finding 7)', () => {
  let runtime: Runtime;
  const thread = metaFeedCommentChange(0).value.post_id;
  const caseId = caseIdForThread('facebook', thread);
  const crisisMention = mentionId('facebook', metaFeedCommentChange(2).value.comment_id);

  const tokenOf = (email: string): string => {
    const found = Object.entries(runtime.adminTokens).find(([, claims]) => claims.email === email);
    if (!found) throw new Error(`no token for ${email}`);
    return found[0];
  };
  const api = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
    const response = await fetch(`${runtime.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${tokenOf(AYLIN)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const post = async (body: string) => {
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, body, appSecret);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    return answer;
  };

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('opens a normal service case for the first comment', async () => {
    // Act
    const answer = await post(
      commentWebhook(1, 'Mein Fahrrad ist seit drei Wochen in der Werkstatt und niemand meldet sich. Sehr ärgerlich!'),
    );

    // Assess
    expect(answer.status).toBe(200);
    const view = await api('GET', `/cases/${caseId}`);
    expect(view.body.case).toMatchObject({ id: caseId, department: 'service', priority: 'normal' });
    expect((view.body.case as Case).requireApproval).toBeUndefined();
  });

  it('raises priority, tags crisis, requires press approval and tells press when a crisis comment joins the thread', async () => {
    // Act
    const answer = await post(
      commentWebhook(2, 'Immer noch keine Antwort von euch. Dann gibt es eben einen #Shitstorm auf allen Kanälen!'),
    );

    // Assess
    expect(answer.status).toBe(200);
    const view = await api('GET', `/cases/${caseId}`);
    const kase = view.body.case as Case;
    expect(kase).toMatchObject({
      department: 'service',
      priority: 'high',
      requireApproval: true,
      approverDepartment: 'press',
      escalatedTo: ['press', 'legal'],
    });
    expect(kase.tags).toContain('crisis');
    expect(kase.cc).toEqual(expect.arrayContaining(['press', 'legal']));
    const routing = (view.body.history as CaseHistoryEntry[]).filter((e) => e.action === 'apply-routing');
    expect(routing).toEqual([
      expect.objectContaining({
        transitionId: `routing:${crisisMention}`,
        actor: 'system:classify-mention',
        detail: expect.objectContaining({
          rules: expect.stringContaining('crisis'),
          priority: 'normal -> high',
          approval: 'press',
        }),
      }),
    ]);
    const press = (await readFile(path.join(runtime.outboxDir, 'press.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OutboxLine);
    expect(
      press
        .filter((l) => l.notification.id === `routing:${crisisMention}`)
        .map((l) => [l.notification.kind, l.target.type]),
    ).toEqual(
      expect.arrayContaining([
        ['escalation', 'slack'],
        ['escalation', 'email'],
      ]),
    );
  });

  it('refuses to mark a reply sent that press has not approved', async () => {
    // Arrange
    const drafted = await api('POST', `/cases/${caseId}/replies`, {
      text: 'Das tut uns leid, wir kümmern uns sofort.',
    });
    const replyId = (drafted.body.reply as { id: string }).id;

    // Act
    const sent = await api('POST', `/cases/${caseId}/replies/${replyId}/sent`);

    // Assess
    expect(drafted.status).toBe(201);
    expect(sent).toEqual({
      status: 409,
      body: { status: 409, message: `the reply ${replyId} of case ${caseId} is not approved yet` },
    });
    const view = await api('GET', `/cases/${caseId}`);
    expect((view.body.case as Case).state).not.toBe('responded');
  });
});
