import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { BusSpec, EventPattern } from '../../topology.ts';
import { physicalName } from '../physical-names.ts';
import type { WorkQueues } from './work-queues.ts';

export interface EventRoutingProps {
  readonly bus: BusSpec;
  readonly queues: WorkQueues;
  /** Give the bus, archive and rules the topology's names (physical-names.ts); else CDK and CloudFormation name them. */
  readonly legacyNames: boolean;
}

/**
 * The company's own event bus, its archive, and one rule per topology rule that delivers
 * the whole matching event to the rule's queue, with the topology's retries and DLQ.
 */
export class EventRouting extends Construct {
  readonly bus: events.EventBus;
  readonly rules: ReadonlyMap<string, events.Rule>;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    const spec = props.bus;

    // Without a name CDK gives the bus one from its construct path (unique per stack and company).
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: physicalName(spec.name, props.legacyNames) });

    // An empty pattern archives every event on the bus, including those of other consumers.
    new events.Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      archiveName: physicalName(`${spec.name}-archive`, props.legacyNames),
      description: 'Every event on the company bus, for replay',
      eventPattern: {},
      retention: Duration.days(spec.archiveRetentionDays),
    });

    const rules = new Map<string, events.Rule>();
    for (const rule of spec.rules) {
      const target = props.queues.get(rule.targetQueue, `bus rule "${rule.id}"`);
      const deadLetterQueue = props.queues.deadLetter(rule.deadLetterQueue, `bus rule "${rule.id}"`);
      rules.set(
        rule.id,
        new events.Rule(this, rule.id, {
          eventBus: this.bus,
          ruleName: physicalName(rule.name, props.legacyNames),
          eventPattern: toCdkPattern(rule.pattern),
          // Adds the queue policy statements that let exactly this rule send to the queue
          // and, once the retries are spent, to its DLQ.
          targets: [
            new targets.SqsQueue(target.queue, {
              deadLetterQueue,
              retryAttempts: rule.retry.retryAttempts,
              maxEventAge: Duration.seconds(rule.retry.maxEventAgeSeconds),
            }),
          ],
        }),
      );
    }
    this.rules = rules;
  }
}

/**
 * The topology writes patterns in EventBridge's own JSON. CDK renders a pattern's keys
 * unchanged (it only renames its own `detailType`), so the topology's pattern is passed
 * through as it is; the infra tests compare the synthesized pattern with the topology's.
 */
function toCdkPattern(pattern: EventPattern): events.EventPattern {
  return pattern as unknown as events.EventPattern;
}
