import type { MessagePort } from 'node:worker_threads';
import type { FunctionEnv } from '../../shared/config/runtime-env.ts';
import type { CaseEvent } from '../../shared/domain/events.ts';
import { type LoggerLevel, logger, observeLoggerLevel } from '../../shared/observability/powertools.ts';
import type { FunctionSpec } from '../topology.ts';
import { BackendThreadError, startTsxWorker, throwLater } from './backend-thread.ts';
import { oldestMessageAge, type SqsPoller } from './sqs-poller.ts';

/**
 * The SQS-triggered pipeline (the queue pollers and the invocations they make) in a worker
 * thread of its own, so that the main thread's event loop serves HTTP (the webhooks' acks,
 * the admin API, the console), the local EventBridge/Secrets Manager endpoint, the scheduler
 * and the alarms without queueing behind classify-mention's and handle-department's CPU
 * (Round w15). The functions the main thread invokes itself (HTTP routes, schedules, the
 * alarms' SNS) stay there.
 *
 * What crosses the thread: the start, in two parts (first the function specs, whose modules
 * the thread loads while the main thread starts the backends; then their resolved
 * environments and the pollers' queues, all plain data), the logger's level and its changes,
 * the SQS thread's wake-ups, stop; back come the functions' log records (to the runtime's
 * onRecord), the pollers' lines, the withheld case events (their console lines), each
 * invocation's start and end, and each batch's start and end (the pollers' state: busy,
 * processed, oldest message age). A worker thread ends with its process, SIGKILL included:
 * nothing outlives the runtime.
 */

/** One queue trigger of a function, as the pipeline thread polls it. */
export interface PipelinePollerStart {
  readonly functionId: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly queueName: string;
  readonly batchSize: number;
  readonly maxBatchingWindowMs: number;
  readonly maxConcurrency: number;
  readonly maxReceiveCount: number;
}

/**
 * What the pipeline thread is started with (its workerData), before the backends run: it
 * loads the functions' modules while the main thread starts the rest (Round w18).
 */
export interface PipelineThreadPreload {
  /** The functions the thread will run: their modules are imported at once. */
  readonly functions: readonly FunctionSpec[];
  /** The thread's nice value (thread-priority.ts), taken once the modules are loaded; absent or 0: the process's. */
  readonly nice?: number;
  /** The main thread's logger level; later changes follow as `log-level` requests. */
  readonly logLevel?: LoggerLevel;
}

/** The rest of the start (the `start` request), once the backends and queues exist. */
export interface PipelineThreadStart {
  readonly region: string;
  readonly accountId: string;
  /** The SQS endpoint the pollers receive from and delete on (the runtime's own, not a function's). */
  readonly sqsEndpoint: string;
  readonly functions: readonly { readonly spec: FunctionSpec; readonly env: FunctionEnv }[];
  readonly pollers: readonly PipelinePollerStart[];
  /** Queue-triggered invocations at once (invocation-slots.ts); absent: its default. */
  readonly localConcurrency?: number;
  readonly idleDelayMs: { readonly min: number; readonly max: number };
  /** Whether each invocation's end carries its event (only when the runtime has an onInvocation). */
  readonly reportEvents: boolean;
}

export type PipelineThreadRequest =
  | { readonly type: 'start'; readonly start: PipelineThreadStart; readonly wakes?: MessagePort }
  | { readonly type: 'log-level'; readonly level: LoggerLevel }
  | { readonly type: 'stop' };

export type PipelineThreadReply =
  | { readonly type: 'started' }
  | { readonly type: 'failed'; readonly error: { name: string; message: string; stack?: string } }
  | { readonly type: 'stopped' }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'record'; readonly json: string; readonly printed: boolean }
  | { readonly type: 'withheld'; readonly events: readonly CaseEvent[] }
  | { readonly type: 'invocation-start'; readonly functionId: string }
  | {
      readonly type: 'invocation-end';
      readonly functionId: string;
      readonly durationMs: number;
      readonly failed: boolean;
      readonly event?: unknown;
    }
  | {
      readonly type: 'batch';
      readonly poller: number;
      readonly phase: 'start' | 'end';
      readonly sent: number;
      readonly done: number;
      readonly failed: number;
    };

/** What the runtime sees of a poller that runs in the pipeline thread. */
export type PollerView = Pick<SqsPoller, 'busy' | 'processed' | 'takeOldestMessageAge'>;

export interface PipelineThreadOptions {
  readonly start: PipelineThreadStart;
  /**
   * The thread's end of the SQS thread's wake-ups (startSqsThread's `putsPort`): each `puts`
   * message wakes the pollers of the queues it names, without a hop through the main thread.
   */
  readonly wakes?: MessagePort;
  /** The pollers' lines. */
  readonly log: (line: string) => void;
  /** The functions' Powertools records, as withLogSink gives them. */
  readonly onRecord: (json: string, printed: boolean) => void;
  /** Case events a function withheld from the bus (observeWithheldCaseEvents). */
  readonly onWithheld: (events: readonly CaseEvent[]) => void;
  readonly onInvocationStart: (functionId: string) => void;
  readonly onInvocationEnd: (functionId: string, durationMs: number, failed: boolean, event: unknown) => void;
  /** The thread failed while running (default: thrown on the main thread). */
  readonly onFailure?: (error: BackendThreadError) => void;
}

export interface PipelineThread {
  /** One view per `start.pollers` entry, in that order. */
  readonly pollers: readonly PollerView[];
  /** Stops receiving; resolves once the batches in hand are finished and the thread ended. */
  stop(): Promise<void>;
}

const LABEL = 'the pipeline thread';

