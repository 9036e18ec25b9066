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
import type { RecordFailureLog } from '../../shared/domain/ports.ts';
import { RATE_RETENTION_DAYS, recordMentionRates, type RateStore } from '../../shared/domain/spikes/index.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { expiresAtEpochSeconds } from '../../shared/domain/time.ts';
import { recordInsight, type RecordInsightDeps, type RecordInsightOutcome } from '../../shared/domain/themes/index.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { correlateDetail, processObservedBatch } from '../../shared/observability/observe-records.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';
import { withCorrelation } from '../../shared/observability/correlation.ts';

export interface RecordInsightsDeps extends RecordInsightDeps {
  /** The hourly rate counters the spike detection reads. */
  readonly rates: RateStore;
  /** Where the causes of failed records go, for `backchannel dlq`. */
  readonly failures?: RecordFailureLog;
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

/**
 * Groups the routed mentions of one message (the `insights` queue receives only the primary
 * department's `Mention Routed` or `Mentions Routed`, so a mention copied to two departments
 * counts once) into their themes, and adds them to the hourly rate counters that spike
 * detection reads (both idempotent per mention, so a redelivered record counts nowhere
 * twice). The mentions of a batch go one after the other; the first failure fails the
 * record after the rest were tried.
 */
export async function processRecord(record: SQSRecord, deps: RecordInsightsDeps): Promise<RateObservation[]> {
  const envelope = parseRecordBody(record, RoutedEnvelopeSchema, 'a Mention Routed or Mentions Routed event');
  const observations: RateObservation[] = [];
  let failure: unknown;
  for (const detail of routedMentionsOf(envelope)) {
    try {
      const observation = await withCorrelation({ mentionId: detail.mentionId, caseId: detail.caseId }, () =>
        recordOne(detail, deps),
      );
      if (observation) observations.push(observation);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return observations;
}

async function recordOne(detail: MentionRouted, deps: RecordInsightsDeps): Promise<RateObservation | undefined> {
  if (detail.role !== 'primary') {
    // The rule sends only primary events; a cc copy that arrives anyway must not count twice.
    logger.warn('Mention Routed for a cc department skipped', {
      mentionId: detail.mentionId,
      department: detail.department,
    });
    return undefined;
  }
  const outcome = await recordRoutedInsight(detail, deps);
  if (outcome.themeId === undefined) {
    logger.info('Mention feeds no theme', { mentionId: detail.mentionId, category: detail.category });
    metrics.addMetric('MentionsWithoutTheme', MetricUnit.Count, 1);
  } else {
    logger.info(outcome.counted ? 'Mention grouped into theme' : 'Mention grouped before, not counted again', {
      mentionId: detail.mentionId,
      themeId: outcome.themeId,
      created: outcome.created,
    });
    metrics.addMetric(outcome.counted ? 'MentionsGrouped' : 'MentionsGroupedBefore', MetricUnit.Count, 1);
    if (outcome.created) metrics.addMetric('ThemesCreated', MetricUnit.Count, 1);
  }
  return outcome.observation;
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
  const outcome = await recordInsight(detail, deps);
  const expiresAt = expiresAtEpochSeconds(deps.clock.now(), RATE_RETENTION_DAYS);
  await recordMentionRates(outcome.observation, { rates: deps.rates, expiresAt });
  return outcome;
}

/** The correlation keys of a routed mention: its id and its case's id. */
export const correlateInsight = correlateDetail;

export async function recordInsightsBatch(
  event: SQSEvent,
  context: Context,
  deps: RecordInsightsDeps,
): Promise<SQSBatchResponse> {
  return processObservedBatch(event, context, (record) => processRecord(record, deps), {
    functionName: 'record-insights',
    correlate: correlateInsight,
    failures: deps.failures,
    clock: deps.clock,
    // One record after the other: similar mentions of one batch then meet the theme the first
    // one started, instead of each starting its own, and one theme has one writer per batch.
    processInParallel: false,
  });
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(
    () => dependenciesFrom(env),
    (event: SQSEvent, deps, context) => recordInsightsBatch(event, context, deps),
  );
}

export const handler = createHandler(lambdaEnvironment());
