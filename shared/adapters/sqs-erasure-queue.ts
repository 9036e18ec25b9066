import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ErasureQueue, ErasureRequest } from '../domain/erasure-job.ts';
import { DETAIL_TYPES, EVENT_SOURCE, type ErasureMessage } from '../domain/events.ts';

/**
 * The erasure queue, written to directly: erase-author's continuation of a job that ran out of
 * time, in the shape the `erasures` rule delivers the bus's `Erasure Requested` event.
 */
export class SqsErasureQueue implements ErasureQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(request: Pick<ErasureRequest, 'id' | 'subject' | 'dryRun'>): Promise<void> {
    const message: ErasureMessage = {
      source: EVENT_SOURCE,
      'detail-type': DETAIL_TYPES.erasureRequested,
      detail: { requestId: request.id, subject: request.subject, dryRun: request.dryRun },
    };
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
  }
}
