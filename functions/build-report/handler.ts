import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoMetricRepository, DynamoReportRepository } from '../../shared/adapters/dynamodb/index.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { buildDailyReport, type BuildDailyReportDeps } from '../../shared/domain/build-daily-report.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import type { DailyReport } from '../../shared/domain/ports.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { dayIn, isDay, previousDay } from '../../shared/domain/time.ts';
import { logger, metrics, tracer } from '../../shared/observability/powertools.ts';

/**
 * The schedule's input. `scheduledTime` is the Scheduler's `<aws.scheduler.scheduled-time>`;
 * `day` may be given instead to rebuild one day by hand.
 */
export const BuildReportInputSchema = z.union([
  z.strictObject({ report: z.literal('daily'), scheduledTime: z.iso.datetime({ offset: true }) }),
  z.strictObject({ report: z.literal('daily'), day: z.string().refine(isDay, 'use a calendar day YYYY-MM-DD') }),
]);
export type BuildReportInput = z.infer<typeof BuildReportInputSchema>;

export interface BuildReportDeps extends BuildDailyReportDeps {
  readonly timezone: string;
}

export function dependenciesFrom(env: FunctionEnv): BuildReportDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  return {
    timezone: config.company.timezone,
    departments: config.departments.map((d) => d.id),
    retentionDays: config.retention.days,
    metrics: new DynamoMetricRepository(documents, tableName),
    reports: new DynamoReportRepository(documents, tableName),
    clock: systemClock,
  };
}

/** The day a run reports on: the company's previous day at the scheduled time, or the given day. */
export function reportDay(input: BuildReportInput, timezone: string): string {
  if ('day' in input) return input.day;
  return previousDay(dayIn(new Date(input.scheduledTime), timezone));
}

export async function buildReport(event: unknown, deps: BuildReportDeps): Promise<{ day: string; reports: DailyReport[] }> {
  const parsed = BuildReportInputSchema.safeParse(event);
  if (!parsed.success) {
    // A bad schedule input is a deployment error: fail loudly so the schedule's retries and DLQ see it.
    throw new ValidationError('build-report input is not a daily report request', parsed.error.issues.map((i) => i.message));
  }
  const day = reportDay(parsed.data, deps.timezone);
  const reports = await buildDailyReport(day, deps);
  logger.info('Daily report built', { day, departments: reports.length, total: reports.reduce((a, r) => a + r.total, 0) });
  metrics.addMetric('ReportsBuilt', MetricUnit.Count, reports.length);
  return { day, reports };
}

export function createHandler(env: FunctionEnv) {
  let deps: BuildReportDeps | undefined;
  return middy<unknown, { day: string; reports: DailyReport[] }>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      deps ??= dependenciesFrom(env);
      return buildReport(event, deps);
    });
}

export const handler = createHandler(lambdaEnvironment());
