/**
 * `npm run chaos:faults [-- --mentions 200]`: fault injection against the embedded runtime.
 * For each case M distinct, correctly signed Meta webhooks are sent (retried on any non-200
 * as a platform retries), the runtime is left to go idle, and the table, the DLQs and a local
 * Slack webhook are counted. Faults are injected at the local backends' boundary (a proxy
 * between the functions and dynalite / local-aws-sqs / the local EventBridge endpoint, and a
 * Slack webhook that answers 500), so the real adapters, retries and redeliveries run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import type { LocalEndpoints } from '../../infra/local/function-env.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { parseCompanyConfigYaml } from '../../shared/config/load.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { signMetaBody } from '../../shared/platforms/meta.ts';
import { DEMO_PAGE_ID, metaFeedWebhook } from '../meta-webhook.ts';
import {
  awsError,
  startFaultProxy,
  withJsonBody,
  type FaultProxy,
  type Interceptor,
  type ProxiedResponse,
} from './fault-proxy.ts';

export const FAULT_CASES = [
  'baseline',
  'dynamodb-throttling',
  'eventbridge-partial-failure',
  'sqs-send-failure',
  'notifier-5xx',
] as const;
export type FaultCase = (typeof FAULT_CASES)[number];

export interface FaultRunOptions {
  /** Webhooks sent, each one new post (one mention, one case). Default 200. */
  readonly mentions?: number;
  /** Webhooks in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Seed of the fault dice, so a run can be repeated. Default 1. */
  readonly seed?: number;
  /** Share of calls (or entries) that fail. Default 0.2. */
  readonly rate?: number;
  /** How long the runtime may take to go idle after the burst. Default 600 s. */
  readonly idleTimeoutMs?: number;
  /**
   * Visibility timeout of every queue. Default 30 s: no shorter than the longest function
   * timeout on a queue (classify-mention, 30 s), as AWS requires, so a message is not handed
   * to a second invocation while the first still works on it. The topology's own 180 s would
   * only make a retried message wait longer.
   */
  readonly visibilityTimeoutSeconds?: number;
}

export interface FaultRun {
  readonly name: FaultCase;
  readonly webhooks: number;
  /** Webhooks answered 200, after the client's retries. */
  readonly acknowledged: number;
  /** Webhooks the client gave up on (never 200): the platform would report them. */
  readonly gaveUp: number;
  /** Non-200 answers the client retried. */
  readonly retried: number;
  /** Mentions in the table. */
  readonly stored: number;
  readonly cases: number;
  readonly intakeDlq: number;
  readonly departmentDlq: number;
  /** Acknowledged mentions neither stored nor held in a DLQ. */
  readonly lost: number;
  /** Mentions recorded on more than one case. */
  readonly duplicateCases: number;
  /** Mentions (one per case) whose department's Slack channel accepted a notification. */
  readonly notified: number;
  /** Notifications Slack accepted more than once (same channel, case and title). */
  readonly duplicateNotifications: number;
  readonly faultsInjected: number;
  /** Invocations of a queue's function that threw (the whole batch failed), and of those the ones that ran past the function timeout. */
  readonly failedInvocations: number;
  readonly timedOut: number;
  readonly seconds: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEXTS = [
  'Mein Lastenrad ist nach zwei Wochen kaputt und niemand antwortet auf meine Mails. Unmöglich!',
  'Wann kommt das neue Modell in den Handel? Gibt es das auch mit größerem Akku?',
  'Wir suchen zwölf Diensträder für unsere Firma, wer kann uns ein Angebot machen?',
  'Großartiger Service in der Werkstatt, danke an das ganze Team!',
  'Ich bin Journalistin beim Abendblatt und hätte gern eine Stellungnahme zum Rückruf.',
];

/** The demo company, every department notified in its own Slack channel only (no e-mail, no Teams). */
export function chaosConfig(): CompanyConfig {
  const config = parseCompanyConfigYaml(readFileSync(`${ROOT}companies/demo.yaml`, 'utf8'), 'companies/demo.yaml');
  return {
    ...config,
    departments: config.departments.map((d) => ({ ...d, notify: [{ type: 'slack' as const, channel: `#${d.id}` }] })),
  };
}

/** A deterministic PRNG (mulberry32): the same seed injects the same faults in the same order. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Injector {
  readonly intercept: Partial<Record<keyof LocalEndpoints, Interceptor>>;
  /** Slack answers 500 this many times to each notification before it accepts it. */
  readonly slackFailuresPerNotification: number;
  injected(): number;
}

