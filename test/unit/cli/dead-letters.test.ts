import { describe, expect, it } from 'vitest';
import {
  causeInMessage,
  deadLetterTargets,
  payloadOf,
  rerunCommand,
  resolveDeadLetterQueue,
} from '../../../bin/commands/dead-letters.ts';
import { UsageError } from '../../../bin/commands/shared.ts';
import { buildTopology } from '../../../infra/topology.ts';
import { demoConfig } from '../../factories/config.ts';

const topology = buildTopology(demoConfig());

/** Lambda's on-failure destination record, as infra/local/async-invoke.ts writes it. */
const onFailureRecord = (payload: unknown) =>
  JSON.stringify({
    version: '1.0',
    timestamp: '2026-12-03T09:00:00.000Z',
    requestContext: {
      requestId: 'r-1',
      functionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:bc-demo-check-sla:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'SlaSweepError', errorMessage: 'SLA sweep: 1 change(s) failed', trace: [] },
  });

describe('deadLetterTargets', () => {
  it('covers every dead-letter queue of the topology: work queues, bus rules, schedules and on-failure destinations', () => {
    // Act
    const ids = deadLetterTargets(topology).map((t) => t.id);

    // Assess
    expect(ids).toEqual(
      expect.arrayContaining([
        'intake-dlq',
        'dept-press-dlq',
        'dept-press-events',
        'schedule-sla-sweep-dlq',
        'check-sla-failures',
        'forward-alarm-failures',
      ]),
    );
    expect(ids).toHaveLength(topology.queues.length + topology.deadLetterQueues.length);
  });

  it('redrives a rule DLQ into its department queue and names the function to run again for schedule and on-failure DLQs', () => {
    // Act
    const byId = new Map(deadLetterTargets(topology).map((t) => [t.id, t]));

    // Assess
    expect(byId.get('dept-press-events')).toMatchObject({
      name: 'bc-demo-dept-press-events-dlq',
      redrivesTo: 'dept-press',
    });
    expect(byId.get('dept-press-events')?.rerunFunction).toBeUndefined();
    expect(byId.get('schedule-sla-sweep-dlq')).toMatchObject({ rerunFunction: 'bc-demo-check-sla' });
    expect(byId.get('check-sla-failures')).toMatchObject({ rerunFunction: 'bc-demo-check-sla' });
    expect(byId.get('schedule-sla-sweep-dlq')?.redrivesTo).toBeUndefined();
  });
});

describe('resolveDeadLetterQueue', () => {
  it("takes a work queue's id or full name for that queue's DLQ", () => {
    // Act
    const byId = resolveDeadLetterQueue(topology, 'intake', 'dlq');
    const byName = resolveDeadLetterQueue(topology, 'bc-demo-dept-press', 'dlq');

    // Assess
    expect(byId).toMatchObject({ id: 'intake-dlq', name: 'bc-demo-intake-dlq', redrivesTo: 'intake' });
    expect(byName).toMatchObject({ id: 'dept-press-dlq', redrivesTo: 'dept-press' });
  });

  it("takes any DLQ's id or full name: a rule's, a schedule's, an on-failure destination", () => {
    // Act
    const rule = resolveDeadLetterQueue(topology, 'bc-demo-dept-press-events-dlq', 'redrive');
    const failures = resolveDeadLetterQueue(topology, 'check-sla-failures', 'redrive');

    // Assess
    expect(rule).toMatchObject({ id: 'dept-press-events', redrivesTo: 'dept-press' });
    expect(failures).toMatchObject({ name: 'bc-demo-check-sla-failures', rerunFunction: 'bc-demo-check-sla' });
  });

  it('throws a UsageError naming the work queues and the other DLQs for a name the topology does not have', () => {
    // Act
    const act = () => resolveDeadLetterQueue(topology, 'dept-marketing', 'dlq');

    // Assess
    expect(act).toThrow(UsageError);
    expect(act).toThrow(
      /--queue dept-marketing is not a queue of demo; its queues: intake, dept-press, .*; its other dead-letter queues: dept-press-events, .*check-sla-failures/,
    );
  });
});

describe('causeInMessage', () => {
  it("reads an on-failure record's error, function, time and attempts", () => {
    // Act
    const cause = causeInMessage(onFailureRecord({ scheduledTime: '2026-12-03T08:55:00Z' }), {});

    // Assess
    expect(cause).toEqual({
      errorName: 'SlaSweepError',
      errorMessage: 'SLA sweep: 1 change(s) failed',
      functionName: 'bc-demo-check-sla',
      failedAt: '2026-12-03T09:00:00.000Z',
      attempts: 3,
    });
  });

  it('reads the ERROR_CODE and ERROR_MESSAGE attributes EventBridge writes on an undelivered event', () => {
    // Act
    const cause = causeInMessage('{"detail-type":"Mention Routed"}', {
      ERROR_CODE: 'SQSError',
      ERROR_MESSAGE: 'QueueDoesNotExist: gone',
      RULE_ARN: 'arn:rule',
    });

    // Assess
    expect(cause).toEqual({ errorName: 'SQSError', errorMessage: 'QueueDoesNotExist: gone' });
  });

  it('finds no cause in a plain queue message or a body that is not JSON', () => {
    // Act & Assess
    expect(causeInMessage('{"id":"facebook:1_2"}', {})).toBeUndefined();
    expect(causeInMessage('cut off', {})).toBeUndefined();
  });
});

describe('payloadOf and rerunCommand', () => {
  it("takes an on-failure record's requestPayload, and a schedule DLQ message's body as it is", () => {
    // Act & Assess
    expect(payloadOf(onFailureRecord({ scheduledTime: '2026-12-03T08:55:00Z' }))).toEqual({
      scheduledTime: '2026-12-03T08:55:00Z',
    });
    expect(payloadOf('{"scheduledTime":"2026-12-03T08:55:00Z"}')).toEqual({ scheduledTime: '2026-12-03T08:55:00Z' });
    expect(payloadOf('not json')).toBeUndefined();
  });

  it('prints an asynchronous aws lambda invoke with the payload quoted for a POSIX shell', () => {
    // Act
    const command = rerunCommand('bc-demo-check-sla', { note: "it's" }, 'eu-central-1');

    // Assess
    expect(command).toBe(
      `aws lambda invoke --function-name bc-demo-check-sla --invocation-type Event --cli-binary-format raw-in-base64-out --region eu-central-1 --payload '{"note":"it'\\''s"}' /dev/null`,
    );
  });
});
