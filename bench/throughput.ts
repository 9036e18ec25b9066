/**
 * `npm run bench:throughput`: how fast `npm start` acknowledges webhooks and works through
 * them, each figure beside a baseline measured in the same run.
 *
 * 1. Ack latency: p50/p99 and 200s per second at concurrency 10 and 50 for a bare node:http
 *    server that verifies Meta's HMAC, the same plus one SDK SendMessage to local-aws-sqs
 *    (journaled, as the runtime's), and the runtime (`backchannel start`, pipeline running);
 *    beside it, as a diagnostic, the runtime with its queue pollers off (the acks alone).
 *    Each row also gives the CPU per ack of the server's main thread and of its whole process
 *    (Linux, from /proc): what an ack costs, which the machine's load bends far less than p99.
 * 2. End to end: distinct mentions POSTed to the runtime until every queue is empty, with
 *    lost (answered 200, not stored) and duplicate (mention or case) counts; the baseline is
 *    the same runtime processing one batch at a time per queue (BACKCHANNEL_POLLER_CONCURRENCY=1).
 * 3. Surge (docs/capacity.md at scale-down): webhooks at a fixed rate above what the
 *    pipeline drains, then until idle; the measured backlog and drain time beside what the
 *    capacity model predicts from part 2's rate.
 *
 *   npm run bench:throughput
 *   npm run bench:throughput -- --requests 500 --mentions 1000 --surge-seconds 10
 *   npm run bench:throughput -- --ack-only --requests 400   # part 1 only
 *   npm run bench:throughput -- --parts e2e --baseline-mentions 100 --mentions 2000   # the e2e rows only
 *   npm run bench:throughput -- --parts e2e --e2e-warm-up 2000   # each e2e runtime warmed up first
 *   npm run bench:throughput -- --ack-only --warm-up 100    # measure from the 101st request (before Round w21)
 *
 * Function logs at ERROR, metrics off (as the chaos bench). Every process is started here
 * on port 0 and stopped here.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '../infra/local/backends.ts';
import { queueDepth } from '../infra/local/queues.ts';
import { parseMetaSecret, SECRETS_FILE } from '../infra/local/secrets.ts';
import { formatTable } from '../infra/local/text-table.ts';
import { buildTopology, platformSecretName, type TableSpec } from '../infra/topology.ts';
import { loadCompanyConfig } from '../shared/config/load.ts';
import { signMetaBody } from '../shared/platforms/meta.ts';
import {
  countTable,
  externalIdOf,
  metaCommentBody,
  startRuntimeProcess,
  waitForIdle,
  type RuntimeProcess,
} from './chaos/sigkill.ts';
import { closedLoop, openLoop, perSecond, quantile, type LoadResult, type SignedRequest } from './throughput/load.ts';
import { byThread, cpuPerRequest, processCpu, type ProcessCpu } from './throughput/thread-cpu.ts';
import { dynamoDbCeiling, sqsCeiling, type BackendProcess, type CeilingRow } from './throughput/ceiling.ts';
import { mentionsPerSecond, requestsPerMention, requestsPerSecondOnCores } from './throughput/request-mix.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const COMPANY = 'demo';
/**
 * Requests each ack row sends before it measures. V8 compiles a server's hot code in background
 * threads over its first thousand or so requests; after 100 (the default until Round w21) that
 * work was most of the runtime's CPU per ack and hit the runtime (far more code) harder than
 * the bare servers (docs/performance.md, "Round w21: the ack path").
 */
const DEFAULT_WARM_UP = 2000;

/**
 * 'runtime, no pipeline' is a diagnostic: the runtime with its queue pollers off
 * (BACKCHANNEL_POLLERS=off), so the acks do not share the thread with the pipeline.
 */
type ServerKind = 'bare HMAC' | 'bare HMAC + SQS' | 'runtime, no pipeline' | 'runtime';

interface Server {
  /** The webhook URL of Meta. */
  readonly url: string;
  readonly appSecret: string;
  /** The server's process, whose main thread answers the webhooks. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

interface AckRow {
  readonly server: ServerKind;
  readonly concurrency: number;
  readonly result: LoadResult;
  /** CPU per answered request over the measured requests (Linux). */
  readonly cpuPerAck: ProcessCpu | undefined;
}

