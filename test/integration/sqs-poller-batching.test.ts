import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type LocalSqsBackend } from '../../infra/local/backends.ts';
import { queueDepth } from '../../infra/local/queues.ts';
import { startSqsPoller, type SqsPoller } from '../../infra/local/sqs-poller.ts';

/**
 * The local event source mapping with batches larger than one receive (SQS returns at most
 * 10 messages per ReceiveMessage), against local-aws-sqs: like Lambda it gathers several
 * receives into one batch, up to the batch size or the batching window.
 */
describe('the local SQS poller with batches above 10', () => {
  let backend: LocalSqsBackend;
  let sqs: SQSClient;
  const pollers: SqsPoller[] = [];

  beforeEach(async () => {
    backend = await startSqs();
    sqs = new SQSClient({ region: LOCAL_REGION, endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
    sqs.destroy();
    await backend.stop();
  });

  /** A queue holding `count` messages with bodies 0..count-1. */
  async function queueWith(name: string, count: number, attributes?: Record<string, string>) {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })))
      .QueueUrl as string;
    for (let i = 0; i < count; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: Math.min(10, count - i) }, (_, k) => ({
            Id: String(k),
            MessageBody: String(i + k),
          })),
        }),
      );
    }
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return { url, arn: Attributes?.QueueArn as string };
  }

  /** Polls the queue one batch at a time and records every batch's bodies. */
  function poll(queue: { url: string; arn: string }, name: string, batchSize: number, maxBatchingWindowMs: number) {
    const batches: string[][] = [];
    const poller = startSqsPoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      queueName: name,
      region: LOCAL_REGION,
      batchSize,
      maxBatchingWindowMs,
      functionName: 'test-consumer',
      invoke: async (event: SQSEvent) => {
        batches.push(event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
      idleDelayMs: { min: 5, max: 20 },
    });
    pollers.push(poller);
    return { poller, batches };
  }

  async function drained(url: string, poller: SqsPoller): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await queueDepth(sqs, url)) > 0 || poller.busy()) {
      if (Date.now() > deadline) throw new Error('the queue was not drained within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('gathers several receives into batches of the batch size, and the rest after the window, each message once', async () => {
    const queue = await queueWith('gathered', 45);

    const { poller, batches } = poll(queue, 'gathered', 20, 500);
    await drained(queue.url, poller);

    expect(batches.map((b) => b.length).sort((a, b) => b - a)).toEqual([20, 20, 5]);
    expect(
      batches
        .flat()
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(poller.processed()).toEqual({ done: 45, failed: 0 });
  });

  it('hands a batch of at most 10 over as one receive returned it, whatever the window', async () => {
    const queue = await queueWith('single', 15);

    const { poller, batches } = poll(queue, 'single', 10, 60_000);
    await drained(queue.url, poller);

    expect(batches.map((b) => b.length).sort((a, b) => b - a)).toEqual([10, 5]);
    expect(poller.processed()).toEqual({ done: 15, failed: 0 });
  });

  it('holds a message once when it comes back from its visibility timeout while its batch is still gathering', async () => {
    // A visibility timeout (1 s) shorter than the batching window (2.5 s): the one message is
    // received, becomes visible again while the batch waits for more, and is received again.
    const queue = await queueWith('revisible', 1, { VisibilityTimeout: '1' });

    const { poller, batches } = poll(queue, 'revisible', 50, 2500);
    await drained(queue.url, poller);

    // Once in its batch, deleted with its newest receipt: not handed over twice, not back.
    expect(batches).toEqual([['0']]);
    expect(poller.processed()).toEqual({ done: 1, failed: 0 });
  });
});
