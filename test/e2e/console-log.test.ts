/**
 * What `npm start` prints (issue 13, readable output): short lines per webhook, routed
 * mention, case change and notification, the functions' JSON only with `logFormat: 'json'`
 * and always in `<dataDir>/logs/functions.jsonl`, and a status line driven by
 * `reportStatus()` (no timers in the assertions).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLogRecord } from '../../infra/local/console-log.ts';
import { adminEnv, postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { OutboxLine } from '../../shared/adapters/notify/outbox.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { targetLabel } from '../../shared/domain/notification.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';
import { raiseLogLevel } from '../support/captured-logs.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();
/** One praise comment on the demo page: one mention, one case of customer service. */
const FIXTURE = 'page-feed-comment-non-ascii.json';
const MENTION_ID = mentionId('facebook', '1223334445556667_7001');

function appSecretOf(runtime: Runtime): string {
  return parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
}

/** The lines a person should see for the fixture, from what the runtime stored and wrote to the outbox. */
async function expectedLines(runtime: Runtime): Promise<string[]> {
  const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
  const stored = await new DynamoMentionRepository(documents, runtime.tableName).get(MENTION_ID);
  const kase = await new DynamoCaseRepository(documents, runtime.tableName).get(stored?.caseId as string);
  if (!kase) throw new Error('the fixture made no case');
  const people = config.departments.flatMap((d) => [...(d.leads ?? []), ...(d.members ?? [])]);
  // Round robin while the department is on duty, else the team queue: both are right, at different hours.
  const assignment = kase.assignee
    ? `new -> assigned (${people.find((p) => p.email?.toLowerCase() === kase.assignee)?.name})`
    : (kase.assignedReason as string);
  const outboxFile = path.join(runtime.outboxDir, 'service.jsonl');
  const notifications = (await readFile(outboxFile, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutboxLine)
    .map(({ target, notification }) => {
      return `notify service via ${targetLabel(target)}: ${notification.title}${notification.caseUrl ? ` ${notification.caseUrl}` : ''} (outbox ${outboxFile})`;
    });
  return [
    'POST /webhooks/meta -> 200, 1 mention',
    `case ${kase.id} service: mention ${MENTION_ID} (${kase.category}, ${kase.priority})`,
    // Not on the bus by default (events.caseEvents), printed from the withheld event all the same.
    `case ${kase.id} service: ${assignment}`,
    ...notifications,
  ].sort();
}

describe("the local runtime's console, short lines (the default)", () => {
  let runtime: Runtime;
  const log: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      statusIntervalSeconds: 0,
      log: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('prints exactly one line for the webhook, its routed mention, its case change and each notification', async () => {
    // Arrange
    log.length = 0;

    // Act
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, metaFixture(FIXTURE), appSecretOf(runtime));
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answer.status).toBe(200);
    expect([...log].sort()).toEqual(await expectedLines(runtime));
  });

  it('tells a refused webhook on its HTTP line, with the reason', async () => {
    // Arrange
    log.length = 0;

    // Act
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, metaFixture(FIXTURE), 'not-the-app-secret');
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answer.status).toBe(401);
    expect(log).toEqual([expect.stringMatching(/^POST \/webhooks\/meta -> 401, .+/)]);
  });

  it('prints nothing for an SLA sweep that changed nothing', async () => {
    // Arrange: nothing is overdue
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    log.length = 0;

    // Act
    await runtime.fireSchedule('sla-sweep');

    // Assess
    expect(log).toEqual([]);
  });

  it('prints a status line once after work was done, then nothing while idle', async () => {
    // Arrange: the first test's mention was done by classify-mention and handle-department
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    log.length = 0;

    // Act
    const first = await runtime.reportStatus();
    const second = await runtime.reportStatus();

    // Assess
    expect(first).toMatch(/^queued 0 · in flight 0 · done [1-9]\d* · failed 0$/);
    expect(second).toBeUndefined();
    expect(log).toEqual([first]);
  });
});

describe("the local runtime's console with logFormat json, and the function log file", () => {
  let dataDir: string;
  let runtime: Runtime | undefined;
  let restoreLevel: (() => void) | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'backchannel-console-log-'));
  });

  afterEach(async () => {
    restoreLevel?.();
    await runtime?.stop();
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes every function record to the log as JSON, with the routing debug lines, and appends them to logs/functions.jsonl', async () => {
    // Arrange: the functions log at INFO, as under npm start (tests run at SILENT)
    const log: string[] = [];
    runtime = await startRuntime({
      config,
      dataDir,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      statusIntervalSeconds: 0,
      logFormat: 'json',
      log: (line) => log.push(line),
    });
    restoreLevel = raiseLogLevel('INFO');

    // Act
    await postSignedMeta(runtime.webhookUrls.meta as string, metaFixture(FIXTURE), appSecretOf(runtime));
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    await runtime.stop();

    // Assess
    const printed = log.flatMap((line) => parseLogRecord(line) ?? []);
    expect(printed.map((r) => r.message)).toEqual(
      expect.arrayContaining(['Webhook received', 'Mentions classified', 'Department batch handled']),
    );
    expect(log).toContainEqual(expect.stringMatching(/^event "Mentions Routed" from backchannel -> /));
    const filed = (await readFile(runtime.functionLogFile as string, 'utf8')).split('\n').filter((line) => line !== '');
    expect(runtime.functionLogFile).toBe(path.join(dataDir, 'logs', 'functions.jsonl'));
    expect(filed).toEqual(log.filter((line) => parseLogRecord(line) !== undefined));
    // It starts and stops a runtime itself, as a beforeAll would (see hookTimeout).
  }, 120_000);
});
