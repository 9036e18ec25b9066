import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoReportRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { FunctionEnv } from '../../shared/config/runtime-env.ts';
import type { Case } from '../../shared/domain/case.ts';
import type { DailyReport } from '../../shared/domain/ports.ts';
import { dayIn } from '../../shared/domain/time.ts';
import { signMetaBody } from '../../shared/platforms/meta.ts';
import { platformRegistry } from '../../shared/platforms/registry.ts';
import { buildTopology, platformSecretName } from '../topology.ts';
import { LOCAL_CREDENTIALS } from './backends.ts';
import { startRuntime, type Runtime } from './runtime.ts';
import { compileSchedule } from './scheduler.ts';
import { parsePlatformSecret } from './secrets.ts';
import { excerpt, formatTable } from './text-table.ts';

/**
 * `npm start -- --demo`: a fresh in-memory runtime, every bundled sample webhook of the
 * company posted correctly signed, then the daily report for today and the resulting cases
 * per department.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The demo cannot run for this company. */
export class DemoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoError';
  }
}

/** Where a company's bundled sample webhooks live: `companies/<id>-webhooks/`. */
export function sampleWebhooksDir(companyId: string): string {
  return path.join(ROOT, 'companies', `${companyId}-webhooks`);
}

export interface SampleWebhook {
  readonly file: string;
  readonly body: string;
}

/** The `.json` and `.xml` files of a directory in name order, as text. */
export async function loadSampleWebhooks(dir: string): Promise<SampleWebhook[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') || f.endsWith('.xml')).sort();
  return Promise.all(files.map(async (file) => ({ file, body: await readFile(path.join(dir, file), 'utf8') })));
}

const EPOCH_FIELD = /"(time|created_time)": (\d{10})\b/g;
const UPDATED_TIME = /"updated_time": "(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\+0000"/g;

/**
 * Moves the times of Meta bodies (`time`, `created_time` in epoch seconds, `updated_time`)
 * so that the newest is `now` and all fall on today in the timezone, keeping their order.
 * Edits the text in place, so Meta's `\uXXXX` escapes stay as they are.
 */
export function retimeMetaBodies(bodies: readonly string[], now: Date, timezone: string): string[] {
  const times = bodies.flatMap((body) => [...body.matchAll(EPOCH_FIELD)].map((m) => Number(m[2])));
  if (times.length === 0) return [...bodies];
  const newest = Math.max(...times);
  const span = Math.max(newest - Math.min(...times), 1);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const sinceMidnight = secondsSinceMidnight(now, timezone);
  // Shortly after midnight the samples are squeezed into the minutes of today that exist.
  const scale = Math.min(1, Math.max(sinceMidnight - 1, 0) / span);
  const move = (t: number) => nowSeconds - Math.round((newest - t) * scale);
  return bodies.map((body) =>
    body
      .replace(EPOCH_FIELD, (_, field: string, value: string) => `"${field}": ${move(Number(value))}`)
      .replace(UPDATED_TIME, (_, value: string) => {
        const moved = new Date(move(Date.parse(`${value}Z`) / 1000) * 1000).toISOString().slice(0, 19);
        return `"updated_time": "${moved}+0000"`;
      }),
  );
}

function secondsSinceMidnight(now: Date, timezone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(now)
      .map((p) => [p.type, Number(p.value)]),
  );
  return (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0);
}

/**
 * The platform of a sample file, `NN-<platform>-<what>.<ext>`: a registered webhook
 * platform's id, or Meta when the second segment is none (`01-complaint.json`,
 * `17-instagram-direct-message.json`). A generic sample names its source next:
 * `NN-generic-<source>-<what>.json`.
 */
export function sampleTarget(file: string): { platform: string; params?: Record<string, string> } {
  const [, platform, source] = path.basename(file).split(/[-.]/);
  if (!platform || !platformRegistry.get(platform)) return { platform: 'meta' };
  if (platform === 'generic') return { platform, params: { source: source ?? '' } };
  return { platform };
}

const X_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  weekday: 'short',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  year: 'numeric',
});

/** `Sat Nov 28 09:12:41 +0000 2026`, X's v1.1 `created_at`. */
export function xTime(now: Date): string {
  const p = Object.fromEntries(X_TIME.formatToParts(now).map((part) => [part.type, part.value]));
  return `${p.weekday} ${p.month} ${p.day} ${p.hour}:${p.minute}:${p.second} +0000 ${p.year}`;
}

/**
 * Moves the times other platforms put in their bodies (epoch seconds or milliseconds
 * under their documented keys, X's `created_at`, ISO `createdAt`, Atom `published` and
 * `updated`) to `now`, so every sample lands in today's counters.
 */
