import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ErasureQueue } from '../domain/erasure-job.ts';

/** The erasure queue: one message per run of an erasure job, `{ "requestId": "erasure_..." }`. */
export class SqsErasureQueue implements ErasureQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(requestId: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ requestId }) }),
    );
  }
}
