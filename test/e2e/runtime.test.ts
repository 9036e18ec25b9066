/**
 * The embedded runtime end to end: real handlers, dynalite, local-aws-sqs, the local bus
 * and HTTP API, driven only from the outside (HTTP, SDK clients, the table).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import { adminEnv, postSignedMeta } from '../../infra/local/demo.ts';
import { EventPatternError } from '../../infra/local/event-pattern.ts';
import { DataDirInUseError, RUNTIME_RECORD_FILE } from '../../infra/local/runtime-record.ts';
import { RuntimeNotIdleError, startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { ScheduleExpressionError } from '../../infra/local/scheduler.ts';
import { parseMetaSecret, SECRETS_FILE } from '../../infra/local/secrets.ts';
import { buildTopology, departmentQueueId, platformSecretName, type Topology } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import {
  DynamoCaseRepository,
  DynamoMentionRepository,
  DynamoMetricRepository,
  DynamoReportRepository,
  DynamoThemeRepository,
} from '../../shared/adapters/dynamodb/index.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { dayIn } from '../../shared/domain/time.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';
import { mentionRoutedFactory } from '../factories/mention.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS, REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();
const TZ = config.company.timezone;

/** The runtime's table through the repositories the functions use. */
function tableOf(runtime: Runtime) {
  const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
  return {
    mentions: new DynamoMentionRepository(documents, runtime.tableName),
    cases: new DynamoCaseRepository(documents, runtime.tableName),
    metrics: new DynamoMetricRepository(documents, runtime.tableName),
    reports: new DynamoReportRepository(documents, runtime.tableName),
  };
}

function sqsOf(runtime: Runtime): SQSClient {
  return new SQSClient({ region: runtime.region, endpoint: runtime.endpoints.sqs, credentials: LOCAL_CREDENTIALS });
}

/** The credentials a function of the runtime signs with (random per start). */
function credentialsOf(runtime: Runtime, functionId: string) {
  const env = runtime.env[functionId] ?? {};
  return { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string };
}

