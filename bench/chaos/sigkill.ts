/**
 * The SIGKILL chaos run: `npm start` on a data directory, a burst of distinct, validly
 * signed Meta webhooks, the runtime killed (SIGKILL, or SIGINT as a Ctrl-C) during the
 * burst, restarted on the same data directory, the webhooks that got no 200 sent again
 * (as platforms retry), and the table counted once the pipeline is idle: every mention
 * answered 200 must be stored, exactly once, with one case per thread. The CLI's four
 * SIGKILL runs kill after 10, 40, 70 and 95 % of the burst is acknowledged.
 *
 *   npm run chaos:sigkill                        # 4 SIGKILL runs, 1 SIGINT run, 1 baseline, 2,000 mentions each
 *   npm run chaos:sigkill -- --mentions 300 --runs 1
 *
 * The baseline rows run the same with the queue journal switched off
 * (BACKCHANNEL_QUEUE_JOURNAL=off), which is how the local queues behaved before it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateQueueCommand, GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs } from '../../infra/local/backends.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import { queueDepth } from '../../infra/local/queues.ts';
import { readRuntimeRecord, type RuntimeRecord } from '../../infra/local/runtime-record.ts';
import { parseMetaSecret, SECRETS_FILE } from '../../infra/local/secrets.ts';
import { formatTable } from '../../infra/local/text-table.ts';
import { buildTopology, platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { storedMentionOf } from '../../shared/adapters/dynamodb/mention-repository.ts';
import { loadCompanyConfig } from '../../shared/config/load.ts';
import { signMetaBody } from '../../shared/platforms/meta.ts';
import { metaFeedWebhook } from '../meta-webhook.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const COMPANY = 'demo';

export interface SigkillOptions {
  /** Distinct webhooks (one mention each) per run. */
  readonly mentions: number;
  /** Runs; each starts from an empty data directory. Default 1. */
  readonly runs?: number;
  /** Requests in flight at once. Default 16. */
  readonly concurrency?: number;
  /** The signal that stops the runtime midway. Default SIGKILL. */
  readonly signal?: 'SIGKILL' | 'SIGINT';
  /** Fraction of the mentions acknowledged before the signal; a list gives one per run, in turn. Default 0.5. */
  readonly killAt?: number | readonly number[];
  /** Run with the queue journal (default) or without it (the baseline). */
  readonly journal?: boolean;
  /**
   * How long to wait for the pipeline to become idle after the restart. Default: the longest
   * visibility timeout of the topology's queues plus 120 s. A message whose notification the
   * killed runtime had claimed fails with NotificationHeldError after the restart and comes
   * back only after its queue's visibility timeout (180 s), so a shorter wait fails such a run.
   */
  readonly idleTimeoutMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface SigkillRow {
  readonly run: number;
  readonly signal: 'SIGKILL' | 'SIGINT';
  readonly journal: boolean;
  readonly mentions: number;
  /** Webhooks answered 200 before the signal. */
  readonly acknowledged: number;
  /** Webhooks answered 200 per second until the signal. */
  readonly acknowledgedPerSecond: number;
  /** Of those, mentions in the table after the restart (before any retry). */
  readonly stored: number;
  /** Acknowledged but never stored. */
  readonly lost: number;
  /** Webhooks without a 200 before the signal, sent again after the restart. */
  readonly retried: number;
  /** Mentions in the table at the end, of `mentions`. */
  readonly storedAtEnd: number;
  /** Mentions in the table that are not routed at the end (stored but never finished). */
  readonly unrouted: number;
  /** Cases beyond the first of a thread (each webhook is its own thread). */
  readonly duplicateCases: number;
  /** Mention items beyond the first per external id. */
  readonly duplicateMentions: number;
  /** Outbox lines beyond the first per notification and target (a kill between sending and recording repeats one). */
  readonly duplicateNotifications: number;
  /** Messages the restart put back on the queues, from the runtime's log. */
  readonly replayed: number;
  /** From the restart until the pipeline was idle, retries included. */
  readonly recoveryMs: number;
}

/** Runs the chaos run `options.runs` times; one row per run. */
export async function runSigkill(options: SigkillOptions): Promise<SigkillRow[]> {
  const rows: SigkillRow[] = [];
  for (let run = 1; run <= (options.runs ?? 1); run++) rows.push(await runOnce(run, options));
  return rows;
}

