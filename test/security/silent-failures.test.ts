/**
 * Finding 5 (issue 10), the infrastructure half: failures were silent. Messages ended in
 * DLQs and no alarm reached anyone; events a bus rule could not deliver and failed
 * scheduled runs vanished. Here the embedded runtime (real handlers, local-aws-sqs, the
 * local bus) is made to fail the way production would, and what a person would be told
 * is read back from the outbox and the dead-letter queues.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import type { InvocationRecord } from '../../infra/local/async-invoke.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { buildTopology, departmentQueueId, eventsDlqId, type Topology } from '../../infra/topology.ts';
import type { AlertOutboxLine } from '../../shared/adapters/notify/alert-senders.ts';
import { demoConfig } from '../factories/config.ts';
import { REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();

function sqsOf(runtime: Runtime): SQSClient {
  return new SQSClient({ region: runtime.region, endpoint: runtime.endpoints.sqs, credentials: LOCAL_CREDENTIALS });
}

async function depthOf(sqs: SQSClient, url: string | undefined): Promise<number> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function alertLines(runtime: Runtime): Promise<AlertOutboxLine[]> {
  const text = await readFile(path.join(runtime.outboxDir, 'alerts.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AlertOutboxLine);
}

describe('a message that fails into a DLQ', () => {
  let runtime: Runtime;
  const log: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      // Five failed receives reach the DLQ within seconds.
      visibilityTimeoutSeconds: REDELIVERY_SECONDS,
      startScheduler: false,
      alarmIntervalSeconds: 0,
      log: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('fires the DLQ depth alarm of the stack, in the console, in alerts.jsonl for the e-mail subscribers and through the forwarder to chat', async () => {
    // Arrange: a message classify-mention can never process, moved to the intake DLQ
    const sqs = sqsOf(runtime);
    await sqs.send(new SendMessageCommand({ QueueUrl: runtime.queueUrls.intake, MessageBody: '{"not":"a mention"}' }));
    await eventually(async () => ((await depthOf(sqs, runtime.dlqUrls.intake)) > 0 ? true : undefined));
    // A batch that still held an earlier receive of the message may fail after the move (the redelivery
    // is 1 s here, shorter than the intake's 1 s gathering window plus the batch): let it end, so its
    // error is counted now and not between the evaluations of the next test.
    await runtime.waitForIdle();

    // Act
    const transitions = await runtime.evaluateAlarms();

    // Assess
    expect(transitions.map((t) => [t.alert.alarmName, t.alert.state])).toContainEqual([
      'bc-demo-intake-dlq-depth',
      'ALARM',
    ]);
    const lines = (await alertLines(runtime)).filter((l) => l.alert.alarmName === 'bc-demo-intake-dlq-depth');
    expect(lines.map((l) => [l.target, l.alert.state])).toEqual([
      [{ type: 'topic', topicName: 'bc-demo-alerts', email: config.alerts.email }, 'ALARM'],
      [config.alerts.chat[0], 'ALARM'],
    ]);
    expect(lines[0]?.alert.reason).toBe(
      'Threshold Crossed: 1 datapoint [1] was greater than or equal to the threshold (1).',
    );
    expect(log).toContainEqual(expect.stringMatching(/^ALARM bc-demo-intake-dlq-depth: Threshold Crossed/));
    sqs.destroy();
  });

  it('tells of the recovery once the DLQ is emptied, and says nothing while nothing changes', async () => {
    // Arrange: a person reads the message off the DLQ (as after a fix and redrive)
    const sqs = sqsOf(runtime);
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: runtime.dlqUrls.intake, VisibilityTimeout: 60 }),
    );
    await sqs.send(
      new DeleteMessageCommand({
        QueueUrl: runtime.dlqUrls.intake,
        ReceiptHandle: received.Messages?.[0]?.ReceiptHandle,
      }),
    );

    // Act
    const recovered = await runtime.evaluateAlarms();
    const quiet = await runtime.evaluateAlarms();

    // Assess
    expect(recovered.map((t) => [t.alert.alarmName, t.alert.previousState, t.alert.state])).toContainEqual([
      'bc-demo-intake-dlq-depth',
      'ALARM',
      'OK',
    ]);
    expect(quiet).toEqual([]);
    expect(
      (await alertLines(runtime))
        .filter((l) => l.alert.alarmName === 'bc-demo-intake-dlq-depth')
        .map((l) => l.alert.state),
    ).toEqual(['ALARM', 'ALARM', 'OK', 'OK']);
    sqs.destroy();
  });
});

describe('a scheduled function that fails', () => {
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('puts the record of the failed run into its on-failure queue after the retries, and fires its error and DLQ alarms', async () => {
    // Arrange: the SLA sweep's payload is one check-sla refuses (a real ValidationError of the real handler)
    const base = buildTopology(config);
    const topology: Topology = {
      ...base,
      schedules: base.schedules.map((s) =>
        s.id === 'sla-sweep' ? { ...s, payload: { scheduledTime: 'not a time' } } : s,
      ),
    };
    runtime = await startRuntime({
      config,
      topology,
      port: 0,
      startScheduler: false,
      alarmIntervalSeconds: 0,
      log: () => {},
    });
    const sqs = sqsOf(runtime);

    // Act
    const run = runtime.fireSchedule('sla-sweep');
    await expect(run).rejects.toThrow('check-sla input is not an SLA sweep request');
    const transitions = await runtime.evaluateAlarms();

    // Assess
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: runtime.deadLetterUrls['check-sla-failures'], MaxNumberOfMessages: 10 }),
    );
    expect(received.Messages).toHaveLength(1);
    const record = JSON.parse(received.Messages?.[0]?.Body ?? '{}') as InvocationRecord;
    expect(record).toMatchObject({
      requestContext: {
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
        functionArn: expect.stringContaining(':function:bc-demo-check-sla:'),
      },
      requestPayload: { scheduledTime: 'not a time' },
      responsePayload: { errorType: 'ValidationError', errorMessage: 'check-sla input is not an SLA sweep request' },
    });
    expect(transitions.map((t) => t.alert.alarmName)).toEqual(
      expect.arrayContaining(['bc-demo-check-sla-errors', 'bc-demo-check-sla-failures-depth']),
    );
    sqs.destroy();
  });
});

describe('an event the bus cannot deliver', () => {
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it("keeps it in the rule's DLQ with the cause, accepts the entry, and fires the rule's FailedInvocations alarm", async () => {
    // Arrange: the press queue is gone, so every delivery to it fails
    runtime = await startRuntime({ config, port: 0, startScheduler: false, alarmIntervalSeconds: 0, log: () => {} });
    const sqs = sqsOf(runtime);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: runtime.queueUrls[departmentQueueId('press')] }));
    // Signed as classify-mention, the function that publishes Mention Routed (the local endpoint answers only the runtime's functions).
    const publisher = runtime.env['classify-mention'] ?? {};
    const events = new EventBridgeClient({
      region: runtime.region,
      endpoint: runtime.endpoints.eventBridge,
      credentials: {
        accessKeyId: publisher.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: publisher.AWS_SECRET_ACCESS_KEY as string,
      },
    });
    const detail = JSON.stringify({ department: 'press', mentionId: 'facebook:1' });

    // Act
    const output = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: runtime.busName, Source: 'backchannel', DetailType: 'Mention Routed', Detail: detail },
        ],
      }),
    );
    const transitions = await runtime.evaluateAlarms();

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: runtime.deadLetterUrls[eventsDlqId(departmentQueueId('press'))],
        MessageAttributeNames: ['All'],
      }),
    );
    const message = received.Messages?.[0];
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({
      'detail-type': 'Mention Routed',
      detail: { department: 'press', mentionId: 'facebook:1' },
    });
    expect(message?.MessageAttributes?.RULE_ARN?.StringValue).toMatch(/:rule\/bc-demo-bus\/bc-demo-route-press$/);
    expect(message?.MessageAttributes?.ERROR_MESSAGE?.StringValue).toMatch(/does not exist/);
    expect(transitions.map((t) => t.alert.alarmName)).toEqual(
      expect.arrayContaining(['bc-demo-route-press-failed-invocations', 'bc-demo-dept-press-events-dlq-depth']),
    );
    events.destroy();
    sqs.destroy();
  });
});