function appSecretOf(runtime: Runtime): string {
  return parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The created_time of the first change of a Meta fixture, as the day counters use it. */
function dayOfFixture(body: Buffer): string {
  const created = Number(/"created_time":\s*(\d+)/.exec(body.toString())?.[1]);
  return dayIn(new Date(created * 1000), TZ);
}

describe('startRuntime with the demo config, in memory', () => {
  let runtime: Runtime;
  const log: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      // The DLQ case below needs its five failed receives within seconds.
      visibilityTimeoutSeconds: REDELIVERY_SECONDS,
      startScheduler: false,
      log: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('turns a signed Meta comment into a mention, a case and counters in the table', async () => {
    // Arrange
    const body = metaFixture('page-feed-comment-non-ascii.json');

    // Act
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, body, appSecretOf(runtime));
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answer).toEqual({ status: 200, body: '{"enqueued":1,"deleted":0,"ignored":0,"revoked":0}' });
    const table = tableOf(runtime);
    const stored = await table.mentions.get(mentionId('facebook', '1223334445556667_7001'));
    expect(stored?.mention.text).toBe('Grüße aus Köln 🚲 — tolle Räder!');
    const storedCase = await table.cases.get(stored?.caseId as string);
    expect(storedCase).toMatchObject({ department: 'service', category: 'praise', state: expect.any(String) });
    expect(await table.cases.mentionsOf(stored?.caseId as string)).toHaveLength(1);
    expect(await table.metrics.countersOf(dayOfFixture(body))).toContainEqual(
      expect.objectContaining({ department: 'service', category: 'praise', count: 1 }),
    );
  });

  it('answers a bad signature with 401 and stores nothing', async () => {
    // Arrange
    const body = metaFixture('page-feed-visitor-post.json');

    // Act
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, body, 'not-the-app-secret');
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answer.status).toBe(401);
    const postId = /"post_id":\s*"([^"]+)"/.exec(body.toString())?.[1] as string;
    expect(await tableOf(runtime).mentions.get(mentionId('facebook', postId))).toBeUndefined();
  });

  it("answers Meta's verification handshake with the challenge", async () => {
    // Arrange
    const { verifyToken } = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]);
    const query = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': verifyToken,
      'hub.challenge': '1158201444',
    });

    // Act
    const response = await fetch(`${runtime.webhookUrls.meta}?${query}`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1158201444');
  });

  it('answers a path outside the topology routes with 404 JSON', async () => {
    // Act
    const response = await fetch(`${runtime.url}/admin/cases`);

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });

  it('answers a body over API Gateway’s 10 MB with 413 before any function runs', async () => {
    // Act
    const response = await fetch(runtime.webhookUrls.meta as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(10 * 1024 * 1024 + 1),
    });

    // Assess
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Entity Too Large' });
  });

  // Its timeout holds the DLQ poll's 30 s deadline, an idle wait (IDLE_TIMEOUT_MS) and 30 s.
  it('moves a message the function cannot process to the DLQ after maxReceiveCount receives', async () => {
    // Arrange
    const sqs = sqsOf(runtime);
    const maxReceiveCount = buildTopology(config).queues.find((q) => q.id === 'intake')?.dlq.maxReceiveCount as number;

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: runtime.queueUrls.intake, MessageBody: '{"not":"a mention"}' }));
    const dlqDepth = await eventually(async () => {
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: runtime.dlqUrls.intake,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      const depth = Number(attributes.Attributes?.ApproximateNumberOfMessages);
      return depth > 0 ? depth : undefined;
    }, 30_000);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(dlqDepth).toBe(1);
    const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: runtime.dlqUrls.intake }));
    expect(moved.Messages?.[0]?.Body).toBe('{"not":"a mention"}');
    // The poller logs from the pipeline's thread: its line reaches this thread's log a moment
    // after the DLQ's depth can already be read (once seen missing under load).
    const movedLine = new RegExp(
      `of bc-demo-intake failed \\(receive ${maxReceiveCount}/${maxReceiveCount}\\); it moves to the DLQ`,
    );
    expect(await eventually(async () => log.find((line) => movedLine.test(line)), 10_000)).toBeDefined();
    sqs.destroy();
  }, 105_000);

  it('answers PutEvents from the real EventBridgeClient per entry', async () => {
    // Arrange
    const client = new EventBridgeClient({
      region: runtime.region,
      endpoint: runtime.endpoints.eventBridge,
      credentials: credentialsOf(runtime, 'classify-mention'),
    });

    // Act: an event no rule matches, and one for a bus the topology does not have
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: runtime.busName,
            Source: 'backchannel',
            DetailType: 'Case Resolved',
            Detail: '{"caseId":"case_1"}',
          },
          {
            EventBusName: 'default',
            Source: 'backchannel',
            DetailType: 'Case Resolved',
            Detail: '{"caseId":"case_1"}',
          },
        ],
      }),
    );

    // Assess
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(output.Entries?.[1]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    client.destroy();
  });

  it('groups a primary Mention Routed into its theme through the insights queue, and counts no cc copy', async () => {
    // Arrange
    const client = new EventBridgeClient({
      region: runtime.region,
      endpoint: runtime.endpoints.eventBridge,
      credentials: credentialsOf(runtime, 'classify-mention'),
    });
    const primary = mentionRoutedFactory({
      mentionId: 'facebook:insight_1',
      text: 'Die Reparatur in der Werkstatt dauert schon drei Wochen',
      createdAt: '2025-11-27T10:00:00.000Z',
    });
    const cc = { ...primary, department: 'legal', role: 'cc' as const };
    const themes = new DynamoThemeRepository(
      createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
      runtime.tableName,
    );

    // Act
    await client.send(
      new PutEventsCommand({
        Entries: [primary, cc].map((detail) => ({
          EventBusName: runtime.busName,
          Source: 'backchannel',
          DetailType: 'Mention Routed',
          Detail: JSON.stringify(detail),
        })),
      }),
    );
    const themeId = await eventually(() => themes.assignmentOf(primary.mentionId, primary.createdAt));

    // Assess
    expect(themeId).toMatch(/^th_complaint_de_/);
    const counts = await eventually(async () =>
      (await themes.dayCounts(['2025-11-27'])).find((c) => c.themeId === themeId),
    );
    expect(counts).toMatchObject({ count: 1, departments: ['service'] });
    client.destroy();
  });

  it('refuses PutEvents from a function the topology grants no bus access', async () => {
    // Arrange: build-report signs with its own access key and has no bus grant
    const env = runtime.env['build-report'] ?? {};
    const client = new EventBridgeClient({
      region: runtime.region,
      endpoint: runtime.endpoints.eventBridge,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    });

    // Act
    const act = client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: runtime.busName, Source: 'backchannel', DetailType: 'x', Detail: '{}' }],
      }),
    );

    // Assess
    await expect(act).rejects.toMatchObject({ name: 'AccessDeniedException' });
    client.destroy();
  });

  it('serves the topology secret to the real SecretsManagerClient and nothing else', async () => {
    // Arrange
    const client = new SecretsManagerClient({
      region: runtime.region,
      endpoint: runtime.endpoints.secretsManager,
      credentials: credentialsOf(runtime, 'ingest-webhook'),
    });

    // Act
    const secret = await client.send(new GetSecretValueCommand({ SecretId: platformSecretName(config, 'meta') }));
    const missing = client.send(new GetSecretValueCommand({ SecretId: 'backchannel/demo/not-a-platform' }));

    // Assess
    expect(secret.SecretString).toBe(runtime.secrets[platformSecretName(config, 'meta')]);
    // Outside its grants, as IAM answers: whether the name exists is not told.
    await expect(missing).rejects.toMatchObject({ name: 'AccessDeniedException' });
    client.destroy();
  });

  it('builds every function with its own environment resolved from the topology', () => {
    // Act
    const { env } = runtime;

    // Assess
    expect(Object.keys(env).sort()).toEqual([
      'admin-api',
      'build-report',
      'check-sla',
      'classify-mention',
      'console-config',
      'detect-spikes',
      'erase-author',
      'forward-alarm',
      'handle-department',
      'ingest-webhook',
      'record-insights',
      'serve-console',
      'train-model',
    ]);
    expect(env['ingest-webhook']).toMatchObject({
      INTAKE_QUEUE_URL: runtime.queueUrls.intake,
      META_SECRET_NAME: 'backchannel/demo/meta',
      AWS_ENDPOINT_URL_SQS: runtime.endpoints.sqs,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: runtime.endpoints.secretsManager,
      POWERTOOLS_SERVICE_NAME: 'ingest-webhook',
    });
    expect(env['classify-mention']).toMatchObject({ TABLE_NAME: runtime.tableName, EVENT_BUS_NAME: runtime.busName });
    expect(JSON.parse(env['classify-mention']?.COMPANY_CONFIG as string)).toEqual(config);
    expect(env['build-report']?.INTAKE_QUEUE_URL).toBeUndefined();
    // People sign in on the runtime's own login page here, whatever admin.auth says.
    expect(env['console-config']?.CONSOLE_LOGIN).toBe('{"auth":"local"}');
    // The models bucket is a folder here (temporary in memory); classify-mention reads it, train-model writes it.
    expect(env['train-model']?.MODEL_BUCKET).toMatch(/^file:.*models/);
    expect(env['classify-mention']?.MODEL_BUCKET).toBe(env['train-model']?.MODEL_BUCKET);
  });

  it('fires the daily report schedule into build-report, which stores a report per department', async () => {
    // Act
    const result = await runtime.fireSchedule('daily-report', new Date('2025-11-29T05:00:00Z'));

    // Assess
    expect(result).toMatchObject({ day: '2025-11-28' });
    const reports = await tableOf(runtime).reports.dailyReports('2025-11-28');
    expect(reports.map((r) => r.department).sort()).toEqual(config.departments.map((d) => d.id).sort());
  });
});