interface EndToEndRow {
  readonly pipeline: string;
  readonly mentions: number;
  readonly acknowledged: number;
  readonly ackPerSecond: number;
  readonly seconds: number;
  readonly mentionsPerSecond: number;
  readonly lost: number;
  readonly duplicateMentions: number;
  readonly duplicateCases: number;
  readonly unrouted: number;
  /** CPU of the runtime's process per mention acknowledged, from the first POST until idle (Linux). */
  readonly cpuPerMention: ProcessCpu | undefined;
  /** Invocations past their timeout and failed messages in the measured part (a stalled run shows them). */
  readonly failures: { readonly timedOut: number; readonly failedMessages: number };
}

interface SurgeRow {
  readonly seconds: number;
  readonly offeredPerSecond: number;
  readonly result: LoadResult;
  readonly peakDepth: number;
  readonly peakIntakeDepth: number;
  /** From the end of the surge until every queue was empty. */
  readonly drainSeconds: number;
  readonly predictedDrainSeconds: number;
  readonly predictedPeakDepth: number;
  readonly lost: number;
  readonly duplicates: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      mentions: { type: 'string' },
      'baseline-mentions': { type: 'string' },
      'surge-seconds': { type: 'string' },
      'surge-rate': { type: 'string' },
      parts: { type: 'string' },
      'ack-only': { type: 'boolean' },
      'warm-up': { type: 'string' },
      'ceiling-only': { type: 'boolean' },
      'ceiling-mentions': { type: 'string' },
      'ceiling-concurrency': { type: 'string' },
      'e2e-warm-up': { type: 'string' },
    },
  });
  const requests = Number(values.requests ?? 1000);
  const warmUp = Number(values['warm-up'] ?? DEFAULT_WARM_UP);
  const mentions = Number(values.mentions ?? 2000);
  const baselineMentions = Number(values['baseline-mentions'] ?? 500);
  const surgeSeconds = Number(values['surge-seconds'] ?? 20);
  const ceilingMentions = Number(values['ceiling-mentions'] ?? 1000);
  const ceilingConcurrency = Number(values['ceiling-concurrency'] ?? 20);
  const parts = partsOf(values);
  const e2eWarmUp = Number(values['e2e-warm-up'] ?? 0);

  const cwd = await mkdtemp(path.join(os.tmpdir(), 'bc-bench-throughput-'));
  try {
    await mkdir(path.join(cwd, 'companies'));
    await cp(path.join(ROOT, 'companies', `${COMPANY}.yaml`), path.join(cwd, 'companies', `${COMPANY}.yaml`));
    const config = await loadCompanyConfig(COMPANY, cwd);
    const pageId = config.platforms.meta?.pageIds[0] as string;
    const topology = buildTopology(config);
    let runs = 0;
    const bodiesFor = (count: number) => {
      const runId = `${Date.now() % 1_000_000_000}${++runs}`;
      return { runId, bodies: Array.from({ length: count }, (_, n) => metaCommentBody(pageId, runId, n)) };
    };

    // Each runtime in a folder of its own: `backchannel start` keeps its data in <cwd>/.backchannel/<company>.
    const startRuntime = async (env: Record<string, string> = {}) => {
      const runtimeCwd = path.join(cwd, `runtime-${++runs}`);
      await mkdir(path.join(runtimeCwd, 'companies'), { recursive: true });
      await cp(path.join(cwd, 'companies'), path.join(runtimeCwd, 'companies'), { recursive: true });
      const dataDir = path.join(runtimeCwd, '.backchannel', COMPANY);
      const runtime = await startRuntimeProcess(runtimeCwd, dataDir, true, env);
      const secrets = JSON.parse(await readFile(path.join(dataDir, SECRETS_FILE), 'utf8'));
      const appSecret = parseMetaSecret(secrets[platformSecretName(config, 'meta')]).appSecret;
      return { runtime, appSecret, url: `${runtime.record.url}/webhooks/meta` };
    };
    const startServer = async (kind: ServerKind): Promise<Server> => {
      if (kind === 'runtime' || kind === 'runtime, no pipeline') {
        const { runtime, appSecret, url } = await startRuntime(
          kind === 'runtime' ? {} : { BACKCHANNEL_POLLERS: 'off' },
        );
        return { url, appSecret, pid: runtime.child.pid, stop: () => runtime.stop() };
      }
      return startBareServer(kind === 'bare HMAC' ? 'hmac' : 'hmac+sqs');
    };

    // 1. Ack latency, each server fresh, the baselines first at each concurrency.
    const ackRows: AckRow[] = [];
    for (const concurrency of parts.has('ack') ? [10, 50] : []) {
      for (const kind of ['bare HMAC', 'bare HMAC + SQS', 'runtime, no pipeline', 'runtime'] as const) {
        const server = await startServer(kind);
        try {
          const { bodies } = bodiesFor(warmUp + requests);
          const signed = sign(bodies, server.appSecret);
          await closedLoop(server.url, signed.slice(0, warmUp), concurrency);
          const cpuBefore = await processCpu(server.pid);
          const result = await closedLoop(server.url, signed.slice(warmUp), concurrency);
          const cpuPerAck = cpuPerRequest(cpuBefore, await processCpu(server.pid), result.acknowledged.size);
          log(
            `ack ${kind} c=${concurrency}: ${perSecond(result).toFixed(0)} req/s p99 ${quantile(result.latenciesMs, 0.99).toFixed(0)} ms${cpuPerAck ? `, CPU per ack ${cpuPerAck.mainThreadMs.toFixed(2)} ms main thread, ${cpuPerAck.processMs.toFixed(2)} ms process` : ''}`,
          );
          ackRows.push({ server: kind, concurrency, result, cpuPerAck });
        } finally {
          await server.stop();
        }
      }
    }
    if (ackRows.length > 0) {
      process.stdout.write(`## Ack latency (${requests} signed Meta webhooks per row, after ${warmUp} to warm up)\n\n`);
      process.stdout.write(`${formatAckRows(ackRows)}\n\n`);
    }
    // 2a. The ceiling of the local backends, each alone with the pipeline's requests of its service.
    const ceilingRows = parts.has('ceiling')
      ? await runCeiling(topology.table, ceilingMentions, ceilingConcurrency)
      : [];
    const printCeiling = () => {
      if (ceilingRows.length === 0) return;
      process.stdout.write(
        `## Ceiling of the local backends (${ceilingMentions} mentions' requests of each service, ${ceilingConcurrency} in flight, each backend alone in its own process)\n\n`,
      );
      process.stdout.write(`${formatCeilingRows(ceilingRows)}\n\n`);
    };
    if (!parts.has('e2e')) {
      printCeiling();
      return;
    }

    // 2. End to end: one batch at a time per queue (baseline), then the topology's concurrency.
    const endToEnd = async (pipeline: string, count: number, env: Record<string, string>): Promise<EndToEndRow> => {
      const { runtime, appSecret, url } = await startRuntime(env);
      try {
        // --e2e-warm-up: other mentions first, until idle, so that V8 has compiled the hot code
        // (its compiler threads were a quarter of a fresh runtime's CPU, Round w22); counted
        // in the duplicates below, not in the rates.
        if (e2eWarmUp > 0) {
          await closedLoop(url, sign(bodiesFor(e2eWarmUp).bodies, appSecret), 50);
          await waitForIdle(
            runtime.record,
            topology.queues.map((q) => q.name),
            900_000,
          );
        }
        const { runId, bodies } = bodiesFor(count);
        const failuresBefore = runtime.failures();
        const cpuBefore = await processCpu(runtime.child.pid);
        const started = performance.now();
        const result = await closedLoop(url, sign(bodies, appSecret), 50);
        await waitForIdle(
          runtime.record,
          topology.queues.map((q) => q.name),
          900_000,
        );
        const seconds = (performance.now() - started) / 1000;
        const cpuPerMention = cpuPerRequest(cpuBefore, await processCpu(runtime.child.pid), result.acknowledged.size);
        const table = await countTable(runtime.record);
        const stored = [...result.acknowledged].filter((n) => table.mentions.has(externalIdOf(runId, n))).length;
        const row: EndToEndRow = {
          pipeline,
          mentions: count,
          acknowledged: result.acknowledged.size,
          ackPerSecond: perSecond(result),
          seconds,
          mentionsPerSecond: stored / seconds,
          lost: result.acknowledged.size - stored,
          duplicateMentions: table.duplicateMentions,
          duplicateCases: table.duplicateCases,
          unrouted: table.unrouted,
          cpuPerMention,
          failures: {
            timedOut: runtime.failures().timedOut - failuresBefore.timedOut,
            failedMessages: runtime.failures().failedMessages - failuresBefore.failedMessages,
          },
        };
        log(
          `end to end ${pipeline}: ${row.mentionsPerSecond.toFixed(1)} mentions/s, ${row.lost} lost${cpuPerMention ? `, CPU per mention ${cpuPerMention.mainThreadMs.toFixed(1)} ms main thread, ${cpuPerMention.processMs.toFixed(1)} ms process` : ''}`,
        );
        return row;
      } finally {
        await runtime.stop();
      }
    };
    const e2eRows = [
      await endToEnd('one batch at a time per queue (baseline)', baselineMentions, {
        BACKCHANNEL_POLLER_CONCURRENCY: '1',
      }),
      await endToEnd('parallel batches up to the topology concurrency', mentions, {}),
    ];
    process.stdout.write(
      `## End to end (\`backchannel start\`, journaled queues; 50 webhooks in flight; until every queue is empty${e2eWarmUp > 0 ? `; each runtime after ${e2eWarmUp} other mentions to warm up` : ''})\n\n`,
    );
    process.stdout.write(`${formatEndToEndRows(e2eRows)}\n\n`);
    const threadRows = formatThreadRows(e2eRows);
    if (threadRows) process.stdout.write(`${threadRows}\n\n`);
    printCeiling();
    const failedEndToEnd = e2eRows.some((r) => r.lost > 0 || r.duplicateMentions > 0 || r.duplicateCases > 0);
    if (failedEndToEnd) {
      process.stderr.write('FAILED: mentions answered 200 were lost or duplicated\n');
      process.exitCode = 1;
    }
    if (!parts.has('surge')) return;

    // 3. Surge above the drain rate of part 2.
    const drainRate = (e2eRows[1] as EndToEndRow).mentionsPerSecond;
    const surgeRate = Number(values['surge-rate'] ?? Math.max(20, Math.round(drainRate * 2)));
    const surge = await runSurge({ startRuntime, bodiesFor, sign, topology, surgeRate, surgeSeconds, drainRate });
    process.stdout.write(
      `## Surge at scale-down (${surgeRate} webhooks/s offered for ${surgeSeconds} s, open loop; model: drain rate ${drainRate.toFixed(1)} mentions/s from the end-to-end row)\n\n`,
    );
    process.stdout.write(`${formatSurge(surge)}\n`);

    if (surge.lost > 0 || surge.duplicates > 0) {
      process.stderr.write('FAILED: mentions answered 200 were lost or duplicated\n');
      process.exitCode = 1;
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

/** The bench's parts in the order they run; the surge is modelled on the e2e row's rate, so it needs it. */
const PARTS = ['ack', 'ceiling', 'e2e', 'surge'] as const;
type Part = (typeof PARTS)[number];

/**
 * The parts to run: `--parts ack,e2e` (comma-separated), or `--ack-only` / `--ceiling-only`,
 * or all of them.
 * @throws Error for an unknown part, or the surge without the e2e rows
 */
export function partsOf(values: { parts?: string; 'ack-only'?: boolean; 'ceiling-only'?: boolean }): Set<Part> {
  if (values['ack-only']) return new Set(['ack']);
  if (values['ceiling-only']) return new Set(['ceiling']);
  if (values.parts === undefined) return new Set(PARTS);
  const asked = values.parts.split(',').map((p) => p.trim());
  for (const part of asked)
    if (!(PARTS as readonly string[]).includes(part))
      throw new Error(`--parts: unknown part '${part}' (one or more of ${PARTS.join(', ')})`);
  if (asked.includes('surge') && !asked.includes('e2e'))
    throw new Error("--parts: the surge is modelled on the e2e rows' rate; add e2e");
  return new Set(asked as Part[]);
}

function sign(bodies: readonly string[], appSecret: string): SignedRequest[] {
  return bodies.map((body) => ({ body, headers: { 'x-hub-signature-256': signMetaBody(body, appSecret) } }));
}

async function runSurge(options: {
  startRuntime: () => Promise<{ runtime: RuntimeProcess; appSecret: string; url: string }>;
  bodiesFor: (count: number) => { runId: string; bodies: string[] };
  sign: typeof sign;
  topology: ReturnType<typeof buildTopology>;
  surgeRate: number;
  surgeSeconds: number;
  drainRate: number;
}): Promise<SurgeRow> {
  const { runtime, appSecret, url } = await options.startRuntime();
  const sqs = new SQSClient({
    region: runtime.record.region,
    endpoint: runtime.record.endpoints.sqs,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const queueUrls = await Promise.all(
      options.topology.queues.map(
        async (q) => (await sqs.send(new GetQueueUrlCommand({ QueueName: q.name }))).QueueUrl as string,
      ),
    );
    const intakeUrl = queueUrls[0] as string;
    let peakDepth = 0;
    let peakIntakeDepth = 0;
    const sample = async () => {
      const depths = await Promise.all(queueUrls.map((u) => queueDepth(sqs, u)));
      peakDepth = Math.max(
        peakDepth,
        depths.reduce((a, b) => a + b, 0),
      );
      peakIntakeDepth = Math.max(peakIntakeDepth, depths[queueUrls.indexOf(intakeUrl)] ?? 0);
    };
    const { runId, bodies } = options.bodiesFor(Math.round(options.surgeRate * options.surgeSeconds));
    const sampling: Promise<void>[] = [];
    const result = await openLoop(url, options.sign(bodies, appSecret), {
      ratePerSecond: options.surgeRate,
      onTick: () => sampling.push(sample().catch(() => {})),
    });
    await Promise.all(sampling);
    const surgeEnded = performance.now();
    const drainSampler = setInterval(() => sampling.push(sample().catch(() => {})), 500);
    try {
      await waitForIdle(
        runtime.record,
        options.topology.queues.map((q) => q.name),
        900_000,
      );
    } finally {
      clearInterval(drainSampler);
    }
    await Promise.all(sampling);
    const drainSeconds = (performance.now() - surgeEnded) / 1000;
    const table = await countTable(runtime.record);
    const stored = [...result.acknowledged].filter((n) => table.mentions.has(externalIdOf(runId, n))).length;
    // The model (docs/capacity.md): what arrives above the drain rate waits, and drains at that rate.
    const acceptedRate = perSecond(result);
    const predictedPeak = Math.max(0, (acceptedRate - options.drainRate) * (result.elapsedMs / 1000));
    return {
      seconds: result.elapsedMs / 1000,
      offeredPerSecond: options.surgeRate,
      result,
      peakDepth,
      peakIntakeDepth,
      drainSeconds,
      predictedPeakDepth: predictedPeak,
      predictedDrainSeconds: predictedPeak / options.drainRate,
      lost: result.acknowledged.size - stored,
      duplicates: table.duplicateMentions + table.duplicateCases,
    };
  } finally {
    sqs.destroy();
    await runtime.stop();
  }
}

/** A baseline server (bare-server.ts) in its own process, as the runtime runs in its own. */
async function startBareServer(mode: 'hmac' | 'hmac+sqs'): Promise<Server> {
  const appSecret = randomBytes(16).toString('hex');
  const child = await startChild('bench/throughput/bare-server.ts', mode, { BENCH_APP_SECRET: appSecret });
  return { url: `${child.url}/webhooks/meta`, appSecret, pid: child.pid, stop: child.stop };
}

/**
 * A bench server script (`script mode`) in a process of its own, once it has printed
 * `{"url": ...}` on its first line; stopped with SIGTERM.
 */
async function startChild(
  script: string,
  mode: string,
  env: Record<string, string> = {},
): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, script), mode], {
    env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`${script} ${mode} exited with ${code} before it listened`)));
  });
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Each service's mix against its real local backend, then against canned answers in process (the SDK alone). */
async function runCeiling(table: TableSpec, mentions: number, concurrency: number): Promise<CeilingRow[]> {
  const rows: CeilingRow[] = [];
  for (const service of ['DynamoDB', 'SQS'] as const) {
    const backend = await startChild('bench/throughput/backend-server.ts', service === 'DynamoDB' ? 'dynamodb' : 'sqs');
    const run = (against: BackendProcess | undefined) =>
      service === 'DynamoDB'
        ? dynamoDbCeiling({ backend: against, table, mentions, concurrency })
        : sqsCeiling({ backend: against, mentions, concurrency });
    try {
      rows.push(await run(backend));
    } finally {
      await backend.stop();
    }
    rows.push(await run(undefined));
    for (const row of rows.slice(-2))
      log(`ceiling ${service} ${row.backend}: ${(row.requests / row.seconds).toFixed(0)} req/s`);
  }
  return rows;
}

