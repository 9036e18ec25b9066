import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher, PublishError } from '../../../shared/adapters/eventbridge-publisher.ts';
import { CASE_ACTIONS, type CaseAction } from '../../../shared/domain/case.ts';
import { caseEventOf } from '../../../shared/domain/change-case.ts';
import { CASE_DETAIL_TYPES, type CaseEvent } from '../../../shared/domain/events.ts';
import { caseFactory } from '../../factories/case.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';

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
});
