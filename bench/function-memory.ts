/**
 * `npm run bench:function-memory [-- --mentions 200 --batches 10 --batch-size 50]`: how much memory one
 * function needs, to size its `memoryMb` in infra/topology.ts. The demo company's runtime
 * (`npm start`'s, on a temporary data directory) takes N correctly signed Meta webhooks, so
 * the table holds a realistic day of cases, counters and themes. Then each measured function
 * runs alone in its own child process, as in its own Lambda environment: the child builds
 * the handler from the environment the runtime built for it (the same endpoints, table, bus
 * and buckets) and invokes it with realistic events:
 *
 * - classify-mention: batches of the intake trigger's batch size (or `--batch-size`), distinct
 *   mentions of the classifier corpus's texts; the first is the cold start (models loaded);
 * - build-report: the daily and the weekly run of every department and management (charts
 *   rendered with resvg), over the table the webhooks filled.
 *
 * A bare child (the same node and tsx loader, nothing imported) is the baseline. Each child
 * reports its RSS and heap after the cold start and after the runs, and its peak RSS
 * (`process.resourceUsage().maxRSS`, which is what Lambda's "Max Memory Used" measures).
 * Locally the TypeScript is compiled by tsx on the fly, which a bundled Lambda does not
 * do: the bare child's RSS is that loader's share and node's own, an upper bound for both.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import type { FunctionEnv } from '../shared/config/runtime-env.ts';
import { DEMO_PAGE_ID, metaFeedWebhook } from './meta-webhook.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MB = 1024 * 1024;
const MEASURED = ['bare', 'classify-mention', 'build-report'] as const;
type Measured = (typeof MEASURED)[number];

interface Sample {
  readonly stage: string;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
  /** Since the previous sample: the child's own CPU time (user + system) and the wall-clock time. */
  readonly cpuMs: number;
  readonly wallMs: number;
}

interface ChildResult {
  readonly samples: readonly Sample[];
  readonly peakRssMb: number;
  readonly failures: readonly string[];
}

type ChildInput = {
  readonly id: Measured;
  readonly env: FunctionEnv;
  readonly batches: number;
  readonly batchSize: number;
  readonly region: string;
  readonly texts: readonly string[];
};

// ---- child side -------------------------------------------------------------------------

let lastCpu = process.cpuUsage();
let lastWall = performance.now();

/**
 * Memory now, and CPU and wall time since the previous sample. The table is served by the
 * parent process, so the child's CPU time is the function's own work (classifying, rendering,
 * marshalling requests); the rest of the wall time it waited, as it waits on DynamoDB in AWS.
 */
function sample(stage: string): Sample {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage(lastCpu);
  const now = performance.now();
  const timing = { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: now - lastWall };
  lastCpu = process.cpuUsage();
  lastWall = now;
  return { stage, rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, externalMb: m.external / MB, ...timing };
}