function formatCeilingRows(rows: readonly CeilingRow[]): string {
  const table = formatTable(
    [
      'service',
      'backend',
      'requests per mention',
      'requests',
      'req/s',
      'mentions/s',
      'CPU per request: SDK client / backend',
      'req/s on one core for the backend (none: the SDK)',
      'mentions/s on one core',
      'errors',
    ],
    rows.map((row) => {
      const perMention = requestsPerMention(row.mix);
      const rate = row.requests / row.seconds;
      const bound = requestsPerSecondOnCores(row.backend.startsWith('none') ? row.clientCpuMs : row.backendCpuMs);
      return [
        row.service,
        row.backend,
        perMention.toFixed(2),
        String(row.requests),
        rate.toFixed(0),
        mentionsPerSecond(rate, row.mix).toFixed(0),
        `${row.clientCpuMs === undefined ? '-' : `${row.clientCpuMs.toFixed(2)} ms`} / ${row.backendCpuMs === undefined ? '-' : `${row.backendCpuMs.toFixed(2)} ms`}`,
        bound === undefined ? '-' : bound.toFixed(0),
        bound === undefined ? '-' : mentionsPerSecond(bound, row.mix).toFixed(0),
        String(row.errors),
      ];
    }),
  );
  // Per mention: what the backends and the SDK spend, against what 300 mentions/s on two cores leaves.
  const perMention = (backend: (row: CeilingRow) => boolean, cpu: (row: CeilingRow) => number | undefined) =>
    rows.filter(backend).reduce((sum, row) => sum + (cpu(row) ?? Number.NaN) * requestsPerMention(row.mix), 0);
  const backends = perMention(
    (r) => !r.backend.startsWith('none'),
    (r) => r.backendCpuMs,
  );
  const sdk = perMention(
    (r) => r.backend.startsWith('none'),
    (r) => r.clientCpuMs,
  );
  const sdkOverSockets = perMention(
    (r) => !r.backend.startsWith('none'),
    (r) => r.clientCpuMs,
  );
  const lines = [
    `CPU per mention of these requests: backends ${ms(backends)}, SDK alone ${ms(sdk)}, SDK with its HTTP to the backends ${ms(sdkOverSockets)};`,
    `300 mentions/s on 2 cores leaves 6.7 ms of CPU per mention for everything: these requests alone take ${ms(backends + sdkOverSockets)} (${((backends + sdkOverSockets) / (2000 / 300)).toFixed(1)}x of it).`,
  ];
  return `${table}\n${lines.join('\n')}`;
}

