import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { caseEventSubscriptionOf } from '../config/config-views.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { metrics } from '../observability/powertools.ts';
import type { EventBridgePublisherOptions } from './eventbridge-publisher.ts';

/**
 * How every function that changes cases publishes them to the company's bus: a case event
 * goes on the bus only when something consumes it (the company's `events.caseEvents`, or
 * recipients to notify: case-event-publishing.ts); the others are counted in the
 * invocation's `CaseEventsWithheld` metric.
 *
 * @example
 * const events = new EventBridgePublisher(client, busName, caseEventPublishing(config));
 */
export function caseEventPublishing(config: CompanyConfig): EventBridgePublisherOptions {
  return {
    caseEvents: caseEventSubscriptionOf(config),
    onWithheld: (count) => metrics.addMetric('CaseEventsWithheld', MetricUnit.Count, count),
  };
}
