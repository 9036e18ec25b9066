import { BatchProcessor, EventType, FullBatchFailureError, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { randomBytes } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient, createEventBridgeClient } from '../../shared/adapters/aws-clients.ts';
import {
  DynamoAssignmentCursor,
  DynamoCaseRepository,
  DynamoKeyAccountTimeline,
  DynamoMentionRepository,
  DynamoMetricRepository,
  DynamoRecordFailureLog,
} from '../../shared/adapters/dynamodb/index.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { createOutboxEraser } from '../../shared/adapters/notify/outbox.ts';
import { parseRecordBody } from '../../shared/adapters/sqs-record.ts';
import { createModelStore } from '../../shared/adapters/models/index.ts';
import { loadPromotedModels, type PromotedModels } from '../../shared/classifier/company-model.ts';
import { createClassifier } from '../../shared/classifier/index.ts';
import { caseEventPublishing } from '../../shared/adapters/company-event-publisher.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { casePolicyOf } from '../../shared/config/case-policy.ts';
import { classifierLanguagesOf, routingPolicyOf } from '../../shared/config/config-views.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import {
  addToTimelines,
  markRoutedTogether,
  prepareMention,
  type ClassifyMentionDeps,
  type ClassifyOutcome,
  type PreparedMention,
} from '../../shared/domain/classify-mention.ts';
import { publishRoutedBatch } from '../../shared/domain/routed-batch.ts';
import { BatchCaseCache } from '../../shared/domain/batch-case-cache.ts';
import { caseIdForThread } from '../../shared/domain/case.ts';
import { ownerNoticeOf } from '../../shared/domain/key-accounts.ts';
import { eraseDeletedMention } from '../../shared/domain/erase-deleted-mention.ts';
import type { NotificationOutbox } from '../../shared/domain/erasure.ts';
import { IntakeMessageSchema, isDeletion } from '../../shared/domain/mention-deletion.ts';
import type { MentionErasure, RecordFailureLog } from '../../shared/domain/ports.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { appendCorrelation } from '../../shared/observability/correlation.ts';
import { withCorrelation } from '../../shared/observability/correlation.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { BatchSummary } from '../../shared/observability/batch-summary.ts';
import { bodyOf, observeRecords, reportFailure } from '../../shared/observability/observe-records.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';

/** What the batch handler needs: the use case's ports, the erasure, and where failure causes go. */
export type ClassifyBatchDeps = ClassifyHandlerDeps & { readonly failures?: RecordFailureLog };

/** Classification's dependencies, and what a deletion notice needs: the erasure and, locally, the outbox. */
export type ClassifyHandlerDeps = ClassifyMentionDeps & {
  readonly erasure?: MentionErasure;
  readonly outbox?: NotificationOutbox;
  /** The batch's line, which a mention that needs no publishing joins as it is done. */
  readonly summary?: BatchSummary;
};

/**
 * Builds the use case's dependencies from the function's environment, once per cold start;
 * `promoted` are the company's models (loadCompanyModels), else the shipped ones classify.
 */
