/**
 * Issue 12 (EventBridge events nobody consumes): a case event goes on the bus only when
 * something consumes it, a `notify-<department>` rule (it has recipients) or the company's
 * own integrations (`events.caseEvents`). Against the embedded runtime with the demo config,
 * which lists no case events of its own, driven over HTTP; what the bus accepted is read
 * from its routing lines (`logFormat: 'json'` prints them).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogRecord } from '../../infra/local/console-log.ts';
import { adminEnv, postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { OutboxLine } from '../../shared/adapters/notify/index.ts';
import { caseIdForThread } from '../../shared/domain/case.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { demoConfig } from '../factories/config.ts';
import { DEMO_PAGE_ID, escapeNonAscii, metaFeedCommentChange } from '../factories/http.ts';
import { raiseLogLevel } from '../support/captured-logs.ts';
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

/** The events the bus accepted since `from`, as `<detail-type> -> <rules>` (the runtime's routing lines). */
function busEvents(log: readonly string[], from = 0): string[] {
  return log.slice(from).flatMap((line) => {
    const routed = /^event "([^"]+)" from backchannel -> (.+)$/.exec(line);
    return routed ? [`${routed[1]} -> ${routed[2]}`] : [];
  });
}

describe('case events on the bus: only those something consumes (issue 12)', () => {
  let runtime: Runtime;
  let restoreLevel: () => void;
  const log: string[] = [];
  const thread = metaFeedCommentChange(0).value.post_id;
  const caseId = caseIdForThread('facebook', thread);
  const crisisMention = mentionId('facebook', metaFeedCommentChange(2).value.comment_id);

  const post = async (body: string) => {
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, body, appSecret);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    return answer;
  };
  const batchLines = (from: number) =>
    log
      .slice(from)
      .flatMap((line) => parseLogRecord(line) ?? [])
      .filter((record) => record.message === 'Mentions classified');

  const api = async (method: 'POST', route: string, body: unknown) => {
    const token = Object.entries(runtime.adminTokens).find(([, claims]) => claims.email === AYLIN)?.[0];
    const response = await fetch(`${runtime.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    return { status: response.status, body: (await response.json()) as { case?: { state?: string } } };
  };

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      statusIntervalSeconds: 0,
      logFormat: 'json',
      log: (line) => log.push(line),
    });
    restoreLevel = raiseLogLevel('INFO');
  });

  afterAll(async () => {
    restoreLevel?.();
    await runtime?.stop();
  });

  it('opens and assigns the case without putting its Case Assigned, which nothing consumes, and counts it on the batch line', async () => {
    // Arrange
    const from = log.length;

    // Act
    const answer = await post(
      commentWebhook(1, 'Mein Fahrrad ist seit drei Wochen in der Werkstatt und niemand meldet sich. Sehr ärgerlich!'),
    );

    // Assess
    expect(answer.status).toBe(200);
    const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
    const kase = await new DynamoCaseRepository(documents, runtime.tableName).get(caseId);
    expect(kase?.history?.map((e) => e.action)).toEqual(['assign']);
    expect(busEvents(log, from)).toEqual(['Mentions Routed -> route-service, insights']);
    expect(batchLines(from)).toEqual([expect.objectContaining({ caseEventsWithheld: 1 })]);
  });

  it('puts the Case Routing Applied of a crisis comment joining the thread, and press and legal are notified', async () => {
    // Arrange
    const from = log.length;

    // Act
    const answer = await post(
      commentWebhook(2, 'Immer noch keine Antwort von euch. Dann gibt es eben einen #Shitstorm auf allen Kanälen!'),
    );

    // Assess
    expect(answer.status).toBe(200);
    const events = busEvents(log, from);
    expect(events).toContainEqual(
      expect.stringMatching(/^Case Routing Applied -> (notify-press, notify-legal|notify-legal, notify-press)$/),
    );
    expect(events.filter((e) => !e.startsWith('Mentions Routed'))).toHaveLength(1);
    const notified = async (department: string) =>
      (await readFile(path.join(runtime.outboxDir, `${department}.jsonl`), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as OutboxLine)
        .filter((l) => l.notification.id === `routing:${crisisMention}`)
        .map((l) => l.notification.kind);
    expect(await notified('press')).toContain('escalation');
    expect(await notified('legal')).toContain('escalation');
    expect(batchLines(from)).toEqual([expect.not.objectContaining({ caseEventsWithheld: expect.anything() })]);
  });

  it('resolves the case through the admin API without putting its Case Resolved, which nothing consumes', async () => {
    // Arrange
    const from = log.length;

    // Act
    const answer = await api('POST', `/cases/${caseId}/transition`, { action: 'resolve' });

    // Assess
    expect(answer).toMatchObject({ status: 200, body: { case: { state: 'resolved' } } });
    expect(busEvents(log, from)).toEqual([]);
  });
});