describe('the bus of a running runtime', () => {
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('delivers a Mentions Routed event to the queue of its department’s rule, as the EventBridge envelope', async () => {
    // Arrange: the same topology with the department queues left unconsumed, to look into them
    const full = buildTopology(config);
    const topology: Topology = {
      ...full,
      functions: full.functions.map((fn) => (fn.id === 'handle-department' ? { ...fn, triggers: [] } : fn)),
    };
    runtime = await startRuntime({ config, topology, port: 0, startScheduler: false, log: () => {} });
    const sqs = sqsOf(runtime);

    // Act
    await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-non-ascii.json'),
      appSecretOf(runtime),
    );
    const message = await eventually(async () => {
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: runtime?.queueUrls[departmentQueueId('service')], WaitTimeSeconds: 0 }),
      );
      return received.Messages?.[0];
    });

    // Assess
    expect(JSON.parse(message.Body as string)).toMatchObject({
      version: '0',
      'detail-type': 'Mentions Routed',
      source: 'backchannel',
      account: expect.any(String),
      region: runtime.region,
      detail: {
        department: 'service',
        role: 'primary',
        mentions: [expect.objectContaining({ department: 'service', platform: 'facebook', category: 'praise' })],
      },
    });
    for (const other of config.departments.filter((d) => d.id !== 'service')) {
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: runtime.queueUrls[departmentQueueId(other.id)],
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('0');
    }
    sqs.destroy();
  });
});