function injectorFor(
  name: FaultCase,
  rate: number,
  random: () => number,
  secretKeyOf: (keyId: string) => string | undefined,
): Injector {
  let injected = 0;
  const count = (n = 1): void => {
    injected += n;
  };
  const none: Injector = { intercept: {}, slackFailuresPerNotification: 0, injected: () => injected };
  switch (name) {
    case 'baseline':
      return none;
    case 'dynamodb-throttling':
      // Throttled requests never reach dynalite, as DynamoDB does not apply a throttled write.
      return {
        ...none,
        intercept: {
          dynamodb: async (req, forward) => {
            if (random() >= rate) return forward(req);
            count();
            return random() < 0.5
              ? awsError(
                  400,
                  'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
                  'The level of configured provisioned throughput for the table was exceeded (injected).',
                )
              : awsError(
                  400,
                  'com.amazon.coral.availability#ThrottlingException',
                  'Rate of requests exceeds the allowed throughput (injected).',
                );
          },
        },
      };
    case 'eventbridge-partial-failure':
      // Failed entries are not put; the others are, and the answer lists both in request order.
      return {
        ...none,
        intercept: {
          eventBridge: async (req, forward) => {
            if (req.target !== 'AWSEvents.PutEvents') return forward(req);
            const input = JSON.parse(req.body.toString('utf8')) as { Entries: unknown[] };
            const fail = input.Entries.map(() => random() < rate);
            const kept = input.Entries.filter((_, i) => !fail[i]);
            count(fail.filter(Boolean).length);
            let results: Record<string, unknown>[] = [];
            let failedCount = 0;
            if (kept.length > 0) {
              const answer = await forward(withJsonBody(req, { ...input, Entries: kept }, secretKeyOf));
              if (answer.status !== 200) return answer;
              const output = JSON.parse(answer.body.toString('utf8')) as {
                Entries: Record<string, unknown>[];
                FailedEntryCount: number;
              };
              results = output.Entries;
              failedCount = output.FailedEntryCount;
            }
            const entries = fail.map((failed) =>
              failed
                ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error (injected).' }
                : (results.shift() ?? {}),
            );
            return jsonAnswer({ Entries: entries, FailedEntryCount: failedCount + fail.filter(Boolean).length });
          },
        },
      };
    case 'sqs-send-failure':
      // Half the faults are a 500 for the whole call, half are entries SQS reports as failed.
      return {
        ...none,
        intercept: {
          sqs: async (req, forward) => {
            if (req.target !== 'AmazonSQS.SendMessageBatch' && req.target !== 'AmazonSQS.SendMessage')
              return forward(req);
            if (random() < rate / 2) {
              count();
              return awsError(
                500,
                'com.amazonaws.sqs#InternalError',
                'We encountered an internal error. Please try again (injected).',
              );
            }
            if (req.target !== 'AmazonSQS.SendMessageBatch') return forward(req);
            const input = JSON.parse(req.body.toString('utf8')) as { Entries: { Id: string }[] };
            const failed = input.Entries.filter(() => random() < rate / 2);
            if (failed.length === 0) return forward(req);
            count(failed.length);
            const kept = input.Entries.filter((e) => !failed.includes(e));
            const output =
              kept.length > 0
                ? (JSON.parse(
                    (await forward(withJsonBody(req, { ...input, Entries: kept }))).body.toString('utf8'),
                  ) as { Successful?: unknown[]; Failed?: unknown[] })
                : {};
            return jsonAnswer({
              Successful: output.Successful ?? [],
              Failed: [
                ...(output.Failed ?? []),
                ...failed.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'injected' })),
              ],
            });
          },
        },
      };
    case 'notifier-5xx':
      return { ...none, slackFailuresPerNotification: 3 };
  }
}