/** A pipeline thread that loads its functions' modules and waits for the rest of its start. */
export interface PreparedPipelineThread {
  /**
   * Sends the rest of the start; resolves once the pollers run.
   * @throws BackendThreadError when a function does not load or the thread does not start
   */
  start(options: PipelineThreadOptions): Promise<PipelineThread>;
  /** Ends the thread if it was never started (a failed runtime start); a started one ends with its stop(). */
  cancel(): Promise<void>;
}

/**
 * Starts the worker thread now, so that tsx and the functions' modules (the classifier's
 * models included) load beside the main thread's own start instead of after it.
 */
export function preparePipelineThread(preload: Omit<PipelineThreadPreload, 'logLevel'>): PreparedPipelineThread {
  // The level as set now, and as set later (tests raise it at run time): the thread's logger is its own.
  const worker = startTsxWorker(PIPELINE_WORKER, {
    ...preload,
    logLevel: logger.getLevelName(),
  } satisfies PipelineThreadPreload);
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const unobserveLevel = observeLoggerLevel((level) => {
    if (!exited) worker.postMessage({ type: 'log-level', level } satisfies PipelineThreadRequest);
  });
  // What the thread says or does before start() is given its handlers: kept, and replayed then.
  type Happening =
    | { readonly kind: 'message'; readonly reply: PipelineThreadReply }
    | { readonly kind: 'error'; readonly error: Error }
    | { readonly kind: 'exit'; readonly code: number };
  const early: Happening[] = [];
  let handle = (happening: Happening) => {
    early.push(happening);
  };
  worker.on('message', (reply: PipelineThreadReply) => handle({ kind: 'message', reply }));
  worker.on('error', (error) => handle({ kind: 'error', error }));
  worker.on('exit', (code) => {
    exited = true;
    unobserveLevel();
    handle({ kind: 'exit', code });
  });
  let started = false;
  return {
    cancel: async () => {
      if (started) return;
      await worker.terminate();
      await exit;
    },
    start: async (options) => {
      started = true;
      const pollers = options.start.pollers.map(() => createPollerView());
      let starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
      let stopped: (() => void) | undefined;
      let stopping = false;
      const fail = (error: BackendThreadError) => {
        if (starting) {
          const { reject } = starting;
          starting = undefined;
          reject(error);
        } else if (!stopping) {
          (options.onFailure ?? throwLater)(error);
        }
      };
      const onReply = (reply: PipelineThreadReply) => {
        switch (reply.type) {
          case 'record':
            options.onRecord(reply.json, reply.printed);
            return;
          case 'log':
            options.log(reply.line);
            return;
          case 'withheld':
            options.onWithheld(reply.events);
            return;
          case 'invocation-start':
            options.onInvocationStart(reply.functionId);
            return;
          case 'invocation-end':
            options.onInvocationEnd(reply.functionId, reply.durationMs, reply.failed, reply.event);
            return;
          case 'batch':
            pollers[reply.poller]?.update(reply);
            return;
          case 'started': {
            const current = starting;
            starting = undefined;
            current?.resolve();
            return;
          }
          case 'stopped':
            stopped?.();
            return;
          case 'failed':
            fail(new BackendThreadError(`${LABEL} ${starting ? 'did not start' : 'failed'}: ${reply.error.message}`));
            return;
        }
      };
      const running = new Promise<void>((resolve, reject) => {
        starting = { resolve, reject };
      });
      handle = (happening) => {
        if (happening.kind === 'message') onReply(happening.reply);
        else if (happening.kind === 'error') {
          fail(new BackendThreadError(`${LABEL} failed: ${happening.error.message}`, { cause: happening.error }));
        } else {
          stopped?.();
          fail(
            new BackendThreadError(
              `${LABEL} did not start or stopped unexpectedly (thread exit code ${happening.code})`,
            ),
          );
        }
      };
      for (const happening of early.splice(0)) handle(happening);
      if (!exited) {
        const { wakes } = options;
        worker.postMessage(
          { type: 'start', start: options.start, ...(wakes ? { wakes } : {}) } satisfies PipelineThreadRequest,
          wakes ? [wakes] : [],
        );
      }
      try {
        await running;
      } catch (error) {
        stopping = true;
        await worker.terminate();
        throw error;
      }
      return {
        pollers,
        stop: async () => {
          if (stopping) return exit;
          stopping = true;
          try {
            if (!exited) {
              const done = new Promise<void>((resolve) => {
                stopped = resolve;
              });
              worker.postMessage({ type: 'stop' } satisfies PipelineThreadRequest);
              await done;
            }
          } finally {
            await worker.terminate();
            await exit;
          }
        },
      };
    },
  };
}

/** A poller's state as its thread reports it, batch by batch: what SqsPoller answers in-thread. */
function createPollerView(): PollerView & {
  update(batch: Extract<PipelineThreadReply, { type: 'batch' }>): void;
} {
  // The SentTimestamp of each batch in hand (a batch's start and end name the same one).
  const inHand: number[] = [];
  let oldestSeen: number | undefined;
  let processed = { done: 0, failed: 0 };
  return {
    update: (batch) => {
      if (batch.phase === 'start') {
        inHand.push(batch.sent);
        oldestSeen = Math.min(oldestSeen ?? batch.sent, batch.sent);
      } else {
        const at = inHand.indexOf(batch.sent);
        if (at >= 0) inHand.splice(at, 1);
      }
      processed = { done: batch.done, failed: batch.failed };
    },
    busy: () => inHand.length > 0,
    processed: () => processed,
    takeOldestMessageAge: (now = Date.now()) => {
      const age = oldestMessageAge(oldestSeen, inHand, now);
      oldestSeen = undefined;
      return age;
    },
  };
}

const PIPELINE_WORKER = new URL('./pipeline-worker.ts', import.meta.url);
