import type { Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * The Lambda side of an SQS event source mapping: received messages as the `SQSEvent`
 * Lambda delivers, and the messages a batch response says to keep.
 * Pure: no I/O.
 */

/** Turns messages received with all attributes into Lambda's `SQSEvent`. */
export function toSqsEvent(messages: readonly Message[], queue: { arn: string; region: string }): SQSEvent {
  return { Records: messages.map((message) => toSqsRecord(message, queue)) };
}

export function toSqsRecord(message: Message, queue: { arn: string; region: string }): SQSRecord {
  const attributes = message.Attributes ?? {};
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      ...optional('AWSTraceHeader', attributes.AWSTraceHeader),
      ...optional('SequenceNumber', attributes.SequenceNumber),
      ...optional('MessageGroupId', attributes.MessageGroupId),
      ...optional('MessageDeduplicationId', attributes.MessageDeduplicationId),
      ...optional('DeadLetterQueueSourceArn', attributes.DeadLetterQueueSourceArn),
    },
    // Lambda camel-cases the attribute fields and encodes binary values as base64.
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
            : {}),
          stringListValues: value.StringListValues ?? [],
          binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
          dataType: value.DataType ?? 'String',
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
  return record;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** What a batch's outcome means for its messages. */
export interface BatchOutcome {
  /** Messages to delete: processed successfully. */
  readonly done: readonly Message[];
  /** Messages left on the queue: they come back after the visibility timeout. */
  readonly failed: readonly Message[];
  /** Why the whole batch counts as failed, when it does. */
  readonly batchFailure?: string;
}

/**
 * Applies Lambda's `ReportBatchItemFailures` rules: a thrown error fails every message;
 * a response lists the failed message ids; a response that names an id outside the batch
 * (or has no id) fails the whole batch; no response, or an empty list, means all succeeded.
 */
export function batchOutcome(
  messages: readonly Message[],
  result: { error: unknown } | { value: unknown },
): BatchOutcome {
  if ('error' in result)
    return { done: [], failed: messages, batchFailure: `the handler threw: ${describe(result.error)}` };
  const response = result.value as Partial<SQSBatchResponse> | null | undefined;
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null) return { done: messages, failed: [] };
  if (!Array.isArray(failures)) return { done: [], failed: messages, batchFailure: 'batchItemFailures is not a list' };
  const ids = new Set(messages.map((m) => m.MessageId));
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) {
      return {
        done: [],
        failed: messages,
        batchFailure: `batchItemFailures names ${JSON.stringify(id)}, which is not in the batch`,
      };
    }
    failedIds.add(id);
  }
  return {
    done: messages.filter((m) => !failedIds.has(m.MessageId ?? '')),
    failed: messages.filter((m) => failedIds.has(m.MessageId ?? '')),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
