import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import {
  DynamoRateStore,
  DynamoRecordFailureLog,
  DynamoThemeRepository,
} from '../../shared/adapters/dynamodb/index.ts';
import { parseRecordBody } from '../../shared/adapters/sqs-record.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { RoutedEnvelopeSchema, routedMentionsOf, type MentionRouted } from '../../shared/domain/events.ts';
import type { RateObservation } from '../../shared/domain/insights.ts';
import { OutOfTimeError } from '../../shared/domain/errors.ts';
import type { RecordFailureLog } from '../../shared/domain/ports.ts';
import {
  BatchRates,
  countNotedRates,
  hourOf,
  RATE_RETENTION_DAYS,
  type RateStore,
  type RecordMentionRatesDeps,
} from '../../shared/domain/spikes/index.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { expiresAtEpochSeconds } from '../../shared/domain/time.ts';
import {
  BatchThemes,
  planInsight,
  recordInsight,
  ThemeBatch,
  themeKindOf,
  type RecordInsightDeps,
  type RecordInsightOutcome,
  type ThemedMention,
  type ThemedOutcome,
} from '../../shared/domain/themes/index.ts';
import { BatchSummary } from '../../shared/observability/batch-summary.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import {
  correlateDetail,
  processObservedBatch,
  reportFailure,
  type ObserveRecordsOptions,
} from '../../shared/observability/observe-records.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';
import { withCorrelation } from '../../shared/observability/correlation.ts';

export interface RecordInsightsDeps extends RecordInsightDeps {
  /** The hourly rate counters the spike detection reads (and the claims that count each mention once, with its theme). */
  readonly rates: RateStore;
  /** Where the causes of failed records go, for `backchannel dlq`. */
  readonly failures?: RecordFailureLog;
  /** The batch's line (`Insights recorded`), which each mention joins with its theme as it is done. */
  readonly summary?: BatchSummary;
}

/** Builds the dependencies from the function's environment, once per cold start. */
export function dependenciesFrom(env: FunctionEnv): RecordInsightsDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  return {
    themes: new DynamoThemeRepository(documents, tableName),
    rates: new DynamoRateStore(documents, tableName),
    clock: systemClock,
    timezone: config.company.timezone,
    retentionDays: config.retention.days,
    failures: new DynamoRecordFailureLog(documents, tableName),
  };
}

/** A mention of this invocation to count in its hour's rates, with the record that carried it. */
interface NotedRate {
  readonly record: SQSRecord;
  readonly observation: RateObservation;
}

/**
 * Groups the routed mentions of one message (the `insights` queue receives only the primary
 * department's `Mention Routed` or `Mentions Routed`, so a mention copied to two departments
 * counts once) into their themes, staged in the batch's `themes` (written once per theme when
 * the batch is done); `noted` receives every mention with its theme, which the batch then
 * counts in its hour's rates once (one claim and one counter write per hour; a mention claimed
 * before, a redelivery, counts nowhere twice). The mentions of a batch go one after the other;
 * the first failure fails the record after the rest were tried.
 */
