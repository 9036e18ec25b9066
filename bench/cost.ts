/**
 * `npm run bench:cost [-- --mentions 300 --replies 0.3 --rate 36 --concurrency 4 --texts 0]`: what one mention
 * costs in AWS, counted in a real local run. The demo company's runtime (`npm start`'s, on
 * a data directory) takes N distinct, correctly signed Meta webhooks of one mention each
 * (texts of the classifier corpus; a share of them comments in an earlier mention's thread),
 * all the way through: ingest, classify, the bus, the departments, the insight layer. Every
 * SDK client the functions build counts its requests by service and operation and the
 * DynamoDB capacity units each one costs, table and indexes apart (bench/aws-requests.ts);
 * the runtime reports each invocation's duration. From those counts, the topology's memory
 * settings and the list prices of bench/prices.ts it prints `cost per 1M mentions` with its
 * arithmetic.
 *
 * The webhooks arrive at `--rate` mentions per second (open loop, sent by `--concurrency`
 * senders; 0: as fast as they go), because batch sizes, and with them the requests per
 * mention, depend on it: a batch fills up to its size or for its batching window. After the
 * run, mentions sent one at a time give the latency at low volume (ack to department).
 *
 * `--texts N` sends the texts of N complaints of the corpus only, over and over (a crisis:
 * many mentions of a few themes, so the mentions of one batch share their themes); 0, the
 * default, every text of the corpus.
 *
 * Baseline: the code before this round cannot run in the same process, so the baseline rows
 * are the figures issue 12 measured on it (200 mentions end to end), labelled as such.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { adminEnv } from '../infra/local/demo.ts';
import { platformLogBytesPerInvocation } from '../infra/lambda-observability.ts';
import { METRICS_NAMESPACE } from '../infra/topology-constants.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import { parseMetaSecret } from '../infra/local/secrets.ts';
import { formatTable } from '../infra/local/text-table.ts';
import { buildTopology, platformSecretName, type Topology } from '../infra/topology.ts';
import { createDocumentClient, observeClients } from '../shared/adapters/aws-clients.ts';
import { parseCompanyConfigYaml } from '../shared/config/load.ts';
import { currentInvocation } from '../shared/observability/invocation-context.ts';
import { metrics } from '../shared/observability/powertools.ts';
import { signMetaBody } from '../shared/platforms/meta.ts';
import { RequestCounter, type TableModel, type WriteRecord } from './aws-requests.ts';
import { demoCorpusTexts } from './demo-texts.ts';
import { asIngested, EmfRecords, functionIdOf } from './log-bytes.ts';
import { DEMO_PAGE_ID, metaFeedWebhook } from './meta-webhook.ts';
import { cpuByCode, cpuByFunction, monotonicUs, type ProfiledInvocation, startCpuProfile } from './cpu-profile.ts';
import { PRICES, PRICES_DATE, PRICES_REGION } from './prices.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    mentions: { type: 'string', default: '300' },
    replies: { type: 'string', default: '0.3' },
    concurrency: { type: 'string', default: '4' },
    // Mentions per second offered (open loop). 36/s is what 4 senders reached before the flag
    // existed (200 mentions in ~5.6 s); 0 sends as fast as the senders go.
    rate: { type: 'string', default: '36' },
    // The complaints whose texts are sent, over and over (0: every text of the corpus).
    texts: { type: 'string', default: '0' },
    'log-samples': { type: 'boolean', default: false },
    // Every write by kind of item and operation (condition or update expression), with item sizes.
    detail: { type: 'boolean', default: false },
    // Every write as charged, one JSON line each (kind, operation, units, sizes, attribute sizes).
    dump: { type: 'string' },
    // A CPU profile of the main thread (the functions; the backends run in threads of their own)
    // while the mentions run alone and at the AWS batch: written to this file, summarized in the output.
    'cpu-profile': { type: 'string' },
  },
});
const MENTIONS = Number(args.mentions);
const REPLY_SHARE = Number(args.replies);
const CONCURRENCY = Number(args.concurrency);
const RATE = Number(args.rate);
const TEXTS = Number(args.texts);

/** Issue 12's measurement of the code before this round: 200 mentions end to end (per mention). */
const ISSUE_12 = {
  dynamoRequests: 13.2,
  getItem: 4.67,
  putItem: 5.67,
  updateItem: 2.89,
  tableWriteUnits: 12.56,
  indexWriteUnitsEstimated: 11,
  sqsRequests: 2.9,
  putEventsCalls: 2,
  events: 2,
  lambdaInvocations: 1.45,
  costPerMillion: 15,
} as const;

/**
 * The same bench on the code before this round (commit 6cf63b5, main when it began: one
 * `Mention Routed` entry per mention and department, the mention item rewritten by
 * markRouted), 200 mentions on 2026-12-03 in this worktree: not runnable in the same
 * process, so printed as measured. Its Lambda duration is the noisiest figure ($2.67 in
 * that run, $6.29 in the session before).
 */
const BEFORE = {
  label: 'before (6cf63b5, this bench, 2026-12-03)',
  dynamoRequests: 18.3,
  writeUnits: 23.59,
  indexWriteUnits: 3.21,
  readUnits: 3.48,
  events: 2.13,
  costPerMillion: 25.89,
} as const;

/** Share of invocations X-Ray records at volume (the default rule: 1 a second, then 5 %). */
const XRAY_SAMPLED = 0.05;
/** Mentions sent one at a time after the run, each waited for, to time invocations that run alone. */
const ALONE = 20;

