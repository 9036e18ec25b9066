import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { caseEventSubscriptionOf } from '../config/config-views.ts';
import { requireEnv, type FunctionEnv } from '../config/runtime-env.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { metrics } from '../observability/powertools.ts';
import { createEventBridgeClient } from './aws-clients.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';

/**
 * The company's bus (`EVENT_BUS_NAME`) as every function that changes cases publishes to
 * it: a case event goes on the bus only when something consumes it (the company's
 * `events.caseEvents`, or recipients to notify: case-event-publishing.ts); the others are
 * counted in the invocation's `CaseEventsWithheld` metric. Built once per cold start.
 */
export function companyEventPublisher(env: FunctionEnv, config: CompanyConfig): EventBridgePublisher {
  return new EventBridgePublisher(createEventBridgeClient(env), requireEnv(env, 'EVENT_BUS_NAME'), {
    caseEvents: caseEventSubscriptionOf(config),
    onWithheld: (count) => metrics.addMetric('CaseEventsWithheld', MetricUnit.Count, count),
  });
}
