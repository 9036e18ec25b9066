import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient, createEventBridgeClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { parseRecordBody } from '../../shared/adapters/sqs-record.ts';
import { KeywordClassifier } from '../../shared/classifier/keyword-classifier.ts';
import { parseCompanyConfigJson } from '../../shared/config/load.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { classifyMention, type ClassifyMentionDeps } from '../../shared/domain/classify-mention.ts';
import { MentionSchema } from '../../shared/domain/mention.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { logger } from '../../shared/observability/powertools.ts';

/** Builds the use case's dependencies from the function's environment, once per cold start. */
export function dependenciesFrom(env: FunctionEnv): ClassifyMentionDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  const sla = new Map(config.departments.map((d) => [d.id, d.sla]));
  return {
    companyId: config.company.id,
    classifier: new KeywordClassifier({ brandTerms: [...config.keywords.brand, ...config.keywords.products] }),
    policy: { departments: config.departments, fallback: config.routing.fallback },
    slaMinutes: (department, priority) => sla.get(department)?.[priority] ?? 1440,
    retentionDays: config.retention.days,
    mentions: new DynamoMentionRepository(documents, tableName),
    cases: new DynamoCaseRepository(documents, tableName),
    events: new EventBridgePublisher(createEventBridgeClient(env), requireEnv(env, 'EVENT_BUS_NAME')),
    clock: systemClock,
  };
}

/** Handles one intake message; a throw marks only this record as failed. */
export async function processRecord(record: SQSRecord, deps: ClassifyMentionDeps): Promise<void> {
  const mention = parseRecordBody(record, MentionSchema, 'a Mention');
  const outcome = await classifyMention(mention, deps);
  logger.info('Mention classified', { mentionId: mention.id, ...outcome });
}

/** The raw batch handler: every record on its own, failures reported per record. */
export async function classifyBatch(event: SQSEvent, context: Context, deps: ClassifyMentionDeps): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(event, (record: SQSRecord) => processRecord(record, deps), processor, { context });
}

export function createHandler(env: FunctionEnv) {
  let deps: ClassifyMentionDeps | undefined;
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger))
    .handler(async (event, context) => {
      deps ??= dependenciesFrom(env);
      return classifyBatch(event, context, deps);
    });
}

export const handler = createHandler(lambdaEnvironment());
