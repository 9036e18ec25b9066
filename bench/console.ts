/**
 * `npm run bench:console`: the web console's cost to a person's browser, each number beside
 * a baseline measured in the same run.
 *
 * 1. Bundle size, raw and gzip: the console's build against an empty Preact app built by
 *    the same Vite config (the floor any page with this framework pays).
 * 2. Time to first render of the queue with 500 open cases seeded in an in-memory local
 *    runtime (real dynalite, real admin API): from navigation to the first page of rows,
 *    against the admin API's own answer time for the same request (what the page adds).
 * 3. API calls per page: the admin API requests each page makes on a fresh load.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_DIR, CONSOLE_DIST, ensureConsoleBuilt } from '../infra/console-build.ts';
import { adminEnv } from '../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../infra/local/runtime.ts';
import { formatTable } from '../infra/local/text-table.ts';
import { createDocumentClient } from '../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../shared/adapters/dynamodb/index.ts';
import { caseIdForThread } from '../shared/domain/case.ts';
import { caseFactory } from '../test/factories/case.ts';
import { demoConfig } from '../test/factories/config.ts';
import { launchChromium } from '../test/support/browser.ts';
import { signIn } from '../test/support/console-session.ts';

const OPEN_CASES = 500;
const RUNS = 5;
const LEAD = 'aylin.demir@radwerk-hansen.example';

/** Raw and gzip bytes of a build's files (HTML, scripts, styles). */
function sizeOf(dist: string): { raw: number; gzip: number; files: number } {
  let raw = 0;
  let gzip = 0;
  let files = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(html|js|css)$/.test(name)) {
        const body = readFileSync(full);
        raw += body.length;
        gzip += gzipSync(body, { level: 9 }).length;
        files++;
      }
    }
  };
  walk(dist);
  return { raw, gzip, files };
}

/** An empty Preact app built by the console's Vite config: the baseline of the bundle size. */
async function buildBaseline(): Promise<string> {
  // Inside the repository so that it resolves preact from its node_modules; tmp/ is ignored by git.
  const root = path.join(CONSOLE_DIR, '..', 'tmp', 'bench-console-baseline');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, 'src'), { recursive: true });
  writeFileSync(
    path.join(root, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body><div id="app"></div><script type="module" src="/src/main.tsx"></script></body></html>',
  );
  writeFileSync(
    path.join(root, 'src', 'main.tsx'),
    "import { render } from 'preact';\nrender(<p>Backchannel</p>, document.getElementById('app') as HTMLElement);\n",
  );
  const { build } = await import('vite');
  await build({
    configFile: path.join(CONSOLE_DIR, 'vite.config.ts'),
    root,
    build: { outDir: path.join(root, 'dist'), emptyOutDir: true },
    logLevel: 'warn',
  });
  return path.join(root, 'dist');
}

