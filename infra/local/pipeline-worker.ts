import { parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { observeWithheldCaseEvents } from '../../shared/adapters/company-event-publisher.ts';
import { logger, setLoggerLevel, withLogSink } from '../../shared/observability/powertools.ts';
import { LOCAL_CREDENTIALS } from './backends.ts';
import { consoleNeeds } from './console-log.ts';
import { startIdleGc } from './idle-gc.ts';
import { createInvocationSlots } from './invocation-slots.ts';
import { importHandlerModule, invokeFunction, type LocalFunction } from './lambda.ts';
import type { PipelineThreadReply, PipelineThreadRequest, PipelineThreadStart } from './pipeline-thread.ts';
import { startSqsPoller, type SqsPoller } from './sqs-poller.ts';
import { niceThisThread } from './thread-priority.ts';

/**
 * The worker side of pipeline-thread.ts: builds the queue-triggered functions with the
 * environments the main thread resolved, runs their pollers, and reports what the runtime
 * shows and counts (log records, invocations, batches). Everything else stays on the main thread.
 */

const port = parentPort;
if (!port) throw new Error('pipeline-worker.ts runs only as a worker thread (see pipeline-thread.ts)');
const start = workerData as PipelineThreadStart;
const reply = (message: PipelineThreadReply) => port.postMessage(message);
const log = (line: string) => reply({ type: 'log', line });
const onRecord = (json: string, printed: boolean) => reply({ type: 'record', json, printed });

// Off the acks' path: the kernel runs the main and SQS threads first when they want a core (Round w17).
if (start.nice) {
  const niced = niceThisThread(start.nice);
  if (!niced.applied) log(`pipeline thread: left at the default priority (${niced.reason})`);
}

// The main thread's level, which may differ from POWERTOOLS_LOG_LEVEL (a test raised it).
if (start.logLevel && start.logLevel !== logger.getLevelName()) setLoggerLevel(start.logLevel);

const running = await startPipeline().catch((error: unknown) => {
  // The main thread rejects its start with this error and ends the thread.
  reply({ type: 'failed', error: plainError(error) });
  return undefined;
});
if (running) {
  reply({ type: 'started' });
  port.on('message', (request: PipelineThreadRequest) => {
    if (request.type === 'log-level') {
      setLoggerLevel(request.level);
      return;
    }
    if (request.type === 'wake') {
      for (const name of request.queues) for (const poller of running.byQueueName.get(name) ?? []) poller.wake();
      return;
    }
    running.stop().then(
      () => reply({ type: 'stopped' }),
      (error: unknown) => reply({ type: 'failed', error: plainError(error) }),
    );
  });
}

async function startPipeline(): Promise<{
  byQueueName: Map<string, SqsPoller[]>;
  stop(): Promise<void>;
}> {
  const functions = new Map<string, LocalFunction>();
  for (const { spec, env } of start.functions) {
    const handler = await withLogSink(onRecord, async () => (await importHandlerModule(spec)).createHandler(env));
    functions.set(spec.id, { spec, env, handler });
  }
  // This thread's functions print their withheld case events as the main thread's do.
  const stopWithheld = observeWithheldCaseEvents((events) => reply({ type: 'withheld', events }));
  const where = { region: start.region, accountId: start.accountId };
  let invocations = 0;
  const idleGc = startIdleGc({ busy: () => invocations > 0 });
  const invoke = async (functionId: string, event: SQSEvent): Promise<unknown> => {
    const fn = functions.get(functionId);
    if (!fn) throw new Error(`unknown function "${functionId}"`);
    invocations++;
    reply({ type: 'invocation-start', functionId });
    const started = performance.now();
    let failed = false;
    try {
      return await withLogSink(onRecord, () => invokeFunction(fn, event, where), consoleNeeds);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      invocations--;
      idleGc.activity();
      reply({
        type: 'invocation-end',
        functionId,
        durationMs: performance.now() - started,
        failed,
        ...(start.reportEvents ? { event } : {}),
      });
    }
  };
  const sqs = new SQSClient({ region: start.region, credentials: LOCAL_CREDENTIALS, endpoint: start.sqsEndpoint });
  const slots = createInvocationSlots(start.localConcurrency);
  const byQueueName = new Map<string, SqsPoller[]>();
  const pollers = start.pollers.map((trigger, index) => {
    const fn = functions.get(trigger.functionId);
    if (!fn) throw new Error(`unknown function "${trigger.functionId}"`);
    const poller = startSqsPoller({
      sqs,
      queueUrl: trigger.queueUrl,
      queueArn: trigger.queueArn,
      queueName: trigger.queueName,
      region: start.region,
      batchSize: trigger.batchSize,
      maxBatchingWindowMs: trigger.maxBatchingWindowMs,
      maxConcurrency: trigger.maxConcurrency,
      slots,
      maxReceiveCount: trigger.maxReceiveCount,
      functionName: fn.spec.name,
      invoke: (event) => invoke(trigger.functionId, event),
      log,
      idleDelayMs: start.idleDelayMs,
      onBatch: (phase, sent, processed) => reply({ type: 'batch', poller: index, phase, sent, ...processed }),
    });
    byQueueName.set(trigger.queueName, [...(byQueueName.get(trigger.queueName) ?? []), poller]);
    return poller;
  });
  return {
    byQueueName,
    stop: async () => {
      await Promise.all(pollers.map((p) => p.stop()));
      idleGc.stop();
      stopWithheld();
      sqs.destroy();
    },
  };
}

/** An error as structured clone keeps it: a class and its cause do not cross the thread. */
function plainError(error: unknown): { name: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
}
