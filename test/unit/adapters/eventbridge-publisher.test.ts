import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher, PublishError } from '../../../shared/adapters/eventbridge-publisher.ts';
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
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }] })
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
