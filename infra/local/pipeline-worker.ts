import { parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { observeWithheldCaseEvents } from '../../shared/adapters/company-event-publisher.ts';
import { logger, setLoggerLevel, withLogSink } from '../../shared/observability/powertools.ts';
import type { BackendThreadReply } from './backend-thread.ts';
import { LOCAL_CREDENTIALS } from './backends.ts';
import { consoleNeeds } from './console-log.ts';
import { startIdleGc } from './idle-gc.ts';
import { createInvocationSlots } from './invocation-slots.ts';
import { importHandlerModule, invokeFunction, type LocalFunction } from './lambda.ts';
import type {
  PipelineThreadPreload,
  PipelineThreadReply,
  PipelineThreadRequest,
  PipelineThreadStart,
} from './pipeline-thread.ts';
import { startSqsPoller, type SqsPoller } from './sqs-poller.ts';
import { nameThisThread, niceThisThread } from './thread-priority.ts';

/**
 * The worker side of pipeline-thread.ts: builds the queue-triggered functions with the
 * environments the main thread resolved, runs their pollers, and reports what the runtime
 * shows and counts (log records, invocations, batches). Everything else stays on the main thread.
 */

const port = parentPort;
if (!port) throw new Error('pipeline-worker.ts runs only as a worker thread (see pipeline-thread.ts)');
const preload = workerData as PipelineThreadPreload;
const reply = (message: PipelineThreadReply) => port.postMessage(message);
const log = (line: string) => reply({ type: 'log', line });
// Its CPU apart from the other threads' in /proc (bench:throughput's CPU per thread).
nameThisThread('bc-pipeline');
const onRecord = (json: string, printed: boolean) => reply({ type: 'record', json, printed });

// The main thread's level, which may differ from POWERTOOLS_LOG_LEVEL (a test raised it).
if (preload.logLevel && preload.logLevel !== logger.getLevelName()) setLoggerLevel(preload.logLevel);

// The functions' modules load now, while the main thread starts the backends (Round w18); an
// import that fails fails the start, where the main thread waits for it.
const modules = new Map(
  preload.functions.map((spec) => [spec.id, withLogSink(onRecord, () => importHandlerModule(spec))]),
);
for (const module of modules.values()) module.catch(() => undefined);

let running: Awaited<ReturnType<typeof startPipeline>> | undefined;
port.on('message', (request: PipelineThreadRequest) => {
  switch (request.type) {
    case 'start':
      // The SQS thread names the queues it was sent messages to: their pollers end their pause.
      request.wakes?.on('message', (puts: Extract<BackendThreadReply, { type: 'puts' }>) => {
        for (const name of puts.queues) for (const poller of running?.byQueueName.get(name) ?? []) poller.wake();
      });
      startPipeline(request.start).then(
        (pipeline) => {
          running = pipeline;
          reply({ type: 'started' });
        },
        // The main thread rejects its start with this error and ends the thread.
        (error: unknown) => reply({ type: 'failed', error: plainError(error) }),
      );
      return;
    case 'log-level':
      setLoggerLevel(request.level);
      return;
    case 'stop':
      (running?.stop() ?? Promise.resolve()).then(
        () => reply({ type: 'stopped' }),
        (error: unknown) => reply({ type: 'failed', error: plainError(error) }),
      );
      return;
  }
});

async function startPipeline(start: PipelineThreadStart): Promise<{
  byQueueName: Map<string, SqsPoller[]>;
  stop(): Promise<void>;
}> {
  const functions = new Map<string, LocalFunction>();
  for (const { spec, env } of start.functions) {
    const module = modules.get(spec.id) ?? importHandlerModule(spec);
    const handler = await withLogSink(onRecord, async () => (await module).createHandler(env));
    functions.set(spec.id, { spec, env, handler });
  }
  // Off the acks' path from here on: the kernel runs the main and SQS threads first when they
  // want a core (Round w17). Not while loading, which only delays the runtime's start.
  if (preload.nice) {
    const niced = niceThisThread(preload.nice);
    if (!niced.applied) log(`pipeline thread: left at the default priority (${niced.reason})`);
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
      // The runtime wakes these pollers on every send to their queues ('wake' above).
      pauseWhenDrained: true,
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
