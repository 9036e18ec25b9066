/**
 * PutEvents as described in https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 * and https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html (per-entry failures).
 */
import { describe, expect, it, vi } from 'vitest';
import {
  createLocalEventBus,
  LOCAL_DELIVERY_RETRIES,
  type LocalEventBusOptions,
} from '../../../infra/local/event-bus.ts';
import { AwsServiceError } from '../../../infra/local/json-endpoint.ts';
import { buildTopology, type BusSpec } from '../../../infra/topology.ts';
import { demoConfig } from '../../factories/config.ts';

const BUS = buildTopology(demoConfig()).bus;

function busFactory(overrides: Partial<LocalEventBusOptions> = {}) {
  const deliver = vi.fn(async (_queueId: string, _body: string) => undefined);
  const bus = createLocalEventBus({
    bus: BUS,
    region: 'eu-central-1',
    accountId: '000000000000',
    deliver,
    now: () => new Date('2026-03-02T10:00:00.456Z'),
    ...overrides,
  });
  return { bus, deliver };
}

function entryFactory(overrides: Record<string, unknown> = {}) {
  return {
    EventBusName: BUS.name,
    Source: 'backchannel',
    DetailType: 'Mention Routed',
    Detail: JSON.stringify({ department: 'press', mentionId: 'facebook:1' }),
    ...overrides,
  };
}

describe('createLocalEventBus', () => {
  it('refuses a rule with an unsupported operator, naming it', () => {
    // Arrange
    const bus: BusSpec = {
      ...BUS,
      rules: [
        {
          id: 'archive-png',
          name: 'x',
          targetQueue: 'intake',
          deadLetterQueue: 'intake-events',
          retry: { retryAttempts: 0, maxEventAgeSeconds: 60 },
          pattern: { detail: { file: [{ suffix: '.png' } as never] } },
        },
      ],
    };

    // Act & Assess
    expect(() => busFactory({ bus })).toThrow('event rule "archive-png": unsupported event pattern operator "suffix"');
  });
});