function jsonAnswer(body: unknown): ProxiedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** A local Slack incoming webhook: one path per channel; counts what it accepted. */
async function startSlack(failuresPerNotification: number, onFault: () => void) {
  const attempts = new Map<string, number>();
  const accepted = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: string; blocks?: unknown };
      // Each webhook is one post by its own author: channel, author and title name one notification.
      const text = body.text ?? '';
      const author = /Chaos Tester \d+/.exec(text)?.[0] ?? 'unknown';
      const key = `${req.url}|${author}|${text.split(':')[0] ?? ''}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      if (attempt <= failuresPerNotification) {
        onFault();
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal_error');
        return;
      }
      accepted.set(key, (accepted.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accepted,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** M distinct visitor posts on the demo Page, as Meta sends them. */
function webhookBodies(count: number, runId: string): string[] {
  const time = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) =>
    metaFeedWebhook(
      {
        item: 'status',
        post_id: `${DEMO_PAGE_ID}_${runId}${String(i).padStart(6, '0')}`,
        from: { id: `77${runId}${i}`, name: `Chaos Tester ${i}` },
        message: `${TEXTS[i % TEXTS.length]} (#${i})`,
        published: 1,
      },
      { time },
    ),
  );
}

/** Sends every body, retrying a non-200 (or a refused connection) with backoff, as a platform does. */
async function sendAll(url: string, bodies: readonly string[], appSecret: string, concurrency: number) {
  let acknowledged = 0;
  let gaveUp = 0;
  let retried = 0;
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      let ok = false;
      for (let attempt = 0; attempt < 8 && !ok; attempt++) {
        if (attempt > 0) {
          retried++;
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** Math.min(attempt, 5)));
        }
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, appSecret) },
            body,
          });
          await response.arrayBuffer();
          ok = response.status === 200;
        } catch {
          ok = false;
        }
      }
      if (ok) acknowledged++;
      else gaveUp++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { acknowledged, gaveUp, retried };
}

async function countTable(runtime: Runtime, prefix: string) {
  const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
  let stored = 0;
  const cases = new Set<string>();
  const casesOfMention = new Map<string, Set<string>>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: runtime.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.PK);
      const sk = String(item.SK);
      if (sk === 'MENTION' && pk.includes(prefix)) stored++;
      if (pk.startsWith('CASE#') && sk.startsWith('MENTION#') && sk.includes(prefix)) {
        const mentionId = sk.split('#').slice(2, -1).join('#');
        const caseId = pk.slice('CASE#'.length);
        cases.add(caseId);
        casesOfMention.set(mentionId, (casesOfMention.get(mentionId) ?? new Set()).add(caseId));
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  documents.destroy();
  const duplicateCases = [...casesOfMention.values()].filter((s) => s.size > 1).length;
  return { stored, cases, duplicateCases };
}

async function dlqDepths(runtime: Runtime) {
  const sqs = new SQSClient({
    region: runtime.region,
    endpoint: runtime.endpoints.sqs,
    credentials: LOCAL_CREDENTIALS,
  });
  let intake = 0;
  let department = 0;
  for (const [queueId, url] of Object.entries(runtime.dlqUrls)) {
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const depth =
      Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (queueId === 'intake') intake += depth;
    else department += depth;
  }
  sqs.destroy();
  return { intake, department };
}