export async function processRecord(
  record: SQSRecord,
  deps: RecordInsightsDeps,
  noted: (observation: RateObservation) => void,
  themes: ThemeBatch<SQSRecord>,
): Promise<void> {
  const envelope = parseRecordBody(record, RoutedEnvelopeSchema, 'a Mention Routed or Mentions Routed event');
  let failure: unknown;
  for (const detail of routedMentionsOf(envelope)) {
    try {
      await withCorrelation({ mentionId: detail.mentionId, caseId: detail.caseId }, () =>
        stageOne(detail, deps, noted, (mention) => themes.stage(mention, record)),
      );
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

/** Chooses one mention's theme, passes it to `noted` (for its hour's rates) and stages it for its theme's write. */
async function stageOne(
  detail: MentionRouted,
  deps: RecordInsightsDeps,
  noted: (observation: RateObservation) => void,
  stage: (mention: ThemedMention) => Promise<void>,
): Promise<void> {
  if (detail.role !== 'primary') {
    // The rule sends only primary events; a cc copy that arrives anyway must not count twice.
    logger.warn('Mention Routed for a cc department skipped', {
      mentionId: detail.mentionId,
      department: detail.department,
    });
    return;
  }
  // Passed to `noted` before the theme is written: counted with the batch even if a later step
  // fails this record (its redelivery then finds it claimed, with its theme).
  const plan = await planInsight(detail, { ...deps, onNoted: noted });
  if (plan.theme === undefined) {
    logger.debug('Mention feeds no theme', { mentionId: detail.mentionId, category: detail.category });
    metrics.addMetric('MentionsWithoutTheme', MetricUnit.Count, 1);
    deps.summary?.add('noTheme');
    return;
  }
  await stage(plan.theme);
}

/** Logs and counts what the batch's theme writes did for one mention. */
function reportThemed({ mention, counted, created }: ThemedOutcome<SQSRecord>, summary: BatchSummary): void {
  const { mentionId, caseId } = mention.detail;
  withCorrelation({ mentionId, caseId }, () =>
    logger.debug(counted ? 'Mention grouped into theme' : 'Mention grouped before, not counted again', {
      mentionId,
      themeId: mention.themeId,
      created,
    }),
  );
  metrics.addMetric(counted ? 'MentionsGrouped' : 'MentionsGroupedBefore', MetricUnit.Count, 1);
  if (created) metrics.addMetric('ThemesCreated', MetricUnit.Count, 1);
  summary.add(counted ? 'grouped' : 'groupedBefore', mentionId, mention.themeId);
  if (created) summary.add('themesCreated');
}

/**
 * When the counters and the claims expire: the claims record each mention's theme, which an
 * erasure looks up within the company's retention, so they live as long as the longer of the two.
 */
function rateExpiry(deps: Pick<RecordInsightsDeps, 'clock' | 'rates' | 'retentionDays'>): RecordMentionRatesDeps {
  const now = deps.clock.now();
  return {
    rates: deps.rates,
    expiresAt: expiresAtEpochSeconds(now, RATE_RETENTION_DAYS),
    claimsExpireAt: expiresAtEpochSeconds(now, Math.max(deps.retentionDays, RATE_RETENTION_DAYS)),
  };
}

/**
 * The insight step of one primary `Mention Routed`: its theme, then its hour in the rate
 * counters that spike detection reads (both idempotent per mention). The history player
 * (`npm start -- --history`) runs the same step with its own clock.
 */
export async function recordRoutedInsight(
  detail: MentionRouted,
  deps: Pick<RecordInsightsDeps, 'themes' | 'rates' | 'clock' | 'timezone' | 'retentionDays' | 'joinThreshold'>,
): Promise<RecordInsightOutcome> {
  const noted: RateObservation[] = [];
  // Counted here, whether or not the theme step failed after it was handed over.
  const outcome = await recordInsight(detail, { ...deps, onNoted: (o) => noted.push(o) }).catch((error: unknown) => ({
    error,
  }));
  const [uncounted] = await countNotedRates(noted, rateExpiry(deps));
  if ('error' in outcome) throw outcome.error;
  if (uncounted) throw uncounted.error;
  return outcome;
}

/** The correlation keys of a routed mention: its id and its case's id. */
export const correlateInsight = correlateDetail;

/**
 * The batch: every record through {@link processRecord} (themes, read once per batch through
 * {@link BatchThemes}; each hour's claims read once through {@link BatchRates}), then each
 * theme written once with all of the batch's mentions and counted on its days
 * ({@link ThemeBatch}), then the mentions counted in their hours' rates: one claim and one
 * counter write per hour for the whole batch instead of one claim per mention. A write that
 * fails fails the records of its theme or hour, so SQS delivers them again; what was written
 * stays and is recognised by the redelivery.
 */
export async function recordInsightsBatch(
  event: SQSEvent,
  context: Context,
  deps: RecordInsightsDeps,
): Promise<SQSBatchResponse> {
  const options = {
    functionName: 'record-insights',
    correlate: correlateInsight,
    failures: deps.failures,
    clock: deps.clock,
  };
  const noted: NotedRate[] = [];
  // The batch's view of the themes: candidates queried once, no re-read of its own writes.
  const summary = new BatchSummary();
  const themes = new BatchThemes(deps.themes);
  const staged = new ThemeBatch<SQSRecord>(themes);
  const batchDeps: RecordInsightsDeps = {
    ...deps,
    themes,
    rates: new BatchRates(deps.rates, ...mentionsOfBatch(event)),
    summary,
  };
  let response: SQSBatchResponse;
  try {
    response = await processObservedBatch(
      event,
      context,
      (record) => processRecord(record, batchDeps, (observation) => noted.push({ record, observation }), staged),
      {
        ...options,
        // One record after the other: similar mentions of one batch then meet the theme the first
        // one started, instead of each starting its own, and one theme has one writer per batch.
        processInParallel: false,
      },
    );
  } catch (error) {
    // Every record failed, but a record's mentions before its failing one are themed: write and
    // count them (not past the timeout: in AWS the function is stopped there, see below).
    const all = new Set(event.Records.map((r) => r.messageId));
    if (context.getRemainingTimeInMillis() > 0) {
      await writeThemes(staged, summary, options, all);
      await countNoted(noted, deps, options, all);
    }
    throw error;
  }
  // Past the timeout the batch writes nothing: in AWS the function is stopped there and the whole
  // batch comes back; locally the run goes on, its messages back on the queue (the themes and
  // claims of its mentions would be written beside a copy's).
  if (context.getRemainingTimeInMillis() <= 0)
    throw new OutOfTimeError(
      `record-insights: past its timeout, the themes and rates of ${event.Records.length} records not written`,
    );
  const failures = [...response.batchItemFailures];
  const failedBefore = new Set(failures.map((f) => f.itemIdentifier));
  for (const record of await writeThemes(staged, summary, options, failedBefore)) {
    failures.push({ itemIdentifier: record.messageId });
    failedBefore.add(record.messageId);
  }
  for (const record of await countNoted(noted, deps, options, failedBefore))
    failures.push({ itemIdentifier: record.messageId });
  // A failed record has its own ERROR line (`Record failed`): here only its count.
  for (const _ of failures) summary.add('failed');
  summary.log('Insights recorded', { records: event.Records.length });
  // As processPartialResponse does: a batch that failed whole is thrown, and Lambda retries it whole.
  if (failures.length > 0 && failures.length === event.Records.length)
    throw new FullBatchFailureError([new RatesNotCountedError('no record of the batch was counted')]);
  return { batchItemFailures: failures };
}

/**
 * The primary mentions of the batch by UTC hour, read together by {@link BatchRates} (one read
 * of their notes per hour, not one per mention), and those of them that can feed a theme (their
 * earlier theme claims read together: a mention without a theme kind is never looked up). A
 * record that does not parse is left out here and fails in {@link processRecord}.
 */
function mentionsOfBatch(event: SQSEvent): [Map<string, string[]>, string[]] {
  const byHour = new Map<string, string[]>();
  const themed: string[] = [];
  for (const record of event.Records) {
    let details: readonly MentionRouted[];
    try {
      details = routedMentionsOf(parseRecordBody(record, RoutedEnvelopeSchema, 'a routed mention'));
    } catch {
      continue;
    }
    for (const d of details) {
      if (d.role !== 'primary') continue;
      const hour = hourOf(d.createdAt);
      byHour.set(hour, [...(byHour.get(hour) ?? []), d.mentionId]);
      if (themeKindOf(d.category, d.sentiment)) themed.push(d.mentionId);
    }
  }
  return [byHour, themed];
}

/**
 * Writes the batch's staged themes (once each) and their day counts. Returns the other
 * records with a mention whose theme could not be written, each reported as failed once;
 * `failedBefore` were reported already.
 */
async function writeThemes(
  staged: ThemeBatch<SQSRecord>,
  summary: BatchSummary,
  options: ObserveRecordsOptions,
  failedBefore: ReadonlySet<string>,
): Promise<SQSRecord[]> {
  const { outcomes, failures } = await staged.flush();
  for (const outcome of outcomes) reportThemed(outcome, summary);
  const failed = new Map<string, SQSRecord>();
  for (const { keys: records, error } of failures) {
    for (const record of records) {
      if (failed.has(record.messageId) || failedBefore.has(record.messageId)) continue;
      failed.set(record.messageId, record);
      await withCorrelation(correlateInsight(record), () => reportFailure(record, error, options));
    }
  }
  return [...failed.values()];
}

/**
 * Counts the batch's mentions in their hours' rates (those of failed records too: their
 * redelivery finds them claimed). Returns the other records whose mentions could not be
 * counted, each reported as failed once; `failedBefore` were reported already.
 */
async function countNoted(
  noted: readonly NotedRate[],
  deps: RecordInsightsDeps,
  options: ObserveRecordsOptions,
  failedBefore: ReadonlySet<string>,
): Promise<SQSRecord[]> {
  if (noted.length === 0) return [];
  const recordOf = new Map(noted.map((n) => [n.observation, n.record]));
  const uncounted = await countNotedRates(
    noted.map((n) => n.observation),
    rateExpiry(deps),
  );
  const failed = new Map<string, SQSRecord>();
  for (const hour of uncounted) {
    for (const observation of hour.observations) {
      const record = recordOf.get(observation);
      if (!record || failed.has(record.messageId) || failedBefore.has(record.messageId)) continue;
      failed.set(record.messageId, record);
      await withCorrelation(correlateInsight(record), () =>
        reportFailure(
          record,
          new RatesNotCountedError(`the rate counters of ${hour.hour} refused the batch's counts`, {
            cause: hour.error,
          }),
          options,
        ),
      );
    }
  }
  return [...failed.values()];
}

/** A batch's counts could not be added to an hour's rate counters: its records fail and are delivered again. */
export class RatesNotCountedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RatesNotCountedError';
  }
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(
    () => dependenciesFrom(env),
    (event: SQSEvent, deps, context) => recordInsightsBatch(event, context, deps),
  );
}

export const handler = createHandler(lambdaEnvironment());
