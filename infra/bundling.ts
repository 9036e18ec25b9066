import { cpSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { HolidayTable } from '../shared/config/holiday-table.ts';
import { holidayTableOf } from '../shared/config/holidays.ts';
import type { CompanyConfig } from '../shared/config/schema.ts';
import type { FunctionSpec } from './topology.ts';

/**
 * How every function is bundled: the one source of the esbuild settings that the CDK stack
 * (constructs/backchannel-function.ts, through NodejsFunction), the bundle bench
 * (bench/bundles.ts) and the bundle smoke test (test/e2e/bundles.test.ts) share. The
 * stack passes these to NodejsFunction, which runs esbuild with exactly the options
 * `lambdaBuildOptions` spells out.
 */
export const LAMBDA_BUNDLE = {
  /** NodejsFunction derives it from the runtime (Node.js 22). */
  target: 'node22',
  format: 'esm',
  platform: 'node',
  // Bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  /**
   * Packages replaced in the bundle by a module of the project (relative to its root):
   * zod without its 64 locale files (infra/zod-lean/), 444 KB of every function.
   */
  alias: { zod: 'infra/zod-lean/index.ts' },
  /** The bundle's file name inside the asset (NodejsFunction's name for an ESM bundle). */
  outputFile: 'index.mjs',
} as const;

/** LAMBDA_BUNDLE.alias with absolute paths (esbuild resolves an alias in its working directory). */
export function bundleAlias(projectRoot: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(LAMBDA_BUNDLE.alias).map(([name, to]) => [name, path.join(projectRoot, to)]),
  );
}

/**
 * esbuild `define` replacements of a function: the company config, too large for Lambda's
 * 4 KB environment, replaces the expression `process.env.<name>` as a string literal.
 */
export function bundleDefine(spec: Pick<FunctionSpec, 'environment'>, config: CompanyConfig): Record<string, string> {
  const define: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.environment)) {
    if (value.kind === 'companyConfig') {
      define[`process.env.${name}`] = JSON.stringify(JSON.stringify(config));
      // The public holidays of the config's regions, resolved now: a bundle that keeps an SLA
      // clock then carries a few KB of days instead of date-holidays (1.3 MiB).
      define[`process.env.${HOLIDAY_TABLE_ENV}`] = JSON.stringify(JSON.stringify(cachedHolidayTable(config)));
    }
  }
  return define;
}

/** The variable (replaced at bundle time) whose value is the config's holiday table (shared/config/holiday-table.ts). */
export const HOLIDAY_TABLE_ENV = 'BACKCHANNEL_HOLIDAYS';

const holidayTables = new WeakMap<CompanyConfig, HolidayTable>();
/** One table per config object: computing it costs about 8 ms per region and year, and every function of a stack asks. */
function cachedHolidayTable(config: CompanyConfig): HolidayTable {
  let table = holidayTables.get(config);
  if (!table) {
    table = holidayTableOf(config);
    holidayTables.set(config, table);
  }
  return table;
}

/**
 * The esbuild options of one function's bundle, as NodejsFunction builds it: ESM for
 * Node.js 22, the AWS SDK inside, native modules left out (they are installed beside it).
 *
 * @param projectRoot entries are relative to it
 * @param outdir where `index.mjs` (and its source map) are written
 */
export function lambdaBuildOptions(
  spec: Pick<FunctionSpec, 'entry' | 'environment' | 'nativeModules'>,
  config: CompanyConfig,
  projectRoot: string,
  outdir: string,
): BuildOptions {
  return {
    entryPoints: { index: `${projectRoot}/${spec.entry}` },
    outExtension: { '.js': '.mjs' },
    outdir,
    bundle: true,
    platform: LAMBDA_BUNDLE.platform,
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    external: (spec.nativeModules ?? []).map((m) => m.module),
    define: bundleDefine(spec, config),
    alias: bundleAlias(projectRoot),
    absWorkingDir: projectRoot,
    logLevel: 'error',
    metafile: true,
  };
}

/** One built function bundle: where it is and what esbuild put into it. */
export interface BuiltBundle {
  /** The bundle's directory: `index.mjs`, its source map and the function's assets. */
  readonly dir: string;
  readonly file: string;
  /** Input paths (relative to the project root) and their bytes in the output. */
  readonly inputs: Readonly<Record<string, number>>;
}

/**
 * Builds one function's asset the way the stack does (esbuild with lambdaBuildOptions, then
 * the spec's assets copied beside it, as the stack's afterBundling hook does). Native
 * modules are left external and resolve from the project's node_modules when the bundle
 * directory is inside the project.
 */
export async function buildLambdaBundle(
  spec: Pick<FunctionSpec, 'entry' | 'environment' | 'nativeModules' | 'assets'>,
  config: CompanyConfig,
  projectRoot: string,
  outdir: string,
): Promise<BuiltBundle> {
  const { build } = await import('esbuild');
  const result = await build(lambdaBuildOptions(spec, config, projectRoot, outdir));
  for (const asset of spec.assets ?? []) {
    const from = path.join(projectRoot, asset.from);
    const to = path.join(outdir, asset.to);
    mkdirSync(to, { recursive: true });
    cpSync(from, statSync(from).isDirectory() ? to : path.join(to, path.basename(from)), { recursive: true });
  }
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
  const inputs = Object.fromEntries(Object.entries(output?.inputs ?? {}).map(([p, i]) => [p, i.bytesInOutput]));
  return { dir: outdir, file: path.join(outdir, LAMBDA_BUNDLE.outputFile), inputs };
}

/**
 * The variables every function gets besides its topology environment. The bundle always
 * ships its source map; with `sourceMaps` Node maps stack traces through it
 * (`--enable-source-maps`), which bench:bundles measured at 14-75 ms per cold start, so it
 * is off unless asked for (`npx cdk deploy -c sourceMaps=true`).
 */
export function lambdaBaseEnvironment(logLevel: string, sourceMaps: boolean): Record<string, string> {
  return { POWERTOOLS_LOG_LEVEL: logLevel, ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}) };
}
