/**
 * `npm run bench:memory [-- --webhooks 1000 --bursts 2 --idle-seconds 30]`: does the runtime give memory back
 * after a burst? The runtime runs in a child process with a data directory (the table on
 * disk, so stored data is not counted as memory) and `--expose-gc`; the parent sends bursts
 * of distinct, correctly signed Meta webhooks, samples the child's memory every 200 ms, waits
 * until the runtime is idle, forces a GC and measures again. A bare node:http server that
 * reads each body and answers 200 takes the same burst in its own child, as the baseline of
 * what node, the HTTP stack and the client traffic cost by themselves.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PAGE_ID, metaFeedWebhook } from './meta-webhook.ts';

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

type Request = { readonly id: number; readonly cmd: 'memory' | 'gc-memory' | 'idle' | 'stop' };
type Reply = { readonly id: number; readonly memory?: Memory; readonly error?: string };
type Ready = { readonly ready: true; readonly url: string; readonly appSecret: string };

const MB = 1024 * 1024;

// ---- child side -------------------------------------------------------------------------

async function child(kind: 'runtime' | 'bare'): Promise<void> {
  const send = (message: Reply | Ready) => process.send?.(message);
  const memory = (): Memory => {
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
  };
  const gc = () => {
    const collect = (globalThis as { gc?: () => void }).gc;
    if (!collect) throw new Error('run with --expose-gc');
    collect();
    collect();
  };
  let idle: () => Promise<void> = async () => {};
  let stop: () => Promise<void>;
  if (kind === 'runtime') {
    const { startRuntime } = await import('../infra/local/runtime.ts');
    const { parseMetaSecret } = await import('../infra/local/secrets.ts');
    const { platformSecretName } = await import('../infra/topology.ts');
    const { parseCompanyConfigYaml } = await import('../shared/config/load.ts');
    const { readFileSync } = await import('node:fs');
    const config = parseCompanyConfigYaml(
      readFileSync(fileURLToPath(new URL('../companies/demo.yaml', import.meta.url)), 'utf8'),
      'companies/demo.yaml',
    );
    const dataDir = await mkdtemp(path.join(tmpdir(), 'backchannel-memory-'));
    const runtime = await startRuntime({ config, port: 0, dataDir, startScheduler: false, log: () => {} });
    idle = () => runtime.waitForIdle(600_000);
    stop = async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
    send({
      ready: true,
      url: runtime.webhookUrls.meta as string,
      appSecret: parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret,
    });
  } else {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stop = () => new Promise((resolve) => server.close(() => resolve()));
    send({
      ready: true,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/meta`,
      appSecret: 'bare',
    });
  }
  process.on('message', (message: Request) => {
    const reply = async (): Promise<Reply> => {
      switch (message.cmd) {
        case 'memory':
          return { id: message.id, memory: memory() };
        case 'gc-memory':
          gc();
          // A second pass after the event loop turned: finalizers and freed sockets settle.
          await new Promise((resolve) => setTimeout(resolve, 500));
          gc();
          return { id: message.id, memory: memory() };
        case 'idle':
          await idle();
          return { id: message.id };
        case 'stop':
          await stop();
          return { id: message.id };
      }
    };
    reply()
      .then(send, (error: unknown) => send({ id: message.id, error: String(error) }))
      .finally(() => {
        if (message.cmd === 'stop') process.disconnect();
      });
  });
}

// ---- parent side ------------------------------------------------------------------------

class Child {
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private constructor(
    private readonly process: ChildProcess,
    readonly url: string,
    readonly appSecret: string,
  ) {
    process.on('message', (message: Reply) => {
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
  }

  static start(kind: 'runtime' | 'bare'): Promise<Child> {
    const file = fileURLToPath(import.meta.url);
    const proc = fork(file, ['--child', kind], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`the ${kind} child exited with ${code}`)));
      proc.once('message', (message: Ready) => resolve(new Child(proc, message.url, message.appSecret)));
    });
  }

  async ask(cmd: Request['cmd']): Promise<Reply> {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => this.waiting.set(id, resolve));
    this.process.send({ id, cmd } satisfies Request);
    const answer = await reply;
    if (answer.error) throw new Error(`child: ${answer.error}`);
    return answer;
  }

  async memory(gc = false): Promise<Memory> {
    return (await this.ask(gc ? 'gc-memory' : 'memory')).memory as Memory;
  }

  async stop(): Promise<void> {
    this.process.removeAllListeners('exit');
    await this.ask('stop');
    await new Promise((resolve) => this.process.once('exit', resolve));
  }
}

function webhookBody(index: number, burst: number): string {
  return metaFeedWebhook({
    item: 'status',
    post_id: `${DEMO_PAGE_ID}_${burst}${String(index).padStart(7, '0')}`,
    from: { id: `88${burst}${index}`, name: `Memory Tester ${index}` },
    message: `Mein Lastenrad Nummer ${index} ist kaputt, wer hilft mir? Der Akku lädt nicht mehr und der Service antwortet nicht.`,
    published: 1,
  });
}

async function burst(
  target: Child,
  count: number,
  burstNo: number,
  concurrency: number,
): Promise<{ ok: number; failed: number; peak: Memory }> {
  const { signMetaBody } = await import('../shared/platforms/meta.ts');
  let peak = await target.memory();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const m = await target.memory();
      peak = {
        rss: Math.max(peak.rss, m.rss),
        heapUsed: Math.max(peak.heapUsed, m.heapUsed),
        external: Math.max(peak.external, m.external),
      };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  let next = 0;
  let ok = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const body = webhookBody(next++, burstNo);
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, target.appSecret) },
        body,
      });
      await response.arrayBuffer();
      if (response.status === 200) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await target.ask('idle');
  sampling = false;
  await sampler;
  return { ok, failed, peak };
}

interface Row {
  readonly server: string;
  readonly stage: string;
  readonly memory: Memory;
  readonly note?: string;
}

async function measure(
  kind: 'runtime' | 'bare',
  webhooks: number,
  bursts: number,
  concurrency: number,
  idleSeconds: number,
): Promise<Row[]> {
  const target = await Child.start(kind);
  const label = kind === 'runtime' ? 'runtime (data dir)' : 'bare node:http';
  const rows: Row[] = [];
  try {
    // Warm-up: the first requests load modules, models and clients that stay for the process's life.
    await burst(target, 50, 9, concurrency);
    rows.push({ server: label, stage: 'baseline (after warm-up, GC)', memory: await target.memory(true) });
    for (let b = 1; b <= bursts; b++) {
      const started = performance.now();
      const result = await burst(target, webhooks, b, concurrency);
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        server: label,
        stage: `burst ${b}: peak`,
        memory: result.peak,
        note: `${result.ok} answered 200, ${result.failed} not; ${seconds.toFixed(1)} s to idle`,
      });
      rows.push({ server: label, stage: `burst ${b}: after burst, idle`, memory: await target.memory() });
      // What a user sees: V8 left alone, no forced GC, for half a minute of quiet.
      await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
      rows.push({
        server: label,
        stage: `burst ${b}: after ${idleSeconds} s more idle, no forced GC`,
        memory: await target.memory(),
      });
      rows.push({ server: label, stage: `burst ${b}: after GC`, memory: await target.memory(true) });
    }
  } finally {
    await target.stop();
  }
  return rows;
}

function table(rows: readonly Row[]): string {
  const mb = (n: number) => (n / MB).toFixed(1);
  const lines = ['| server | stage | RSS MB | heap used MB | external MB | note |', '|---|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| ${r.server} | ${r.stage} | ${mb(r.memory.rss)} | ${mb(r.memory.heapUsed)} | ${mb(r.memory.external)} | ${r.note ?? ''} |`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string, fallback: number) => {
    const index = args.indexOf(flag);
    return index >= 0 ? Number(args[index + 1]) : fallback;
  };
  const webhooks = value('--webhooks', 1000);
  const bursts = value('--bursts', 2);
  const concurrency = value('--concurrency', 16);
  const idleSeconds = value('--idle-seconds', 30);
  const bare = await measure('bare', webhooks, bursts, concurrency, idleSeconds);
  const runtime = await measure('runtime', webhooks, bursts, concurrency, idleSeconds);
  process.stdout.write(
    `## Memory after bursts (${webhooks} signed webhooks per burst, ${concurrency} in flight)\n\n${table([...bare, ...runtime])}\n\n`,
  );
  const base = runtime[0]?.memory;
  const last = runtime.at(-1)?.memory;
  if (base && last) {
    process.stdout.write(
      `runtime after the last burst and GC vs baseline: RSS ${((last.rss - base.rss) / MB).toFixed(1)} MB, heap used ${((last.heapUsed - base.heapUsed) / MB).toFixed(1)} MB\n`,
    );
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) await child(process.argv[childIndex + 1] === 'bare' ? 'bare' : 'runtime');
else await main();