export function retimeSampleBody(body: string, now: Date): string {
  const iso = now.toISOString();
  return body
    .replace(
      /"(timestamp|timestamp_ms|created_timestamp|lastModifiedAt|create_time)": ("?)(\d{10}|\d{13})\2/g,
      (_, key: string, quote: string, value: string) => {
        const moved = value.length === 13 ? now.getTime() : Math.floor(now.getTime() / 1000);
        return `"${key}": ${quote}${moved}${quote}`;
      },
    )
    .replace(
      /"created_at": "[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}"/g,
      `"created_at": "${xTime(now)}"`,
    )
    .replace(/"createdAt": "[^"]+"/g, `"createdAt": "${iso}"`)
    .replace(/<(published|updated)>[^<]+<\/\1>/g, (_, tag: string) => `<${tag}>${iso}</${tag}>`);
}

/** POSTs a body to a webhook URL with the headers its platform's adapter signed it with. */
export async function postSigned(
  url: string,
  body: string | Buffer,
  headers: Readonly<Record<string, string>>,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: await response.text() };
}

/**
 * Signs a body as its platform does, with the platform's secret JSON, and POSTs it to the
 * runtime at `baseUrl`: `/webhooks/<platform>`, or `/webhooks/generic/<source>`.
 * @throws Error when the platform is unknown
 */
export async function postWebhook(
  baseUrl: string,
  webhook: {
    readonly platform: string;
    readonly body: string | Buffer;
    readonly params?: Readonly<Record<string, string>> | undefined;
  },
  secret: unknown,
  now: Date = new Date(),
): Promise<{ status: number; body: string }> {
  const adapter = platformRegistry.get(webhook.platform);
  if (!adapter) throw new Error(`unknown webhook platform "${webhook.platform}"`);
  // Each body is signed by its own platform's adapter, exactly as the platform signs.
  const headers = adapter.sign(webhook.body, secret, { now, ...(webhook.params ? { params: webhook.params } : {}) });
  const route =
    webhook.platform === 'generic'
      ? `generic/${encodeURIComponent(webhook.params?.source ?? '')}`
      : encodeURIComponent(webhook.platform);
  return postSigned(`${baseUrl}/webhooks/${route}`, webhook.body, headers);
}

/** POSTs a body to a Meta webhook URL with its `X-Hub-Signature-256`. */
export async function postSignedMeta(
  url: string,
  body: string | Buffer,
  appSecret: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, appSecret) },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: await response.text() };
}

/** An open case with what the demo shows of it. */
export interface CaseView {
  readonly case: Case;
  readonly mentions: number;
  readonly text: string;
  /** When the company first replied on the platform (its own reply recorded on the case). */
  readonly firstResponseAt?: string;
}

/** Open cases per department, in config order, read through the table's repositories. */
export async function openCasesByDepartment(runtime: Runtime, config: CompanyConfig): Promise<Map<string, CaseView[]>> {
  const cases = new DynamoCaseRepository(
    createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
    runtime.tableName,
  );
  const result = new Map<string, CaseView[]>();
  for (const department of config.departments) {
    const views: CaseView[] = [];
    for (const c of await cases.openCasesOf(department.id)) {
      const mentions = await cases.mentionsOf(c.id);
      const firstResponseAt = c.firstResponseAt ?? (await cases.firstResponseAt(c.id));
      views.push({
        case: c,
        mentions: mentions.length,
        text: mentions[0]?.text ?? '',
        ...(firstResponseAt ? { firstResponseAt } : {}),
      });
    }
    result.set(department.id, views);
  }
  return result;
}

