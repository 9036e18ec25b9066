import type { IncomingMessage, ServerResponse } from 'node:http';
import type { createRequestHandler } from 'local-aws-sqs';
import type { JournaledMessage, QueueJournal } from './queue-journal.ts';

/**
 * Puts a queue journal under local-aws-sqs, which keeps its queues only in memory. The
 * journal sits where messages enter and leave a queue (each queue's setRecord, receive,
 * delete and clearRecords), so every path is covered without touching a handler:
 * SendMessage(Batch), the move to the DLQ after maxReceiveCount, redrives, deletions.
 * A response is held back until the puts it made are fsynced: SendMessage answers only
 * once its messages would survive a kill.
 */

type SqsService = ReturnType<typeof createRequestHandler>['service'];
type SqsQueue = SqsService['Queues'][number];
type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What a restart put back on the queues. */
export interface ReplaySummary {
  /** Messages put back on their queue. */
  readonly replayed: number;
  /** Messages received maxReceiveCount times before the stop, moved to their DLQ now. */
  readonly movedToDlq: number;
  /** Messages past their queue's retention period, dropped as SQS would. */
  readonly expired: number;
  /** Messages of queues that this runtime does not create; kept in the journal. */
  readonly orphaned: number;
}

export interface JournaledSqs {
  /** local-aws-sqs's request handler with every queue journaled and responses held for fsync. */
  readonly requestHandler: RequestHandler;
  /** Puts the journal's messages back on the queues that exist now (call once, after creating them). */
  replay(now?: number): ReplaySummary;
}

/** What journalSqs needs of a QueueJournal. */
export type SqsJournal = Pick<QueueJournal, 'put' | 'receive' | 'delete' | 'purge' | 'durable' | 'messages' | 'file'>;

interface SetRecordInput {
  MessageBody: string;
  MessageAttributes?: Record<string, unknown>;
  MessageSystemAttributes?: Record<string, unknown>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
  DelaySeconds?: number | string;
}

interface StoredRecord {
  MessageId: string;
  attributes: Record<string, string>;
}

/**
 * Journals every queue of `service` (those it has and those it creates later) and wraps
 * its request handler.
 */
