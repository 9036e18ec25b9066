/**
 * The runtime with its queue pollers and their functions in a worker thread of their own
 * (`pipelineThread`, infra/local/pipeline-thread.ts): what the main thread reports of the
 * thread's work (the status line's counts, each invocation with its event, the pollers'
 * lines) and what the pipeline stores, driven from the outside as the e2e tests drive it.
 */
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import { adminEnv, postSignedMeta } from '../../infra/local/demo.ts';
import { RuntimeStartError, startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { DEFAULT_PIPELINE_NICE } from '../../infra/local/thread-priority.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { buildTopology, platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient, observeClients } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { currentThreadId, niceOf, PER_THREAD_NICE, threadsAtNice } from '../support/thread-nice.ts';
import { REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();

interface Invocation {
  readonly functionId: string;
  readonly failed: boolean;
  readonly event: unknown;
}

describe('startRuntime with the pipeline in a worker thread (the default)', () => {
  let runtime: Runtime;
  const log: string[] = [];
  const invocations: Invocation[] = [];
  // Every AWS operation of an SDK client built on this (the main) thread.
  const mainThreadOperations: string[] = [];
  let unobserve: (() => void) | undefined;
  // This process's threads at the pipeline's nice value before the runtime started.
  let nicedBefore: number[] = [];

  beforeAll(async () => {
    nicedBefore = PER_THREAD_NICE ? threadsAtNice(DEFAULT_PIPELINE_NICE) : [];
    unobserve = observeClients((client) => {
      const stack = client.middlewareStack as unknown as {
        add(m: (next: (args: unknown) => unknown, context: { commandName?: string }) => unknown, o: object): void;
      };
      stack.add(
        (next, context) => (args: unknown) => {
          mainThreadOperations.push(context.commandName ?? '');
          return next(args);
        },
        { step: 'initialize', name: 'mainThreadOperations' },
      );
    });
    runtime = await startRuntime({
      config,
      port: 0,
      // The DLQ case below needs its failed receives within seconds.
      visibilityTimeoutSeconds: REDELIVERY_SECONDS,
      startScheduler: false,
      statusIntervalSeconds: 0,
      alarmIntervalSeconds: 0,
      log: (line) => log.push(line),
      onInvocation: (functionId, _ms, failed, event) => invocations.push({ functionId, failed, event }),
    });
  });

  afterAll(async () => {
    unobserve?.();
    await runtime?.stop();
  });

  it('turns a signed Meta comment into a mention and a case, and reports the invocations and counts of the thread', async () => {
    // Arrange
    const body = metaFixture('page-feed-comment-non-ascii.json');
    const { appSecret } = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]);

    mainThreadOperations.length = 0;

    // Act
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, body, appSecret);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    const status = await runtime.reportStatus();

    // Assess
    expect(answer.status).toBe(200);
    const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
    const stored = await new DynamoMentionRepository(documents, runtime.tableName).get(
      mentionId('facebook', '1223334445556667_7001'),
    );
    expect(stored?.mention.text).toBe('Grüße aus Köln 🚲 — tolle Räder!');
    expect(await new DynamoCaseRepository(documents, runtime.tableName).get(stored?.caseId as string)).toMatchObject({
      department: 'service',
      category: 'praise',
    });
    // The HTTP route ran on the main thread, classify-mention in the pipeline thread: both are reported.
    expect(invocations.map((i) => i.functionId)).toEqual(
      expect.arrayContaining(['ingest-webhook', 'classify-mention']),
    );
    const classified = invocations.find((i) => i.functionId === 'classify-mention')?.event as SQSEvent;
    expect(classified.Records[0]?.eventSourceARN).toMatch(/:bc-demo-intake$/);
    expect(classified.Records[0]?.body).toContain('1223334445556667_7001');
    expect(status).toMatch(/done [1-9]/);
    // ingest-webhook sent the mention from this thread; classify-mention stored it from the other
    // one, whose clients this thread's hook never saw.
    expect(mainThreadOperations).toContain('SendMessageBatchCommand');
    expect(mainThreadOperations).not.toContain('PutItemCommand');
  });

  it.skipIf(!PER_THREAD_NICE)(
    'runs the pipeline and DynamoDB threads at the default nice value and leaves the thread that serves the acks at 0 (Linux)',
    () => {
      // Act
      const niced = threadsAtNice(DEFAULT_PIPELINE_NICE).filter((tid) => !nicedBefore.includes(tid));

      // Assess: two threads, the pipeline's and dynalite's; the SQS thread and this one stay at 0.
      expect(niced).toHaveLength(2);
      expect(niceOf(currentThreadId())).toBe(0);
      expect(log).not.toContainEqual(expect.stringContaining('left at the default priority'));
    },
  );

  it('moves a message the function cannot process to the DLQ, with the poller lines of the thread on the log', async () => {
    // Arrange
    const sqs = new SQSClient({
      region: runtime.region,
      endpoint: runtime.endpoints.sqs,
      credentials: LOCAL_CREDENTIALS,
    });
    const maxReceiveCount = buildTopology(config).queues.find((q) => q.id === 'intake')?.dlq.maxReceiveCount as number;
    const body = '{"not":"a mention"}';

    // Act
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: runtime.queueUrls.intake, MessageBody: body }));
    const movesLine = new RegExp(
      `message ${sent.MessageId} of bc-demo-intake failed \\(receive ${maxReceiveCount}/${maxReceiveCount}\\); it moves to the DLQ`,
    );
    // The last receive's line crosses from the pipeline thread and may come after the queue
    // moved the message (a niced thread on a busy machine): wait for both. The DLQ is read
    // with visibility 0, so what it holds stays there.
    const inDlq = new Set<string>();
    const done = () => inDlq.has(body) && log.some((line) => movesLine.test(line));
    for (const deadline = Date.now() + 60_000; !done() && Date.now() < deadline; ) {
      const peeked = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: runtime.dlqUrls.intake, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      for (const message of peeked.Messages ?? []) inDlq.add(message.Body ?? '');
      if (!done()) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    sqs.destroy();

    // Assess: with a 1 s visibility timeout a slow invocation of the first test's mention may
    // have run out its receives too (a loaded machine), so the DLQ holds at least this message.
    expect([...inDlq]).toContain(body);
    expect(log).toContainEqual(expect.stringMatching(movesLine));
  }, 120_000);
});

describe('startRuntime with a queue-triggered function that does not load', () => {
  it('rejects with a RuntimeStartError naming the module, which the pipeline thread tried to load', async () => {
    // Arrange
    const topology = buildTopology(config);
    const broken = {
      ...topology,
      functions: topology.functions.map((fn) =>
        fn.id === 'classify-mention' ? { ...fn, entry: 'functions/classify-mention/missing-handler.ts' } : fn,
      ),
    };

    // Act
    const started = startRuntime({
      config,
      port: 0,
      topology: broken,
      startScheduler: false,
      statusIntervalSeconds: 0,
      alarmIntervalSeconds: 0,
      log: () => {},
    });

    // Assess
    await expect(started).rejects.toThrow(RuntimeStartError);
    await expect(started).rejects.toThrow(
      /the pipeline thread did not start: cannot load functions\/classify-mention\/missing-handler\.ts/,
    );
  }, 120_000);
});
