/**
 * The case lifecycle end to end in the embedded runtime: a complaint arrives over a signed
 * webhook, is assigned, breaches its SLA (the sweep runs with a clock two days ahead), is
 * escalated to press and legal, the departments are notified (the local outbox), the
 * company replies on the platform, and the case shows its response time.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependenciesFrom as checkSlaDependencies, runCheckSla } from '../../functions/check-sla/handler.ts';
import { adminEnv, postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoMetricRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { caseIdForThread } from '../../shared/domain/case.ts';
import { dayIn } from '../../shared/domain/time.ts';
import { demoConfig } from '../factories/config.ts';
import { DEMO_PAGE_ID, escapeNonAscii, metaFeedCommentChange } from '../factories/http.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

/**
 * The demo company, with the service desk on duty around the clock (so the round robin
 * assigns whatever the time of the test run) and complaints among the escalating
 * categories (so the overdue complaint goes to press and legal).
 */
function lifecycleConfig(): CompanyConfig {
  const config = demoConfig();
  return {
    ...config,
    departments: config.departments.map((d) => (d.id === 'service' ? { ...d, businessHours: [] } : d)),
    cases: { ...config.cases, escalate: { ...config.cases.escalate, categories: ['legal_risk', 'complaint'] } },
  };
}

function metaBody(change: ReturnType<typeof metaFeedCommentChange>): string {
  return escapeNonAscii(
    JSON.stringify({
      object: 'page',
      entry: [{ id: DEMO_PAGE_ID, time: Math.floor(Date.now() / 1000), changes: [change] }],
    }),
  );
}

async function outboxLines(
  runtime: Runtime,
  department: string,
): Promise<{ notification: { kind: string; caseId: string; title: string }; target: { type: string } }[]> {
  try {
    const text = await readFile(path.join(runtime.outboxDir, `${department}.jsonl`), 'utf8');
    return text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

describe('a complaint through the case lifecycle, in the local runtime', () => {
  const config = lifecycleConfig();
  let runtime: Runtime;
  let cases: DynamoCaseRepository;
  let appSecret: string;
  const postId = `${DEMO_PAGE_ID}_1223334445556667`;
  const caseId = caseIdForThread('facebook', postId);
  const openedAround = new Date();

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
    appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('opens the case and assigns it to the first service member on duty, and tells the service desk', async () => {
    // Act
    const complaint = metaFeedCommentChange(1, {
      message: 'Seit drei Wochen warte ich auf die Reparatur meines E-Trekker, keiner antwortet. Echt enttäuschend!',
      created_time: Math.floor(openedAround.getTime() / 1000),
    });
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, metaBody(complaint), appSecret);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answer.status).toBe(200);
    const kase = await cases.get(caseId);
    expect(kase).toMatchObject({
      department: 'service',
      category: 'complaint',
      state: 'assigned',
      assignee: 'ole.hansen@radwerk-hansen.example',
    });
    expect(kase?.assignedReason).toMatch(/^round robin: turn 1 of 3/);
    const service = await outboxLines(runtime, 'service');
    expect(service.map((l) => [l.notification.kind, l.target.type]).sort()).toEqual([
      ['new-case', 'slack'],
      ['new-case', 'teams'],
    ]);
  });

  it('marks the breach and escalates to press and legal when the sweep runs after the due time', async () => {
    // Arrange: the sweep's clock is two days ahead of the case's due time.
    const due = new Date((await cases.get(caseId))?.dueAt as string);
    const later = new Date(due.getTime() + 2 * 86_400_000);
    const deps = {
      ...checkSlaDependencies(runtime.env['check-sla'] as Record<string, string>),
      clock: { now: () => later },
    };

    // Act
    const result = await runCheckSla({}, deps);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(result).toMatchObject({ breached: 1, escalated: 1, failed: 0 });
    const kase = await cases.get(caseId);
    expect(kase?.breachedAt).toBe(later.toISOString());
    expect(kase?.escalatedTo).toEqual(['press', 'legal']);
    expect(kase?.history?.map((h) => [h.action, h.actor])).toEqual([
      // classify-mention opens the case assigned, in one write.
      ['assign', 'system:classify-mention'],
      ['breach-sla', 'system:check-sla'],
      ['escalate', 'system:check-sla'],
    ]);
    expect((await outboxLines(runtime, 'service')).map((l) => l.notification.kind)).toContain('sla-breach');
    for (const department of ['press', 'legal']) {
      const kinds = (await outboxLines(runtime, department))
        .filter((l) => l.notification.caseId === caseId)
        .map((l) => l.notification.kind);
      expect(kinds.length).toBeGreaterThan(0);
      expect(new Set(kinds)).toEqual(new Set(['escalation']));
    }
  });

  it('changes nothing when the sweep runs again', async () => {
    const due = new Date((await cases.get(caseId))?.dueAt as string);
    const deps = {
      ...checkSlaDependencies(runtime.env['check-sla'] as Record<string, string>),
      clock: { now: () => new Date(due.getTime() + 3 * 86_400_000) },
    };

    const result = await runCheckSla({}, deps);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    expect(result).toMatchObject({ breached: 0, escalated: 0, failed: 0 });
    expect((await cases.get(caseId))?.version).toBe(4);
  });

  it('marks the case responded when the company replies on the platform, with the response time', async () => {
    // Arrange: the page itself comments in the thread, 25 minutes after the complaint.
    const repliedAt = new Date(openedAround.getTime() + 25 * 60_000);
    const reply = metaFeedCommentChange(2, {
      from: { id: DEMO_PAGE_ID, name: 'Radwerk Hansen' },
      message: 'Das tut uns leid! Wir melden uns heute noch per Nachricht.',
      created_time: Math.floor(repliedAt.getTime() / 1000),
    });

    // Act
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, metaBody(reply), appSecret);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answer.status).toBe(200);
    const kase = await cases.get(caseId);
    expect(kase?.state).toBe('responded');
    expect(kase?.firstResponseAt).toBe(new Date(Math.floor(repliedAt.getTime() / 1000) * 1000).toISOString());
    expect(kase?.responseMinutes).toBeGreaterThanOrEqual(24);
    expect(kase?.responseMinutes).toBeLessThanOrEqual(26);
    expect(kase?.history?.at(-1)).toMatchObject({
      action: 'respond',
      actor: expect.stringMatching(/^platform:facebook:/),
      detail: { via: 'platform' },
    });
    const metrics = new DynamoMetricRepository(
      createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
      runtime.tableName,
    );
    const histograms = await metrics.histogramsOf(
      dayIn(new Date(kase?.firstResponseAt as string), config.company.timezone),
    );
    expect(histograms).toContainEqual(expect.objectContaining({ department: 'service', metric: 'response', count: 1 }));
  });
});