/** Runs one fault case against a fresh in-memory runtime and counts what became of every webhook. */
export async function runFaultCase(name: FaultCase, options: FaultRunOptions = {}): Promise<FaultRun> {
  const mentions = options.mentions ?? 200;
  const rate = options.rate ?? 0.2;
  const started = performance.now();
  const config = chaosConfig();
  const random = seededRandom(options.seed ?? 1);
  let runtime: Runtime | undefined;
  const secretKeyOf = (keyId: string) =>
    Object.values(runtime?.env ?? {}).find((env) => env.AWS_ACCESS_KEY_ID === keyId)?.AWS_SECRET_ACCESS_KEY;
  const injector = injectorFor(name, rate, random, secretKeyOf);
  let slackFaults = 0;
  const slack = await startSlack(injector.slackFailuresPerNotification, () => slackFaults++);
  const proxies: FaultProxy[] = [];
  const log: string[] = [];
  try {
    const channels = Object.fromEntries(
      config.departments.map((d) => [`#${d.id}`, `${slack.url}/services/T0CHAOS/${d.id}`]),
    );
    runtime = await startRuntime({
      config,
      port: 0,
      startScheduler: false,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
      notifications: 'webhooks',
      secrets: { [`backchannel/${config.company.id}/slack`]: JSON.stringify({ channels }) },
      log: (line) => log.push(line),
      functionEndpoints: async (real) => {
        const routed = { ...real };
        for (const [service, intercept] of Object.entries(injector.intercept) as [
          keyof LocalEndpoints,
          Interceptor,
        ][]) {
          const proxy = await startFaultProxy({ target: real[service], intercept });
          proxies.push(proxy);
          routed[service] = proxy.url;
        }
        return routed;
      },
    });
    const runId = createHash('sha256').update(`${name}${Date.now()}`).digest('hex').replace(/\D/g, '').slice(0, 6);
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const sent = await sendAll(
      runtime.webhookUrls.meta as string,
      webhookBodies(mentions, runId),
      appSecret,
      options.concurrency ?? 8,
    );
    await runtime.waitForIdle(options.idleTimeoutMs ?? 600_000);
    const table = await countTable(runtime, `104729381726354_${runId}`);
    const dlq = await dlqDepths(runtime);
    const notifiedAuthors = new Set<string>();
    let duplicateNotifications = 0;
    for (const [key, times] of slack.accepted) {
      const [, author = ''] = key.split('|');
      if (author !== 'unknown') notifiedAuthors.add(author);
      duplicateNotifications += times - 1;
    }
    return {
      name,
      webhooks: mentions,
      ...sent,
      stored: table.stored,
      cases: table.cases.size,
      intakeDlq: dlq.intake,
      departmentDlq: dlq.department,
      lost: Math.max(0, sent.acknowledged - table.stored - dlq.intake),
      duplicateCases: table.duplicateCases,
      notified: notifiedAuthors.size,
      duplicateNotifications,
      faultsInjected: injector.injected() + slackFaults,
      // The local poller's log: "<function> failed on N message(s) of <queue>: <stack>".
      failedInvocations: log.filter((line) => / failed on \d+ message\(s\) of /.test(line)).length,
      timedOut: log.filter((line) => / failed on \d+ message\(s\) of /.test(line) && line.includes('Task timed out'))
        .length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await runtime?.stop();
    for (const proxy of proxies) await proxy.stop();
    await slack.stop();
  }
}

/** The Markdown table of the runs. */
export function faultTable(runs: readonly FaultRun[]): string {
  const header = [
    'case',
    'webhooks',
    'acknowledged',
    'client retries',
    'gave up',
    'stored',
    'cases',
    'intake DLQ',
    'dept DLQ',
    'lost',
    'duplicate cases',
    'cases notified',
    'duplicate notifications',
    'faults injected',
    'failed invocations (timed out)',
    'seconds',
  ];
  const rows = runs.map((r) => [
    r.name,
    r.webhooks,
    r.acknowledged,
    r.retried,
    r.gaveUp,
    r.stored,
    r.cases,
    r.intakeDlq,
    r.departmentDlq,
    r.lost,
    r.duplicateCases,
    r.notified,
    r.duplicateNotifications,
    r.faultsInjected,
    `${r.failedInvocations} (${r.timedOut})`,
    r.seconds.toFixed(1),
  ]);
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const mentions = Number(value('--mentions') ?? 200);
  const rate = Number(value('--rate') ?? 0.2);
  const seed = Number(value('--seed') ?? 1);
  const only = value('--case');
  const runs: FaultRun[] = [];
  for (const name of FAULT_CASES) {
    if (only && only !== name) continue;
    process.stderr.write(`chaos:faults ${name} (${mentions} webhooks, fault rate ${rate}) ...\n`);
    runs.push(await runFaultCase(name, { mentions, rate, seed }));
  }
  process.stdout.write(
    `## Fault injection (${mentions} webhooks per case, fault rate ${rate}, seed ${seed})\n\n${faultTable(runs)}\n\n`,
  );
  process.stdout.write(
    'lost = acknowledged - stored - intake DLQ; every case should end with lost 0, duplicate cases 0, cases notified = cases and duplicate notifications 0.\n',
  );
  const failed = runs.filter(
    (r) => r.lost > 0 || r.duplicateCases > 0 || r.intakeDlq > 0 || r.departmentDlq > 0 || r.notified < r.cases,
  );
  if (failed.length > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