describe('putEvents', () => {
  it('delivers the EventBridge envelope to the queue of the matching rule only', async () => {
    // Arrange
    const { bus, deliver } = busFactory();

    // Act
    const output = await bus.putEvents({ Entries: [entryFactory()] });

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    expect(deliver).toHaveBeenCalledTimes(1);
    const [queueId, body] = deliver.mock.calls[0] as [string, string];
    expect(queueId).toBe('dept-press');
    expect(JSON.parse(body)).toEqual({
      version: '0',
      id: (output.Entries[0] as { EventId: string }).EventId,
      'detail-type': 'Mention Routed',
      source: 'backchannel',
      account: '000000000000',
      time: '2026-03-02T10:00:00Z',
      region: 'eu-central-1',
      resources: [],
      detail: { department: 'press', mentionId: 'facebook:1' },
    });
  });

  it('accepts an event that matches no rule without delivering it', async () => {
    // Arrange
    const { bus, deliver } = busFactory();

    // Act
    const output = await bus.putEvents({ Entries: [entryFactory({ DetailType: 'Case Resolved' })] });

    // Assess
    expect(output).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(deliver).not.toHaveBeenCalled();
  });

  it('takes the event time from the entry (epoch seconds, as the SDK sends it)', async () => {
    // Arrange
    const { bus, deliver } = busFactory();

    // Act
    await bus.putEvents({ Entries: [entryFactory({ Time: 1_767_225_600 })] });

    // Assess
    expect(JSON.parse((deliver.mock.calls[0] as [string, string])[1]).time).toBe('2026-01-01T00:00:00Z');
  });

  it('accepts the bus by ARN', async () => {
    // Arrange
    const { bus } = busFactory();

    // Act
    const output = await bus.putEvents({ Entries: [entryFactory({ EventBusName: bus.arn })] });

    // Assess
    expect(output.FailedEntryCount).toBe(0);
  });

  it('fails single entries with an error code and keeps the others, in request order', async () => {
    // Arrange
    const { bus, deliver } = busFactory();

    // Act
    const output = await bus.putEvents({
      Entries: [
        entryFactory(),
        entryFactory({ Detail: '{not json' }),
        entryFactory({ EventBusName: 'default' }),
        entryFactory({ Source: undefined }),
        entryFactory({ DetailType: '' }),
        entryFactory({ Detail: '[1,2]' }),
        entryFactory({ Source: 'aws.ec2' }),
      ],
    });

    // Assess
    expect(output.FailedEntryCount).toBe(6);
    expect(output.Entries).toEqual([
      { EventId: expect.any(String) },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('Event bus default does not exist') },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source aws.ec2.' },
    ]);
    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('fails an entry whose delivery fails, so the publisher resends it', async () => {
    // Arrange
    const { bus } = busFactory({
      deliver: async () => {
        throw new Error('queue gone');
      },
    });

    // Act
    const output = await bus.putEvents({ Entries: [entryFactory()] });

    // Assess
    expect(output).toEqual({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' }],
    });
  });

  it("sends an event it cannot deliver to the rule's DLQ with EventBridge's attributes, counts it and accepts the entry", async () => {
    // Arrange
    const deadLettered: { rule: string; dlq: string; body: string; attributes: unknown }[] = [];
    const deliver = vi.fn(async () => {
      throw new Error('The specified queue does not exist.');
    });
    const { bus } = busFactory({
      deliver,
      deadLetter: async (rule, body, attributes) =>
        void deadLettered.push({ rule: rule.id, dlq: rule.deadLetterQueue, body, attributes }),
    });

    // Act
    const output = await bus.putEvents({ Entries: [entryFactory()] });

    // Assess
    expect(output).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(deliver).toHaveBeenCalledTimes(1 + LOCAL_DELIVERY_RETRIES);
    expect(deadLettered).toEqual([
      {
        rule: 'route-press',
        dlq: 'dept-press-events',
        body: expect.stringContaining('"detail-type":"Mention Routed"'),
        attributes: {
          RULE_ARN: 'arn:aws:events:eu-central-1:000000000000:rule/bc-demo-bus/bc-demo-route-press',
          ERROR_CODE: 'SQSError',
          ERROR_MESSAGE: 'Error: The specified queue does not exist.',
        },
      },
    ]);
    expect(bus.failedInvocations()).toEqual({ 'route-press': 1 });
  });

  it('fails the entry when even the DLQ refuses the event, so the publisher resends it', async () => {
    // Arrange
    const { bus } = busFactory({
      deliver: async () => {
        throw new Error('queue gone');
      },
      deadLetter: async () => {
        throw new Error('dlq gone');
      },
    });

    // Act
    const output = await bus.putEvents({ Entries: [entryFactory()] });

    // Assess
    expect(output).toEqual({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' }],
    });
  });

  it("sends a request's events for one queue in one batch, each entry with its own result", async () => {
    // Arrange
    const deliverBatch = vi.fn(async (_queueId: string, bodies: readonly string[]) => bodies.map(() => undefined));
    const { bus, deliver } = busFactory({ deliverBatch });
    const detail = (department: string, id: number) =>
      entryFactory({ Detail: JSON.stringify({ department, mentionId: `facebook:${id}` }) });

    // Act
    const output = await bus.putEvents({
      Entries: [detail('press', 1), detail('sales', 2), detail('press', 3), entryFactory({ Source: '' })],
    });

    // Assess
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries.map((e) => 'EventId' in e)).toEqual([true, true, true, false]);
    expect(deliver).not.toHaveBeenCalled();
    const calls = deliverBatch.mock.calls.map(([queueId, bodies]) => [
      queueId,
      bodies.map((b) => (JSON.parse(b) as { id: string; detail: { mentionId: string } }).detail.mentionId),
    ]);
    expect(calls).toEqual([
      ['dept-press', ['facebook:1', 'facebook:3']],
      ['dept-sales', ['facebook:2']],
    ]);
    const ids = deliverBatch.mock.calls.flatMap(([, bodies]) =>
      bodies.map((b) => (JSON.parse(b) as { id: string }).id),
    );
    expect(ids.sort()).toEqual([0, 1, 2].map((i) => (output.Entries[i] as { EventId: string }).EventId).sort());
  });

  it('sends at most ten events per batch', async () => {
    // Arrange
    const deliverBatch = vi.fn(async (_queueId: string, bodies: readonly string[]) => bodies.map(() => undefined));
    const { bus } = busFactory({ deliverBatch });

    // Act
    const first = await bus.putEvents({ Entries: Array.from({ length: 10 }, () => entryFactory()) });

    // Assess
    expect(first.FailedEntryCount).toBe(0);
    expect(deliverBatch.mock.calls.map(([queueId, bodies]) => [queueId, bodies.length])).toEqual([['dept-press', 10]]);
  });

  it('retries alone an event its batch did not deliver, and fails only its entry when that fails too', async () => {
    // Arrange
    const deliverBatch = vi.fn(async (_queueId: string, bodies: readonly string[]) =>
      bodies.map((b) => (b.includes('facebook:2') ? new Error('throttled') : undefined)),
    );
    const deliver = vi.fn(async (_queueId: string, body: string) => {
      if (body.includes('facebook:2')) throw new Error('still throttled');
    });
    const { bus } = busFactory({ deliver, deliverBatch });
    const entries = [1, 2, 3].map((id) =>
      entryFactory({ Detail: JSON.stringify({ department: 'press', mentionId: `facebook:${id}` }) }),
    );

    // Act
    const output = await bus.putEvents({ Entries: entries });

    // Assess
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries[1]).toEqual({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' });
    expect(deliverBatch).toHaveBeenCalledTimes(1);
    expect(deliver).toHaveBeenCalledTimes(LOCAL_DELIVERY_RETRIES);
    expect(deliver.mock.calls.every(([, body]) => body.includes('facebook:2'))).toBe(true);
  });

  it('retries each event alone when the whole batch request fails, and accepts those delivered then', async () => {
    // Arrange
    const deliverBatch = vi.fn(async () => {
      throw new Error('connection reset');
    });
    const deliver = vi.fn(async (_queueId: string, _body: string) => undefined);
    const { bus } = busFactory({ deliver, deliverBatch });

    // Act
    const output = await bus.putEvents({ Entries: [entryFactory(), entryFactory()] });

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    expect(deliver).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['no entries', []],
    ['more than ten entries', Array.from({ length: 11 }, () => entryFactory())],
    ['entries that are not a list', 'x'],
  ])('rejects a request with %s as a ValidationException', async (_name, entries) => {
    // Arrange
    const { bus } = busFactory();

    // Act & Assess
    await expect(bus.putEvents({ Entries: entries })).rejects.toMatchObject({ type: 'ValidationException' });
  });

  it('rejects a request over 256 KB', async () => {
    // Arrange
    const { bus } = busFactory();
    const detail = JSON.stringify({ department: 'press', text: 'x'.repeat(300 * 1024) });

    // Act & Assess
    await expect(bus.putEvents({ Entries: [entryFactory({ Detail: detail })] })).rejects.toThrow(
      'Total size of the entries',
    );
  });

  it('rejects a caller that the authorizer denies', async () => {
    // Arrange
    const { bus, deliver } = busFactory({
      authorize: (caller) => (caller.accessKeyId === 'local-build-report' ? 'no bus grant' : undefined),
    });

    // Act
    const act = bus.putEvents({ Entries: [entryFactory()] }, { accessKeyId: 'local-build-report' });

    // Assess
    await expect(act).rejects.toBeInstanceOf(AwsServiceError);
    await expect(act).rejects.toMatchObject({ type: 'AccessDeniedException', message: 'no bus grant' });
    expect(deliver).not.toHaveBeenCalled();
  });
});
