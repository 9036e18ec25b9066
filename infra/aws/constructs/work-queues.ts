import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeadLetterQueueSpec, QueueSpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import { acknowledgeFinding } from '../nag.ts';
import { physicalName } from '../physical-names.ts';

export interface WorkQueuesProps {
  readonly queues: readonly QueueSpec[];
  /** The DLQs of rule targets, schedules and on-failure destinations. */
  readonly deadLetterQueues: readonly DeadLetterQueueSpec[];
  /** Give each queue the topology's name (physical-names.ts); else CloudFormation names it. */
  readonly legacyNames: boolean;
}

/** A topology queue with its dead-letter queue. */
export interface WorkQueue {
  readonly spec: QueueSpec;
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
}

/**
 * Every queue of the topology, each with its DLQ: a message that fails
 * `maxReceiveCount` times is moved aside, never dropped. Beside them the dead-letter queues
 * of the other asynchronous hops (bus rule targets, schedules, on-failure destinations).
 */
export class WorkQueues extends Construct {
  private readonly byId = new Map<string, WorkQueue>();
  /** Every dead-letter queue by its topology id (`<queue>-dlq` and the DeadLetterQueueSpecs). */
  private readonly deadLetterById = new Map<string, sqs.Queue>();

  constructor(scope: Construct, id: string, props: WorkQueuesProps) {
    super(scope, id);
    for (const spec of props.queues) {
      const group = new Construct(this, spec.id);
      const dlq = new sqs.Queue(group, 'Dlq', {
        queueName: physicalName(spec.dlq.name, props.legacyNames),
        retentionPeriod: Duration.days(spec.dlq.retentionDays),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new sqs.Queue(group, 'Queue', {
        queueName: physicalName(spec.name, props.legacyNames),
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(spec.retentionDays),
        // SQS-managed keys: EventBridge can deliver to the queue without a key policy.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.dlq.maxReceiveCount },
      });
      this.byId.set(spec.id, { spec, queue, dlq });
      this.deadLetterById.set(spec.dlq.id, dlq);
    }
    for (const spec of props.deadLetterQueues) {
      const dlq = new sqs.Queue(this, spec.id, {
        queueName: physicalName(spec.name, props.legacyNames),
        retentionPeriod: Duration.days(spec.retentionDays),
        // SQS-managed keys: EventBridge, Scheduler and Lambda destinations can send without a key policy.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      acknowledgeFinding(
        dlq.node.defaultChild!,
        'AwsSolutions-SQS3',
        `This queue is itself a dead-letter queue: it holds ${spec.receives}. cdk-nag only recognises DLQs named in a RedrivePolicy, not those of EventBridge targets, Scheduler or Lambda destinations.`,
      );
      this.deadLetterById.set(spec.id, dlq);
    }
  }

  /**
   * The dead-letter queue with this topology id: a work queue's (`<queue>-dlq`) or a DeadLetterQueueSpec.
   * @throws TopologyMismatchError when the topology references a DLQ it does not describe
   */
  deadLetter(id: string, referencedBy: string): sqs.Queue {
    const found = this.deadLetterById.get(id);
    if (!found) throw new TopologyMismatchError(`${referencedBy} references unknown dead-letter queue "${id}"`);
    return found;
  }

  /** All queues in topology order. */
  get all(): readonly WorkQueue[] {
    return [...this.byId.values()];
  }

  /**
   * The queue with this topology id.
   * @throws TopologyMismatchError when the topology references a queue it does not describe
   */
  get(queueId: string, referencedBy: string): WorkQueue {
    const found = this.byId.get(queueId);
    if (!found) throw new TopologyMismatchError(`${referencedBy} references unknown queue "${queueId}"`);
    return found;
  }
}
