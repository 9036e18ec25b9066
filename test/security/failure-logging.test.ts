/**
 * Finding 5, "failures are silent": fuzzed messages (DynamoDB key-size limits, a
 * notification failure) ended in DLQs with no error line in the log. Every failed record
 * of classify-mention and handle-department must now log its cause at ERROR (error name,
 * message, stack, mention id, case id, queue, message id, receive count; never the body),
 * count it, and record the cause by message id for `backchannel dlq`, and still fail.
 * Real handlers against a real dynalite table; the bus is a recorder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  classifyBatch,
  dependenciesFrom as classifyDependencies,
  type ClassifyBatchDeps,
} from '../../functions/classify-mention/handler.ts';
import {
  dependenciesFrom as departmentDependencies,
  handleDepartmentBatch,
} from '../../functions/handle-department/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoRecordFailureLog } from '../../shared/adapters/dynamodb/index.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { MAX_ERROR_MESSAGE_CHARS, observeRecords } from '../../shared/observability/observe-records.ts';
import { metrics } from '../../shared/observability/powertools.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionFactory, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';
import { RecordingPublisher } from '../fakes/in-memory.ts';
import { captureLogs, type CapturedLogs } from '../support/captured-logs.ts';
import { startLocalTable } from '../support/local-table.ts';
import { departmentQueueUrls } from '../support/department-queues.ts';

/** A record as SQS delivers it on its third receive, from the named queue. */
function deliveredRecord(body: string, messageId: string, queue: string, receiveCount = 3): SQSRecord {
  const record = sqsRecordFactory(body, messageId);
  return {
    ...record,
    eventSourceARN: `arn:aws:sqs:eu-central-1:123456789012:${queue}`,
    attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) },
  };
}

/** Text no log line may quote: it stands for what a person wrote. */
const PRIVATE_TEXT = 'Meine Kontonummer ist DE02120300000000202051, bitte nicht weitersagen';