/** Client settings of the CLI itself against a local DynamoDB. */
export function adminEnv(region: string, dynamodbEndpoint: string): FunctionEnv {
  return {
    AWS_REGION: region,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

/**
 * The time at which the company's daily-report schedule reports on `day`: its first fire
 * time on a later day (build-report reports on the day before its scheduled time).
 */
export function reportTimeFor(config: CompanyConfig, now: Date): { scheduleId: string; time: Date } {
  const schedule = buildTopology(config).schedules.find((s) => s.payload.report === 'daily');
  if (!schedule) throw new Error('the topology has no daily report schedule');
  const cron = compileSchedule(schedule.expression, schedule.timezone);
  const today = dayIn(now, schedule.timezone);
  let time = cron.nextFireTime(now);
  while (time && dayIn(time, schedule.timezone) <= today) time = cron.nextFireTime(time);
  if (!time) throw new Error(`schedule ${schedule.id} does not fire after today`);
  return { scheduleId: schedule.id, time };
}

/** Renders the cases per department as one table. */
export function formatCases(config: CompanyConfig, byDepartment: ReadonlyMap<string, readonly CaseView[]>): string {
  const due = new Intl.DateTimeFormat(config.company.locale, {
    timeZone: config.company.timezone,
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const rows = config.departments.flatMap((department) =>
    (byDepartment.get(department.id) ?? []).map((view) => [
      department.id,
      view.case.id,
      view.case.state,
      view.case.assignee ?? '-',
      view.case.priority,
      view.case.category,
      due.format(new Date(view.case.dueAt)),
      view.case.platform,
      String(view.mentions),
      view.firstResponseAt ? due.format(new Date(view.firstResponseAt)) : '-',
      excerpt(view.text, 60),
    ]),
  );
  return formatTable(
    [
      'department',
      'case',
      'state',
      'assignee',
      'priority',
      'category',
      'due',
      'platform',
      'mentions',
      'replied',
      'text',
    ],
    rows,
  );
}

/** Renders stored daily reports. */
export function formatDailyReports(reports: readonly DailyReport[]): string {
  return formatTable(
    ['department', 'total', 'by category'],
    reports.map((r) => [
      r.department,
      String(r.total),
      Object.entries(r.byCategory)
        .map(([category, count]) => `${category} ${count}`)
        .join(', ') || '-',
    ]),
  );
}

/**
 * Runs the demo and prints what happened.
 * @returns the process exit code: 0 when every webhook was accepted and the pipeline went idle
 */
/**
 * Posts the sample webhooks, signed as their platforms sign, one after the other as they would
 * arrive over a morning (a reply finds its case). Answers: file, platform, status, body.
 * @throws DemoError when a sample's platform is not enabled in the config
 */
export async function playSampleWebhooks(
  runtime: Runtime,
  config: CompanyConfig,
  samples: readonly SampleWebhook[],
  bodies: readonly string[],
  now: Date,
): Promise<string[][]> {
  const answers: string[][] = [];
  for (const [index, sample] of samples.entries()) {
    const target = sampleTarget(sample.file);
    const adapter = platformRegistry.get(target.platform);
    if (!adapter?.isEnabled(config))
      throw new DemoError(`${sample.file}: ${config.company.id} has no ${target.platform} webhook enabled`);
    const secret = parsePlatformSecret(adapter.id, runtime.secrets[platformSecretName(config, adapter.id)]);
    const body = retimeSampleBody(bodies[index] as string, now);
    const answer = await postWebhook(runtime.url, { platform: target.platform, body, params: target.params }, secret);
    await runtime.waitForIdle(60_000);
    answers.push([sample.file, target.platform, String(answer.status), answer.body]);
  }
  return answers;
}

export async function runDemo(options: {
  readonly config: CompanyConfig;
  readonly print: (text: string) => void;
  readonly log: (line: string) => void;
  readonly port?: number;
}): Promise<number> {
  const { config, print } = options;
  const now = new Date();
  const dir = sampleWebhooksDir(config.company.id);
  const samples = await loadSampleWebhooks(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  if (samples.length === 0)
    throw new DemoError(
      `${config.company.id} has no sample webhooks: add .json files to ${path.relative(process.cwd(), dir)}/`,
    );
  const bodies = retimeMetaBodies(
    samples.map((s) => s.body),
    now,
    config.company.timezone,
  );

  const runtime = await startRuntime({ config, port: options.port ?? 0, log: options.log, startScheduler: false });
  try {
    print(`Posting ${samples.length} signed sample webhooks to ${runtime.url}/webhooks/<platform>\n`);
    const answers = await playSampleWebhooks(runtime, config, samples, bodies, now);
    const failures = answers.filter((a) => Number(a[2]) >= 300).length;
    print(`${formatTable(['webhook', 'platform', 'status', 'answer'], answers)}\n`);

    await runtime.waitForIdle(60_000);
    const { scheduleId, time } = reportTimeFor(config, now);
    await runtime.fireSchedule(scheduleId, time);
    const today = dayIn(now, config.company.timezone);
    const reports = await new DynamoReportRepository(
      createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
      runtime.tableName,
    ).dailyReports(today);
    print(`Daily report for ${today}\n${formatDailyReports(reports)}\n`);

    const cases = await openCasesByDepartment(runtime, config);
    const total = [...cases.values()].reduce((sum, views) => sum + views.length, 0);
    print(`Open cases per department (${total})\n${formatCases(config, cases)}\n`);
    return failures === 0 ? 0 : 1;
  } finally {
    await runtime.stop();
  }
}