async function child(input: ChildInput): Promise<ChildResult> {
  const samples: Sample[] = [sample('started')];
  const failures: string[] = [];
  if (input.id !== 'bare') {
    const { buildTopology } = await import('../infra/topology.ts');
    const { parseCompanyConfigYaml } = await import('../shared/config/load.ts');
    const { invokeFunction } = await import('../infra/local/lambda.ts');
    const { mentionFactory, sqsRecordFactory } = await import('../test/factories/mention.ts');
    const config = parseCompanyConfigYaml(readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'), 'demo.yaml');
    const spec = buildTopology(config).functions.find((f) => f.id === input.id);
    if (!spec) throw new Error(`no function ${input.id} in the topology`);
    const module = (await import(path.join(ROOT, spec.entry))) as {
      createHandler(env: FunctionEnv): (event: unknown, context: unknown) => Promise<unknown>;
    };
    const fn = { spec, env: input.env, handler: module.createHandler(input.env) };
    const where = { region: input.region, accountId: '000000000000' };
    const run = async (event: unknown) => {
      const result = (await invokeFunction(fn, event, where)) as { batchItemFailures?: unknown[] } | undefined;
      if (result?.batchItemFailures && result.batchItemFailures.length > 0)
        failures.push(`${result.batchItemFailures.length} records failed`);
    };
    if (input.id === 'classify-mention') {
      let n = 0;
      const batch = (): SQSEvent => ({
        Records: Array.from({ length: input.batchSize }, () => {
          n++;
          const mention = mentionFactory({
            externalId: `${DEMO_PAGE_ID}_mem${String(n).padStart(6, '0')}`,
            threadId: `${DEMO_PAGE_ID}_mem${String(n).padStart(6, '0')}`,
            kind: 'post',
            text: input.texts[(n * 7919) % input.texts.length] as string,
            author: { id: `${8_000_000_000 + (n % 150)}`, name: `Kunde ${n % 150}` },
            createdAt: new Date().toISOString(),
            receivedAt: new Date().toISOString(),
          });
          return {
            ...sqsRecordFactory(JSON.stringify(mention), `m${n}`),
            eventSourceARN: `arn:aws:sqs:${input.region}:000000000000:intake`,
          };
        }),
      });
      await run(batch());
      samples.push(sample('after the cold start (1 batch)'));
      for (let i = 1; i < input.batches; i++) await run(batch());
      samples.push(sample(`after ${input.batches} batches`));
    } else {
      const scheduledTime = new Date().toISOString();
      await run({ report: 'daily', scheduledTime });
      samples.push(sample('after the daily reports (cold start)'));
      await run({ report: 'weekly', scheduledTime });
      samples.push(sample('after the weekly reports'));
    }
  }
  (globalThis as { gc?: () => void }).gc?.();
  samples.push(sample('after a full GC'));
  return { samples, peakRssMb: process.resourceUsage().maxRSS / 1024, failures };
}

if (process.argv[2] === 'child') {
  process.once('message', (input: ChildInput) => {
    child(input).then(
      (result) => process.send?.(result, () => process.exit(0)),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
  });
} else {
  await main();
}

// ---- parent side ------------------------------------------------------------------------

function runChild(input: ChildInput): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['child'], {
      execArgv: [...process.execArgv, '--expose-gc'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    proc.once('message', (result: ChildResult) => resolve(result));
    proc.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${input.id}: child exited with ${code}`));
    });
    proc.send(input);
  });
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      mentions: { type: 'string', default: '200' },
      batches: { type: 'string', default: '10' },
      // Default: the intake trigger's batch size in the topology.
      'batch-size': { type: 'string' },
    },
  });
  const mentions = Number(args.mentions);
  const batches = Number(args.batches);
  // Imported here, not at the top: the children load only what they measure.
  const { startRuntime } = await import('../infra/local/runtime.ts');
  const { postSignedMeta } = await import('../infra/local/demo.ts');
  const { parseMetaSecret } = await import('../infra/local/secrets.ts');
  const { platformSecretName } = await import('../infra/topology.ts');
  const { parseCompanyConfigYaml } = await import('../shared/config/load.ts');
  const { formatTable } = await import('../infra/local/text-table.ts');
  const { demoCorpusTexts } = await import('./demo-texts.ts');
  const config = parseCompanyConfigYaml(readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'), 'demo.yaml');
  const intake = (await import('../infra/topology.ts'))
    .buildTopology(config)
    .functions.find((f) => f.id === 'classify-mention')
    ?.triggers.find((t) => t.type === 'sqs');
  const batchSize = args['batch-size'] ? Number(args['batch-size']) : (intake?.batchSize ?? 10);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'backchannel-function-memory-'));
  const runtime = await startRuntime({
    config,
    port: 0,
    dataDir,
    startScheduler: false,
    statusIntervalSeconds: 0,
    alarmIntervalSeconds: 0,
    log: () => {},
  });
  try {
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const texts = demoCorpusTexts();
    for (let n = 0; n < mentions; n++) {
      const postId = `${DEMO_PAGE_ID}_fill${String(n).padStart(6, '0')}`;
      const body = metaFeedWebhook({
        item: 'status',
        post_id: postId,
        from: { id: `${7_000_000_000 + (n % 150)}`, name: `Kundin ${n % 150}` },
        message: texts[(n * 7919) % texts.length] as string,
        published: 1,
      });
      const answer = await postSignedMeta(runtime.webhookUrls.meta as string, body, appSecret);
      if (answer.status !== 200) throw new Error(`webhook ${n} answered ${answer.status}`);
    }
    await runtime.waitForIdle(600_000);

    const memory = new Map(
      (await import('../infra/topology.ts')).buildTopology(config).functions.map((f) => [f.id, f.memoryMb]),
    );
    const rows: string[][] = [];
    for (const id of MEASURED) {
      const env = id === 'bare' ? {} : (runtime.env[id] as FunctionEnv);
      const result = await runChild({ id, env, batches, batchSize, region: runtime.region, texts });
      for (const s of result.samples)
        rows.push([
          id,
          s.stage,
          s.rssMb.toFixed(0),
          s.heapUsedMb.toFixed(0),
          s.externalMb.toFixed(0),
          `${s.cpuMs.toFixed(0)} / ${s.wallMs.toFixed(0)}`,
          '',
          '',
        ]);
      rows.push([
        id,
        'peak (maxRSS)',
        result.peakRssMb.toFixed(0),
        '',
        '',
        '',
        id === 'bare' ? '-' : String(memory.get(id)),
        result.failures.join('; ') || (id === 'bare' ? '' : 'none'),
      ]);
    }
    process.stdout.write(
      `\nfunction memory: ${mentions} mentions in the table, classify-mention ${batches} batches of ${batchSize}, build-report daily + weekly\n\n` +
        `${formatTable(['function', 'stage', 'RSS MB', 'heap used MB', 'external MB', 'CPU ms / wall ms', 'configured MB', 'failures'], rows)}\n` +
        `bare = node with the tsx loader and nothing imported: locally every function's RSS includes it (a bundled Lambda has no loader).\n` +
        `CPU ms / wall ms = the child's own CPU time and the elapsed time since the stage before (the table is served by the parent process: the rest is waiting).\n`,
    );
    await runtime.waitForIdle(600_000);
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
