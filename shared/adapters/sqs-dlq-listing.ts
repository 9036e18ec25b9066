import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS takes at most 10 messages per receive and 10 entries per batch call. */
const BATCH = 10;

export interface ListDlqOptions {
  /** List at most this many messages (default 1,000). */
  readonly max?: number;
  /**
   * How long each listed message stays hidden while the listing runs (default 10 s): a
   * receive must hide it, or the next receive returns it again. They are made visible
   * again at the end; should that fail, they reappear when this runs out.
   */
  readonly holdSeconds?: number;
}

/** A message of a DLQ as listed. */
export interface DlqMessage {
  readonly messageId: string;
  readonly body: string;
  /** When it was first sent to its source queue (SQS keeps SentTimestamp across the move). */
  readonly sentAt: Date | undefined;
  /** The queue it failed on, when SQS says (`DeadLetterQueueSourceArn`). */
  readonly sourceQueue: string | undefined;
  /** Its string message attributes: EventBridge writes why a rule's event is here into them (ERROR_CODE, ERROR_MESSAGE, RULE_ARN). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DlqListing {
  readonly messages: readonly DlqMessage[];
  /** The DLQ's ApproximateNumberOfMessages before the listing. */
  readonly approximateCount: number;
  /** Messages that could not be made visible again: they reappear after the hold. */
  readonly stillHidden: number;
}

/**
 * Lists a DLQ's messages without deleting any: receives them in batches, each hidden for
 * `holdSeconds` so the next receive brings the next ones, until a receive brings nothing
 * new or `max` is reached, then makes every one visible again (ChangeMessageVisibility 0).
 *
 * Receives count as receives on SQS (locally the visibility change does too); a DLQ has no
 * redrive policy of its own, so nothing moves on because of it.
 *
 * @throws the SDK's error when a receive fails (what was received reappears after the hold)
 */
export async function listDlqMessages(
  sqs: SQSClient,
  dlqUrl: string,
  options: ListDlqOptions = {},
): Promise<DlqListing> {
  const max = options.max ?? 1_000;
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const approximateCount = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const received = new Map<string, Message>();
  // A short poll asks a subset of SQS's servers and may come back empty while messages
  // wait: a second empty receive in a row ends the listing.
  let idle = 0;
  while (received.size < max && idle < 2) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(BATCH, max - received.size),
        VisibilityTimeout: options.holdSeconds ?? 10,
        WaitTimeSeconds: 0,
        // Both spellings: local-aws-sqs reads the older AttributeNames.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    // local-aws-sqs may return one message several times in one answer: keep the first.
    const fresh = Messages.filter((m) => m.MessageId && !received.has(m.MessageId));
    for (const message of fresh) received.set(message.MessageId as string, message);
    idle = fresh.length === 0 ? idle + 1 : 0;
  }
  const stillHidden = await makeVisible(sqs, dlqUrl, [...received.values()]);
  return {
    approximateCount,
    stillHidden,
    messages: [...received.values()].map((m) => {
      const sent = Number(m.Attributes?.SentTimestamp);
      const source = m.Attributes?.DeadLetterQueueSourceArn;
      return {
        messageId: m.MessageId as string,
        body: m.Body ?? '',
        sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent) : undefined,
        sourceQueue: source ? source.split(':').at(-1) : undefined,
        attributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).flatMap(([name, a]) =>
            a.StringValue !== undefined ? [[name, a.StringValue]] : [],
          ),
        ),
      };
    }),
  };
}

/** Makes the messages visible again; returns how many could not be. */
async function makeVisible(sqs: SQSClient, dlqUrl: string, messages: readonly Message[]): Promise<number> {
  let failed = 0;
  for (let i = 0; i < messages.length; i += BATCH) {
    const chunk = messages.slice(i, i + BATCH);
    try {
      const response = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: chunk.map((m, index) => ({
            Id: String(index),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      failed += (response.Failed ?? []).length;
    } catch {
      failed += chunk.length;
    }
  }
  return failed;
}