async function runOnce(run: number, options: SigkillOptions): Promise<SigkillRow> {
  const log = options.log ?? (() => {});
  const signal = options.signal ?? 'SIGKILL';
  const journal = options.journal ?? true;
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'bc-chaos-sigkill-'));
  let runtime: RuntimeProcess | undefined;
  try {
    await mkdir(path.join(cwd, 'companies'));
    await cp(path.join(ROOT, 'companies', `${COMPANY}.yaml`), path.join(cwd, 'companies', `${COMPANY}.yaml`));
    const dataDir = path.join(cwd, '.backchannel', COMPANY);
    const config = await loadCompanyConfig(COMPANY, cwd);
    const topology = buildTopology(config);
    const idleTimeoutMs =
      options.idleTimeoutMs ?? Math.max(...topology.queues.map((q) => q.visibilityTimeoutSeconds)) * 1000 + 120_000;
    const pageId = config.platforms.meta?.pageIds[0] ?? '104729381726354';
    const runId = `${Date.now() % 1_000_000_000}${run}`;
    const bodies = Array.from({ length: options.mentions }, (_, n) => metaCommentBody(pageId, runId, n));

    runtime = await startRuntimeProcess(cwd, dataDir, journal);
    const appSecret = parseMetaSecret(
      JSON.parse(await readFile(path.join(dataDir, SECRETS_FILE), 'utf8'))[platformSecretName(config, 'meta')],
    ).appSecret;
    const killAts = typeof options.killAt === 'number' ? [options.killAt] : (options.killAt ?? [0.5]);
    const killAfter = Math.max(1, Math.floor(options.mentions * (killAts[(run - 1) % killAts.length] ?? 0.5)));
    log(
      `run ${run}: ${options.mentions} webhooks, ${signal} after ${killAfter} acknowledged${journal ? '' : ' (no queue journal)'}`,
    );

    const first = runtime;
    const burstStart = performance.now();
    let burstMs = 0;
    const acknowledged = await burst(bodies, {
      url: `${first.record.url}/webhooks/meta`,
      appSecret,
      concurrency: options.concurrency ?? 16,
      onAcknowledged: (count) => {
        if (count !== killAfter) return;
        burstMs = performance.now() - burstStart;
        first.child.kill(signal);
      },
      stopped: first.exited,
    });
    await first.exit;
    log(`run ${run}: ${acknowledged.size} acknowledged before the runtime stopped`);

    const restartedAt = performance.now();
    runtime = await startRuntimeProcess(cwd, dataDir, journal);
    const second = runtime;
    await waitForIdle(
      second.record,
      topology.queues.map((q) => q.name),
      idleTimeoutMs,
    );
    const afterRestart = await countTable(second.record);
    const stored = [...acknowledged].filter((n) => afterRestart.mentions.has(externalIdOf(runId, n))).length;

    const unacknowledged = bodies.map((_, n) => n).filter((n) => !acknowledged.has(n));
    const retried = await burst(
      unacknowledged.map((n) => bodies[n] as string),
      {
        url: `${second.record.url}/webhooks/meta`,
        appSecret,
        concurrency: options.concurrency ?? 16,
        onAcknowledged: () => {},
        stopped: () => false,
      },
    );
    await waitForIdle(
      second.record,
      topology.queues.map((q) => q.name),
      idleTimeoutMs,
    );
    const recoveryMs = performance.now() - restartedAt;
    const atEnd = await countTable(second.record);
    const replayed = Number(/put (\d+) queued message\(s\) back/.exec(second.output())?.[1] ?? 0);
    log(
      `run ${run}: ${stored} of ${acknowledged.size} acknowledged stored; ${retried.size} of ${unacknowledged.length} retried; ${atEnd.mentions.size} stored at the end`,
    );

    return {
      run,
      signal,
      journal,
      mentions: options.mentions,
      acknowledged: acknowledged.size,
      acknowledgedPerSecond: killAfter / (burstMs / 1000),
      stored,
      lost: acknowledged.size - stored,
      retried: unacknowledged.length,
      storedAtEnd: [...atEnd.mentions.keys()].filter((id) => id.startsWith(`${runId}_`)).length,
      unrouted: atEnd.unrouted,
      duplicateCases: atEnd.duplicateCases,
      duplicateMentions: atEnd.duplicateMentions,
      duplicateNotifications: await duplicateNotifications(path.join(dataDir, 'outbox')),
      replayed,
      recoveryMs,
    };
  } catch (error) {
    if (runtime) process.stderr.write(`runtime output (last 4000 characters):\n${runtime.output().slice(-4000)}\n`);
    throw error;
  } finally {
    await runtime?.stop();
    await rm(cwd, { recursive: true, force: true });
  }
}