export function dependenciesFrom(
  env: FunctionEnv,
  promoted?: PromotedModels,
): ClassifyBatchDeps & { readonly erasure: MentionErasure; readonly failures: RecordFailureLog } {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  const mentions = new DynamoMentionRepository(documents, tableName);
  const cases = new DynamoCaseRepository(documents, tableName);
  const counters = new DynamoMetricRepository(documents, tableName);
  const sla = new Map(config.departments.map((d) => [d.id, d.sla]));
  const policy = casePolicyOf(config);
  const events = new EventBridgePublisher(
    createEventBridgeClient(env),
    requireEnv(env, 'EVENT_BUS_NAME'),
    caseEventPublishing(config),
  );
  return {
    companyId: config.company.id,
    classifier: createClassifier(
      {
        classifier: config.classifier,
        brandTerms: [...config.keywords.brand, ...config.keywords.products],
        languages: classifierLanguagesOf(config),
        onCloudFallback: (error) => logger.warn('Cloud classifier failed, local result used', { error }),
        ...(promoted?.models ? { models: promoted.models } : {}),
      },
      env,
    ),
    policy: routingPolicyOf(config),
    sla: (department, priority) => sla.get(department)?.[priority] ?? { days: 1, minutes: 0 },
    retentionDays: config.retention.days,
    mentions,
    cases,
    // Own replies and deletions are recorded on the same table's cases and mentions.
    journal: cases,
    erasure: mentions,
    failures: new DynamoRecordFailureLog(documents, tableName),
    ...outboxOf(env),
    events,
    clock: systemClock,
    addSlaTime: policy.addSlaTime,
    businessMinutes: policy.businessMinutes,
    assignment: { policy: policy.assignment, cursor: new DynamoAssignmentCursor(documents, tableName) },
    reopenWindowMinutes: policy.reopenWindowMinutes,
    approverDepartment: policy.approverDepartment,
    escalation: policy.escalation,
    keyAccounts: {
      timeline: new DynamoKeyAccountTimeline(documents, tableName),
      notice: (accounts) => ownerNoticeOf(config, accounts),
      companyName: config.company.name,
    },
    caseChanges: {
      companyId: config.company.id,
      retentionDays: config.retention.days,
      cases,
      events,
      clock: systemClock,
      metrics: counters,
      tallies: counters,
      caseMentions: cases,
      timezone: config.company.timezone,
    },
  };
}

/** Locally (NOTIFY_OUTBOX_DIR) a deletion also clears the outbox lines about the mention. */
function outboxOf(env: FunctionEnv): { readonly outbox?: NotificationOutbox } {
  const outbox = createOutboxEraser(env);
  return outbox ? { outbox } : {};
}

/**
 * Handles one intake message up to the publish: a deletion is applied, a mention classified,
 * stored and threaded (prepareMention). Returns the events the mention still needs
 * published; a throw marks only this record as failed.
 */
export async function processRecord(
  record: SQSRecord,
  deps: ClassifyHandlerDeps,
): Promise<PreparedMention | undefined> {
  const message = parseRecordBody(record, IntakeMessageSchema, 'a Mention or a deletion notice');
  if (isDeletion(message)) {
    // Without the ports the notice cannot be applied: failing keeps it for a retry and the DLQ.
    if (!deps.erasure || !deps.journal)
      throw new Error(`cannot apply deletion of ${message.id}: no erasure configured`);
    const outcome = await eraseDeletedMention(message, {
      mentions: deps.erasure,
      journal: deps.journal,
      cases: deps.cases,
      clock: deps.clock,
      retentionDays: deps.retentionDays,
      ...(deps.outbox ? { outbox: deps.outbox } : {}),
    });
    logger.info('Mention deletion applied', { ...outcome });
    metrics.addMetric('DeletionsApplied', MetricUnit.Count, 1);
    return undefined;
  }
  const prepared = await prepareMention(message, deps);
  appendCorrelation({ caseId: prepared.outcome.caseId });
  // A routed mention is logged once it is published (classifyBatch); the others are done here.
  if (prepared.routed.length === 0) logOutcome(message.id, prepared.outcome, deps.summary);
  return prepared;
}

/**
 * A mention done: its own line at DEBUG, its count, and its place in the batch's line
 * (`Mentions classified`: its case, prefixed with the status unless it was routed).
 */
function logOutcome(mentionId: string, outcome: ClassifyOutcome, summary?: BatchSummary): void {
  logger.debug('Mention classified', { mentionId, ...outcome });
  metrics.addMetric(OUTCOME_METRICS[outcome.status], MetricUnit.Count, 1);
  summary?.add(
    outcome.status,
    mentionId,
    outcome.status === 'routed' ? outcome.caseId : `${outcome.status} ${outcome.caseId}`,
  );
}

/** The count of each outcome: routed, a redelivered duplicate, the company's own reply. */
const OUTCOME_METRICS = {
  routed: 'MentionsRouted',
  duplicate: 'MentionsDuplicate',
  'own-reply': 'OwnRepliesRecorded',
} as const;

