import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { Functions } from './functions.ts';
import type { WorkQueues } from './work-queues.ts';

export interface AlarmsProps {
  readonly queues: WorkQueues;
  readonly functions: Functions;
}

/**
 * Alarms on what needs a person: messages in a DLQ (at the topology's depth) and function
 * errors. They carry no actions; a company subscribes its own on-call tooling.
 */
export class Alarms extends Construct {
  readonly dlqDepth: ReadonlyMap<string, cloudwatch.Alarm>;
  readonly functionErrors: ReadonlyMap<string, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);

    const dlqDepth = new Map<string, cloudwatch.Alarm>();
    for (const { spec, dlq } of props.queues.all) {
      dlqDepth.set(
        spec.id,
        new cloudwatch.Alarm(this, `${spec.id}-dlq-depth`, {
          alarmName: `${spec.dlq.name}-depth`,
          alarmDescription: `Messages of ${spec.name} failed ${spec.dlq.maxReceiveCount} times and wait in ${spec.dlq.name} for a redrive.`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
          threshold: spec.alarmDlqDepth,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.dlqDepth = dlqDepth;

    const functionErrors = new Map<string, cloudwatch.Alarm>();
    for (const { spec, fn } of props.functions.all) {
      functionErrors.set(
        spec.id,
        new cloudwatch.Alarm(this, `${spec.id}-errors`, {
          alarmName: `${spec.name}-errors`,
          alarmDescription: `${spec.name} threw or timed out.`,
          metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.functionErrors = functionErrors;
  }
}
