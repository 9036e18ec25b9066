/**
 * A reply sent through the local runtime's admin API reaches the platform once: the admin
 * function reads the platform secret it is granted (topology), posts to a replay server
 * standing in for the Graph API, and the case is responded. The console's browser test does
 * the same through the pages.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSampleWebhooks, postSignedMeta, sampleWebhooksDir } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import type { Case } from '../../shared/domain/case.ts';
import { demoConfig } from '../factories/config.ts';
import { startReplayServer, type ReplayServer } from '../support/replay-server.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

const TIM = 'tim.osterloh@radwerk-hansen.example'; // member of press
const JANA = 'jana.krueger@radwerk-hansen.example'; // leads press

describe('sending a reply through the local runtime', () => {
  let runtime: Runtime;
  let replay: ReplayServer;

  const tokenOf = (email: string) => {
    const found = Object.entries(runtime.adminTokens).find(([, claims]) => claims.email === email);
    if (!found) throw new Error(`no token for ${email}`);
    return found[0];
  };
  const api = async (method: string, route: string, as: string, body?: unknown) => {
    const response = await fetch(`${runtime.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${tokenOf(as)}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    replay = await startReplayServer();
    replay.on((r) => r.method === 'POST' && r.path.endsWith('/comments'), { json: { id: '901_990' } });
    const config = { ...demoConfig(), replies: { apiBaseUrl: replay.url } };
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => {},
    });
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const sample = (await loadSampleWebhooks(sampleWebhooksDir('demo'))).find(
      (s) => path.basename(s.file) === '05-press-inquiry.json',
    );
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, sample?.body ?? '', appSecret);
    if (answer.status !== 200) throw new Error(`the sample was refused: ${answer.status}`);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
  });
  afterAll(async () => {
    await runtime?.stop();
    await replay?.stop();
  });

  it('drafted by press, approved by another member, sent once; the case is responded', async () => {
    // Arrange
    const listed = await api('GET', '/cases?department=press', JANA);
    const kase = (listed.body.cases as Case[])[0] as Case;
    const drafted = await api('POST', `/cases/${kase.id}/replies`, TIM, { text: 'Gern, wir melden uns heute.' });
    const replyId = (drafted.body.reply as { id: string }).id;
    await api('POST', `/cases/${kase.id}/replies/${replyId}/approve`, JANA);

    // Act
    const sent = await api('POST', `/cases/${kase.id}/replies/${replyId}/send`, TIM);
    const again = await api('POST', `/cases/${kase.id}/replies/${replyId}/send`, TIM);

    // Assess
    expect(sent.body).toEqual({
      reply: {
        id: replyId,
        state: 'sent',
        platformPostId: '901_990',
        url: 'https://www.facebook.com/901_990',
        attempts: 1,
      },
    });
    expect(again.body).toEqual(sent.body);
    expect(replay.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(replay.requests[0]?.headers.authorization).toMatch(/^Bearer .{20,}$/);
    expect(((await api('GET', `/cases/${kase.id}`, TIM)).body.case as Case).state).toBe('responded');
  });
});
