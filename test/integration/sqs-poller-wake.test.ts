import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type LocalSqsBackend } from '../../infra/local/backends.ts';
import { startSqsPoller, type SqsPoller } from '../../infra/local/sqs-poller.ts';

/**
 * A queue's poller pauses after an empty receive; the runtime wakes it when the SQS backend
 * names the queue as sent a message (startSqs's onPuts), so the pause can be long without
 * leaving a new message waiting. The pauses here are an hour: only a wake ends them.
 */
describe('the local SQS poller woken by the backend', () => {
  let backend: LocalSqsBackend | undefined;
  let sqs: SQSClient | undefined;
  let poller: SqsPoller | undefined;

  afterEach(async () => {
    await poller?.stop();
    sqs?.destroy();
    await backend?.stop();
    poller = undefined;
  });

  async function start(onPuts: (names: readonly string[]) => void) {
    backend = await startSqs({ onPuts });
    sqs = new SQSClient({ region: LOCAL_REGION, endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'woken' }))).QueueUrl as string;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return { sqs, url, arn: Attributes?.QueueArn as string };
  }

  it('names the queue a message was sent to', async () => {
    // Arrange
    let named: (names: readonly string[]) => void = () => {};
    const puts = new Promise<readonly string[]>((resolve) => {
      named = resolve;
    });
    const queue = await start((names) => named(names));

    // Act
    await queue.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' }));

    // Assess
    expect(await puts).toEqual(['woken']);
  });

  it('receives a message sent during its pause once it is woken', async () => {
    // Arrange
    let received: (bodies: string[]) => void = () => {};
    const invoked = new Promise<string[]>((resolve) => {
      received = resolve;
    });
    const queue = await start((names) => {
      if (names.includes('woken')) poller?.wake();
    });
    // The message is sent only after the poller's first receive came back empty: its pause has begun.
    let emptyReceive: () => void = () => {};
    const paused = new Promise<void>((resolve) => {
      emptyReceive = resolve;
    });
    queue.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const output = result.output as { Messages?: unknown[] };
        if (context.commandName === 'ReceiveMessageCommand' && !output.Messages?.length) emptyReceive();
        return result;
      },
      { step: 'initialize', name: 'emptyReceiveObserver' },
    );
    poller = startSqsPoller({
      sqs: queue.sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      queueName: 'woken',
      region: LOCAL_REGION,
      batchSize: 10,
      functionName: 'test-consumer',
      invoke: async (event: SQSEvent) => {
        received(event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
      idleDelayMs: { min: 3_600_000, max: 3_600_000 },
    });

    await paused;

    // Act
    await queue.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'after the pause began' }));

    // Assess
    expect(await invoked).toEqual(['after the pause began']);
  });

  it('after a receive that left its queue empty, receives again only when woken (pauseWhenDrained)', async () => {
    // Arrange
    const queue = await start(() => {});
    await queue.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    // Every receive the poller starts, counted when it is sent.
    let receives = 0;
    let secondReceive: () => void = () => {};
    const receivedAgain = new Promise<void>((resolve) => {
      secondReceive = resolve;
    });
    queue.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ReceiveMessageCommand' && ++receives === 2) secondReceive();
        return next(args);
      },
      { step: 'initialize', name: 'receiveCounter' },
    );
    let settled: () => void = () => {};
    const firstSettled = new Promise<void>((resolve) => {
      settled = resolve;
    });
    const batches: string[][] = [];
    poller = startSqsPoller({
      sqs: queue.sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      queueName: 'woken',
      region: LOCAL_REGION,
      batchSize: 10,
      functionName: 'test-consumer',
      invoke: async (event: SQSEvent) => {
        batches.push(event.Records.map((r) => r.body).sort());
        return { batchItemFailures: [] };
      },
      onBatch: (phase) => {
        if (phase === 'end') settled();
      },
      idleDelayMs: { min: 3_600_000, max: 3_600_000 },
      pauseWhenDrained: true,
    });
    await firstSettled;
    // Whatever the poller does next without I/O (a receive is started at once) has happened.
    await new Promise((resolve) => setImmediate(resolve));
    const beforeWake = receives;
    console.log('DEBUG before wake', receives, batches);

    // Act
    poller.wake();
    await receivedAgain;

    // Assess
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(beforeWake).toBe(1);
    expect(receives).toBe(2);
  });
});
