import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { FunctionSpec, ScheduleSpec } from '../../topology.ts';
import { physicalName } from '../physical-names.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import { acknowledgeFinding, defaultPolicyOf, nagRef } from '../nag.ts';
import type { Functions } from './functions.ts';
import type { WorkQueues } from './work-queues.ts';

export interface SchedulesProps {
  readonly schedules: readonly ScheduleSpec[];
  readonly functions: readonly FunctionSpec[];
  readonly handlers: Functions;
  /** Where each schedule's DLQ is. */
  readonly queues: WorkQueues;
  /** Give each schedule the topology's name (physical-names.ts); else CloudFormation names it. */
  readonly legacyNames: boolean;
}

/**
 * EventBridge Scheduler schedules in the company's timezone. Each passes its payload as the
 * target's input; Scheduler fills in `<aws.scheduler.scheduled-time>` when it fires.
 */
export class Schedules extends Construct {
  readonly schedules: ReadonlyMap<string, scheduler.Schedule>;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const schedules = new Map<string, scheduler.Schedule>();
    for (const spec of props.schedules) {
      const target = props.functions.find((f) => f.id === spec.targetFunction);
      const triggered = target?.triggers.some((t) => t.type === 'schedule' && t.schedule === spec.id) ?? false;
      if (!triggered) {
        throw new TopologyMismatchError(
          `schedule "${spec.id}" targets function "${spec.targetFunction}", which has no schedule trigger "${spec.id}"`,
        );
      }
      const fn = props.handlers.get(spec.targetFunction, `schedule "${spec.id}"`).function;

      // Scheduler's role for this schedule alone; it may invoke the target function, nothing else.
      const role = new iam.Role(this, `${spec.id}-role`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        description: `Lets EventBridge Scheduler run ${spec.name}`,
      });

      const schedule = new scheduler.Schedule(this, spec.id, {
        scheduleName: physicalName(spec.name, props.legacyNames),
        description: `Runs ${spec.targetFunction} (${spec.expression}, ${spec.timezone})`,
        schedule: scheduler.ScheduleExpression.expression(spec.expression, TimeZone.of(spec.timezone)),
        target: new LambdaInvoke(fn, {
          role,
          input: scheduler.ScheduleTargetInput.fromObject(spec.payload),
          // Retries cover throttled or failed deliveries to Lambda; a run that still cannot
          // be delivered (or is too late) goes to the schedule's DLQ instead of vanishing.
          retryAttempts: spec.retry.retryAttempts,
          maxEventAge: Duration.seconds(spec.retry.maxEventAgeSeconds),
          deadLetterQueue: props.queues.deadLetter(spec.deadLetterQueue, `schedule "${spec.id}"`),
        }),
      });

      // The target adds its invoke grant to the role while the schedule is built.
      acknowledgeFinding(
        defaultPolicyOf(role),
        `AwsSolutions-IAM5[Resource::${nagRef(fn)}:*]`,
        "CDK's invoke grant also covers the versions and aliases of the one target function (<arn>:*); no other function is reachable.",
      );
      schedules.set(spec.id, schedule);
    }
    this.schedules = schedules;
  }
}