/** The correlation keys of an intake message: the mention's id (a deletion names it too). */
export function correlateIntake(record: SQSRecord): { mentionId?: string } {
  const id = bodyOf(record)?.id;
  return typeof id === 'string' ? { mentionId: id } : {};
}

/**
 * The raw batch handler.
 *
 * 1. every record on its own up to the publish (processRecord); a failure fails that record
 *    (the cases it reads and writes cached for the batch: BatchCaseCache)
 * 2. the batch's routed mentions and case changes published together: one `Mentions
 *    Routed` entry per department and role, one entry per case change that something
 *    consumes (the others counted on the batch line), in calls of up to 10 entries
 *    (publishRoutedBatch), not one call per mention or change
 * 3. each record whose events were all published is finished: its key-account timeline
 *    entries, then the batch's routed mark with all of them in one write (markRoutedTogether;
 *    the mentions were stored naming it); a record with an entry the bus still refused fails,
 *    unmarked, so SQS delivers it again and it is published again (the consumers are
 *    idempotent per mention); if the mark cannot be written, every record it would mark fails
 */
export async function classifyBatch(
  event: SQSEvent,
  context: Context,
  deps: ClassifyBatchDeps,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const options = {
    functionName: 'classify-mention',
    correlate: correlateIntake,
    ...(deps.failures ? { failures: deps.failures } : {}),
    clock: deps.clock,
    // Past the timeout no record is started (locally a run is not stopped there, as in AWS).
    timeLeftMs: () => context.getRemainingTimeInMillis(),
  };
  const prepared = new Map<string, { readonly record: SQSRecord; readonly mention: PreparedMention; id: string }>();
  // The batch's routed mark: its new mentions are stored naming it, and marked routed in it together.
  // Two batches drawing the same 48 bits would share one mark item: still right (it holds mention ids).
  const summary = new BatchSummary();
  const cases = new BatchCaseCache(deps.cases);
  const batchDeps = withBatchCache({ ...deps, routeMark: randomBytes(6).toString('base64url'), summary }, cases);
  await readThreadCases(event.Records, cases);
  const handle = oneThreadAtATime(
    observeRecords(async (record) => {
      const mention = await processRecord(record, batchDeps);
      if (!mention) summary.add('deletion');
      if (mention && mention.routed.length > 0)
        prepared.set(record.messageId, { record, mention, id: mention.routed[0]?.mentionId ?? '' });
    }, options),
  );
  const response = await processPartialResponse(event, handle, processor, { context });

  const published = await publishRoutedBatch(
    [...prepared].map(([key, p]) => ({ key, routed: p.mention.routed, caseEvents: p.mention.caseEvents })),
    deps,
  );
  const failures = [...response.batchItemFailures];
  const fail = async (key: string, entry: { readonly record: SQSRecord }, error: unknown) => {
    await withCorrelation(correlateIntake(entry.record), () => reportFailure(entry.record, error, options));
    failures.push({ itemIdentifier: key });
  };
  const finished: [string, { readonly record: SQSRecord; readonly mention: PreparedMention; id: string }][] = [];
  for (const [key, entry] of prepared) {
    try {
      if (published.failed.has(key))
        throw new RoutedEventsRefusedError(`the bus refused the routed events of mention ${entry.id}`, {
          cause: published.cause,
        });
      await withCorrelation(correlateIntake(entry.record), () => addToTimelines(entry.mention.routed, deps));
      finished.push([key, entry]);
    } catch (error) {
      await fail(key, entry, error);
    }
  }
  try {
    await markRoutedTogether(
      finished.map(([, entry]) => entry.mention),
      deps,
    );
    for (const [, entry] of finished)
      await withCorrelation(correlateIntake(entry.record), async () =>
        logOutcome(entry.id, entry.mention.outcome, summary),
      );
  } catch (error) {
    for (const [key, entry] of finished) await fail(key, entry, error);
  }
  // A failed record has its own ERROR line (`Record failed`): here only its count.
  for (const _ of failures) summary.add('failed');
  // Case changes nothing consumes were not put on the bus (case-event-publishing.ts): their count, not one line each.
  summary.log('Mentions classified', {
    records: event.Records.length,
    ...(published.withheldCaseEvents > 0 ? { caseEventsWithheld: published.withheldCaseEvents } : {}),
  });
  // As processPartialResponse does: a batch that failed whole is thrown, and Lambda retries it whole.
  if (failures.length > 0 && failures.length === event.Records.length)
    throw new FullBatchFailureError([published.cause ?? new Error('every record failed')]);
  return { batchItemFailures: failures };
}

