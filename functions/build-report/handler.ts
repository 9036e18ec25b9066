import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SvgChartRenderer } from '../../shared/adapters/charts/svg-chart-renderer.ts';
import { REPORT_FONT_DIR, REPORT_FONT_PACKAGE_FILE } from '../../infra/topology-constants.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/case-repository.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { DynamoMetricRepository } from '../../shared/adapters/dynamodb/metric-repository.ts';
import { DynamoNotificationLog } from '../../shared/adapters/dynamodb/notification-log.ts';
import { DynamoReportRepository } from '../../shared/adapters/dynamodb/report-repository.ts';
import { DynamoSpikeRepository } from '../../shared/adapters/dynamodb/spike-repository.ts';
import { DynamoThemeRepository } from '../../shared/adapters/dynamodb/theme-repository.ts';
import { createReportSender } from '../../shared/adapters/notify/index.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import type { SpikeSource, ThemeInsightSource } from '../../shared/domain/insights.ts';
import { MANAGEMENT } from '../../shared/domain/reports/build-reports.ts';
import { isIsoWeek, periodOf, type ReportKind } from '../../shared/domain/reports/period.ts';
import {
  deliverPeriod,
  runScheduledReports,
  type PeriodOutcome,
  type RunReportsDeps,
} from '../../shared/domain/reports/run-reports.ts';
import { ThemeInsights } from '../../shared/domain/themes/index.ts';
import * as z from '../../shared/domain/zod-mini.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { dayIn, isDay } from '../../shared/domain/time.ts';
import { parseEventInput } from '../../shared/adapters/event-input.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';

/**
 * The schedule's input. `scheduledTime` is the Scheduler's `<aws.scheduler.scheduled-time>`:
 * the run reports every period since the last one reported. `day` or `week` rebuilds (and
 * sends what was not sent) one period by hand.
 */
export const BuildReportInputSchema = z.union([
  z.strictObject({ report: z.enum(['daily', 'weekly']), scheduledTime: z.iso.datetime({ offset: true }) }),
  z.strictObject({
    report: z.literal('daily'),
    day: z.string().check(z.refine(isDay, 'use a calendar day YYYY-MM-DD')),
  }),
  z.strictObject({
    report: z.literal('weekly'),
    week: z.string().check(z.refine(isIsoWeek, 'use an ISO week YYYY-Www')),
  }),
]);
export type BuildReportInput = z.infer<typeof BuildReportInputSchema>;

export interface BuildReportResult {
  readonly report: ReportKind;
  /** The last period reported (daily runs: its day). */
  readonly day?: string;
  readonly periods: readonly PeriodOutcome[];
}

export type BuildReportDeps = RunReportsDeps;

/**
 * Optional insight sources, filled where they exist (the theme and spike parts of the
 * insight layer). Without them the reports show those sections as not available.
 */
export interface InsightSources {
  readonly insights?: ThemeInsightSource;
  readonly spikes?: SpikeSource;
}

/**
 * The charts' font: in AWS the one shipped beside the bundle (the Lambda runtime has no
 * fonts, and resvg draws no text without one), locally the same file from its package.
 * Without either, the system's fonts.
 */
export function fontFilesOf(env: FunctionEnv): { fontFiles: string[] } | undefined {
  const file = path.basename(REPORT_FONT_PACKAGE_FILE);
  const candidates = [env.LAMBDA_TASK_ROOT ? path.join(env.LAMBDA_TASK_ROOT, REPORT_FONT_DIR, file) : undefined];
  try {
    candidates.push(createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`));
  } catch {
    // Not installed beside a bundle: the shipped copy above is the one.
  }
  const found = candidates.find((c): c is string => c !== undefined && existsSync(c));
  if (!found)
    logger.warn('No report font found, charts use the system fonts', { candidates: candidates.filter(Boolean) });
  return found ? { fontFiles: [found] } : undefined;
}

export function dependenciesFrom(env: FunctionEnv, given?: InsightSources): BuildReportDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const documents = createDocumentClient(env);
  // Themes, ideas, projects and defects from the theme store; spikes from the spike store.
  const sources: InsightSources = given ?? {
    insights: new ThemeInsights({
      themes: new DynamoThemeRepository(documents, tableName),
      processes: config.processes,
    }),
    spikes: new DynamoSpikeRepository(documents, tableName, config.company.timezone),
  };
  const counters = new DynamoMetricRepository(documents, tableName);
  const reports = new DynamoReportRepository(documents, tableName);
  const departments = new Map(config.departments.map((d) => [d.id, d]));
  return {
    company: { id: config.company.id, name: config.company.name, timezone: config.company.timezone },
    departments: config.departments.map((d) => ({ id: d.id, name: d.name, categories: d.categories })),
    tallies: counters,
    histograms: counters,
    cases: new DynamoCaseRepository(documents, tableName),
    ...(sources.insights ? { insights: sources.insights } : {}),
    ...(sources.spikes ? { spikes: sources.spikes } : {}),
    store: reports,
    dailySummaries: reports,
    sent: new DynamoNotificationLog(documents, tableName, keys.reportSent),
    sender: createReportSender(env, config),
    charts: new SvgChartRenderer(fontFilesOf(env) ?? {}),
    targetsOf: (audience) =>
      audience === MANAGEMENT ? (config.reports.management ?? []) : (departments.get(audience)?.notify ?? []),
    retentionDays: config.retention.days,
    clock: systemClock,
  };
}

/**
 * A run: from the schedule, every period since the last one reported (company timezone);
 * by hand, the one period given. Builds, stores and sends each report once.
 *
 * @throws ValidationError on an input that is not a report request (a deployment error: the
 *   schedule's retries and DLQ see it); ReportDeliveryError when a delivery failed (the retry sends what is missing)
 */
export async function buildReport(event: unknown, deps: BuildReportDeps): Promise<BuildReportResult> {
  const input = parseEventInput(BuildReportInputSchema, event, 'build-report input is not a report request');
  let periods: PeriodOutcome[];
  if ('scheduledTime' in input) {
    periods = await runScheduledReports(
      input.report,
      dayIn(new Date(input.scheduledTime), deps.company.timezone),
      deps,
    );
  } else {
    periods = [
      await deliverPeriod('day' in input ? periodOf('daily', input.day) : periodOf('weekly', input.week), deps),
    ];
  }
  const sent = periods.reduce((a, p) => a + p.sent.length, 0);
  logger.info('Reports built', {
    report: input.report,
    periods: periods.map((p) => p.period),
    sent,
    skipped: periods.reduce((a, p) => a + p.skipped.length, 0),
  });
  metrics.addMetric(
    'ReportsBuilt',
    MetricUnit.Count,
    periods.reduce((a, p) => a + p.reports, 0),
  );
  metrics.addMetric('ReportsSent', MetricUnit.Count, sent);
  const last = periods[periods.length - 1]?.period;
  return { report: input.report, ...(input.report === 'daily' && last ? { day: last } : {}), periods };
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(() => dependenciesFrom(env), buildReport);
}

export const handler = createHandler(lambdaEnvironment());
