import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type LocalSqsBackend } from '../../infra/local/backends.ts';
import { createInvocationSlots } from '../../infra/local/invocation-slots.ts';
import { queueDepth } from '../../infra/local/queues.ts';
import { startSqsPoller, type SqsPoller } from '../../infra/local/sqs-poller.ts';

/**
 * The local event source mapping against local-aws-sqs: a queue with a backlog is worked on
 * by up to its trigger's maximum concurrency at once, bounded by the runtime's slots, and
 * every message is handled exactly once.
 */
describe('the local SQS poller with parallel batches', () => {
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
  async function queueWith(name: string, count: number) {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
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

  /**
   * A handler that records what it saw and holds each batch until `gather` batches run at
   * once (or 1 s passed), so that the peak does not depend on how fast the receives are.
   */
  function slowHandler(gather: number) {
    let running = 0;
    let peak = 0;
    let gathered: (() => void)[] = [];
    const bodies: string[] = [];
    const invoke = async (event: SQSEvent) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        gathered.push(() => {
          clearTimeout(timer);
          resolve();
        });
        if (gathered.length >= gather) {
          for (const go of gathered) go();
          gathered = [];
        }
      });
      bodies.push(...event.Records.map((r) => r.body));
      running--;
      return { batchItemFailures: [] };
    };
    return { invoke, peak: () => peak, bodies };
  }

  function poll(
    queue: { url: string; arn: string },
    name: string,
    options: Partial<Parameters<typeof startSqsPoller>[0]>,
    gather = options.maxConcurrency ?? 1,
  ) {
    const handler = slowHandler(gather);
    const poller = startSqsPoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      queueName: name,
      region: LOCAL_REGION,
      batchSize: 10,
      functionName: 'test-consumer',
      invoke: handler.invoke,
      idleDelayMs: { min: 5, max: 20 },
      ...options,
    });
    pollers.push(poller);
    return { poller, handler };
  }

  async function drained(url: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await queueDepth(sqs, url)) > 0) {
      if (Date.now() > deadline) throw new Error('the queue was not drained within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('processes up to maxConcurrency batches of one queue at once and handles every message once', async () => {
    const queue = await queueWith('parallel', 120);

    const { poller, handler } = poll(queue, 'parallel', { maxConcurrency: 4 });
    await drained(queue.url);

    expect(handler.peak()).toBe(4);
    expect(poller.peakInFlight()).toBe(4);
    expect(handler.bodies.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(poller.processed()).toEqual({ done: 120, failed: 0 });
  });

  it('processes one batch at a time without maxConcurrency', async () => {
    const queue = await queueWith('serial', 40);

    const { handler } = poll(queue, 'serial', {});
    await drained(queue.url);

    expect(handler.peak()).toBe(1);
    expect(handler.bodies).toHaveLength(40);
  });

  it('keeps the batches of all pollers within the shared slots', async () => {
    const slots = createInvocationSlots(3);
    const first = await queueWith('first', 60);
    const second = await queueWith('second', 60);

    // Each handler waits for 5 batches of its own: it only gets there if the slots allow it.
    const a = poll(first, 'first', { maxConcurrency: 5, slots }, 5);
    const b = poll(second, 'second', { maxConcurrency: 5, slots }, 5);
    await Promise.all([drained(first.url), drained(second.url)]);
    await Promise.all(pollers.splice(0).map((p) => p.stop()));

    expect(a.poller.peakInFlight()).toBeLessThanOrEqual(3);
    expect(b.poller.peakInFlight()).toBeLessThanOrEqual(3);
    expect(slots.waits()).toBeGreaterThan(0);
    expect(slots.inUse()).toBe(0);
    expect([...a.handler.bodies, ...b.handler.bodies]).toHaveLength(120);
  });
});
