import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../shared/domain/zod-mini.ts';
import { createDocumentClient, createEventBridgeClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { caseEventPublishing } from '../../shared/adapters/company-event-publisher.ts';
import { casePolicyOf } from '../../shared/config/case-policy.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { checkSla, SlaSweepError, type CheckSlaDeps, type SlaSweepResult } from '../../shared/domain/check-sla.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { parseEventInput } from '../../shared/adapters/event-input.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';

/**
 * The schedule's input: `scheduledTime` is the Scheduler's `<aws.scheduler.scheduled-time>`
 * (logged only: the sweep judges due times by the clock, so a late or retried run is right
 * too). An empty object runs a sweep by hand.
 */
export const CheckSlaInputSchema = z.strictObject({ scheduledTime: z.optional(z.iso.datetime({ offset: true })) });

export function dependenciesFrom(env: FunctionEnv): CheckSlaDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  return {
    companyId: config.company.id,
    retentionDays: config.retention.days,
    cases: new DynamoCaseRepository(createDocumentClient(env), tableName),
    events: new EventBridgePublisher(
      createEventBridgeClient(env),
      requireEnv(env, 'EVENT_BUS_NAME'),
      caseEventPublishing(config),
    ),
    clock: systemClock,
    departments: config.departments.map((d) => d.id),
    slaWarningMinutes: config.cases.slaWarning,
    // The same escalation targets classify-mention uses: one place decides them.
    escalation: casePolicyOf(config).escalation,
    onProgress: (sweep) => logger.info('SLA sweep: department checked', { ...sweep }),
    onFailure: (failure) =>
      logger.error('SLA sweep: change failed, the retry will apply it', {
        department: failure.department,
        ...(failure.caseId ? { caseId: failure.caseId, action: failure.action } : { step: 'list due cases' }),
        error: failure.error as Error,
      }),
  };
}

/**
 * Runs one SLA sweep.
 * @throws ValidationError for an input that is not a sweep request; SlaSweepError (after
 *   the whole sweep) when a change failed, so the schedule's retry runs it again
 */
export async function runCheckSla(event: unknown, deps: CheckSlaDeps): Promise<SlaSweepResult> {
  const input = parseEventInput(CheckSlaInputSchema, event ?? {}, 'check-sla input is not an SLA sweep request');
  let result: SlaSweepResult;
  try {
    result = await checkSla(deps);
  } catch (error) {
    if (error instanceof SlaSweepError) record(error.result);
    throw error;
  }
  record(result);
  logger.info('SLA sweep done', { scheduledTime: input.scheduledTime, ...summary(result) });
  return result;
}

function record(result: SlaSweepResult): void {
  metrics.addMetric('SlaWarningsSent', MetricUnit.Count, result.warned);
  metrics.addMetric('SlaBreachesMarked', MetricUnit.Count, result.breached);
  metrics.addMetric('CasesEscalated', MetricUnit.Count, result.escalated);
  metrics.addMetric('SlaChangesFailed', MetricUnit.Count, result.failed);
}

function summary(result: SlaSweepResult) {
  const { scanned, warned, breached, escalated, skipped, failed } = result;
  return { scanned, warned, breached, escalated, skipped, failed };
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(() => dependenciesFrom(env), runCheckSla);
}

export const handler = createHandler(lambdaEnvironment());
