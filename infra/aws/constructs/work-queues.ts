import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';

export interface WorkQueuesProps {
  readonly queues: readonly QueueSpec[];
}

/** A topology queue with its dead-letter queue. */
export interface WorkQueue {
  readonly spec: QueueSpec;
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
}

/**
 * Every queue of the topology, each with its DLQ: a message that fails
 * `maxReceiveCount` times is moved aside, never dropped.
 */
export class WorkQueues extends Construct {
  private readonly byId = new Map<string, WorkQueue>();

  constructor(scope: Construct, id: string, props: WorkQueuesProps) {
    super(scope, id);
    for (const spec of props.queues) {
      const group = new Construct(this, spec.id);
      const dlq = new sqs.Queue(group, 'Dlq', {
        queueName: spec.dlq.name,
        retentionPeriod: Duration.days(spec.dlq.retentionDays),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new sqs.Queue(group, 'Queue', {
        queueName: spec.name,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(spec.retentionDays),
        // SQS-managed keys: EventBridge can deliver to the queue without a key policy.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.dlq.maxReceiveCount },
      });
      this.byId.set(spec.id, { spec, queue, dlq });
    }
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
