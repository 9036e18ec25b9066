import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient, createEventBridgeClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoAssignmentCursor } from '../../shared/adapters/dynamodb/assignment-cursor.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/case-repository.ts';
import { DynamoRecordFailureLog } from '../../shared/adapters/dynamodb/failure-log.ts';
import { DynamoMetricRepository } from '../../shared/adapters/dynamodb/metric-repository.ts';
import { DynamoNotificationClaims } from '../../shared/adapters/dynamodb/notification-claims.ts';
import { BatchCaseCache } from '../../shared/domain/batch-case-cache.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { createNotifier } from '../../shared/adapters/notify/index.ts';
import { parseRecordBody } from '../../shared/adapters/sqs-record.ts';
import { caseEventPublishing } from '../../shared/adapters/company-event-publisher.ts';
import { casePolicyOf } from '../../shared/config/case-policy.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { caseLinkBaseOf } from '../../shared/config/config-views.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import {
  receiveCaseEvent,
  receiveRoutedMention,
  type DepartmentInboxDeps,
} from '../../shared/domain/department-inbox.ts';
import { createDepartmentNotifier } from '../../shared/domain/department-notifier.ts';
import { TallyBatch } from '../../shared/domain/reports/tally-batch.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { DepartmentEnvelopeSchema, DETAIL_TYPES, type MentionRouted } from '../../shared/domain/events.ts';
import { SettlementsNotWrittenError, type RecordFailureLog } from '../../shared/domain/ports.ts';
import type { Tally } from '../../shared/domain/reports/tallies.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { departmentQueueUrlEnv } from '../../infra/topology-constants.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { BatchSummary } from '../../shared/observability/batch-summary.ts';
import { correlateDetail, processObservedBatch, queueNameOf } from '../../shared/observability/observe-records.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';
import { withCorrelation } from '../../shared/observability/correlation.ts';

export interface HandleDepartmentDeps extends DepartmentInboxDeps {
  /** The department a queue belongs to, from the queue's name (the last part of its URL in `QUEUE_URL_DEPT_<ID>`). */
  readonly departmentOfQueue: (queueName: string) => string | undefined;
  /** Where the causes of failed records go, for `backchannel dlq`. */
  readonly failures?: RecordFailureLog;
  /** The batch's line (`Department batch handled`), which each mention and case event joins as it is done. */
  readonly summary?: BatchSummary;
}

/** Builds the dependencies from the function's environment, once per cold start. */
export function dependenciesFrom(env: FunctionEnv): HandleDepartmentDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  const cases = new DynamoCaseRepository(documents, tableName);
  const policy = casePolicyOf(config);
  const metrics = new DynamoMetricRepository(documents, tableName);
  const change = {
    companyId: config.company.id,
    retentionDays: config.retention.days,
    cases,
    events: new EventBridgePublisher(
      createEventBridgeClient(env),
      requireEnv(env, 'EVENT_BUS_NAME'),
      caseEventPublishing(config),
    ),
    clock: systemClock,
    metrics,
    tallies: metrics,
    caseMentions: cases,
    timezone: config.company.timezone,
  };
  // In AWS CloudFormation names the queues: the topology hands each department's queue URL over.
  const queues = new Map(
    config.departments.map((d) => [requireEnv(env, departmentQueueUrlEnv(d.id)).split('/').at(-1) ?? '', d.id]),
  );
  return {
    timezone: config.company.timezone,
    retentionDays: config.retention.days,
    cases,
    tallies: metrics,
    clock: systemClock,
    change,
    assignment: policy.assignment,
    cursor: new DynamoAssignmentCursor(documents, tableName),
    dueAt: policy.dueAt,
    notifier: createDepartmentNotifier({
      departments: config.departments,
      options: { timezone: config.company.timezone, caseBaseUrl: caseLinkBaseOf(config) },
      cases,
      notifier: createNotifier(env, config),
      log: new DynamoNotificationClaims(documents, tableName, { timezone: config.company.timezone }),
      clock: systemClock,
      retentionDays: config.retention.days,
    }),
    departmentOfQueue: (name) => queues.get(name),
    failures: new DynamoRecordFailureLog(documents, tableName),
  };
}

