import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { OutOfTimeError } from '../domain/errors.ts';
import type { Clock, RecordFailureLog } from '../domain/ports.ts';
import { correlationKeys, withCorrelation, type CorrelationKeys } from './correlation.ts';
import { logger, metrics } from './powertools.ts';

/** How much of an error message is logged and recorded: enough for the cause, never a body. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

/**
 * How long a failure cause is kept: a little longer than a DLQ keeps its messages (14 days),
 * so every message `backchannel dlq` lists still has its cause.
 */
export const FAILURE_RETENTION_DAYS = 15;

export interface ObserveRecordsOptions {
  /** The function's id (`classify-mention`), logged and recorded with a failure. */
  readonly functionName: string;
  /**
   * The correlation keys of a record (`mentionId`, `caseId`), read from its body. It must
   * not throw: a body it cannot read has no keys (the handler then says what is wrong).
   */
  readonly correlate: (record: SQSRecord) => CorrelationKeys;
  /** Where the cause of a failure is recorded by message id, for `backchannel dlq`. */
  readonly failures?: RecordFailureLog;
  readonly clock: Clock;
  /**
   * Milliseconds the invocation has left (context.getRemainingTimeInMillis): at 0 or less a
   * record is not started (it fails with OutOfTimeError, nothing written). Default: no limit.
   */
  readonly timeLeftMs?: () => number;
}

/**
 * Wraps the record handler of an SQS batch function, the one place where its records are
 * observed:
 * 1. the handler runs with the record's correlation keys, so every line logged while it
 *    runs carries its mentionId (and caseId);
 * 2. a success counts `RecordsProcessed`;
 * 3. a failure is logged at ERROR with its cause (error name, message, stack), the queue,
 *    message id and receive count, never the body; counts `RecordsFailed`; its cause is
 *    recorded under the message id; then the error is rethrown, so the batch processor
 *    reports the record as a batch item failure and SQS retries it (and finally moves it
 *    to the DLQ);
 * 4. once the invocation's time is up (`timeLeftMs`), a record is not started: it fails with
 *    OutOfTimeError, logged at WARN and not recorded (in AWS the function would have been
 *    stopped; locally the run goes on after its timeout, its message back on the queue).
 *
 * @example
 * ```ts
 * const handle = observeRecords((record) => processRecord(record, deps), { functionName: 'classify-mention', correlate, clock });
 * await processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), { context });
 * ```
 */
export function observeRecords(
  handle: (record: SQSRecord) => Promise<void>,
  options: ObserveRecordsOptions,
): (record: SQSRecord) => Promise<void> {
  return (record) =>
    withCorrelation(safely(options.correlate, record), async () => {
      if (options.timeLeftMs !== undefined && options.timeLeftMs() <= 0) {
        logger.warn('Record not started: the invocation is past its timeout', { messageId: record.messageId });
        throw new OutOfTimeError(`record ${record.messageId} not started: the invocation is past its timeout`);
      }
      try {
        await handle(record);
      } catch (error) {
        await reportFailure(record, error, options);
        throw error;
      }
      metrics.addMetric('RecordsProcessed', MetricUnit.Count, 1);
    });
}

/** What {@link processObservedBatch} needs besides the record handler. */
export interface ObservedBatchOptions extends Omit<ObserveRecordsOptions, 'failures'> {
  readonly failures?: RecordFailureLog | undefined;
  /** One record after the other instead of all at once (the batch processor's default). */
  readonly processInParallel?: boolean;
}

/**
 * The raw handler of an SQS batch function: every record handled on its own through
 * {@link observeRecords}, failures reported per record (Powertools' partial batch response),
 * so one bad record never fails the whole batch.
 *
 * @example
 * ```ts
 * return processObservedBatch(event, context, (record) => processRecord(record, deps), {
 *   functionName: 'handle-department', correlate: correlateDetail, failures: deps.failures, clock: deps.clock,
 * });
 * ```
 */
