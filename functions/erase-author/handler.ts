import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { dynamoErasureJobPorts } from '../../shared/adapters/dynamodb/erasure-job-store.ts';
import { createOutboxEraser } from '../../shared/adapters/notify/outbox.ts';
import { createSqsClient } from '../../shared/adapters/sqs-client.ts';
import { SqsErasureQueue } from '../../shared/adapters/sqs-erasure-queue.ts';
import { parseRecordBody } from '../../shared/adapters/sqs-record.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { runErasureJob, type ErasureJobDeps, type ErasureQueue } from '../../shared/domain/erasure-job.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { ErasureMessageSchema } from '../../shared/domain/events.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';

/**
 * Time kept back from the invocation's limit when a run decides whether to scan one more
 * page: a 1 MB page and its save take well under a second, so a run stops with time to
 * send its continuation.
 */
export const TIME_MARGIN_MS = 15_000;

export interface EraseAuthorJobDeps extends ErasureJobDeps {
  /** Where the next run of a job that ran out of time is sent (this function's own queue, directly). */
  readonly queue: ErasureQueue;
}

/** Builds the dependencies from the function's environment, once per cold start. */
export function dependenciesFrom(env: FunctionEnv): EraseAuthorJobDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const documents = createDocumentClient(env);
  // Locally the outbox beside the table; in AWS sent messages are out of reach.
  const outbox = createOutboxEraser(env);
  return {
    ...dynamoErasureJobPorts(documents, requireEnv(env, 'TABLE_NAME')),
    ...(outbox ? { outbox } : {}),
    clock: systemClock,
    retentionDays: config.retention.days,
    queue: new SqsErasureQueue(createSqsClient(env), requireEnv(env, 'ERASURE_QUEUE_URL')),
  };
}

/**
 * Runs the erasure job of each message (the trigger's batch size is 1) until the scan and
 * erasure are done or the invocation's time nearly is; then sends the next message, which
 * continues from the request's saved cursor. A failed run fails its record: SQS delivers it
 * again after the visibility timeout and the job resumes from its last saved page.
 */
export async function eraseAuthors(
  event: SQSEvent,
  deps: EraseAuthorJobDeps,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { requestId } = parseRecordBody(record, ErasureMessageSchema, 'an Erasure Requested event').detail;
      const run = await runErasureJob(requestId, deps, {
        shouldStop: () => context.getRemainingTimeInMillis() < TIME_MARGIN_MS,
      });
      if (run.state === 'continue') {
        await deps.queue.send(run.request);
        logger.info('Erasure continues', { requestId, pages: run.request.pages, scanned: run.request.scannedItems });
      } else if (run.state === 'done') {
        metrics.addMetric('ErasuresDone', MetricUnit.Count, 1);
        logger.info('Erasure done', {
          requestId,
          subject: run.request.subject,
          pages: run.request.pages,
          counts: run.request.outcome?.counts,
        });
      } else {
        logger.info('Erasure message skipped: the request is done or another run moved it on', { requestId });
      }
    } catch (error) {
      logger.error('Erasure run failed; the message is delivered again', {
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(() => dependenciesFrom(env), eraseAuthors);
}

export const handler = createHandler(lambdaEnvironment());
