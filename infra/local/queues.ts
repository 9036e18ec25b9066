import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueSpec, Topology } from '../topology.ts';

/** The topology's queues in local-aws-sqs: each with its DLQ and redrive policy. */

export interface LocalQueue {
  readonly spec: QueueSpec;
  readonly url: string;
  readonly arn: string;
}

export interface LocalQueues {
  readonly list: readonly LocalQueue[];
  /** Queue URL by topology queue id. */
  readonly urls: Readonly<Record<string, string>>;
  /** DLQ URL by topology queue id. */
  readonly dlqUrls: Readonly<Record<string, string>>;
  /**
   * Every dead-letter queue's URL by its id: the work queues' DLQs (`<queue>-dlq`) and the
   * topology's deadLetterQueues (rule targets, schedules, on-failure destinations).
   */
  readonly deadLetterUrls: Readonly<Record<string, string>>;
  /** @throws Error for an id the topology does not have */
  byId(id: string): LocalQueue;
}

/**
 * Creates every queue of the topology after its DLQ, then the other dead-letter queues, with the topology's visibility
 * timeout (or `visibilityOverride`), retention and `RedrivePolicy`.
 */
export async function createQueues(
  sqs: SQSClient,
  topology: Topology,
  visibilityOverride: number | undefined,
): Promise<LocalQueues> {
  const list: LocalQueue[] = [];
  const dlqUrls: Record<string, string> = {};
  const deadLetterUrls: Record<string, string> = {};
  for (const spec of topology.queues) {
    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: spec.dlq.name,
        Attributes: { MessageRetentionPeriod: String(spec.dlq.retentionDays * 86_400) },
      }),
    );
    const dlqArn = await queueArn(sqs, dlq.QueueUrl as string);
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: spec.name,
        Attributes: {
          VisibilityTimeout: String(visibilityOverride ?? spec.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(spec.retentionDays * 86_400),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.dlq.maxReceiveCount }),
        },
      }),
    );
    const url = queue.QueueUrl as string;
    list.push({ spec, url, arn: await queueArn(sqs, url) });
    dlqUrls[spec.id] = dlq.QueueUrl as string;
    deadLetterUrls[spec.dlq.id] = dlq.QueueUrl as string;
  }
  for (const spec of topology.deadLetterQueues) {
    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: spec.name,
        Attributes: { MessageRetentionPeriod: String(spec.retentionDays * 86_400) },
      }),
    );
    deadLetterUrls[spec.id] = dlq.QueueUrl as string;
  }
  return {
    list,
    dlqUrls,
    deadLetterUrls,
    urls: Object.fromEntries(list.map((q) => [q.spec.id, q.url])),
    byId: (id) => {
      const queue = list.find((q) => q.spec.id === id);
      if (!queue) throw new Error(`unknown queue ${id}`);
      return queue;
    },
  };
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const response = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return response.Attributes?.QueueArn as string;
}

/** Messages a queue holds: visible, in flight and delayed. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const response = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = response.Attributes ?? {};
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}
