/**
 * The pipeline thread's pollers woken by the SQS thread over a port of their own (Round w22):
 * the runtime hands one end of a MessageChannel to each thread, so the wake-ups do not pass
 * through the main thread, whose event loop answers the webhooks. The pollers' pause here is
 * an hour: only a wake ends it.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startSqsThread, type ThreadedSqsBackend } from '../../infra/local/backend-thread.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/backends.ts';
import { type PipelineThread, preparePipelineThread } from '../../infra/local/pipeline-thread.ts';
import type { FunctionSpec } from '../../infra/topology.ts';

const HOUR_MS = 3_600_000;

const consumer: FunctionSpec = {
  id: 'queue-consumer',
  name: 'test-queue-consumer',
  entry: 'test/support/queue-consumer-handler.ts',
  memoryMb: 128,
  timeoutSeconds: 30,
  environment: {},
  triggers: [],
  grants: [],
};

describe('the pipeline thread woken by the SQS thread', () => {
  let backend: ThreadedSqsBackend | undefined;
  let pipeline: PipelineThread | undefined;
  let sqs: SQSClient | undefined;

  afterEach(async () => {
    await pipeline?.stop();
    sqs?.destroy();
    await backend?.stop();
    pipeline = undefined;
  });

  it('receives a message sent during its pollers’ pause once the SQS thread names the queue on their port', async () => {
    // Arrange
    const wakes = new MessageChannel();
    backend = await startSqsThread({ region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, putsPort: wakes.port1 });
    sqs = new SQSClient({ region: LOCAL_REGION, endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'woken-in-pipeline' }))).QueueUrl as string;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const bodies: string[] = [];
    let invoked: () => void = () => {};
    pipeline = await preparePipelineThread({ functions: [consumer] }).start({
      start: {
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT_ID,
        sqsEndpoint: backend.endpoint,
        functions: [{ spec: consumer, env: {} }],
        pollers: [
          {
            functionId: consumer.id,
            queueUrl,
            queueArn: Attributes?.QueueArn as string,
            queueName: 'woken-in-pipeline',
            batchSize: 10,
            maxBatchingWindowMs: 0,
            maxConcurrency: 2,
            maxReceiveCount: 3,
          },
        ],
        idleDelayMs: { min: HOUR_MS, max: HOUR_MS },
        reportEvents: true,
      },
      wakes: wakes.port2,
      log: () => {},
      onRecord: () => {},
      onWithheld: () => {},
      onInvocationStart: () => {},
      onInvocationEnd: (_id, _ms, _failed, event) => {
        bodies.push(...(event as SQSEvent).Records.map((r) => r.body));
        invoked();
      },
    });
    // The first message is received at once; the poller's next receive comes back empty, and
    // its pause (an hour) begins.
    const received = (count: number) =>
      new Promise<void>((resolve) => {
        invoked = () => {
          if (bodies.length >= count) resolve();
        };
        invoked();
      });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'first' }));
    await received(1);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'second' }));
    await received(2);

    // Assess
    expect(bodies).toEqual(['first', 'second']);
  }, 60_000);
});