/** Seeds open cases of service through the real case repository (what classify-mention would store). */
async function seedCases(runtime: Runtime, count: number): Promise<void> {
  const repository = new DynamoCaseRepository(
    createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb)),
    runtime.tableName,
  );
  const now = Date.now();
  const expiresAt = Math.floor(now / 1000) + 90 * 86_400;
  const priorities = ['high', 'normal', 'low'] as const;
  const platforms = ['facebook', 'instagram', 'x', 'linkedin', 'youtube'] as const;
  for (let start = 0; start < count; start += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - start) }, (_, k) => {
        const i = start + k;
        const platform = platforms[i % platforms.length] as (typeof platforms)[number];
        return repository.ensure(
          caseFactory({
            id: caseIdForThread(platform, `bench-thread-${i}`),
            platform,
            threadId: `bench-thread-${i}`,
            state: i % 3 === 0 ? 'new' : 'assigned',
            priority: priorities[i % 3] as (typeof priorities)[number],
            openedAt: new Date(now - i * 60_000).toISOString(),
            dueAt: new Date(now + ((i * 37) % 2880) * 60_000).toISOString(),
            firstMentionId: `${platform}:bench_${i}`,
            ...(i % 3 === 0 ? {} : { assignee: 'ole.hansen@radwerk-hansen.example' }),
          }),
          expiresAt,
        );
      }),
    );
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  // 1. Bundle size.
  const started = Date.now();
  rmSync(CONSOLE_DIST, { recursive: true, force: true });
  await ensureConsoleBuilt();
  const buildMs = Date.now() - started;
  const consoleSize = sizeOf(CONSOLE_DIST);
  const baselineSize = sizeOf(await buildBaseline());
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(
    `Console bundle (HTML + JS + CSS; gzip -9)\n${formatTable(
      ['build', 'files', 'raw', 'gzip'],
      [
        [
          'baseline: empty Preact app, same Vite config',
          String(baselineSize.files),
          kb(baselineSize.raw),
          kb(baselineSize.gzip),
        ],
        [`console (built in ${buildMs} ms)`, String(consoleSize.files), kb(consoleSize.raw), kb(consoleSize.gzip)],
        [
          'console minus baseline',
          '',
          kb(consoleSize.raw - baselineSize.raw),
          kb(consoleSize.gzip - baselineSize.gzip),
        ],
      ],
    )}\n\n`,
  );

  // 2. and 3. in a local runtime with 500 open cases.
  const config = demoConfig();
  const runtime = await startRuntime({ config, port: 0, startScheduler: false, log: () => {} });
  const browser = await launchChromium();
  try {
    await seedCases(runtime, OPEN_CASES);
    const token = Object.entries(runtime.adminTokens).find(([, c]) => c.email === LEAD)?.[0] as string;
    const query = '/cases?department=service&state=open&limit=100';
    const apiTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const answer = await fetch(`${runtime.url}${query}`, { headers: { authorization: `Bearer ${token}` } });
      await answer.json();
      apiTimes.push(performance.now() - t0);
    }
    const consoleUrl = `${runtime.url}/console/`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, consoleUrl, runtime.adminTokens, LEAD);
    const renderTimes: number[] = [];
    const allTimes: number[] = [];
    let firstRows = 0;
    let allRows = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await page.goto(`${consoleUrl}?department=service`);
      await page.locator('table.cases tbody tr').first().waitFor();
      renderTimes.push(performance.now() - t0);
      firstRows = await page.locator('table.cases tbody tr').count();
      // The rest of the 500, page by page, as a person pressing "load more" would.
      const more = page.getByRole('button', { name: 'Weitere laden' });
      while ((await more.count()) > 0) {
        const before = await page.locator('table.cases tbody tr').count();
        await more.click();
        await page
          .waitForFunction(`document.querySelectorAll('table.cases tbody tr').length > ${before}`, undefined, {
            polling: 50,
          })
          .catch(() => undefined);
        if ((await page.locator('table.cases tbody tr').count()) === before) break;
      }
      allTimes.push(performance.now() - t0);
      allRows = await page.locator('table.cases tbody tr').count();
    }
    const ms = (v: number) => `${Math.round(v)} ms`;
    process.stdout.write(
      `Queue of ${OPEN_CASES} open cases (median of ${RUNS} loads, 1280 px, headless Chromium)\n${formatTable(
        ['measure', 'rows', 'median', 'min', 'max'],
        [
          [
            'baseline: GET /cases (first page) from Node',
            '100',
            ms(median(apiTimes)),
            ms(Math.min(...apiTimes)),
            ms(Math.max(...apiTimes)),
          ],
          [
            'console: navigation to first rows on screen',
            String(firstRows),
            ms(median(renderTimes)),
            ms(Math.min(...renderTimes)),
            ms(Math.max(...renderTimes)),
          ],
          [
            'console: all rows after "load more"',
            String(allRows),
            ms(median(allTimes)),
            ms(Math.min(...allTimes)),
            ms(Math.max(...allTimes)),
          ],
        ],
      )}\n\n`,
    );

    // 3. API calls per page on a fresh load.
    const caseId = caseIdForThread('facebook', 'bench-thread-0');
    const pages: [string, string][] = [
      ['queue (department)', '?department=service'],
      ['my cases', '?mine=1'],
      ['case detail', `cases/${caseId}`],
      ['approvals', 'approvals'],
      ['key accounts', 'accounts'],
      ['themes', 'themes'],
      ['reports', 'reports'],
    ];
    const rows: string[][] = [];
    for (const [name, target] of pages) {
      const calls: string[] = [];
      const statics: string[] = [];
      const listener = (request: { url(): string }) => {
        const url = new URL(request.url());
        if (url.origin !== runtime.url) return;
        if (url.pathname === '/console/config.json' || !url.pathname.startsWith('/console')) calls.push(url.pathname);
        else statics.push(url.pathname);
      };
      page.on('request', listener);
      await page.goto(`${consoleUrl}${target}`);
      const loading = page.locator('[role=status]', { hasText: /^(Lädt|Loading) …$/ });
      await page.waitForTimeout(200);
      for (let i = 0; i < 100 && (await loading.count()) > 0; i++) await page.waitForTimeout(50);
      page.off('request', listener);
      rows.push([name, String(calls.length), [...new Set(calls)].join(' '), String(statics.length)]);
    }
    process.stdout.write(
      `Requests per page on a fresh load (API: admin routes and config.json; files: the page and its assets)\n${formatTable(
        ['page', 'API calls', 'which', 'files'],
        rows,
      )}\n`,
    );
  } finally {
    await browser.close();
    await runtime.stop();
  }
}

await main();