interface Invocations {
  count: number;
  failed: number;
  records: number;
  /** Routed mentions the records carried (a `Mentions Routed` message carries several, any other record 1). */
  mentions: number;
  totalMs: number;
  durations: number[];
  /** Bytes of the records' bodies (SQS triggers). */
  bodyBytes: number;
  /** SQS requests billed per 64 KB chunk for delivering the records (one per started chunk of each). */
  bodyChunks: number;
  /**
   * The event source mapping's requests for the batches, at least: ReceiveMessage returns at
   * most 10 messages (and is billed per started 64 KB of what it returns), DeleteMessageBatch
   * deletes at most 10. A batch of 10 or fewer: one each.
   */
  receives: number;
  deletes: number;
  /** When each invocation ended (performance.now()). */
  ended: number[];
}

const SQS_CHUNK = 65_536;
/** Batches Lambda's SQS event source processes at once to begin with (it adds more under a backlog). */
const LAMBDA_POLLERS = 5;

/** The time the invocations covered, overlaps counted once (ms). */
function unionMs(invocations: readonly ProfiledInvocation[]): number {
  const sorted = [...invocations].sort((a, b) => a.startUs - b.startUs);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const inv of sorted) {
    if (inv.endUs <= end) continue;
    total += inv.endUs - Math.max(inv.startUs, end);
    end = inv.endUs;
  }
  return total / 1000;
}

/** The routed mentions one SQS record carries: a `Mentions Routed` event's list, else 1. */
function mentionsOf(body: string | undefined): number {
  try {
    const mentions = (JSON.parse(body ?? '{}') as { detail?: { mentions?: unknown } }).detail?.mentions;
    return Array.isArray(mentions) ? mentions.length : 1;
  } catch {
    return 1;
  }
}

function tableModel(topology: Topology): TableModel {
  return {
    partitionKey: topology.table.partitionKey,
    sortKey: topology.table.sortKey,
    // A topology from before index projections were chosen projects everything.
    indexes: topology.table.indexes.map((index) => ({ ...index, projection: index.projection ?? 'ALL' })),
  };
}

/**
 * The n-th webhook: a new post on the page, or (`replies` of them) a comment on an earlier
 * post, which joins that post's thread and case.
 */
function webhookOf(n: number, runId: string, texts: readonly string[], threads: string[]): string {
  const text = texts[(n * 7919) % texts.length] as string;
  const from = { id: `${7_000_000_000 + (n % 150)}`, name: `Kundin ${n % 150}` };
  const earlier = threads.length > 0 && (n * 37) % 100 < REPLY_SHARE * 100;
  if (earlier) {
    const postId = threads[(n * 13) % threads.length] as string;
    return metaFeedWebhook({
      item: 'comment',
      comment_id: `${postId}_c${n}`,
      post_id: postId,
      parent_id: postId,
      from,
      message: text,
    });
  }
  const postId = `${DEMO_PAGE_ID}_${runId}${String(n).padStart(6, '0')}`;
  threads.push(postId);
  return metaFeedWebhook({ item: 'status', post_id: postId, from, message: text, published: 1 });
}

/**
 * The function log's lines between two byte offsets, grouped by service and message: how
 * many and how many bytes (with the newline) as AWS ingests them, the most bytes first. The
 * local log is one file for all functions, so its lines name the function (`function_name`);
 * they are counted as AWS ingests them (`asIngested`: no `function_name`, the function's id
 * as `service`).
 */
async function logLinesBetween(
  file: string,
  from: number,
  to: number,
  functionIds: readonly string[],
): Promise<[string, { count: number; bytes: number; sample: string }][]> {
  if (to <= from) return [];
  const handle = await open(file, 'r');
  const buffer = Buffer.alloc(to - from);
  try {
    await handle.read(buffer, 0, buffer.length, from);
  } finally {
    await handle.close();
  }
  const groups = new Map<string, { count: number; bytes: number; sample: string }>();
  for (const line of buffer.toString('utf8').split('\n')) {
    if (line === '') continue;
    let key = '(not JSON)';
    let inAws = line;
    try {
      const record = JSON.parse(line) as { service?: unknown; message?: unknown; level?: unknown };
      const ingested = asIngested(record as Record<string, unknown>, functionIds);
      key = `${String(ingested.service)}: ${String(record.level)} ${String(record.message).slice(0, 60)}`;
      inAws = JSON.stringify(ingested);
    } catch {}
    const group = groups.get(key) ?? { count: 0, bytes: 0, sample: inAws };
    group.count++;
    group.bytes += Buffer.byteLength(inAws) + 1;
    groups.set(key, group);
  }
  return [...groups].sort(([, a], [, b]) => b.bytes - a.bytes);
}

/**
 * Writes by kind of item and operation (`--detail`): count, units and index units per
 * mention, the item's median and largest size and how many were over 1 KB (charged 2 or more).
 */
