import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher, entrySize, PublishError } from '../../../shared/adapters/eventbridge-publisher.ts';
import { CASE_ACTIONS, type CaseAction } from '../../../shared/domain/case.ts';
import { caseEventOf } from '../../../shared/domain/change-case.ts';
import { CASE_DETAIL_TYPES, type CaseEvent, type MentionsRouted } from '../../../shared/domain/events.ts';
import { caseFactory } from '../../factories/case.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { caseEventFactory } from '../../factories/notification.ts';

const eventBridge = mockClient(EventBridgeClient);

describe('EventBridgePublisher', () => {
  beforeEach(() => eventBridge.reset());

  it('puts at most 10 entries per call', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0 });
    const events = Array.from({ length: 23 }, (_, i) => mentionRoutedFactory({ mentionId: `facebook:${i}` }));

    await publisher.publishMentionRouted(events);

    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
  });

  it('resends only the entries that failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0 });
    const events = ['a', 'b', 'c'].map((id) => mentionRoutedFactory({ mentionId: `facebook:${id}` }));

    await publisher.publishMentionRouted(events);

    const retry = eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    expect(retry).toHaveLength(1);
    expect(JSON.parse(retry[0]?.Detail ?? '{}').mentionId).toBe('facebook:b');
  });

  it('throws a PublishError naming the count when entries keep failing', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { attempts: 2, backoffMs: 0 });

    const publishing = publisher.publishMentionRouted([mentionRoutedFactory()]);

    await expect(publishing).rejects.toThrow(PublishError);
    await expect(publishing).rejects.toThrow('1 event(s) could not be published (last error: InternalFailure)');
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });
});

/** The event of a case change, as changeCase publishes it. */
function caseEvent(action: CaseAction, transitionId = `${action}:1`): CaseEvent {
  const c = caseFactory();
  return caseEventOf('demo', c, {
    transitionId,
    at: '2026-11-30T10:00:00.000Z',
    actor: 'system:check-sla',
    action,
    from: c.state,
    to: c.state,
  });
}

describe('EventBridgePublisher.publishCaseEvents', () => {
  beforeEach(() => eventBridge.reset());

  it.each(CASE_ACTIONS.map((action) => [action, CASE_DETAIL_TYPES[action]]))(
    'publishes %s as %s from backchannel',
    async (action, detailType) => {
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
      const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bc-demo-bus', { backoffMs: 0 });
      const event = caseEvent(action as CaseAction);

      await publisher.publishCaseEvents([event]);

      expect(eventBridge).toReceiveCommandWith(PutEventsCommand, {
        Entries: [
          { EventBusName: 'bc-demo-bus', Source: 'backchannel', DetailType: detailType, Detail: JSON.stringify(event) },
        ],
      });
    },
  );

  it('puts at most 10 case events per call', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0 });
    const events = Array.from({ length: 12 }, (_, i) => caseEvent('warn-sla', `sla-warn:${i}`));

    await publisher.publishCaseEvents(events);

    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
  });

  it('resends only the case events that failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }, { EventId: 'b' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0 });
    const escalated = caseEvent('escalate');

    await publisher.publishCaseEvents([escalated, caseEvent('assign')]);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(eventBridge).toHaveReceivedNthCommandWith(PutEventsCommand, 2, {
      Entries: [expect.objectContaining({ DetailType: 'Case Escalated', Detail: JSON.stringify(escalated) })],
    });
  });

  it('throws a PublishError when case events keep failing', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { attempts: 2, backoffMs: 0 });

    await expect(publisher.publishCaseEvents([caseEvent('breach-sla')])).rejects.toThrow(PublishError);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });

  it('sends nothing for no events', async () => {
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus');

    await publisher.publishCaseEvents([]);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  it('puts only the case events something consumes under the company setting, and counts the others', async () => {
    // Arrange: an assignment and a resolution notify nobody; the company takes resolutions itself
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const withheld: CaseEvent[][] = [];
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', {
      caseEvents: ['Case Resolved'],
      onWithheld: (events) => withheld.push([...events]),
    });
    const assigned = caseEventFactory({ action: 'assign', transitionId: 'assign:1', recipients: [] });
    const escalated = caseEventFactory({ action: 'escalate', transitionId: 'escalate:1', recipients: ['press'] });
    const resolved = caseEventFactory({ action: 'resolve', transitionId: 'resolve:1', recipients: [] });

    // Act
    await publisher.publishCaseEvents([assigned, escalated, resolved]);

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventBridge).toReceiveCommandWith(PutEventsCommand, {
      Entries: [
        expect.objectContaining({ DetailType: 'Case Escalated', Detail: JSON.stringify(escalated) }),
        expect.objectContaining({ DetailType: 'Case Resolved', Detail: JSON.stringify(resolved) }),
      ],
    });
    expect(withheld).toEqual([[assigned]]);
  });

  it('makes no call when no case event is consumed', async () => {
    // Arrange
    const withheld: CaseEvent[][] = [];
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', {
      caseEvents: [],
      onWithheld: (events) => withheld.push([...events]),
    });
    const assigned = caseEventFactory({ action: 'assign', recipients: [] });

    // Act
    await publisher.publishCaseEvents([assigned]);

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    expect(withheld).toEqual([[assigned]]);
  });
});

