import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoMetricRepository } from '../../shared/adapters/dynamodb/index.ts';
import { parseRecordBody } from '../../shared/adapters/sqs-record.ts';
import { parseCompanyConfigJson } from '../../shared/config/load.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { MentionRoutedEnvelopeSchema } from '../../shared/domain/events.ts';
import { recordRoutedMention, type RecordRoutedMentionDeps } from '../../shared/domain/record-routed-mention.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { logger } from '../../shared/observability/powertools.ts';

export function dependenciesFrom(env: FunctionEnv): RecordRoutedMentionDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  return {
    timezone: config.company.timezone,
    retentionDays: config.retention.days,
    cases: new DynamoCaseRepository(documents, tableName),
    metrics: new DynamoMetricRepository(documents, tableName),
    clock: systemClock,
  };
}

/** Handles one department-queue message: an EventBridge `Mention Routed` envelope. */
export async function processRecord(record: SQSRecord, deps: RecordRoutedMentionDeps): Promise<void> {
  const { detail } = parseRecordBody(record, MentionRoutedEnvelopeSchema, 'a Mention Routed event');
  const recorded = await recordRoutedMention(detail, deps);
  logger.info(recorded ? 'Mention recorded on case' : 'Mention already recorded, skipped', {
    mentionId: detail.mentionId,
    caseId: detail.caseId,
    department: detail.department,
  });
}

export async function handleDepartmentBatch(
  event: SQSEvent,
  context: Context,
  deps: RecordRoutedMentionDeps,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(event, (record: SQSRecord) => processRecord(record, deps), processor, { context });
}

export function createHandler(env: FunctionEnv) {
  let deps: RecordRoutedMentionDeps | undefined;
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger))
    .handler(async (event, context) => {
      deps ??= dependenciesFrom(env);
      return handleDepartmentBatch(event, context, deps);
    });
}

export const handler = createHandler(lambdaEnvironment());