/** The markdown table of the rows. */
export function formatSigkillRows(rows: readonly SigkillRow[]): string {
  return formatTable(
    [
      'run',
      'stop',
      'queues',
      'mentions',
      'acknowledged',
      '200/s',
      'stored',
      'lost',
      'replayed',
      'retried',
      'stored at end',
      'unrouted',
      'duplicate cases',
      'duplicate mentions',
      'duplicate notifications',
      'recovery',
    ],
    rows.map((r) => [
      String(r.run),
      r.signal,
      r.journal ? 'journal' : 'memory (baseline)',
      String(r.mentions),
      String(r.acknowledged),
      r.acknowledgedPerSecond.toFixed(0),
      String(r.stored),
      String(r.lost),
      String(r.replayed),
      String(r.retried),
      String(r.storedAtEnd),
      String(r.unrouted),
      String(r.duplicateCases),
      String(r.duplicateMentions),
      String(r.duplicateNotifications),
      `${(r.recoveryMs / 1000).toFixed(1)} s`,
    ]),
  );
}

export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly record: RuntimeRecord;
  readonly exit: Promise<void>;
  exited(): boolean;
  output(): string;
  /**
   * What went wrong so far, counted from the runtime's lines: invocations past their function's
   * timeout (`Task timed out`; their messages wait out the queue's visibility timeout) and
   * messages a batch left failed (`failed (receive n/m)`).
   */
  failures(): { readonly timedOut: number; readonly failedMessages: number };
  /** SIGINT, then SIGKILL after 15 s; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * `backchannel start --port 0` in `cwd`; resolves once its runtime record names it. `env`
 * adds to its environment (bench/throughput caps the pollers' concurrency with it).
 */