export function processObservedBatch(
  event: SQSEvent,
  context: Context,
  handle: (record: SQSRecord) => Promise<unknown>,
  { failures, processInParallel, ...options }: ObservedBatchOptions,
): Promise<SQSBatchResponse> {
  const observed = observeRecords(
    async (record) => {
      await handle(record);
    },
    { ...options, ...(failures ? { failures } : {}), timeLeftMs: () => context.getRemainingTimeInMillis() },
  );
  return processPartialResponse(event, observed, new BatchProcessor(EventType.SQS), {
    context,
    ...(processInParallel === undefined ? {} : { processInParallel }),
  });
}

/**
 * What observeRecords does with a failed record (log at ERROR, count, record its cause),
 * for a record that fails after its handler returned: classify-mention's records whose
 * batched events the bus refused. Call it inside the record's correlation scope.
 */
export async function reportFailure(record: SQSRecord, error: unknown, options: ObserveRecordsOptions): Promise<void> {
  const queue = queueNameOf(record);
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const cause = loggableError(error);
  logger.error('Record failed', {
    functionName: options.functionName,
    queue,
    messageId: record.messageId,
    receiveCount,
    error: cause,
  });
  metrics.addMetric('RecordsFailed', MetricUnit.Count, 1);
  if (!options.failures) return;
  const { mentionId, caseId } = correlationKeys();
  const now = options.clock.now();
  try {
    await options.failures.record(
      {
        messageId: record.messageId,
        queue,
        functionName: options.functionName,
        errorName: cause.name,
        errorMessage: cause.message,
        failedAt: now.toISOString(),
        receiveCount,
        ...(typeof mentionId === 'string' ? { mentionId } : {}),
        ...(typeof caseId === 'string' ? { caseId } : {}),
      },
      Math.floor(now.getTime() / 1000) + FAILURE_RETENTION_DAYS * 86_400,
    );
  } catch (recordError) {
    // The record's own failure is what matters: it is logged above and still rethrown.
    logger.error('Failure cause not recorded', { messageId: record.messageId, error: loggableError(recordError) });
  }
}

/** An error as it is logged: name, shortened message, stack, and the cause's name and message. */
export interface LoggableError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly issues?: readonly string[];
  readonly cause?: { readonly name: string; readonly message: string };
}

/**
 * What of an error may be logged. Not the error itself: Powertools would print every
 * enumerable property (an SDK error's response, an HTTP error's details); these are the
 * name, the message (shortened), the stack, a ValidationError's issues and the cause.
 */
export function loggableError(error: unknown): LoggableError {
  if (!(error instanceof Error)) return { name: 'NonError', message: shorten(String(error)) };
  const issues = (error as { issues?: unknown }).issues;
  const cause = error.cause;
  const message = shorten(error.message);
  return {
    name: error.name,
    message,
    // The stack's first line repeats the message: the shortened one there too.
    ...(error.stack ? { stack: error.stack.replace(error.message, message) } : {}),
    ...(Array.isArray(issues) && issues.length > 0
      ? { issues: issues.slice(0, 10).map((i) => shorten(String(i), 200)) }
      : {}),
    ...(cause instanceof Error ? { cause: { name: cause.name, message: shorten(cause.message) } } : {}),
  };
}

function shorten(text: string, max = MAX_ERROR_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The name of the queue a record came from (the last part of its source ARN). */
export function queueNameOf(record: Pick<SQSRecord, 'eventSourceARN'>): string {
  return record.eventSourceARN?.split(':').at(-1) ?? '';
}

function safely(correlate: (record: SQSRecord) => CorrelationKeys, record: SQSRecord): CorrelationKeys {
  try {
    return correlate(record);
  } catch {
    return {};
  }
}

/** The JSON body of a record, or undefined when it is not JSON: for correlate functions. */
export function bodyOf(record: SQSRecord): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(record.body);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The correlation keys of an EventBridge envelope on a queue (a routed mention, a case
 * event): the mentionId and caseId of its `detail`.
 */
export function correlateDetail(record: SQSRecord): { mentionId?: string; caseId?: string } {
  const detail = bodyOf(record)?.detail;
  if (typeof detail !== 'object' || detail === null) return {};
  const { mentionId, caseId } = detail as Record<string, unknown>;
  return { ...(typeof mentionId === 'string' ? { mentionId } : {}), ...(typeof caseId === 'string' ? { caseId } : {}) };
}
