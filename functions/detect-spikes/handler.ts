import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createDocumentClient, createEventBridgeClient } from '../../shared/adapters/aws-clients.ts';
import {
  DynamoCaseRepository,
  DynamoNotificationClaims,
  DynamoRateStore,
  DynamoSpikeRepository,
  DynamoThemeRepository,
} from '../../shared/adapters/dynamodb/index.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { createNotifier } from '../../shared/adapters/notify/index.ts';
import { caseEventPublishing } from '../../shared/adapters/company-event-publisher.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { caseLinkBaseOf } from '../../shared/config/config-views.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import {
  addHours,
  DEFAULT_SPIKE_PARAMETERS,
  evaluateSpikes,
  hourOf,
  type EvaluateSpikesDeps,
  type EvaluateSpikesResult,
  type SpikeParameters,
} from '../../shared/domain/spikes/index.ts';
import { labelOf } from '../../shared/domain/themes/index.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { parseEventInput } from '../../shared/adapters/event-input.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';
import * as z from '../../shared/domain/zod-mini.ts';

const isHourStart = (value: string) => Date.parse(value) % 3_600_000 === 0;
const hourStart = z.iso
  .datetime({ offset: true })
  .check(z.refine(isHourStart, 'use the start of an hour, e.g. 2026-12-03T10:00:00Z'));

/**
 * The schedule's input: `scheduledTime` is the Scheduler's `<aws.scheduler.scheduled-time>`;
 * the run evaluates every hour since the previous run up to the last complete hour before
 * it. `hour` (an hour's start, e.g. `2026-12-03T10:00:00Z`) evaluates that one hour by hand
 * and leaves the schedule's cursor alone; `from` and `through` evaluate every hour between
 * them (a replayed history) and move the cursor.
 */
export const DetectSpikesInputSchema = z.union([
  z.strictObject({ scheduledTime: z.iso.datetime({ offset: true }) }),
  z.strictObject({ hour: hourStart }),
  z
    .strictObject({ from: hourStart, through: hourStart })
    .check(z.refine((r) => Date.parse(r.from) <= Date.parse(r.through), 'from must not be after through')),
]);
export type DetectSpikesInput = z.infer<typeof DetectSpikesInputSchema>;

/** The detector's parameters from the company config's `spikes:` (the priors stay at their defaults). */
export function spikeParametersOf(config: CompanyConfig): SpikeParameters {
  const { weeks, alpha, minCount, minRatio, cooldownHours } = config.spikes;
  return { ...DEFAULT_SPIKE_PARAMETERS, weeks, alpha, minCount, minRatio, cooldownHours };
}

/** The press department: `press`, else the one that owns press inquiries. */
export function pressDepartmentOf(config: CompanyConfig): string | undefined {
  return (
    config.departments.find((d) => d.id === 'press') ??
    config.departments.find((d) => d.categories.includes('press_inquiry'))
  )?.id;
}

export function dependenciesFrom(env: FunctionEnv): EvaluateSpikesDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  const events = new EventBridgePublisher(
    createEventBridgeClient(env),
    requireEnv(env, 'EVENT_BUS_NAME'),
    caseEventPublishing(config),
  );
  const press = pressDepartmentOf(config);
  const themes = new DynamoThemeRepository(documents, tableName);
  return {
    companyId: config.company.id,
    timezone: config.company.timezone,
    params: spikeParametersOf(config),
    rates: new DynamoRateStore(documents, tableName),
    themeLabel: async (themeId) => {
      const theme = await themes.theme(themeId);
      if (!theme) return undefined;
      const others = await themes.themesOf(theme.kind, theme.language);
      return labelOf(
        theme.vector,
        others.filter((o) => o.id !== theme.id).map((o) => o.vector),
      );
    },
    spikes: new DynamoSpikeRepository(documents, tableName, config.company.timezone),
    events,
    clock: systemClock,
    retentionDays: config.retention.days,
    change: {
      companyId: config.company.id,
      retentionDays: config.retention.days,
      cases: new DynamoCaseRepository(documents, tableName),
      events,
      clock: systemClock,
    },
    departments: config.departments,
    ...(press ? { press } : {}),
    notificationOptions: { timezone: config.company.timezone, caseBaseUrl: caseLinkBaseOf(config) },
    notify: { notifier: createNotifier(env, config), log: new DynamoNotificationClaims(documents, tableName) },
  };
}

/**
 * Runs one evaluation.
 * @throws ValidationError for an input that is neither a scheduled run nor an hour; whatever a
 *   step failed with (the cursor stays before the failed hour, so the retry does it again)
 */
export async function detectSpikes(event: unknown, deps: EvaluateSpikesDeps): Promise<EvaluateSpikesResult> {
  const input = parseEventInput(
    DetectSpikesInputSchema,
    event,
    'detect-spikes input is neither {scheduledTime}, {hour} nor {from, through}',
  );
  const iso = (value: string) => new Date(value).toISOString();
  const request =
    'hour' in input
      ? { hour: iso(input.hour) }
      : 'from' in input
        ? { from: iso(input.from), through: iso(input.through) }
        : { through: addHours(hourOf(input.scheduledTime), -1) };
  const result = await evaluateSpikes(request, deps);
  if (result.skippedHours > 0)
    logger.warn('Spike evaluation: hours older than the baseline window were skipped', {
      skippedHours: result.skippedHours,
    });
  for (const spike of result.detected) {
    logger.info('Spike detected', {
      spikeId: spike.id,
      dimension: spike.dimension,
      value: spike.value,
      hour: spike.hour,
      observed: spike.observed,
      expected: spike.expected,
      cases: spike.caseIds.length,
    });
  }
  logger.info('Spike evaluation done', {
    from: result.hours[0],
    to: result.hours.at(-1),
    hours: result.hours.length,
    detected: result.detected.length,
    continued: result.continued,
    covered: result.covered,
    tagged: result.tagged,
  });
  metrics.addMetric('SpikeHoursEvaluated', MetricUnit.Count, result.hours.length);
  metrics.addMetric('SpikesDetected', MetricUnit.Count, result.detected.length);
  return result;
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(() => dependenciesFrom(env), detectSpikes);
}

export const handler = createHandler(lambdaEnvironment());
