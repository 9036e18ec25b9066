/**
 * `backchannel report`: builds the daily or weekly report of a period from the table's
 * tallies and prints it as text, HTML or JSON, for management or one department. With
 * --build it runs the build-report function's own code for the period (store, send what
 * was not sent; locally into the outbox).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { Report } from '../../shared/domain/reports/report.ts';
import {
  DEFAULT_COMPANY,
  TABLE_OPTIONS,
  UsageError,
  dataDirOf,
  loadConfig,
  parseCommand,
  withTable,
  type Command,
} from './shared.ts';

const FORMATS = ['text', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: backchannel report (--day YYYY-MM-DD | --week YYYY-Www | --week latest)
                          [--department <id>] [--format text|html|json] [--out <file>]
                          [--company <id>] [--build]
       backchannel report ... --region <r> | --table <name> [--region <r>]

Builds the report of a day or an ISO week (Monday..Sunday, company timezone) from the
counts stored in the table: mentions by category, platform and sentiment (each mention
once, in its primary department where its case ended; cc copies apart), first response
p50/p90 in business minutes and SLA compliance per department, open backlog by age,
reopen rate, share answered in public, and themes, known defects, ideas, community
projects and spikes where this deployment has them; beside each figure the previous
period's. Without --department: the management report over every department.

Locally it reads the table of .backchannel/<company>/ (through the running runtime, or by
opening the data directory). With --table it reads a deployed stack's table with your AWS
credentials. The schedules (reports.daily, reports.weekly) build and send the reports
themselves; --build does the same now for this period: stores the reports and sends every
one not sent before (locally into .backchannel/<company>/outbox, with an .html file each).

Options:
  --day <day>          a calendar day, YYYY-MM-DD
  --week <week>        an ISO week, YYYY-Www, or "latest": the last complete week
  --department <id>    one department's report (default: management, every department)
  --format <f>         text (default, for a terminal), html (with the charts inline), json
  --out <file>         write the report there instead of printing it (html without --out
                       goes to .backchannel/<company>/reports/)
  --company <id>       the company (default: ${DEFAULT_COMPANY})
  --build              build, store and send the period's reports as the schedule does (local only)
  --table <name>       a deployed table by its name (default: with --region the table of
                       the company's deployed stack, from its outputs; else the local one)
  --region <r>         the region of the deployed stack or table (default: AWS_REGION)
  -h, --help           show this help

Exit codes: 0 printed or written, 1 no local data, 2 usage error.`;

export const reportCommand: Command = {
  summary: 'build and print the daily or weekly report of a period (text, html, json)',
  usage: USAGE,
  run,
};

async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      day: { type: 'string' },
      week: { type: 'string' },
      department: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      ...TABLE_OPTIONS,
      build: { type: 'boolean' },
    },
    'report',
    USAGE,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const { isIsoWeek, latestCompletePeriod, periodOf } = await import('../../shared/domain/reports/period.ts');
  const { isDay, dayIn } = await import('../../shared/domain/time.ts');
  if ((values.day === undefined) === (values.week === undefined))
    throw new UsageError('give one of --day YYYY-MM-DD, --week YYYY-Www or --week latest', 'report');
  if (values.day !== undefined && !isDay(values.day))
    throw new UsageError(`--day takes a real calendar day YYYY-MM-DD, got "${values.day}"`, 'report');
  if (values.week !== undefined && values.week !== 'latest' && !isIsoWeek(values.week))
    throw new UsageError(
      `--week takes an ISO week YYYY-Www (e.g. 2026-W48) or "latest", got "${values.week}"`,
      'report',
    );
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format takes text, html or json, got "${values.format}"`, 'report');
  if (values.build && (values.table || values.region))
    throw new UsageError(
      '--build works on the local runtime only; a deployed stack builds and sends its reports on its schedules',
      'report',
    );

  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const department = values.department;
  if (department !== undefined && !config.departments.some((d) => d.id === department)) {
    throw new UsageError(
      `--department: ${config.company.id} has no department "${department}" (it has ${config.departments.map((d) => d.id).join(', ')})`,
      'report',
    );
  }
  const period =
    values.day !== undefined
      ? periodOf('daily', values.day)
      : values.week === 'latest'
        ? latestCompletePeriod('weekly', dayIn(new Date(), config.company.timezone))
        : periodOf('weekly', values.week as string);

  const produce = async (env: Record<string, string | undefined>, tableName: string): Promise<number> => {
    const { dependenciesFrom, buildReport } = await import('../../functions/build-report/handler.ts');
    const functionEnv = { ...env, TABLE_NAME: tableName, COMPANY_CONFIG: JSON.stringify(config) };
    if (values.build) {
      // Locally the function's sender is the outbox beside the table, as under `npm start`.
      const outbox = path.join(dataDirOf(config.company.id), 'outbox');
      const result = await buildReport(
        period.kind === 'daily' ? { report: 'daily', day: period.id } : { report: 'weekly', week: period.id },
        dependenciesFrom({ NOTIFY_OUTBOX_DIR: outbox, ...functionEnv }),
      );
      const outcome = result.periods[0];
      process.stderr.write(
        `Built and stored the ${period.kind} reports of ${period.id}: ${outcome?.sent.length ?? 0} sent, ${outcome?.skipped.length ?? 0} sent before (outbox ${outbox}).\n`,
      );
    }
    const { buildReports, MANAGEMENT } = await import('../../shared/domain/reports/build-reports.ts');
    const [report] = await buildReports(
      period,
      dependenciesFrom({ NOTIFY_OUTBOX_DIR: dataDirOf(config.company.id), ...functionEnv }),
      [department ?? MANAGEMENT],
    );
    await output(report as Report, format, values.out, config);
    return 0;
  };

  return withTable(config, values, 'report', produce);
}

async function output(report: Report, format: Format, out: string | undefined, config: CompanyConfig): Promise<void> {
  let content: string;
  let file = out;
  if (format === 'json') content = `${JSON.stringify(report, null, 2)}\n`;
  else if (format === 'text') {
    const { reportText } = await import('../../shared/domain/reports/render.ts');
    content = `${reportText(report)}\n`;
  } else {
    const { SvgChartRenderer } = await import('../../shared/adapters/charts/svg-chart-renderer.ts');
    const { messageOf } = await import('../../shared/domain/reports/run-reports.ts');
    const { reportFileHtml, reportFileName } = await import('../../shared/adapters/notify/report-senders.ts');
    const message = await messageOf(
      `${report.kind}#${report.period.id}#${report.audience}`,
      report,
      new SvgChartRenderer(),
    );
    content = reportFileHtml(message);
    file ??= path.join(dataDirOf(config.company.id), 'reports', reportFileName(message));
  }
  if (!file) {
    process.stdout.write(content);
    return;
  }
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, content, 'utf8');
  process.stdout.write(`${path.resolve(file)}\n`);
}
