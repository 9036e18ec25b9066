import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caseEventPublishing, observeWithheldCaseEvents } from '../../../shared/adapters/company-event-publisher.ts';
import { EventBridgePublisher } from '../../../shared/adapters/eventbridge-publisher.ts';
import type { CaseEvent } from '../../../shared/domain/events.ts';
import { metrics } from '../../../shared/observability/powertools.ts';
import { demoConfig } from '../../factories/config.ts';
import { caseEventFactory } from '../../factories/notification.ts';

const eventBridge = mockClient(EventBridgeClient);
/** A lead resolved the case through the API: nobody to notify. */
const resolved = caseEventFactory({ action: 'resolve', transitionId: 'api:req-1', recipients: [], actor: 'user:a@x' });
/** A lead rerouted the case to sales: sales is told. */
const rerouted = caseEventFactory({ action: 'reroute', transitionId: 'api:req-2', recipients: ['sales'] });

describe('caseEventPublishing', () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("puts a change with recipients on the company's bus and counts the one nothing consumes in CaseEventsWithheld", async () => {
    // Arrange: the demo company lists no case events of its own
    const added = vi.spyOn(metrics, 'addMetric');
    const publisher = new EventBridgePublisher(
      new EventBridgeClient({}),
      'bc-demo-bus',
      caseEventPublishing(demoConfig()),
    );

    // Act
    await publisher.publishCaseEvents([resolved, rerouted]);

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventBridge).toReceiveCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'bc-demo-bus',
          Source: 'backchannel',
          DetailType: 'Case Rerouted',
          Detail: JSON.stringify(rerouted),
        },
      ],
    });
    expect(added).toHaveBeenCalledWith('CaseEventsWithheld', 'Count', 1);
  });

  it('puts the changes the company lists in events.caseEvents', async () => {
    // Arrange
    const added = vi.spyOn(metrics, 'addMetric');
    const publisher = new EventBridgePublisher(
      new EventBridgeClient({}),
      'bc-demo-bus',
      caseEventPublishing({ ...demoConfig(), events: { caseEvents: ['Case Resolved'] } }),
    );

    // Act
    await publisher.publishCaseEvents([resolved, rerouted]);

    // Assess
    expect(
      eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries?.map((e) => e.DetailType)),
    ).toEqual(['Case Resolved', 'Case Rerouted']);
    expect(added).not.toHaveBeenCalledWith('CaseEventsWithheld', expect.anything(), expect.anything());
  });

  it('shows the withheld changes to the hooks of observeWithheldCaseEvents until they are removed', async () => {
    // Arrange: a hook as the local runtime sets one
    const seen: CaseEvent[] = [];
    const remove = observeWithheldCaseEvents((events) => seen.push(...events));
    const publisher = new EventBridgePublisher(
      new EventBridgeClient({}),
      'bc-demo-bus',
      caseEventPublishing(demoConfig()),
    );

    // Act
    await publisher.publishCaseEvents([resolved, rerouted]);
    remove();
    await publisher.publishCaseEvents([resolved]);

    // Assess: the resolution once, the reroute (put on the bus) never
    expect(seen).toEqual([resolved]);
  });
});
