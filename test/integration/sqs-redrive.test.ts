import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type LocalBackend } from '../../infra/local/backends.ts';
import { peekMessages, redriveMessages, type RedriveProgress } from '../../shared/adapters/sqs-redrive.ts';

/** The redrive against a real local-aws-sqs: a queue, its DLQ with a redrive policy, messages in the DLQ. */
describe('redriveMessages and peekMessages against local-aws-sqs', () => {
  let backend: LocalBackend;
  let sqs: SQSClient;
  let queues = 0;

  beforeAll(async () => {
    backend = await startSqs();
    sqs = new SQSClient({ region: LOCAL_REGION, endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
  });

  afterAll(async () => {
    sqs.destroy();
    await backend.stop();
  });

  /** A fresh queue and its DLQ, as the topology builds them; `maxMessageBytes` limits the queue. */
  async function queuePair(maxMessageBytes?: number): Promise<{ url: string; dlqUrl: string }> {
    const name = `redrive-${++queues}`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 5 }),
          ...(maxMessageBytes ? { MaximumMessageSize: String(maxMessageBytes) } : {}),
        },
      }),
    );
    return { url: queue.QueueUrl as string, dlqUrl: dlq.QueueUrl as string };
  }

  /** Sends the bodies to a queue; returns their message ids. */
  async function put(
    url: string,
    bodies: readonly string[],
    attributes?: Record<string, MessageAttributeValue>,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < bodies.length; i += 10) {
      const { Successful = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: bodies.slice(i, i + 10).map((body, j) => ({
            Id: `m${i + j}`,
            MessageBody: body,
            ...(attributes ? { MessageAttributes: attributes } : {}),
          })),
        }),
      );
      ids.push(...Successful.map((s) => s.MessageId as string));
    }
    return ids;
  }

  /**
   * The messages a queue holds, and how many of them are hidden (received, in flight).
   * local-aws-sqs counts in-flight messages in ApproximateNumberOfMessages too (AWS does not).
   */
  async function depth(url: string): Promise<{ stored: number; hidden: number }> {
    const { Attributes: a = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      stored: Number(a.ApproximateNumberOfMessages ?? 0),
      hidden: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  /** Every visible message of a queue, hidden for a minute while the test reads them. */
  async function receiveAll(url: string) {
    const all = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return all;
      all.push(...Messages);
    }
  }

  const bodiesOf = (count: number, prefix = 'body') =>
    Array.from({ length: count }, (_, i) => JSON.stringify({ n: i, text: `${prefix} ${i}` }));

  it('moves every DLQ message back to the queue in batches of 10, keeping bodies and attributes', async () => {
    // Arrange
    const { url, dlqUrl } = await queuePair();
    const bodies = bodiesOf(23);
    await put(dlqUrl, bodies, { origin: { DataType: 'String', StringValue: 'classify' } });
    const progress: RedriveProgress[] = [];

    // Act
    const result = await redriveMessages(sqs, {
      dlqUrl,
      targetUrl: url,
      waitTimeSeconds: 0,
      onProgress: (p) => progress.push(p),
    });

    // Assess
    expect(result).toMatchObject({ moved: 23, failed: 0, failures: [] });
    expect(progress.at(-1)).toEqual({ batches: result.batches, moved: 23, failed: 0 });
    expect(result.batches).toBeGreaterThanOrEqual(3);
    expect(await depth(dlqUrl)).toEqual({ stored: 0, hidden: 0 });
    const moved = await receiveAll(url);
    expect(moved.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    expect(moved.every((m) => m.MessageAttributes?.origin?.StringValue === 'classify')).toBe(true);
  });

  it('moves at most --max messages and leaves the rest in the DLQ', async () => {
    // Arrange
    const { url, dlqUrl } = await queuePair();
    await put(dlqUrl, bodiesOf(12));

    // Act
    const result = await redriveMessages(sqs, { dlqUrl, targetUrl: url, max: 5, waitTimeSeconds: 0 });

    // Assess
    expect(result).toMatchObject({ moved: 5, failed: 0 });
    expect((await depth(url)).stored).toBe(5);
    expect(await depth(dlqUrl)).toEqual({ stored: 7, hidden: 0 });
  });

  it('leaves a message the queue refuses in the DLQ, moves the others and says why', async () => {
    // Arrange: the queue takes at most 1024 bytes; two DLQ messages are larger
    const { url, dlqUrl } = await queuePair(1024);
    const small = bodiesOf(3, 'small');
    const large = bodiesOf(2, 'x'.repeat(2000));
    const ids = await put(dlqUrl, [...small, ...large]);

    // Act
    const result = await redriveMessages(sqs, { dlqUrl, targetUrl: url, waitTimeSeconds: 0 });

    // Assess: the refused ones are still in the DLQ, hidden until their visibility timeout runs out
    expect(result).toMatchObject({ moved: 3, failed: 2 });
    expect(result.failures.map((f) => f.messageId).sort()).toEqual(ids.slice(3).sort());
    expect(result.failures.every((f) => f.step === 'send' && f.code === 'InvalidParameterValue')).toBe(true);
    expect((await receiveAll(url)).map((m) => m.Body).sort()).toEqual([...small].sort());
    expect(await depth(dlqUrl)).toEqual({ stored: 2, hidden: 2 });
  });

  it('peeks at the DLQ without moving or hiding anything', async () => {
    // Arrange
    const { url, dlqUrl } = await queuePair();
    await put(dlqUrl, bodiesOf(4));

    // Act
    const peek = await peekMessages(sqs, dlqUrl, 3);

    // Assess
    expect(peek.approximateCount).toBe(4);
    expect(peek.messages.length).toBeGreaterThan(0);
    expect(peek.messages.length).toBeLessThanOrEqual(3);
    expect(peek.messages[0]?.body).toMatch(/"text":"body \d"/);
    expect(await depth(dlqUrl)).toEqual({ stored: 4, hidden: 0 });
    expect((await depth(url)).stored).toBe(0);
  });

  it('finds nothing to move in an empty DLQ', async () => {
    // Arrange
    const { url, dlqUrl } = await queuePair();

    // Act
    const result = await redriveMessages(sqs, { dlqUrl, targetUrl: url, waitTimeSeconds: 0 });

    // Assess
    expect(result).toEqual({ batches: 0, moved: 0, failed: 0, failures: [] });
  });
});
