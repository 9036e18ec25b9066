import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { caseEventSubscriptionOf } from '../config/config-views.ts';
import type { CompanyConfig } from '../config/schema.ts';
import type { CaseEvent } from '../domain/events.ts';
import { metrics } from '../observability/powertools.ts';
import type { EventBridgePublisherOptions } from './eventbridge-publisher.ts';

/** Sees the case events a function did not put on the bus because nothing consumes them. */
export type WithheldCaseEventsHook = (withheld: readonly CaseEvent[]) => void;

const withheldHooks = new Set<WithheldCaseEventsHook>();

/**
 * Lets `hook` see every case event withheld from the bus from now on, in this process (the
 * local runtime prints them as it prints the bus's events, so `npm start` still shows who a
 * new case went to). No function sets one; in AWS the metric is all there is.
 * @returns a function that removes the hook again
 */
export function observeWithheldCaseEvents(hook: WithheldCaseEventsHook): () => void {
  withheldHooks.add(hook);
  return () => withheldHooks.delete(hook);
}

/**
 * How every function that changes cases publishes them to the company's bus: a case event
 * goes on the bus only when something consumes it (the company's `events.caseEvents`, or
 * recipients to notify: case-event-publishing.ts); the others are counted in the
 * invocation's `CaseEventsWithheld` metric and shown to observeWithheldCaseEvents' hooks.
 *
 * @example
 * const events = new EventBridgePublisher(client, busName, caseEventPublishing(config));
 */
export function caseEventPublishing(config: CompanyConfig): EventBridgePublisherOptions {
  return {
    caseEvents: caseEventSubscriptionOf(config),
    onWithheld: (withheld) => {
      metrics.addMetric('CaseEventsWithheld', MetricUnit.Count, withheld.length);
      for (const hook of withheldHooks) hook(withheld);
    },
  };
}