function formatAckRows(rows: readonly AckRow[]): string {
  const baselineOf = (row: AckRow) =>
    rows.find((r) => r.server === 'bare HMAC + SQS' && r.concurrency === row.concurrency) as AckRow;
  return formatTable(
    [
      'server',
      'concurrency',
      '200/s',
      'p50',
      'p99',
      'p99 / bare+SQS p99',
      'CPU per ack: main thread / process',
      'refused',
    ],
    rows.map((row) => [
      row.server,
      String(row.concurrency),
      perSecond(row.result).toFixed(0),
      ms(quantile(row.result.latenciesMs, 0.5)),
      ms(quantile(row.result.latenciesMs, 0.99)),
      `${(quantile(row.result.latenciesMs, 0.99) / quantile(baselineOf(row).result.latenciesMs, 0.99)).toFixed(2)}x`,
      row.cpuPerAck ? `${row.cpuPerAck.mainThreadMs.toFixed(2)} / ${row.cpuPerAck.processMs.toFixed(2)} ms` : '-',
      String(Object.values(row.result.refused).reduce((a, b) => a + b, 0)),
    ]),
  );
}

function formatEndToEndRows(rows: readonly EndToEndRow[]): string {
  const baseline = rows[0] as EndToEndRow;
  return formatTable(
    [
      'pipeline',
      'mentions',
      'answered 200',
      '200/s',
      'until idle',
      'mentions/s',
      'vs baseline',
      'lost',
      'duplicate mentions',
      'duplicate cases',
      'unrouted',
      'CPU per mention: main thread / process',
      'timed out / failed messages',
    ],
    rows.map((r) => [
      r.pipeline,
      String(r.mentions),
      String(r.acknowledged),
      r.ackPerSecond.toFixed(0),
      `${r.seconds.toFixed(1)} s`,
      r.mentionsPerSecond.toFixed(1),
      `${(r.mentionsPerSecond / baseline.mentionsPerSecond).toFixed(2)}x`,
      String(r.lost),
      String(r.duplicateMentions),
      String(r.duplicateCases),
      String(r.unrouted),
      r.cpuPerMention ? `${ms(r.cpuPerMention.mainThreadMs)} / ${ms(r.cpuPerMention.processMs)}` : '-',
      `${r.failures.timedOut} / ${r.failures.failedMessages}`,
    ]),
  );
}

