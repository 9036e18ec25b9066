import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AlarmMetric, AlarmSpec } from '../../topology.ts';
import { physicalName } from '../physical-names.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import type { EventRouting } from './event-routing.ts';
import type { Functions } from './functions.ts';
import type { WebhookApi } from './webhook-api.ts';
import type { WorkQueues } from './work-queues.ts';

export interface AlarmsProps {
  readonly alarms: readonly AlarmSpec[];
  /** The alert topic every alarm notifies, on ALARM and on OK. */
  readonly topic: sns.ITopic;
  readonly queues: WorkQueues;
  readonly functions: Functions;
  readonly events: EventRouting;
  readonly api: WebhookApi;
  /** Give each alarm the topology's name (physical-names.ts); else CloudFormation names it. */
  readonly legacyNames: boolean;
}

/**
 * The topology's alarms: DLQ depth, age of the oldest message, function errors and
 * throttles, failed rule deliveries and API 5xx. Each tells the alert topic when it fires
 * and when it recovers; missing data never breaches.
 */
export class Alarms extends Construct {
  readonly byId: ReadonlyMap<string, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const byId = new Map<string, cloudwatch.Alarm>();
    for (const spec of props.alarms) {
      const alarm = new cloudwatch.Alarm(this, spec.id, {
        alarmName: physicalName(spec.name, props.legacyNames),
        alarmDescription: spec.description,
        metric: this.metricOf(spec.metric, Duration.seconds(spec.periodSeconds), props, `alarm "${spec.id}"`),
        threshold: spec.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: spec.evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      byId.set(spec.id, alarm);
    }
    this.byId = byId;
  }

  private metricOf(metric: AlarmMetric, period: Duration, props: AlarmsProps, where: string): cloudwatch.IMetric {
    switch (metric.kind) {
      case 'deadLetterDepth':
        return props.queues
          .deadLetter(metric.deadLetterQueue, where)
          .metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM });
      case 'oldestMessageAge':
        return props.queues
          .get(metric.queue, where)
          .queue.metricApproximateAgeOfOldestMessage({ period, statistic: cloudwatch.Stats.MAXIMUM });
      case 'functionErrors':
        return props.functions
          .get(metric.function, where)
          .function.metricErrors({ period, statistic: cloudwatch.Stats.SUM });
      case 'functionThrottles':
        return props.functions
          .get(metric.function, where)
          .function.metricThrottles({ period, statistic: cloudwatch.Stats.SUM });
      case 'ruleFailedInvocations': {
        const rule = props.events.rules.get(metric.rule);
        if (!rule) throw new TopologyMismatchError(`${where} references unknown bus rule "${metric.rule}"`);
        // Rules on a custom bus publish their metrics with both dimensions.
        return new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { EventBusName: props.events.bus.eventBusName, RuleName: rule.ruleName },
          period,
          statistic: cloudwatch.Stats.SUM,
        });
      }
      case 'api5xx':
        return props.api.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM });
      case 'url5xx':
        // Lambda publishes a function URL's metrics by function name (its $LATEST URL here).
        return new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName: 'Url5xxCount',
          dimensionsMap: { FunctionName: props.functions.get(metric.function, where).function.functionName },
          period,
          statistic: cloudwatch.Stats.SUM,
        });
      default:
        throw new TopologyMismatchError(`${where} has an unknown metric ${JSON.stringify(metric)}`);
    }
  }
}