describe('failed queue records are never silent', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let publisher: RecordingPublisher;
  let deps: ClassifyBatchDeps;
  let logs: CapturedLogs;
  let outbox: string;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    publisher = new RecordingPublisher();
    deps = {
      ...classifyDependencies({
        ...local.env,
        COMPANY_CONFIG: JSON.stringify(config),
        EVENT_BUS_NAME: topology.bus.name,
      }),
      events: publisher,
    };
    outbox = await mkdtemp(path.join(tmpdir(), 'bc-failure-logging-'));
  });

  afterAll(async () => {
    await local.backend.stop();
    await rm(outbox, { recursive: true, force: true });
  });

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => {
    logs.restore();
    vi.restoreAllMocks();
  });

  const errorLines = () => logs.lines().filter((l) => l.level === 'ERROR');
  /** A mention whose key exceeds DynamoDB's 2,048-byte partition key: it can never be stored. */
  const unstorable = () => mentionFactory({ externalId: `x${'9'.repeat(2100)}`, text: PRIVATE_TEXT });

  it('logs a record that fails on a DynamoDB key-size limit at ERROR with its cause, mention id, queue, message id and receive count', async () => {
    // Arrange
    const mention = unstorable();
    const record = deliveredRecord(JSON.stringify(mention), 'msg-key-too-long', 'bc-demo-intake');

    // Act
    const run = classifyBatch(sqsEventFactory([record]), contextFactory(), deps);

    // Assess: a batch whose every record failed fails as a whole, so SQS delivers it again
    await expect(run).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(errorLines()).toEqual([
      expect.objectContaining({
        message: 'Record failed',
        functionName: 'classify-mention',
        queue: 'bc-demo-intake',
        messageId: 'msg-key-too-long',
        receiveCount: 3,
        mentionId: mention.id,
        error: expect.objectContaining({
          name: 'ValidationException',
          message: expect.stringContaining('key'),
          stack: expect.any(String),
        }),
      }),
    ]);
  });

  it('never writes the text of the failed mention into the log', async () => {
    // Arrange
    const record = deliveredRecord(JSON.stringify(unstorable()), 'msg-private', 'bc-demo-intake');

    // Act
    await classifyBatch(sqsEventFactory([record]), contextFactory(), deps).catch(() => undefined);

    // Assess
    expect(errorLines()).toHaveLength(1);
    expect(JSON.stringify(logs.lines())).not.toContain('DE02120300000000202051');
  });

  it('records the cause under the SQS message id, counting each failure', async () => {
    // Arrange
    const mention = unstorable();
    const body = JSON.stringify(mention);

    // Act: the same message fails on its first and its second receive
    await classifyBatch(
      sqsEventFactory([deliveredRecord(body, 'msg-recorded', 'bc-demo-intake', 1)]),
      contextFactory(),
      deps,
    ).catch(() => undefined);
    await classifyBatch(
      sqsEventFactory([deliveredRecord(body, 'msg-recorded', 'bc-demo-intake', 2)]),
      contextFactory(),
      deps,
    ).catch(() => undefined);

    // Assess
    const causes = await new DynamoRecordFailureLog(local.documents, topology.table.name).causesOf([
      'msg-recorded',
      'msg-never-failed',
    ]);
    expect([...causes.keys()]).toEqual(['msg-recorded']);
    expect(causes.get('msg-recorded')).toMatchObject({
      queue: 'bc-demo-intake',
      functionName: 'classify-mention',
      errorName: 'ValidationException',
      receiveCount: 2,
      failures: 2,
      mentionId: mention.id,
    });
  });

  it('counts the failed record as RecordsFailed and the good one of the same batch as RecordsProcessed', async () => {
    // Arrange
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const good = mentionFactory({ externalId: 'counted-good-1', threadId: 'thread-counted-good' });
    const records = [
      deliveredRecord('{"id": "broken"', 'msg-not-json', 'bc-demo-intake'),
      deliveredRecord(JSON.stringify(good), 'msg-good', 'bc-demo-intake', 1),
    ];

    // Act
    const result = await classifyBatch(sqsEventFactory(records), contextFactory(), deps);

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-not-json' }]);
    expect(addMetric.mock.calls.filter(([name]) => name === 'RecordsFailed' || name === 'RecordsProcessed')).toEqual([
      ['RecordsFailed', 'Count', 1],
      ['RecordsProcessed', 'Count', 1],
    ]);
  });

  it('logs a message that is not JSON with its message id and not its body', async () => {
    // Arrange
    const record = deliveredRecord(`{"text": "${PRIVATE_TEXT}"`, 'msg-garbled', 'bc-demo-intake');

    // Act
    const run = classifyBatch(sqsEventFactory([record]), contextFactory(), deps);

    // Assess
    await expect(run).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(errorLines()).toEqual([
      expect.objectContaining({
        messageId: 'msg-garbled',
        error: expect.objectContaining({ name: 'ValidationError', message: 'message msg-garbled is not JSON' }),
      }),
    ]);
    expect(JSON.stringify(logs.lines())).not.toContain('DE02120300000000202051');
  });

  it('logs a notification failure of handle-department with the mention id and the case id', async () => {
    // Arrange: a routed mention, and an outbox the notifier cannot write (a file where its directory should be)
    const mention = mentionFactory({ externalId: 'notify-fails-1', threadId: 'thread-notify-fails' });
    await classifyBatch(
      sqsEventFactory([deliveredRecord(JSON.stringify(mention), 'msg-routed', 'bc-demo-intake', 1)]),
      contextFactory(),
      deps,
    );
    const routed = publisher.published.find((e) => e.mentionId === mention.id);
    expect(routed).toBeDefined();
    const notADirectory = path.join(outbox, 'not-a-directory');
    await writeFile(notADirectory, '');
    const base = departmentDependencies({
      ...local.env,
      COMPANY_CONFIG: JSON.stringify(config),
      EVENT_BUS_NAME: topology.bus.name,
      ...departmentQueueUrls(config),
      NOTIFY_OUTBOX_DIR: notADirectory,
    });
    const departmentDeps = { ...base, change: { ...base.change, events: publisher } };
    const record = deliveredRecord(routedEnvelope(routed!), 'msg-notify', `bc-demo-dept-${routed!.department}`, 5);

    // Act
    const run = handleDepartmentBatch(sqsEventFactory([record]), contextFactory(), departmentDeps);

    // Assess
    await expect(run).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(errorLines()).toContainEqual(
      expect.objectContaining({
        message: 'Record failed',
        functionName: 'handle-department',
        queue: `bc-demo-dept-${routed!.department}`,
        messageId: 'msg-notify',
        receiveCount: 5,
        mentionId: mention.id,
        caseId: routed!.caseId,
        error: expect.objectContaining({
          name: 'NotificationDeliveryError',
          message: expect.stringContaining('failed for 2 target(s)'),
        }),
      }),
    );
  });

  it('logs an error without the properties it carries, such as a response with the body that was sent', async () => {
    // Arrange: an error as an HTTP client may throw it, the request and response attached
    const handle = observeRecords(
      async () => {
        throw Object.assign(new Error('upstream answered 500'), {
          name: 'UpstreamError',
          $response: { body: PRIVATE_TEXT },
          request: { headers: { authorization: 'Bearer s3cr3t-token' } },
        });
      },
      { functionName: 'handle-department', correlate: () => ({ mentionId: 'facebook:1_2' }), clock: systemClock },
    );

    // Act
    const act = handle(deliveredRecord('{}', 'msg-upstream', 'bc-demo-dept-press'));

    // Assess
    await expect(act).rejects.toThrow('upstream answered 500');
    expect(errorLines()).toEqual([
      expect.objectContaining({
        mentionId: 'facebook:1_2',
        error: expect.objectContaining({ name: 'UpstreamError', message: 'upstream answered 500' }),
      }),
    ]);
    expect(JSON.stringify(logs.lines())).not.toMatch(/DE02120300000000202051|s3cr3t-token/);
  });

  it('shortens a long error message, in the message and in the stack', async () => {
    // Arrange
    const long = `cannot store ${'x'.repeat(5_000)}`;
    const handle = observeRecords(
      async () => {
        throw new Error(long);
      },
      { functionName: 'classify-mention', correlate: () => ({}), clock: systemClock },
    );

    // Act
    await handle(deliveredRecord('{}', 'msg-long', 'bc-demo-intake')).catch(() => undefined);

    // Assess
    const error = errorLines()[0]?.error as { message: string; stack: string };
    expect(error.message).toHaveLength(MAX_ERROR_MESSAGE_CHARS);
    expect(error.stack.length).toBeLessThan(MAX_ERROR_MESSAGE_CHARS + 2_000);
  });

  it('still reports the record as failed, and logs why, when its cause cannot be recorded', async () => {
    // Arrange: a failure log on a table that does not exist
    const failures = new DynamoRecordFailureLog(local.documents, 'bc-demo-no-such-table');
    const record = deliveredRecord(JSON.stringify(unstorable()), 'msg-unrecorded', 'bc-demo-intake');

    // Act
    const run = classifyBatch(sqsEventFactory([record]), contextFactory(), { ...deps, failures });

    // Assess
    await expect(run).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(errorLines().map((l) => l.message)).toEqual(['Record failed', 'Failure cause not recorded']);
  });
});