/**
 * The e2e rows' CPU per mention by thread: main (the HTTP API, ingest-webhook, the bus), the
 * runtime's named threads (the pipeline's functions and pollers, dynalite, local-aws-sqs) and
 * the rest (V8's GC and compiler threads, libuv's pool). Empty off Linux.
 */
function formatThreadRows(rows: readonly EndToEndRow[]): string {
  const measured = rows.filter((r) => r.cpuPerMention?.namedThreadsMs);
  if (measured.length === 0) return '';
  const names = [...new Set(measured.flatMap((r) => byThread(r.cpuPerMention as ProcessCpu).map((t) => t.name)))];
  return formatTable(
    ['CPU per mention by thread', ...names, 'process'],
    measured.map((r) => {
      const threads = byThread(r.cpuPerMention as ProcessCpu);
      return [
        r.pipeline,
        ...names.map((name) => {
          const thread = threads.find((t) => t.name === name);
          return thread ? ms(thread.ms) : '-';
        }),
        ms((r.cpuPerMention as ProcessCpu).processMs),
      ];
    }),
  );
}

function formatSurge(row: SurgeRow): string {
  const refused = Object.entries(row.result.refused)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  return formatTable(
    ['', 'measured', 'model'],
    [
      ['webhooks offered', String(row.result.sent), `${row.offeredPerSecond}/s for ${row.seconds.toFixed(1)} s`],
      ['answered 200', `${row.result.acknowledged.size} (${perSecond(row.result).toFixed(0)}/s)`, '-'],
      ['refused', refused || '0', '0 (no throttle locally)'],
      [
        'ack p50 / p99',
        `${ms(quantile(row.result.latenciesMs, 0.5))} / ${ms(quantile(row.result.latenciesMs, 0.99))}`,
        'independent of the backlog',
      ],
      ['peak messages queued (all queues)', String(row.peakDepth), '-'],
      ['peak intake backlog', String(row.peakIntakeDepth), row.predictedPeakDepth.toFixed(0)],
      ['drain after the surge', `${row.drainSeconds.toFixed(1)} s`, `${row.predictedDrainSeconds.toFixed(1)} s`],
      ['lost / duplicates', `${row.lost} / ${row.duplicates}`, '0 / 0'],
    ],
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