/**
 * Handles one department-queue message: a `Mention Routed` event for the department, or a
 * case change that names the department among its recipients (an escalation, an SLA
 * warning, a reply to approve).
 */
export async function processRecord(record: SQSRecord, deps: HandleDepartmentDeps): Promise<void> {
  const envelope = parseRecordBody(record, DepartmentEnvelopeSchema, 'a Mention Routed or case event');
  if (envelope['detail-type'] === DETAIL_TYPES.mentionsRouted && 'mentions' in envelope.detail) {
    await receiveAll(envelope.detail.mentions, deps);
    return;
  }
  if (envelope['detail-type'] === DETAIL_TYPES.mentionRouted && 'mentionId' in envelope.detail) {
    await receiveOne(envelope.detail, deps);
    return;
  }
  const detail = envelope.detail;
  if (!('transitionId' in detail))
    throw new ValidationError(`message ${record.messageId} is neither a routed mention nor a case event`);
  // The queue the message came from says which of the recipients this is.
  const queueName = queueNameOf(record);
  const department = deps.departmentOfQueue(queueName);
  if (!department || !detail.recipients.includes(department)) {
    throw new ValidationError(
      `case event ${detail.transitionId} from queue ${queueName} does not name its department among the recipients`,
    );
  }
  await receiveCaseEvent(detail, department, deps);
  logger.info('Case event notified', {
    caseId: detail.caseId,
    action: detail.action,
    transitionId: detail.transitionId,
    department,
  });
  metrics.addMetric('CaseEventsNotified', MetricUnit.Count, 1);
  deps.summary?.add('caseEvent');
}

/**
 * The mentions of a `Mentions Routed` batch, each on its own: one that fails does not keep
 * the others from being recorded; then the record fails with the first error, and its
 * redelivery repeats nothing that was done (every step is keyed by the mention).
 */