/**
 * Runs the records of one conversation thread one after the other, and threads side by side
 * (the batch processor runs records in parallel). Two mentions of a thread in one batch would
 * otherwise both find no case and both try to open it: the loser's conditional put fails (a
 * write unit spent) and, until round w18, its author index moved (another). With intake batches of 50 (round
 * w14) that was about 0.13 write units per mention in `bench:cost`. A record whose thread
 * cannot be read (a deletion notice, a malformed body) runs at once; a failed record does not
 * hold up the next of its thread.
 */
export function oneThreadAtATime(handle: (record: SQSRecord) => Promise<void>): (record: SQSRecord) => Promise<void> {
  const tails = new Map<string, Promise<void>>();
  return (record) => {
    const of = threadOf(record);
    if (!of) return handle(record);
    const thread = `${of.platform} ${of.threadId}`;
    const run = (tails.get(thread) ?? Promise.resolve()).then(() => handle(record));
    tails.set(
      thread,
      run.catch(() => undefined),
    );
    return run;
  };
}

/** The conversation thread an intake record's body names, if it names one (a deletion notice or a malformed body does not). */
function threadOf(record: SQSRecord): { readonly platform: string; readonly threadId: string } | undefined {
  const body = bodyOf(record);
  return typeof body?.platform === 'string' && typeof body.threadId === 'string'
    ? { platform: body.platform, threadId: body.threadId }
    : undefined;
}

/**
 * The current cases of the batch's threads (their first generation), read together before
 * the records run: one BatchGetItem for the batch instead of a GetItem per thread
 * (eventually consistent, as each record's own first read is; BatchCaseCache says why that
 * is safe). A thread whose case was resolved long ago reads its next generation on its own.
 * When the read together fails, each record reads its case itself, as before.
 */
async function readThreadCases(records: readonly SQSRecord[], cases: BatchCaseCache): Promise<void> {
  const ids = records.flatMap((record) => {
    const thread = threadOf(record);
    return thread ? [caseIdForThread(thread.platform, thread.threadId)] : [];
  });
  try {
    await cases.getMany(ids);
  } catch (error) {
    logger.warn('Cases of the batch not read together, each record reads its own', { error });
  }
}

/** The dependencies for one batch: the same, with the batch's own case cache in front of the case repository. */
function withBatchCache(deps: ClassifyBatchDeps, cases: BatchCaseCache): ClassifyBatchDeps {
  return { ...deps, cases, ...(deps.caseChanges ? { caseChanges: { ...deps.caseChanges, cases } } : {}) };
}

/** The bus still refused a record's routed events after every attempt: the record fails and is delivered again. */
export class RoutedEventsRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoutedEventsRefusedError';
  }
}

/**
 * The company's promoted models from the model store (MODEL_BUCKET), read once per cold
 * start; when none is promoted, or it cannot be read, the shipped models classify (logged).
 */
export async function loadCompanyModels(env: FunctionEnv): Promise<PromotedModels> {
  const promoted = await loadPromotedModels(createModelStore(env));
  if (promoted.error)
    logger.error('Company model could not be loaded, shipped models used', {
      error: promoted.error,
      loadMs: promoted.loadMs,
    });
  // Nothing to say when no company model is promoted: the shipped models classify, as always.
  else if (promoted.models) logger.info('Company model loaded', { version: promoted.version, loadMs: promoted.loadMs });
  return promoted;
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(
    async () => dependenciesFrom(env, await loadCompanyModels(env)),
    (event: SQSEvent, deps, context) => classifyBatch(event, context, deps),
  );
}

export const handler = createHandler(lambdaEnvironment());