function writeBreakdown(writes: readonly WriteRecord[], mentions: number): string {
  const groups = new Map<string, WriteRecord[]>();
  for (const w of writes) {
    const key = `${w.kind}\t${w.failed ? `${w.operation} (failed)` : w.operation}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const rows = [...groups]
    .map(([key, group]) => {
      const [kind, operation] = key.split('\t') as [string, string];
      const sizes = group.map((w) => Math.max(w.bytes, w.oldBytes ?? 0)).sort((a, b) => a - b);
      const units = group.reduce((a, w) => a + w.units, 0);
      const index = group.reduce((a, w) => a + w.indexUnits, 0);
      return { kind, operation, count: group.length, units, index, sizes };
    })
    .sort((a, b) => a.kind.localeCompare(b.kind) || b.units - a.units);
  return formatTable(
    ['item', 'operation', 'writes', 'W/mention', 'of which GSI', 'median bytes', 'max bytes', 'over 1 KB'],
    rows.map((r) => [
      r.kind,
      r.operation,
      String(r.count),
      (r.units / mentions).toFixed(2),
      (r.index / mentions).toFixed(2),
      String(r.sizes[Math.floor(r.sizes.length / 2)] ?? 0),
      String(r.sizes.at(-1) ?? 0),
      String(r.sizes.filter((b) => b > 1024).length),
    ]),
  );
}

async function main(): Promise<void> {
  const config = parseCompanyConfigYaml(readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'), 'demo.yaml');
  const topology = buildTopology(config);
  const intakeTrigger = topology.functions
    .find((f) => f.id === 'classify-mention')
    ?.triggers.find((t) => t.type === 'sqs');
  const counter = new RequestCounter(tableModel(topology));
  const unhook = observeClients(counter.hook);
  // The EMF records of the measured invocations, each as it would print in AWS: one per invocation that added metrics.
  const emf = new EmfRecords(METRICS_NAMESPACE);
  const functionIds = topology.functions.map((f) => f.id);
  let countingEmf = false;
  const addMetric = metrics.addMetric.bind(metrics);
  metrics.addMetric = (...metric: Parameters<typeof metrics.addMetric>) => {
    const invocation = currentInvocation();
    if (countingEmf && invocation) {
      const [name, unit, value] = metric;
      emf.add(functionIdOf(invocation.functionName, functionIds), invocation.awsRequestId, name, unit, value);
    }
    return addMetric(...metric);
  };
  // Requests by function and operation while the mentions run alone and at the AWS batch (what each
  // invocation waits on besides its CPU): the invocation a request belongs to is the one its async context runs.
  let phaseRequests: Map<string, number> | undefined;
  const unhookPhase = observeClients((client) => {
    const stack = client.middlewareStack as unknown as {
      add(
        middleware: (
          next: (args: unknown) => Promise<unknown>,
          context: { commandName?: string },
        ) => (args: unknown) => Promise<unknown>,
        options: object,
      ): void;
    };
    stack.add(
      (next, context) => (input) => {
        if (phaseRequests) {
          const fn = functionIdOf(currentInvocation()?.functionName ?? '(none)', functionIds);
          const key = `${fn}\t${(context.commandName ?? '?').replace(/Command$/, '')}`;
          phaseRequests.set(key, (phaseRequests.get(key) ?? 0) + 1);
        }
        return next(input);
      },
      { step: 'initialize', name: 'benchPhaseRequests' },
    );
  });
  const loaded = new Map<string, Invocations>();
  // Durations of invocations that ran alone (one mention in the pipeline at a time).
  const alone = new Map<string, Invocations>();
  // Durations of invocations at the batch size Lambda would see at the run's rate (intake batches of that many mentions).
  const atBatch = new Map<string, Invocations>();
  let invocations: Map<string, Invocations> | undefined;
  // Each invocation's interval while profiling (`--cpu-profile`), by phase.
  let profiled: ProfiledInvocation[] | undefined;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'backchannel-cost-'));
  const runtime = await startRuntime({
    config,
    port: 0,
    // The pipeline on this thread: the counter above (observeClients) and the phases' currentInvocation
    // are hooks of this thread, which the pipeline thread's functions would pass by (Round w18).
    pipelineThread: false,
    dataDir,
    startScheduler: false,
    statusIntervalSeconds: 0,
    alarmIntervalSeconds: 0,
    log: () => {},
    onInvocation: (functionId, ms, failed, event) => {
      profiled?.push({ functionId, startUs: monotonicUs() - ms * 1000, endUs: monotonicUs() });
      if (!invocations) return;
      const entry = invocations.get(functionId) ?? {
        count: 0,
        failed: 0,
        records: 0,
        mentions: 0,
        totalMs: 0,
        durations: [],
        bodyBytes: 0,
        bodyChunks: 0,
        receives: 0,
        deletes: 0,
        ended: [],
      };
      entry.count++;
      entry.failed += failed ? 1 : 0;
      entry.totalMs += ms;
      entry.durations.push(ms);
      entry.ended.push(performance.now());
      const records = (event as { Records?: { body?: string }[] } | undefined)?.Records;
      if (Array.isArray(records)) {
        entry.records += records.length;
        entry.mentions += records.reduce((sum, r) => sum + mentionsOf(r.body), 0);
        const sizes = records.map((r) => Buffer.byteLength(r.body ?? ''));
        const bytes = sizes.reduce((a, b) => a + b, 0);
        entry.bodyBytes += bytes;
        entry.bodyChunks += sizes.reduce((a, b) => a + Math.max(1, Math.ceil(b / SQS_CHUNK)), 0);
        entry.receives += Math.max(1, Math.ceil(records.length / 10), Math.ceil(bytes / SQS_CHUNK));
        entry.deletes += Math.max(1, Math.ceil(records.length / 10));
      }
      invocations.set(functionId, entry);
    },
  });
  const logFile = runtime.functionLogFile as string;
  const logBytes = async () => (await stat(logFile).catch(() => ({ size: 0 }))).size;
  try {
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const url = runtime.webhookUrls.meta as string;
    const texts = TEXTS > 0 ? demoCorpusTexts('complaint').slice(0, TEXTS) : demoCorpusTexts();
    /** Sends the bodies with `CONCURRENCY` senders, the n-th not before n / `rate` s (0: no pacing); the number refused. */
    const send = async (bodies: readonly string[], rate = 0) => {
      let next = 0;
      let failed = 0;
      const begun = performance.now();
      const worker = async () => {
        while (next < bodies.length) {
          const n = next++;
          const body = bodies[n] as string;
          const due = begun + (rate > 0 ? (n / rate) * 1000 : 0);
          if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, appSecret) },
            body,
          });
          await response.arrayBuffer();
          if (response.status !== 200) failed++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return failed;
    };

    // Warm-up: cold starts load models and clients once per process; what is measured is the steady state.
    const warmThreads: string[] = [];
    await send(Array.from({ length: 20 }, (_, n) => webhookOf(n, 'w', texts, warmThreads)));
    await runtime.waitForIdle(120_000);
    counter.reset();
    if (args.detail || args.dump) counter.writes = [];
    invocations = loaded;
    countingEmf = true;
    const logsBefore = await logBytes();

    const threads: string[] = [];
    const bodies = Array.from({ length: MENTIONS }, (_, n) => webhookOf(n, 'r', texts, threads));
    const started = performance.now();
    const rejected = await send(bodies, RATE);
    const sendSeconds = (performance.now() - started) / 1000;
    await runtime.waitForIdle(600_000);
    const seconds = (performance.now() - started) / 1000;
    invocations = undefined;
    countingEmf = false;
    metrics.addMetric = addMetric;
    counter.counting = false;
    unhook();
    const requestsAlone = new Map<string, number>();
    const requestsAtBatch = new Map<string, number>();
    const logsAfter = await logBytes();

    // Durations: under load the invocations share one process and two cores with each other
    // and with dynalite, so their wall-clock time is mostly waiting. Lambda gives each its
    // own environment: what it bills is closer to an invocation that runs alone.
    // The same mentions give the latency at low volume: from the webhook's 200 to the end of
    // classify-mention's and of the (last) handle-department invocation.
    const profiler = args['cpu-profile'] ? await startCpuProfile() : undefined;
    const profiledAlone: ProfiledInvocation[] = [];
    profiled = profiler ? profiledAlone : undefined;
    phaseRequests = requestsAlone;
    invocations = alone;
    const toClassified: number[] = [];
    const toDepartment: number[] = [];
    for (let i = 0; i < ALONE; i++) {
      const endedBefore = (id: string) => alone.get(id)?.ended.length ?? 0;
      const [c0, d0] = [endedBefore('classify-mention'), endedBefore('handle-department')];
      await send([webhookOf(i, 'a', texts, [])]);
      const acked = performance.now();
      await runtime.waitForIdle(60_000);
      const classified = alone.get('classify-mention')?.ended.slice(c0) ?? [];
      const handled = alone.get('handle-department')?.ended.slice(d0) ?? [];
      if (classified.length > 0) toClassified.push(Math.max(...classified) - acked);
      if (handled.length > 0) toDepartment.push(Math.max(...handled) - acked);
    }
    invocations = undefined;

    // The same at the intake batch Lambda would make at the offered rate (min(batch size, rate x
    // window / pollers), below; the offered rate, not the achieved one, so that runs on a loaded
    // machine measure the same batch): groups of that many mentions sent at once, each group waited
    // for, so that the local poller gathers one intake batch of them, and the departments and
    // the insights get what one such batch routes. Measured, not extrapolated from alone: per-
    // batch work (the rate claim's reads, the batch's writes) is shared by the group's mentions.
    const awsIntakeBatch = Math.max(
      1,
      Math.round(
        Math.min(
          intakeTrigger?.batchSize ?? 10,
          ((RATE > 0 ? RATE : MENTIONS / sendSeconds) * (intakeTrigger?.maxBatchingWindowSeconds ?? 0)) /
            LAMBDA_POLLERS,
        ),
      ),
    );
    const batchGroups = Math.max(3, Math.ceil(ALONE / awsIntakeBatch));
    const profiledBatch: ProfiledInvocation[] = [];
    // Recorded with or without a profile: concurrent invocations of one function share the thread here.
    profiled = profiledBatch;
    phaseRequests = requestsAtBatch;
    invocations = atBatch;
    for (let g = 0; g < batchGroups; g++) {
      const groupThreads: string[] = [];
      await send(
        Array.from({ length: awsIntakeBatch }, (_, i) =>
          webhookOf(g * awsIntakeBatch + i, `b${String.fromCharCode(97 + (g % 26))}`, texts, groupThreads),
        ),
      );
      await runtime.waitForIdle(60_000);
    }
    invocations = undefined;
    profiled = undefined;
    phaseRequests = undefined;
    unhookPhase();
    const profile = await profiler?.stop();
    if (profile && args['cpu-profile']) await writeFile(args['cpu-profile'], JSON.stringify(profile));

    // What arrived: every mention stored once and routed, one case per thread.
    const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({ TableName: runtime.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const mentions = items.filter((i) => String(i.PK).startsWith('MENTION#') && i.SK === 'MENTION');
    const measured = mentions.filter((i) => String((i.mention as { threadId?: string })?.threadId).includes('_r'));
    // Marked routed by its batch's ROUTED mark (the mention names it), or the ROUTED item beside the mention
    // (older code), or routedAt on the mention item (older still).
    const marked = new Set(items.filter((i) => i.SK === 'ROUTED' && i.routedAt !== undefined).map((i) => String(i.PK)));
    const inMark = (i: Record<string, unknown>) => {
      const mark = items.find((m) => m.PK === `ROUTED#${String(i.mark)}` && m.SK === 'ROUTED');
      return mark?.mentions instanceof Set && mark.mentions.has(String(i.PK).slice('MENTION#'.length));
    };
    const routed = measured.filter((i) => i.routedAt !== undefined || marked.has(String(i.PK)) || inMark(i)).length;
    const cases = items.filter((i) => String(i.PK).startsWith('CASE#') && i.SK === 'CASE');
    const measuredCases = cases.filter((c) => String(c.threadId).includes('_r')).length;

    const n = MENTIONS;
    const per = (x: number) => x / n;
    const f2 = (x: number) => x.toFixed(2);
    const intake = intakeTrigger;
    const departmentTrigger = topology.functions
      .find((f) => f.id === 'handle-department')
      ?.triggers.find((t) => t.type === 'sqs');
    process.stdout.write(
      `\ncost: ${n} mentions (${threads.length} threads, ${n - threads.length} comments joining one) through the demo runtime in ${seconds.toFixed(1)} s; ` +
        `${rejected} webhooks refused, ${measured.length} mentions stored, ${routed} routed, ${measuredCases} cases\n` +
        `arrival: ${RATE > 0 ? `${RATE} mentions/s offered` : 'as fast as the senders go'} (${CONCURRENCY} senders), ` +
        `${(n / sendSeconds).toFixed(1)}/s achieved (${n} sent in ${sendSeconds.toFixed(1)} s); ` +
        `intake trigger batch size ${intake?.batchSize}, window ${intake?.maxBatchingWindowSeconds} s; ` +
        `department triggers ${departmentTrigger?.batchSize}, window ${departmentTrigger?.maxBatchingWindowSeconds} s\n` +
        // Locally one poller gathers each trigger's batches; Lambda starts with five batches at once, each
        // gathering for the window: at this rate a batch there holds about rate x window / 5, at most its size.
        `in AWS (five pollers gathering at once) intake batches at ${(n / sendSeconds).toFixed(1)}/s would hold about ` +
        `${Math.min(intake?.batchSize ?? 10, ((n / sendSeconds) * (intake?.maxBatchingWindowSeconds ?? 0)) / LAMBDA_POLLERS).toFixed(1)} records ` +
        `(min(batch size, rate x window / ${LAMBDA_POLLERS})); locally ${f2((loaded.get('classify-mention')?.records ?? 0) / Math.max(1, loaded.get('classify-mention')?.count ?? 1))}\n\n`,
    );

    // Requests by service and operation.
    const batchGets = counter.requests.get('DynamoDB BatchGetItem') ?? 0;
    const requestRows = [...counter.requests]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => [key, String(count), f2(per(count))]);
    process.stdout.write(
      `${formatTable(['AWS requests (functions)', 'count', 'per mention'], requestRows)}\n` +
        (batchGets > 0
          ? `DynamoDB BatchGetItem: ${f2(counter.batchGetKeys / batchGets)} keys per call (${f2(per(counter.batchGetKeys))} keys per mention)\n`
          : '') +
        `EventBridge events billed (per 64 KB of each entry): ${counter.events} (${f2(per(counter.events))} per mention: ${[
          ...counter.eventsByType,
        ]
          .sort(([, a], [, b]) => b - a)
          .map(([type, count]) => `${type} ${f2(per(count))}`)
          .join(', ')})\n` +
        `${BEFORE.label}: DynamoDB ${BEFORE.dynamoRequests} requests, ${BEFORE.events} EventBridge events per mention\n` +
        `issue 12 measurement (code before this round): DynamoDB ${ISSUE_12.dynamoRequests} requests per mention ` +
        `(GetItem ${ISSUE_12.getItem}, PutItem ${ISSUE_12.putItem}, UpdateItem ${ISSUE_12.updateItem}), ` +
        `SQS ${ISSUE_12.sqsRequests}, PutEvents ${ISSUE_12.putEventsCalls} calls of one entry each\n\n`,
    );

    // Where the events and department messages come from: the entries of each PutEvents call.
    const calls = counter.putEvents;
    const routedEntries = calls.flat().filter((e) => e.type === 'Mentions Routed');
    const entrySizes = routedEntries.map((e) => e.bytes).sort((a, b) => a - b);
    const perEntry = routedEntries.map((e) => e.mentions);
    const classifyRun = loaded.get('classify-mention');
    process.stdout.write(
      `PutEvents: ${calls.length} calls of ${f2(calls.length > 0 ? calls.flat().length / calls.length : 0)} entries; ` +
        `${routedEntries.length} Mentions Routed entries (${f2(per(routedEntries.length))} per mention, ` +
        `${f2(routedEntries.length / Math.max(1, classifyRun?.count ?? 1))} per classify batch of ${f2((classifyRun?.records ?? 0) / Math.max(1, classifyRun?.count ?? 1))} records), ` +
        `${f2(perEntry.reduce((a, b) => a + b, 0) / Math.max(1, perEntry.length))} mentions per entry (max ${Math.max(0, ...perEntry)}), ` +
        `entry bytes median ${entrySizes[Math.floor(entrySizes.length / 2)] ?? 0}, max ${entrySizes.at(-1) ?? 0} ` +
        `(${f2(perEntry.length > 0 ? entrySizes.reduce((a, b) => a + b, 0) / perEntry.reduce((a, b) => a + b, 0) : 0)} bytes per routed mention; billed per 64 KB, at most 256 KB)\n\n`,
    );

    // Capacity by kind of item.
    const capacity = counter.capacity();
    const unitRows = [...counter.units]
      .sort(([, a], [, b]) => b.write + b.read - (a.write + a.read))
      .map(([kind, u]) => [
        kind,
        f2(per(u.write)),
        f2(per(Object.values(u.indexWrite).reduce((a, b) => a + b, 0))),
        f2(per(u.read)),
        String(u.conditionFailed),
      ]);
    unitRows.push([
      'total',
      f2(per(capacity.write)),
      f2(per(capacity.indexWrite)),
      f2(per(capacity.read)),
      String([...counter.units.values()].reduce((a, u) => a + u.conditionFailed, 0)),
    ]);
    unitRows.push([BEFORE.label, f2(BEFORE.writeUnits), f2(BEFORE.indexWriteUnits), f2(BEFORE.readUnits), '']);
    unitRows.push([
      'issue 12 measurement',
      `${ISSUE_12.tableWriteUnits} + ~${ISSUE_12.indexWriteUnitsEstimated}`,
      `~${ISSUE_12.indexWriteUnitsEstimated} (est.)`,
      '',
      '',
    ]);
    process.stdout.write(
      `${formatTable(['DynamoDB item (PK/SK)', 'write units/mention', 'of which GSI', 'read units/mention', 'failed conditions'], unitRows)}\n` +
        `indexes: ${tableModel(topology)
          .indexes.map((i) => `${i.name} ${i.projection}`)
          .join(', ')}; ` +
        `GSI write units by index: ${Object.entries(capacity.byIndex)
          .map(([k, v]) => `${k} ${f2(per(v))}`)
          .join(', ')}\n\n`,
    );

    if (counter.writes && args.detail) process.stdout.write(`${writeBreakdown(counter.writes, n)}\n\n`);
    if (counter.writes && args.dump) {
      await writeFile(args.dump, counter.writes.map((w) => JSON.stringify(w)).join('\n'));
    }

    // Lambda: invocations and records from the run; billed time from the invocations that ran
    // alone, per routed mention for batches (a batch of n takes about n mentions' time: an upper
    // bound, as the records of a batch run concurrently). Per mention, not per record: alone, a
    // department message carries one mention; in the run, a Mentions Routed message several.
    const memory = new Map(topology.functions.map((fn) => [fn.id, fn.memoryMb]));
    let gbSeconds = 0;
    // The same from the ms per mention at the AWS batch estimate (SQS-triggered functions; the others as alone).
    let gbSecondsAtBatch = 0;
    const cpuAlone = profile ? cpuByFunction(profile, profiledAlone) : undefined;
    const cpuAtBatch = profile ? cpuByFunction(profile, profiledBatch) : undefined;
    /** Main-thread CPU per mention (or request) of a phase's invocations of one function. */
    const cpuPerUnit = (cpu: typeof cpuAlone, id: string, inv: Invocations | undefined) => {
      const c = cpu?.get(id);
      return c && inv ? ` cpu ${(c.cpuMs / (inv.mentions > 0 ? inv.mentions : inv.count)).toFixed(0)}` : '';
    };
    let lambdaInvocations = 0;
    const lambdaRows = [...loaded]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, inv]) => {
        const mb = memory.get(id) ?? 0;
        const calm = alone.get(id);
        const units = inv.mentions > 0 ? inv.mentions : inv.count;
        const msPerUnit = calm ? calm.totalMs / (calm.mentions > 0 ? calm.mentions : calm.count) : inv.totalMs / units;
        const gbs = ((units * msPerUnit) / 1000) * (mb / 1024);
        gbSeconds += gbs;
        const batched = atBatch.get(id);
        const sqsTriggered = topology.functions.find((f) => f.id === id)?.triggers.some((t) => t.type === 'sqs');
        // Wall time of the function's invocations with their overlaps counted once: locally the six
        // department queues' pollers invoke at once on one thread, each waiting on the others' CPU,
        // where Lambda gives each its own environment.
        const msAtBatch =
          batched && sqsTriggered
            ? unionMs(profiledBatch.filter((p) => p.functionId === id)) /
              (batched.mentions > 0 ? batched.mentions : batched.count)
            : msPerUnit;
        const gbsAtBatch = ((units * msAtBatch) / 1000) * (mb / 1024);
        gbSecondsAtBatch += gbsAtBatch;
        lambdaInvocations += inv.count;
        return [
          id,
          String(inv.count),
          f2(per(inv.count)),
          inv.records > 0
            ? `${(inv.records / inv.count).toFixed(1)}${inv.mentions !== inv.records ? ` (${(inv.mentions / inv.count).toFixed(1)} mentions)` : ''}`
            : '-',
          (inv.totalMs / inv.count).toFixed(0),
          calm ? `${msPerUnit.toFixed(0)} (${calm.count})${cpuPerUnit(cpuAlone, id, calm)}` : '-',
          batched && sqsTriggered
            ? `${msAtBatch.toFixed(0)} (${batched.count}; ${(batched.records / batched.count).toFixed(1)} records)${cpuPerUnit(cpuAtBatch, id, batched)}`
            : '(as alone)',
          String(mb),
          (gbs / n).toFixed(4),
          (gbsAtBatch / n).toFixed(4),
        ];
      });
    process.stdout.write(
      `${formatTable(['function', 'invocations', 'per mention', 'records/batch', 'mean ms under load', `ms per mention alone (n)`, `ms per mention at the AWS batch (n)`, 'MB', 'GB-s/mention', 'GB-s at the AWS batch'], lambdaRows)}\n` +
        `GB-s = mentions (or requests) x ms per mention alone x memory: under load the invocations wait on each other and on dynalite in one process on 2 shared cores.\n` +
        `At the AWS batch: ${batchGroups} groups of ${awsIntakeBatch} mentions sent at once (the intake batch Lambda would make at the offered rate), each group waited for; ` +
        `ms per mention of the SQS-triggered functions measured there (per-batch work shared as at volume; a function's overlapping invocations counted once), the others as alone.` +
        `${profile ? ` cpu: main-thread CPU sampled during the invocations (ms per mention; the backends run in their own threads, so the rest is waiting on them)` : ''}\n` +
        `issue 12 measurement: ${ISSUE_12.lambdaInvocations} invocations per mention\n\n`,
    );

    // SQS: the functions' own requests, plus what AWS does on their behalf: EventBridge sends each
    // delivered event to its rule's queue, and the event source mapping receives and deletes per batch.
    const sqsRecords = [...loaded].filter(([id]) => id !== 'ingest-webhook' && id !== 'classify-mention');
    // Each delivered message is billed per started 64 KB (a Mentions Routed entry may be larger).
    const busDeliveries = sqsRecords.reduce((sum, [, inv]) => sum + inv.bodyChunks, 0);
    const busMessages = sqsRecords.reduce((sum, [, inv]) => sum + inv.records, 0);
    const sqsTriggered = [...loaded].filter(([id]) =>
      topology.functions.find((f) => f.id === id)?.triggers.some((t) => t.type === 'sqs'),
    );
    const sqsBatches = sqsTriggered.reduce((sum, [, inv]) => sum + inv.count, 0);
    const esmReceives = sqsTriggered.reduce((sum, [, inv]) => sum + inv.receives, 0);
    const esmDeletes = sqsTriggered.reduce((sum, [, inv]) => sum + inv.deletes, 0);
    const sqsFunctions = counter.total('SQS');
    const sqsTotal = sqsFunctions + busDeliveries + esmReceives + esmDeletes;

    // Which lines the function log got: by function (the service name) and message, the largest first.
    const logGroups = await logLinesBetween(logFile, logsBefore, logsAfter, functionIds);
    const appLogBytes = logGroups.reduce((sum, [, group]) => sum + group.bytes, 0);
    // The EMF records beside them (Powertools' logMetrics prints one per invocation that added a metric).
    const emfGroups = [...emf.bytesByFunction()].sort(([, a], [, b]) => b.bytes - a.bytes);
    const emfBytes = emfGroups.reduce((sum, [, group]) => sum + group.bytes, 0);
    const emfRecords = emfGroups.reduce((sum, [, group]) => sum + group.records, 0);
    const logRows = [
      ...logGroups,
      ...emfGroups.map(([id, { records, bytes }]) => [`${id}: EMF metrics record`, { count: records, bytes }] as const),
    ]
      .sort(([, a], [, b]) => b.bytes - a.bytes)
      .map(([key, { count, bytes }]) => [
        key,
        f2(per(count)),
        String(Math.round(bytes / count)),
        String(Math.round(per(bytes))),
      ]);
    logRows.push(['total', '', '', String(Math.round(per(appLogBytes + emfBytes)))]);
    process.stdout.write(
      `${formatTable(['log line (service: message)', 'lines/mention', 'bytes/line', 'bytes/mention'], logRows)}\n\n`,
    );
    if (args['log-samples']) for (const [key, { sample }] of logGroups) process.stdout.write(`${key}:\n  ${sample}\n`);
    // What Lambda writes itself follows the topology's log settings (the stack sets the same).
    const platformLogBytes = platformLogBytesPerInvocation(topology.observability);
    const logBytesTotal = appLogBytes + emfBytes + lambdaInvocations * platformLogBytes;
    const traced = topology.observability.tracing === 'active';
    const xrayTraces = per(lambdaInvocations) * XRAY_SAMPLED;
    const webhooks = n;
    // The webhooks' entry point is ingest's first trigger: its function URL (Round w16) or the HTTP API.
    const viaFunctionUrl = topology.functions.find((f) => f.id === 'ingest-webhook')?.triggers[0]?.type === 'url';
    const entry = viaFunctionUrl
      ? (['Lambda function URL (webhooks)', PRICES.functionUrlRequest.usd] as const)
      : (['API Gateway HTTP API', PRICES.httpApiRequest.usd] as const);
    const lines: [string, number, string, number][] = [
      [entry[0], per(webhooks), 'requests', entry[1]],
      ['Lambda requests', per(lambdaInvocations), 'invocations', PRICES.lambdaRequest.usd],
      ['Lambda duration (arm64)', per(gbSeconds), 'GB-s', PRICES.lambdaArmGbSecond.usd],
      ['SQS', per(sqsTotal), 'requests', PRICES.sqsRequest.usd],
      ['EventBridge', per(counter.events), 'events', PRICES.eventBridgeEvent.usd],
      ['DynamoDB writes', per(capacity.write), 'write units', PRICES.dynamoWriteUnit.usd],
      ['DynamoDB reads', per(capacity.read), 'read units', PRICES.dynamoReadUnit.usd],
      ['CloudWatch Logs', per(logBytesTotal) / 1024 ** 3, 'GB', PRICES.logsIngestGb.usd],
      ['X-Ray', traced ? xrayTraces : 0, 'traces', PRICES.xrayTrace.usd],
    ];
    let total = 0;
    const costRows = lines.map(([what, quantity, unit, price]) => {
      const perMillion = quantity * price * 1e6;
      total += perMillion;
      return [
        what,
        `${quantity < 0.01 ? quantity.toPrecision(3) : quantity.toFixed(3)} ${unit}`,
        price < 0.01
          ? `$${(price * 1e6).toPrecision(6).replace(/\.?0+$/, '')} per 1M ${unit}`
          : `$${price.toFixed(2)} per ${unit}`,
        `$${perMillion.toFixed(2)}`,
      ];
    });
    costRows.push(['total', '', '', `$${total.toFixed(2)}`]);
    // The same webhooks through the HTTP API's routes (the entry point before Round w16, still served).
    if (viaFunctionUrl) {
      const viaApi = per(webhooks) * PRICES.httpApiRequest.usd * 1e6;
      costRows.push([
        '  webhooks via the HTTP API instead (before w16)',
        `${per(webhooks).toFixed(3)} requests`,
        `$${(PRICES.httpApiRequest.usd * 1e6).toFixed(2)} per 1M requests`,
        `+$${viaApi.toFixed(2)} (total $${(total + viaApi).toFixed(2)})`,
      ]);
    }
    // The duration line again from the ms per mention at the AWS batch estimate, and the total with it.
    const durationAtBatch = per(gbSecondsAtBatch) * PRICES.lambdaArmGbSecond.usd * 1e6;
    const durationAlone = per(gbSeconds) * PRICES.lambdaArmGbSecond.usd * 1e6;
    costRows.push([
      `  Lambda duration at the AWS batch (${awsIntakeBatch} mentions)`,
      `${per(gbSecondsAtBatch).toFixed(3)} GB-s`,
      '',
      `$${durationAtBatch.toFixed(2)} (total $${(total - durationAlone + durationAtBatch).toFixed(2)})`,
    ]);
    // Tracing is the company's choice (observability.tracing): what turning it on adds, beside the total.
    const tracingOn = {
      ...topology.observability,
      tracing: 'active' as const,
    };
    const tracingAdds =
      xrayTraces * PRICES.xrayTrace.usd * 1e6 +
      (per(lambdaInvocations) *
        (platformLogBytesPerInvocation(tracingOn) - platformLogBytesPerInvocation({ ...tracingOn, tracing: 'off' })) *
        PRICES.logsIngestGb.usd *
        1e6) /
        1024 ** 3;
    if (!traced) costRows.push(['  with observability.tracing: active', '', '', `+$${tracingAdds.toFixed(2)}`]);
    costRows.push([BEFORE.label, '', '', `$${BEFORE.costPerMillion.toFixed(2)}`]);
    costRows.push(['issue 12 measurement', '', '', `~$${ISSUE_12.costPerMillion} (no index copies, logs or X-Ray)`]);
    process.stdout.write(
      `${formatTable(['cost per 1M mentions', 'per mention', `list price (${PRICES_REGION}, ${PRICES_DATE})`, 'per 1M mentions'], costRows)}\n` +
        `SQS = ${f2(per(sqsFunctions))} sent by the functions + ${f2(per(busDeliveries))} delivered by EventBridge rules (${f2(per(busMessages))} messages, billed per 64 KB) + ` +
        `${f2(per(esmReceives))} ReceiveMessage + ${f2(per(esmDeletes))} DeleteMessageBatch of the event source mappings for ${f2(per(sqsBatches))} batches ` +
        `(at least one each per 10 records of a batch, receives also per 64 KB; its idle long polls, and receives that return fewer than 10 at low volume, are not counted).\n` +
        `Logs = ${Math.round(per(appLogBytes))} bytes of the functions' records + ${Math.round(per(emfBytes))} of their EMF metrics records (${emfRecords} records for ${lambdaInvocations} invocations, serialized by Powertools per invocation) per mention, as AWS ingests them, ` +
        `+ ${platformLogBytes} bytes per invocation of Lambda's own records (at system log level ${topology.observability.systemLogLevel}, ${topology.observability.logFormat} format; an estimate).\n` +
        `X-Ray = tracing ${topology.observability.tracing} (the config's observability.tracing); when active, ${XRAY_SAMPLED * 100} % of invocations recorded at volume. Not per mention: storage ($${PRICES.dynamoStorageGbMonth.usd}/GB-month + PITR $${PRICES.dynamoPitrGbMonth.usd}/GB-month for the retention), KMS key, alarms, idle queue polls.\n`,
    );
    const ms = (values: number[], q: number) =>
      values.length === 0
        ? '-'
        : `${[...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]?.toFixed(0)} ms`;
    process.stdout.write(
      `latency at low volume (${ALONE} mentions one at a time, from the webhook's 200): to classified p50 ${ms(toClassified, 0.5)}, max ${ms(toClassified, 1)}; ` +
        `to the department handled p50 ${ms(toDepartment, 0.5)}, max ${ms(toDepartment, 1)} (the local pollers; in AWS each hop also waits up to its batching window)\n`,
    );
    // Requests per mention of each function alone and at the AWS batch.
    const phaseRows = [...new Set([...requestsAlone.keys(), ...requestsAtBatch.keys()])].sort().map((key) => {
      const [fn, op] = key.split('\t') as [string, string];
      return [
        fn,
        op,
        ((requestsAlone.get(key) ?? 0) / ALONE).toFixed(2),
        ((requestsAtBatch.get(key) ?? 0) / (batchGroups * awsIntakeBatch)).toFixed(2),
      ];
    });
    process.stdout.write(
      `\n${formatTable(['function', 'request', `per mention alone (${ALONE})`, `per mention at the AWS batch (${batchGroups} x ${awsIntakeBatch})`], phaseRows)}\n`,
    );
    if (profile) {
      const top = (m: Map<string, number>, k: number, ms: number) =>
        [...m]
          .sort(([, a], [, b]) => b - a)
          .slice(0, k)
          .map(([key, v]) => [key, v.toFixed(0), `${((100 * v) / Math.max(ms, 1e-9)).toFixed(1)} %`]);
      for (const [label, within] of [
        ['alone', profiledAlone],
        [`at the AWS batch (${awsIntakeBatch})`, profiledBatch],
      ] as const) {
        const code = cpuByCode(profile, within);
        process.stdout.write(
          `\nmain-thread CPU ${label}: ${code.totalMs.toFixed(0)} ms sampled during the invocations\n` +
            `${formatTable(['code that ran (self)', 'ms', 'share'], top(code.self, 15, code.totalMs))}\n` +
            `${formatTable(['innermost project frame (with what it called)', 'ms', 'share'], top(code.project, 25, code.totalMs))}\n`,
        );
      }
    }
    process.stdout.write(`cost per 1M mentions: $${total.toFixed(2)}\n`);
    if (measured.length !== n || routed !== n) {
      process.stderr.write(`cost: ${n - routed} of ${n} mentions not stored and routed\n`);
      process.exitCode = 1;
    }
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