async function receiveAll(mentions: readonly MentionRouted[], deps: HandleDepartmentDeps): Promise<void> {
  const errors: unknown[] = [];
  for (const mention of mentions) {
    await withCorrelation({ mentionId: mention.mentionId, caseId: mention.caseId }, () =>
      receiveOne(mention, deps),
    ).catch((error: unknown) => {
      errors.push(error);
    });
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new Error(`${errors.length} of ${mentions.length} routed mentions failed; the first:`, { cause: errors[0] });
}

async function receiveOne(detail: MentionRouted, deps: HandleDepartmentDeps): Promise<void> {
  const outcome = await receiveRoutedMention(detail, deps);
  logger.debug(outcome.recorded ? 'Mention recorded on case' : 'Mention already recorded, rest finished', {
    mentionId: detail.mentionId,
    caseId: detail.caseId,
    department: detail.department,
    state: outcome.state,
    reopened: outcome.reopened,
    assigned: outcome.assignee !== undefined,
  });
  metrics.addMetric(outcome.recorded ? 'MentionsRecorded' : 'MentionsRecordedBefore', MetricUnit.Count, 1);
  deps.summary?.add(outcome.recorded ? 'recorded' : 'recordedBefore', detail.mentionId, detail.caseId);
}

/** The correlation keys of a department message: the routed mention's id and its case's id. */
export const correlateDepartment = correlateDetail;

/**
 * Handles a batch of department messages. The tallies its mentions and case changes add to
 * are summed over the batch and written at the end, one `ADD` per day and department
 * (TallyBatch): counted once, by the record that recorded the mention or made the change.
 * The notifications its mentions sent to every target are settled at the end too, in one
 * write per day and department with the tally there (the notifier's `batch`), instead of one
 * update of each mention's record and a mark of their own.
 */
export async function handleDepartmentBatch(
  event: SQSEvent,
  context: Context,
  deps: HandleDepartmentDeps,
): Promise<SQSBatchResponse> {
  const tallies = new TallyBatch();
  const summary = new BatchSummary();
  // The batch's cases in one read (BatchGetItem) instead of one GetItem per routed mention;
  // a mention of a case the batch changed reads the batch's copy.
  const cases = new BatchCaseCache(deps.cases);
  await cases.getMany([...routedCaseIdsOf(event.Records)]).catch((error: unknown) => {
    // Each mention reads its case on its own, as without the read ahead.
    logger.warn('Cases of the batch not read ahead', { error });
  });
  // The batch's complete notification settlements are written at the end, with its tallies;
  // past the function's timeout it sends nothing (locally a run is not stopped there, as in AWS).
  const notifying = deps.notifier.batch?.(() => context.getRemainingTimeInMillis());
  const batchDeps: HandleDepartmentDeps = {
    ...deps,
    cases,
    tallies,
    change: { ...deps.change, tallies, cases },
    summary,
    ...(notifying ? { notifier: notifying.notifier } : {}),
  };
  // The batch's settlements and tallies are written also when every record failed (the batch
  // processor then throws FullBatchFailureError): a message of several mentions fails when
  // one of them does, and the others were recorded (counted once, by this run alone) and
  // may have been sent (settled only in this batch's mark; unwritten, a redelivery after the
  // lease would take their claims over and send them again).
  let response: SQSBatchResponse;
  try {
    response = await processObservedBatch(event, context, (record) => processRecord(record, batchDeps), {
      functionName: 'handle-department',
      correlate: correlateDepartment,
      failures: deps.failures,
      clock: deps.clock,
    });
  } finally {
    await flushBatch(notifying, tallies, deps);
  }
  // A failed record has its own ERROR line (`Record failed`): here only its count.
  for (const _ of response.batchItemFailures) summary.add('failed');
  const first = event.Records[0];
  summary.log('Department batch handled', {
    department: first ? deps.departmentOfQueue(queueNameOf(first)) : undefined,
    records: event.Records.length,
  });
  return response;
}

/**
 * The cases the routed mentions of a batch's messages name. Only read ahead: a body that is
 * not such a message names none here and fails in its own record (processRecord).
 */
export function routedCaseIdsOf(records: readonly SQSRecord[]): Set<string> {
  const ids = new Set<string>();
  for (const record of records) {
    let detail: unknown;
    try {
      detail = (JSON.parse(record.body) as { detail?: unknown } | null)?.detail;
    } catch {
      continue;
    }
    if (typeof detail !== 'object' || detail === null || 'transitionId' in detail) continue;
    const mentions = 'mentions' in detail && Array.isArray(detail.mentions) ? detail.mentions : [detail];
    for (const mention of mentions as unknown[]) {
      const caseId = (mention as { caseId?: unknown } | null)?.caseId;
      if (typeof caseId === 'string') ids.add(caseId);
    }
  }
  return ids;
}

/**
 * Writes what a batch kept for its end: the settlements of the notifications it sent, each
 * day and department's in one item with the batch's tally of that day and department, then
 * the tallies of the days and departments where it settled nothing (the day's own items).
 * Before the messages are acknowledged and within the function's timeout (shorter than a
 * claim's lease): a settlement lost here, its notification already out, is sent again only if
 * its message comes back after the lease (as a lost settlement of a record was). Tallies that
 * cannot be written are logged, not retried: the batch's mentions are recorded, so failing
 * their records would count nothing again.
 */
async function flushBatch(
  notifying: { flush(tallies?: readonly Tally[]): Promise<readonly Tally[]> } | undefined,
  tallies: TallyBatch,
  deps: HandleDepartmentDeps,
): Promise<void> {
  const sums = tallies.take();
  const rest = notifying
    ? await notifying.flush(sums).catch((error: unknown) => {
        logger.error('Notification settlements of the batch not written', { error });
        metrics.addMetric('SettlementWritesFailed', MetricUnit.Count, 1);
        // Those it names were not written; of the others nothing is known: not written twice.
        return error instanceof SettlementsNotWrittenError ? error.tallies : [];
      })
    : sums;
  await tallies.flush(deps.tallies, undefined, undefined, rest).catch((error: unknown) => {
    logger.error('Tallies of the batch not written', { error, writes: rest.length });
    metrics.addMetric('TallyWritesFailed', MetricUnit.Count, 1);
  });
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(
    () => dependenciesFrom(env),
    (event: SQSEvent, deps, context) => handleDepartmentBatch(event, context, deps),
  );
}

export const handler = createHandler(lambdaEnvironment());
