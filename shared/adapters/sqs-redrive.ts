import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Moves the messages of a dead-letter queue back to the queue they came from, and looks
 * into a DLQ without changing it. The SQS client is passed in, so the same code runs
 * against AWS and against the local runtime's SQS.
 */

/** SQS takes at most 10 entries per batch call. */
const BATCH = 10;

export interface RedriveOptions {
  /** URL of the dead-letter queue to empty. */
  readonly dlqUrl: string;
  /** URL of the queue the messages go back to. */
  readonly targetUrl: string;
  /** Move at most this many messages (default: all). */
  readonly max?: number;
  /** Long-poll wait of each receive; the run ends at the first empty receive (default 1 s). */
  readonly waitTimeSeconds?: number;
  /**
   * How long a received message stays hidden in the DLQ (default 60 s). A message that
   * could not be sent is left alone: it reappears in the DLQ when this runs out.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Called after each batch with the totals so far. */
  readonly onProgress?: (progress: RedriveProgress) => void;
}

export interface RedriveProgress {
  readonly batches: number;
  readonly moved: number;
  readonly failed: number;
}

/** A message that stayed in the DLQ, and why. */
export interface RedriveFailure {
  readonly messageId: string;
  /** `send` when the queue refused it (it stays in the DLQ), `delete` when it was sent but could not be removed from the DLQ (it is now in both). */
  readonly step: 'send' | 'delete';
  readonly code: string;
  readonly message: string;
}

export interface RedriveResult extends RedriveProgress {
  readonly failures: readonly RedriveFailure[];
}

/**
 * Receives the DLQ's messages in batches of 10, sends each batch to the target queue with
 * its body and message attributes, and deletes from the DLQ only the entries the target
 * accepted. Stops at the first empty receive, at `max`, or when a receive brings only
 * messages that already failed in this run (so a refused message is not retried forever).
 *
 * @returns the counts, and each message that is not moved with the reason
 * @throws the SDK's error when a whole call fails (messages received but not yet sent
 *   reappear in the DLQ after the visibility timeout; nothing is lost)
 */
export async function redriveMessages(sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const failures: RedriveFailure[] = [];
  const failedIds = new Set<string>();
  let moved = 0;
  let batches = 0;

  while (moved + failures.length < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.dlqUrl,
        MaxNumberOfMessages: Math.min(BATCH, max - moved - failures.length),
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId && !failedIds.has(m.MessageId));
    if (fresh.length === 0) break;
    batches++;

    const sent = await sendBatch(sqs, options.targetUrl, fresh);
    for (const failure of sent.failures) {
      failures.push(failure);
      failedIds.add(failure.messageId);
    }
    const deleted = await deleteBatch(sqs, options.dlqUrl, sent.sent);
    moved += deleted.deleted;
    for (const failure of deleted.failures) {
      failures.push(failure);
      failedIds.add(failure.messageId);
    }
    options.onProgress?.({ batches, moved, failed: failures.length });
  }
  return { batches, moved, failed: failures.length, failures };
}

export interface PeekResult {
  /** The DLQ's ApproximateNumberOfMessages (visible messages). */
  readonly approximateCount: number;
  /** Up to `peek` messages, as far as a receive with visibility timeout 0 returns them. */
  readonly messages: readonly { readonly messageId: string; readonly body: string }[];
}

/**
 * What a redrive would move, changing nothing: the DLQ's message count and a look at the
 * first few messages. They are received with visibility timeout 0, so they stay visible
 * and nothing is deleted; no ChangeMessageVisibility is sent.
 */
export async function peekMessages(sqs: SQSClient, dlqUrl: string, peek = 5): Promise<PeekResult> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const approximateCount = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  if (peek <= 0 || approximateCount === 0) return { approximateCount, messages: [] };
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: dlqUrl,
      MaxNumberOfMessages: Math.min(BATCH, peek),
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
    }),
  );
  return { approximateCount, messages: Messages.map((m) => ({ messageId: m.MessageId ?? '?', body: m.Body ?? '' })) };
}

async function sendBatch(
  sqs: SQSClient,
  targetUrl: string,
  messages: readonly Message[],
): Promise<{ sent: Message[]; failures: RedriveFailure[] }> {
  // Batch entry ids only need to be unique within the call: the position is enough.
  const entries: SendMessageBatchRequestEntry[] = messages.map((m, index) => ({
    Id: String(index),
    MessageBody: m.Body ?? '',
    ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0
      ? { MessageAttributes: sendable(m.MessageAttributes) }
      : {}),
  }));
  let response;
  try {
    response = await sqs.send(new SendMessageBatchCommand({ QueueUrl: targetUrl, Entries: entries }));
  } catch (error) {
    // Ten large messages can exceed the size of one batch call: send them one by one.
    if (messages.length > 1 && (error as Error).name === 'BatchRequestTooLong') {
      const result: { sent: Message[]; failures: RedriveFailure[] } = { sent: [], failures: [] };
      for (const message of messages) {
        try {
          const one = await sendBatch(sqs, targetUrl, [message]);
          result.sent.push(...one.sent);
          result.failures.push(...one.failures);
        } catch (single) {
          // Those sent before must still be deleted from the DLQ: record this one and go on.
          result.failures.push({
            messageId: message.MessageId ?? '?',
            step: 'send',
            code: (single as Error).name,
            message: (single as Error).message,
          });
        }
      }
      return result;
    }
    throw error;
  }
  const byId = (id: string | undefined) => messages[Number(id)];
  const sent = (response.Successful ?? []).map((s) => byId(s.Id)).filter((m): m is Message => m !== undefined);
  const failures = (response.Failed ?? []).map((f) => ({
    messageId: byId(f.Id)?.MessageId ?? '?',
    step: 'send' as const,
    code: f.Code ?? 'Unknown',
    message: f.Message ?? '',
  }));
  return { sent, failures };
}

async function deleteBatch(
  sqs: SQSClient,
  dlqUrl: string,
  messages: readonly Message[],
): Promise<{ deleted: number; failures: RedriveFailure[] }> {
  if (messages.length === 0) return { deleted: 0, failures: [] };
  let response;
  try {
    response = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: messages.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  } catch (error) {
    // The batch is already in the target queue: say which messages are now in both queues.
    return {
      deleted: 0,
      failures: messages.map((m) => ({
        messageId: m.MessageId ?? '?',
        step: 'delete',
        code: (error as Error).name,
        message: (error as Error).message,
      })),
    };
  }
  const failures = (response.Failed ?? []).map((f) => ({
    messageId: messages[Number(f.Id)]?.MessageId ?? '?',
    step: 'delete' as const,
    code: f.Code ?? 'Unknown',
    message: f.Message ?? '',
  }));
  return { deleted: (response.Successful ?? []).length, failures };
}

/** Received attributes carry list fields SendMessage does not take; keep the values only. */
function sendable(attributes: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, a]) => [
      name,
      {
        DataType: a.DataType,
        ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined ? { BinaryValue: a.BinaryValue } : {}),
      },
    ]),
  );
}