export function journalSqs(
  local: { readonly service: SqsService; readonly requestHandler: RequestHandler },
  journal: SqsJournal,
  log: (line: string) => void = () => {},
): JournaledSqs {
  const { service } = local;
  const hooked = new WeakSet<SqsQueue>();
  let replaying = false;

  const hook = (queue: SqsQueue): void => {
    if (hooked.has(queue)) return;
    hooked.add(queue);
    const name = queue.QueueName;

    const setRecord = queue.setRecord;
    queue.setRecord = (input: SetRecordInput, messageId?: string) => {
      const result = setRecord(input, messageId) as { record: StoredRecord; visible?: boolean };
      // A FIFO deduplication hit returns the earlier record without adding one.
      if (!replaying && 'visible' in result) {
        const sentAt = Number(result.record.attributes.SentTimestamp);
        journal.put(messageOf(name, result.record.MessageId, input, sentAt));
      }
      return result;
    };

    const receive = queue.receive.bind(queue);
    queue.receive = async (params: unknown) => {
      const records = (await receive(params)) as StoredRecord[];
      for (const record of records)
        journal.receive(name, record.MessageId, Number(record.attributes.ApproximateReceiveCount));
      return records;
    };

    const remove = queue.delete.bind(queue);
    queue.delete = (receiptHandle: string) => {
      const deleted = remove(receiptHandle);
      const id = messageIdOfReceiptHandle(receiptHandle);
      if (id) journal.delete(name, id);
      return deleted;
    };

    const clearRecords = queue.clearRecords.bind(queue);
    queue.clearRecords = () => {
      clearRecords();
      journal.purge(name);
    };
  };
  const hookAll = () => {
    for (const queue of service.Queues) hook(queue);
  };

  const requestHandler: RequestHandler = (req, res) => {
    hookAll();
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      // A CreateQueue has just made a queue: journal it before anyone can send to it.
      hookAll();
      journal.durable().then(
        () => end(...args),
        (error: unknown) => {
          log(`SQS request not acknowledged: ${(error as Error).message}`);
          // Not acknowledged: the sender retries, and the pipeline deduplicates a message that got through.
          res.statusCode = 500;
          res.setHeader('x-amzn-query-error', 'InternalFailure;Receiver');
          end(
            JSON.stringify({
              __type: 'com.amazonaws.sqs#InternalFailure',
              message: 'the local queue journal cannot be written',
            }),
          );
        },
      );
      return res;
    }) as ServerResponse['end'];
    return local.requestHandler(req, res);
  };

  return {
    requestHandler,
    replay: (now = Date.now()) => {
      hookAll();
      let replayed = 0;
      let movedToDlq = 0;
      let expired = 0;
      let orphaned = 0;
      const byName = new Map(service.Queues.map((q) => [q.QueueName, q]));
      for (const message of journal.messages()) {
        const queue = byName.get(message.queue);
        if (!queue) {
          orphaned++;
          continue;
        }
        if (message.sentAt + queue.MessageRetentionPeriod * 1000 <= now) {
          journal.delete(message.queue, message.id);
          expired++;
          continue;
        }
        const dlqName = queue.RedrivePolicy?.deadLetterTargetArn.split(':').pop();
        const dlq = dlqName === undefined ? undefined : byName.get(dlqName);
        if (dlq && queue.RedrivePolicy && message.receiveCount >= queue.RedrivePolicy.maxReceiveCount) {
          // Received maxReceiveCount times and never deleted: SQS would move it on its next receive.
          const moved: JournaledMessage = {
            ...message,
            queue: dlq.QueueName,
            receiveCount: 0,
            systemAttributes: {
              ...message.systemAttributes,
              DeadLetterQueueSourceArn: {
                DataType: 'String',
                StringValue: `arn:aws:sqs:${service.REGION}:${service.ACCOUNT_ID}:${queue.QueueName}`,
              },
            },
          };
          restore(dlq, moved, now);
          journal.put(moved, { wait: false });
          movedToDlq++;
          continue;
        }
        restore(queue, message, now);
        replayed++;
      }
      if (orphaned > 0)
        log(
          `the queue journal holds ${orphaned} message(s) of queues this runtime does not have; they stay in ${journal.file}`,
        );
      return { replayed, movedToDlq, expired, orphaned };
    },
  };

  /** Puts a message back with its id, sent time and receive count; the journal has it already. */
  function restore(queue: SqsQueue, message: JournaledMessage, now: number): void {
    const remainingDelay = Math.max(0, Math.ceil((message.sentAt + (message.delaySeconds ?? 0) * 1000 - now) / 1000));
    replaying = true;
    try {
      const { record } = queue.setRecord(inputOf(message, remainingDelay), message.id) as { record: StoredRecord };
      record.attributes.SentTimestamp = String(message.sentAt);
      record.attributes.ApproximateReceiveCount = String(message.receiveCount);
    } finally {
      replaying = false;
    }
  }
}

function messageOf(queue: string, id: string, input: SetRecordInput, sentAt: number): JournaledMessage {
  const delaySeconds = Number(input.DelaySeconds);
  return {
    queue,
    id,
    body: input.MessageBody,
    ...(input.MessageAttributes ? { attributes: input.MessageAttributes } : {}),
    ...(input.MessageSystemAttributes ? { systemAttributes: input.MessageSystemAttributes } : {}),
    ...(input.MessageGroupId ? { groupId: input.MessageGroupId } : {}),
    ...(input.MessageDeduplicationId ? { deduplicationId: input.MessageDeduplicationId } : {}),
    sentAt,
    ...(delaySeconds > 0 ? { delaySeconds } : {}),
    receiveCount: 0,
  };
}

function inputOf(message: JournaledMessage, delaySeconds: number): SetRecordInput {
  return {
    MessageBody: message.body,
    ...(message.attributes ? { MessageAttributes: message.attributes } : {}),
    ...(message.systemAttributes ? { MessageSystemAttributes: message.systemAttributes } : {}),
    ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
    ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
    DelaySeconds: delaySeconds,
  };
}

/** local-aws-sqs's receipt handles are base64 of a UUID and `{"MessageId": ...}`. */
function messageIdOfReceiptHandle(receiptHandle: string): string | undefined {
  try {
    const text = Buffer.from(receiptHandle, 'base64').toString('utf8');
    const parsed: unknown = JSON.parse(text.slice(text.indexOf('{')));
    const id = (parsed as { MessageId?: unknown }).MessageId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