describe('EventBridgePublisher.publishMentionsRouted', () => {
  beforeEach(() => eventBridge.reset());

  const batchOf = (department: string, count: number, text = 'kaputt'): MentionsRouted => ({
    companyId: 'demo',
    department,
    role: 'primary',
    mentions: Array.from({ length: count }, (_, i) =>
      mentionRoutedFactory({ mentionId: `facebook:${department}-${i}`, department, text }),
    ),
  });

  it('puts one Mentions Routed entry per detail, the detail as published', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }, { EventId: 'b' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0 });
    const batches = [batchOf('service', 7), batchOf('sales', 3)];

    // Act
    const outcome = await publisher.publishMentionsRouted(batches);

    // Assess
    expect(outcome.failed).toEqual([]);
    const entries = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((e) => e.DetailType)).toEqual(['Mentions Routed', 'Mentions Routed']);
    expect(entries.map((e) => JSON.parse(e.Detail ?? '{}'))).toEqual(batches);
  });

  it('returns the detail the bus still refused after every attempt instead of throwing, having resent only it', async () => {
    // Arrange
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure' }] })
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0, attempts: 3 });
    const batches = [batchOf('service', 2), batchOf('sales', 2)];

    // Act
    const outcome = await publisher.publishMentionsRouted(batches);

    // Assess
    expect(outcome.failed).toEqual([batches[1]]);
    expect(outcome.cause).toBeInstanceOf(PublishError);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([2, 1, 1]);
  });

  it('returns every detail of a call that failed itself', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('socket hang up'));
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0 });
    const batches = [batchOf('service', 1)];

    const outcome = await publisher.publishMentionsRouted(batches);

    expect(outcome.failed).toEqual(batches);
    expect(outcome.cause?.message).toBe('socket hang up');
  });

  it('keeps every call under 256 KB, counted as EventBridge counts entries', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'e' })),
    }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0 });
    // Four details of about 100 KB each.
    const batches = ['a', 'b', 'c', 'd'].map((d) => batchOf(d, 20, 'x'.repeat(5_000)));

    // Act
    await publisher.publishMentionsRouted(batches);

    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.flat()).toHaveLength(4);
    for (const entries of calls) expect(entries.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(256 * 1024);
    expect(calls.length).toBeGreaterThan(1);
  });

  it('puts case changes in the same calls, one entry each with its detail-type, and returns the refused ones apart', async () => {
    // Arrange: 12 case changes and one detail make two calls; the bus refuses the last change every time.
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail?: string }[] }) => {
      const refused = input.Entries.map((e) => (e.Detail ?? '').includes('"transitionId":"assign:x:11"'));
      return {
        FailedEntryCount: refused.filter(Boolean).length,
        Entries: refused.map((r) => (r ? { ErrorCode: 'InternalFailure' } : { EventId: 'e' })),
      };
    });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0, attempts: 2 });
    const changes = Array.from({ length: 12 }, (_, i) =>
      caseEventFactory({ caseId: `case-${i}`, transitionId: `assign:x:${i}`, action: 'assign' }),
    );
    const batches = [batchOf('service', 2)];

    // Act
    const outcome = await publisher.publishMentionsRouted(batches, changes);

    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 3, 1]);
    expect(calls[0]?.every((e) => e.DetailType === 'Case Assigned')).toBe(true);
    expect(calls[1]?.map((e) => e.DetailType)).toEqual(['Case Assigned', 'Case Assigned', 'Mentions Routed']);
    expect(outcome.failed).toEqual([]);
    expect(outcome.failedCaseEvents).toEqual([changes[11]]);
  });
  it('withholds the case changes nobody consumes from the batch calls, counted in the outcome, not failed', async () => {
    // Arrange: the company lists no case events; an assignment notifies nobody, an escalation press
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { backoffMs: 0, caseEvents: [] });
    const escalated = caseEventFactory({ action: 'escalate', transitionId: 'routing:x:2', recipients: ['press'] });
    const assigned = caseEventFactory({ action: 'assign', transitionId: 'assign:x:1', recipients: [] });

    // Act
    const outcome = await publisher.publishMentionsRouted([batchOf('service', 2)], [assigned, escalated]);

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.map((e) => e.DetailType)).toEqual([
      'Case Escalated',
      'Mentions Routed',
    ]);
    expect(outcome).toEqual({ failed: [], failedCaseEvents: [], withheldCaseEvents: 1 });
  });
});