describe("a runtime started with its pollers off (the throughput bench's diagnostic)", () => {
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('answers a signed webhook with 200 and leaves its mention on the intake queue', async () => {
    // Arrange
    runtime = await startRuntime({ config, port: 0, startScheduler: false, pollers: false, log: () => {} });
    const sqs = sqsOf(runtime);

    // Act
    const answer = await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-non-ascii.json'),
      appSecretOf(runtime),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: runtime.queueUrls.intake, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    sqs.destroy();

    // Assess: nothing took the message off the queue
    expect(answer.status).toBe(200);
    expect(received.Messages).toHaveLength(1);
    expect(JSON.parse(received.Messages?.[0]?.Body as string)).toMatchObject({ platform: 'facebook' });
  });
});

describe('waitForIdle at its deadline (pollers off, so what is queued stays queued)', () => {
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('resolves for an idle runtime even when the deadline has passed at its first check', async () => {
    // Arrange
    runtime = await startRuntime({ config, port: 0, startScheduler: false, pollers: false, log: () => {} });

    // Act
    const idle = runtime.waitForIdle(0);

    // Assess
    await expect(idle).resolves.toBeUndefined();
  });

  it('rejects with what is still busy when the runtime is not idle at the deadline', async () => {
    // Arrange
    runtime = await startRuntime({ config, port: 0, startScheduler: false, pollers: false, log: () => {} });
    await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-non-ascii.json'),
      appSecretOf(runtime),
    );

    // Act
    const idle = runtime.waitForIdle(0);

    // Assess
    await expect(idle).rejects.toBeInstanceOf(RuntimeNotIdleError);
    await expect(idle).rejects.toMatchObject({ busy: ['bc-demo-intake holds 1 message(s)'] });
  });
});