export async function startRuntimeProcess(
  cwd: string,
  dataDir: string,
  journal: boolean,
  env: Readonly<Record<string, string>> = {},
): Promise<RuntimeProcess> {
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF_DIR: each runtime writes a CPU profile there when it stops (node --cpu-prof
      // is not allowed in NODE_OPTIONS), to see where the time of a bench run goes.
      ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []),
      // BENCH_RUNTIME_NODE_FLAGS: node and V8 flags for each runtime (e.g. `--single-threaded-gc`,
      // which NODE_OPTIONS does not allow), to see what a flag changes in its CPU per thread.
      ...(process.env.BENCH_RUNTIME_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      TSX,
      path.join(ROOT, 'bin/backchannel.ts'),
      'start',
      '--port',
      '0',
    ],
    {
      cwd,
      env: {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(journal ? {} : { BACKCHANNEL_QUEUE_JOURNAL: 'off' }),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // The start (with the replay line) and the latest lines; a burst logs megabytes in between.
  let head = '';
  let tail = '';
  const failures = { timedOut: 0, failedMessages: 0 };
  // Lines are counted whole: a chunk may end inside one (per stream, as each has its own).
  const counter = () => {
    let partial = '';
    return (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('Task timed out after')) failures.timedOut++;
        if (/ failed \(receive \d+/.test(line)) failures.failedMessages++;
      }
    };
  };
  const keeper = () => {
    const count = counter();
    return (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      count(text);
      if (head.length < 20_000) head += text;
      else tail = (tail + text).slice(-100_000);
    };
  };
  const output = () => (tail === '' ? head : `${head}\n[...]\n${tail}`);
  child.stdout?.on('data', keeper());
  child.stderr?.on('data', keeper());
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const record = await readRuntimeRecord(dataDir);
    if (record && record.pid === child.pid) {
      return {
        child,
        record,
        exit,
        exited: () => exited,
        output,
        failures: () => ({ ...failures }),
        stop: async () => {
          if (exited) return;
          child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exit;
          clearTimeout(timer);
        },
      };
    }
    if (exited) throw new Error(`the runtime exited before it started:\n${output().slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the runtime did not start within 60 s:\n${output().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * POSTs the bodies signed, `concurrency` at a time; resolves with the indexes answered
 * 200. After `stopped()` the rest is not sent.
 */
async function burst(
  bodies: readonly string[],
  options: {
    url: string;
    appSecret: string;
    concurrency: number;
    onAcknowledged: (count: number) => void;
    stopped: () => boolean;
  },
): Promise<Set<number>> {
  const acknowledged = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length && !options.stopped()) {
      const n = next++;
      const body = bodies[n] as string;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, options.appSecret) },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        if (response.status === 200) {
          acknowledged.add(n);
          options.onAcknowledged(acknowledged.size);
        }
      } catch {
        // No answer (the runtime was killed): not acknowledged, the platform would retry.
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return acknowledged;
}

/** Until every queue of the topology is empty (in flight included) twice in a row. */
export async function waitForIdle(
  record: RuntimeRecord,
  queueNames: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const sqs = new SQSClient({ region: record.region, endpoint: record.endpoints.sqs, credentials: LOCAL_CREDENTIALS });
  try {
    const urls = await Promise.all(
      queueNames.map(async (name) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string),
    );
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      const depths = await Promise.all(urls.map((url) => queueDepth(sqs, url)));
      quiet = depths.every((d) => d === 0) ? quiet + 1 : 0;
      if (Date.now() > deadline)
        throw new Error(`the pipeline is not idle after ${timeoutMs} ms: queue depths ${depths.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    sqs.destroy();
  }
}

export interface TableCount {
  /** Mention items by external id. */
  readonly mentions: Map<string, number>;
  readonly unrouted: number;
  readonly duplicateCases: number;
  readonly duplicateMentions: number;
}

/** Scans the table: mentions by external id, cases by thread. */
export async function countTable(record: RuntimeRecord): Promise<TableCount> {
  const client = createDocumentClient(adminEnv(record.region, record.endpoints.dynamodb));
  const mentions = new Map<string, number>();
  const casesByThread = new Map<string, number>();
  // A mention is routed when its id is in the batch mark its item names (`mark` -> ROUTED#<mark>),
  // or (written before) its `ROUTED` marker item exists beside it (MENTION#<id> / ROUTED).
  const mentionKeys = new Set<string>();
  const routedKeys = new Set<string>();
  const markOf = new Map<string, string>();
  const marks = new Map<string, Set<string>>();
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: record.tableName, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        if (item.SK === 'MENTION' && item.type === 'mention') {
          const externalId = storedMentionOf(item).mention.externalId;
          if (typeof item.mark === 'string') markOf.set(String(item.PK), item.mark);
          mentions.set(externalId, (mentions.get(externalId) ?? 0) + 1);
          mentionKeys.add(String(item.PK));
          // Mentions stored before the marker carry `routedAt` on the item itself.
          if (item.routedAt) routedKeys.add(String(item.PK));
        } else if (item.SK === 'ROUTED' && String(item.PK).startsWith('ROUTED#')) {
          if (item.mentions instanceof Set) marks.set(String(item.PK).slice('ROUTED#'.length), item.mentions);
        } else if (item.SK === 'ROUTED') {
          routedKeys.add(String(item.PK));
        } else if (item.SK === 'CASE' && typeof item.threadId === 'string') {
          casesByThread.set(item.threadId, (casesByThread.get(item.threadId) ?? 0) + 1);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  for (const [key, mark] of markOf) if (marks.get(mark)?.has(key.slice('MENTION#'.length))) routedKeys.add(key);
  const extra = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const unrouted = [...mentionKeys].filter((key) => !routedKeys.has(key)).length;
  return { mentions, unrouted, duplicateCases: extra(casesByThread), duplicateMentions: extra(mentions) };
}

/** Outbox lines (Slack, Teams, e-mail deliveries) beyond the first per notification id and target. */
async function duplicateNotifications(outboxDir: string): Promise<number> {
  const seen = new Map<string, number>();
  const files = await readdir(outboxDir).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.jsonl'))) {
    for (const line of (await readFile(path.join(outboxDir, file), 'utf8')).split('\n')) {
      if (line === '') continue;
      const { notification, target } = JSON.parse(line) as { notification?: { id?: string }; target?: unknown };
      const key = `${file} ${notification?.id} ${JSON.stringify(target)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
}

/** The external id (Meta comment id) of webhook `n` of a run. */
export function externalIdOf(runId: string, n: number): string {
  return `${runId}_${n}`;
}

/** A Page feed comment by a customer on a post of its own, so each webhook is its own thread. */
export function metaCommentBody(pageId: string, runId: string, n: number): string {
  const postId = `${pageId}_${runId}${String(n).padStart(6, '0')}`;
  return metaFeedWebhook(
    {
      item: 'comment',
      comment_id: externalIdOf(runId, n),
      post_id: postId,
      parent_id: postId,
      from: { id: `${8_000_000_000 + n}`, name: `Kundin ${n}` },
      message: `Seit ${3 + (n % 9)} Wochen warte ich auf die Reparatur meines E-Trekker (Auftrag ${n}). Der Akku ist defekt, auf meine Mails kommt keine Antwort.`,
    },
    { pageId },
  );
}

export interface JournalOverheadRow {
  readonly queues: 'journal' | 'memory (baseline)';
  readonly messages: number;
  readonly messagesPerSecond: number;
  /** SendMessageBatch latency, milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Journal file size after the sends, bytes per message. */
  readonly bytesPerMessage: number;
}

/**
 * What the fsync before each answer costs: `batches` SendMessageBatch calls of 10 messages
 * (`concurrency` at a time) against local-aws-sqs with and without the journal.
 */
export async function measureJournalOverhead(
  options: { batches?: number; concurrency?: number } = {},
): Promise<JournalOverheadRow[]> {
  const batches = options.batches ?? 500;
  const concurrency = options.concurrency ?? 16;
  // A discarded warm-up, so that neither side pays for the first SDK calls and JIT.
  await overheadOf(false, 50, concurrency);
  return [await overheadOf(false, batches, concurrency), await overheadOf(true, batches, concurrency)];
}

async function overheadOf(journal: boolean, batches: number, concurrency: number): Promise<JournalOverheadRow> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bc-chaos-journal-'));
  const backend = await startSqs(journal ? { journalDir: dir } : {});
  const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'overhead' }));
    const body = JSON.stringify({ mentionId: 'meta:1', text: 'x'.repeat(600) });
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < batches) {
          const b = next++;
          const t0 = performance.now();
          await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl,
              Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `${b}:${i}:${body}` })),
            }),
          );
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const bytes = backend.journal ? (await readFile(backend.journal.file)).length : 0;
    return {
      queues: journal ? 'journal' : 'memory (baseline)',
      messages: batches * 10,
      messagesPerSecond: (batches * 10) / seconds,
      p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
      p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
      bytesPerMessage: bytes / (batches * 10),
    };
  } finally {
    sqs.destroy();
    await backend.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mentions: { type: 'string' },
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      'no-baseline': { type: 'boolean' },
    },
  });
  const mentions = Number(values.mentions ?? 2000);
  const runs = Number(values.runs ?? 4);
  const concurrency = Number(values.concurrency ?? 16);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rows: SigkillRow[] = [];
  // SIGKILL early, midway and late in the burst: "at any moment".
  rows.push(
    ...(await runSigkill({ mentions, runs, concurrency, signal: 'SIGKILL', killAt: [0.1, 0.4, 0.7, 0.95], log })),
  );
  rows.push(...(await runSigkill({ mentions, runs: 1, concurrency, signal: 'SIGINT', log })));
  if (!values['no-baseline']) {
    rows.push(...(await runSigkill({ mentions, runs: 1, concurrency, signal: 'SIGKILL', journal: false, log })));
  }
  process.stdout.write(`## Chaos: SIGKILL and Ctrl-C of npm start during a burst\n\n${formatSigkillRows(rows)}\n`);
  const overhead = await measureJournalOverhead({ concurrency });
  process.stdout.write(
    `\n### What the journal costs a sender (SendMessageBatch of 10, ${concurrency} at a time)\n\n` +
      formatTable(
        ['queues', 'messages', 'messages/s', 'p50', 'p99', 'journal bytes/message'],
        overhead.map((r) => [
          r.queues,
          String(r.messages),
          r.messagesPerSecond.toFixed(0),
          `${r.p50Ms.toFixed(1)} ms`,
          `${r.p99Ms.toFixed(1)} ms`,
          r.bytesPerMessage.toFixed(0),
        ]),
      ) +
      '\n',
  );
  const failed = rows.filter(
    (r) => r.journal && (r.lost > 0 || r.duplicateCases > 0 || r.duplicateMentions > 0 || r.storedAtEnd !== r.mentions),
  );
  if (failed.length > 0) {
    process.stderr.write(`FAILED: ${failed.length} journaled run(s) lost or duplicated mentions\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