describe('startRuntime refuses to start', () => {
  it('when a rule uses an event pattern operator the local bus lacks, naming operator and rule', async () => {
    // Arrange
    const full = buildTopology(config);
    const topology: Topology = {
      ...full,
      bus: {
        ...full.bus,
        rules: [
          {
            ...(full.bus.rules[0] as Topology['bus']['rules'][number]),
            id: 'route-pngs',
            pattern: { detail: { file: [{ suffix: '.png' } as never] } },
          },
        ],
      },
    };
    const log: string[] = [];

    // Act
    const start = startRuntime({ config, topology, port: 0, log: (line) => log.push(line) });

    // Assess
    await expect(start).rejects.toBeInstanceOf(EventPatternError);
    await expect(start).rejects.toThrow('event rule "route-pngs": unsupported event pattern operator "suffix"');
    expect(log).toEqual([]);
  });

  it('when a schedule is not a cron expression', async () => {
    // Arrange
    const full = buildTopology(config);
    const topology: Topology = { ...full, schedules: full.schedules.map((s) => ({ ...s, expression: 'rate(1 day)' })) };

    // Act
    const start = startRuntime({ config, topology, port: 0, log: () => {} });

    // Assess
    await expect(start).rejects.toBeInstanceOf(ScheduleExpressionError);
    await expect(start).rejects.toThrow('schedule "daily-report": cannot use "rate(1 day)"');
  });
});

describe('startRuntime with a data directory', () => {
  let dataDir: string;
  const started: Runtime[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bc-runtime-'));
  });

  afterEach(async () => {
    for (const runtime of started.splice(0)) await runtime.stop();
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // Its timeout holds two runtime starts, an idle wait (IDLE_TIMEOUT_MS) and 60 s.
  it('keeps the table and the secrets across restarts and records itself while running', async () => {
    // Arrange
    const first = await startRuntime({
      config,
      dataDir,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => {},
    });
    started.push(first);
    await postSignedMeta(
      first.webhookUrls.meta as string,
      metaFixture('page-feed-comment-non-ascii.json'),
      appSecretOf(first),
    );
    await first.waitForIdle(IDLE_TIMEOUT_MS);
    const record = JSON.parse(await readFile(path.join(dataDir, RUNTIME_RECORD_FILE), 'utf8'));
    await first.stop();
    started.pop();

    // Act
    const second = await startRuntime({ config, dataDir, port: 0, startScheduler: false, log: () => {} });
    started.push(second);

    // Assess
    expect(record).toMatchObject({ pid: process.pid, company: 'demo', tableName: 'bc-demo-data', url: first.url });
    expect(second.secrets).toEqual(first.secrets);
    expect(second.secretsFile).toBe(path.join(dataDir, SECRETS_FILE));
    expect((await stat(path.join(dataDir, SECRETS_FILE))).mode & 0o777).toBe(0o600);
    expect(await tableOf(second).mentions.get(mentionId('facebook', '1223334445556667_7001'))).toBeDefined();
  }, 105_000);

  it('removes its record when stopped', async () => {
    // Arrange
    const runtime = await startRuntime({ config, dataDir, port: 0, startScheduler: false, log: () => {} });

    // Act
    await runtime.stop();

    // Assess
    await expect(stat(path.join(dataDir, RUNTIME_RECORD_FILE))).rejects.toThrow('ENOENT');
  });

  it('refuses a data directory that a live runtime of another process uses', async () => {
    // Arrange: a record of a live process that is not this one (the parent of this test)
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      path.join(dataDir, RUNTIME_RECORD_FILE),
      JSON.stringify({
        pid: process.ppid,
        company: 'demo',
        url: 'http://127.0.0.1:3000',
        region: 'eu-central-1',
        tableName: 'bc-demo-data',
        endpoints: { dynamodb: 'x', sqs: 'x', eventBridge: 'x', secretsManager: 'x' },
        startedAt: new Date().toISOString(),
      }),
    );

    // Act
    const start = startRuntime({ config, dataDir, port: 0, log: () => {} });

    // Assess
    await expect(start).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(start).rejects.toThrow(`already running (pid ${process.ppid}`);
    await rm(path.join(dataDir, RUNTIME_RECORD_FILE));
  });
});
