import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';
import type { HolidayTable } from '../shared/config/holiday-table.ts';
import { holidayTableOf } from '../shared/config/holidays.ts';
import { MODEL_LANGUAGES } from '../shared/classifier/language.ts';
import type { ModelLanguage } from '../shared/classifier/model-codec.ts';
import { SHIPPED_TRAINING } from '../shared/classifier/build-models.ts';
import { SHIPPED_FEATURES } from '../shared/classifier/features.ts';
import { SHIPPED_MODELS } from '../shared/classifier/models/index.ts';
import { STAGE_LEXICONS } from '../shared/classifier/sentiment-stage.ts';
import { MODEL_MANIFEST } from '../shared/classifier/shipped-models.ts';
import { classifierLanguagesOf, type CompanyConfig } from '../shared/config/schema.ts';
import { platformRegistry } from '../shared/platforms/registry.ts';
import { youTubeAdapter } from '../shared/platforms/youtube.ts';
import { LEAN_SCHEMA_CLIENTS, leanClientCopy } from './sdk-lean/client-schemas.ts';
import { MODELS_BUCKET } from './topology-constants.ts';
import { WEBHOOK_PATH, type FunctionSpec } from './topology.ts';

/** The package of the SDK clients' default credential chain (every client's runtime config imports it). */
export const SDK_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
/** The SDK's checksum module (every client's runtime config imports its Sha256). */
export const SDK_CHECKSUM = '@smithy/core/checksum';

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
   * zod and zod/mini without their 64 locale files (infra/zod-lean/), 444 KB of every function;
   * mnemonist's LRU cache by a Map, the SDK's default credential chain by the links that serve
   * Lambda, its SHA-256 by node:crypto alone (infra/sdk-lean/).
   */
  alias: {
    zod: 'infra/zod-lean/index.ts',
    // zod/mini (shared/domain/zod-mini.ts) the same way, and the English messages it registers
    // (an alias of `zod` alone would turn these paths into paths below infra/zod-lean/index.ts).
    'zod/mini': 'infra/zod-lean/mini.ts',
    'zod/v4/locales/en.js': 'node_modules/zod/v4/locales/en.js',
    // DynamoDB's endpoint cache (every DynamoDB client builds one) on a Map instead of
    // mnemonist's LRU cache and its helpers: 7.5 KB of each bundle with a DynamoDB client.
    'mnemonist/lru-cache': 'infra/sdk-lean/lru-cache.ts',
    // Every client's default credential chain, without the profile, SSO, process and web
    // identity links and the STS / SSO OIDC clients they bring: the environment (Lambda's
    // execution role) and the container endpoint only; anything else fails with a clear error.
    [SDK_CREDENTIAL_CHAIN]: 'infra/sdk-lean/credential-provider.ts',
    // SHA-256 on node:crypto without the SDK's pure JavaScript fallback (Sha256Js, 3.3 KiB
    // of every bundle with a client); the module's other exports are the SDK's own.
    [SDK_CHECKSUM]: 'infra/sdk-lean/checksum.ts',
    // S3's SHA-1 the same way (its pure JavaScript Sha1Js, 2.8 KiB of every bundle with S3).
    '@aws-sdk/checksums/sha': 'infra/sdk-lean/checksums-sha.ts',
  },
  /** The bundle's file name inside the asset (NodejsFunction's name for an ESM bundle). */
  outputFile: 'index.mjs',
} as const;

/** The SDK's event-stream codec, which HttpProtocol imports with `import()` and S3 and Bedrock statically. */
export const SDK_EVENT_STREAMS = '@smithy/core/event-streams';

/**
 * Whether a function may call an operation that streams events: it is granted a model (Bedrock
 * Runtime's streaming Converse and InvokeModel). The others' bundles take SDK_EVENT_STREAMS
 * from infra/sdk-lean/event-streams.ts, whose marshaller throws when used: IAM lets a function
 * reach only what it is granted, and the S3 operations the functions call
 * (LEAN_CLIENT_OPERATIONS) stream none (S3's only one, SelectObjectContent, is not among them;
 * test/infra/sdk-lean-event-streams.test.ts holds the list to that).
 */
export function usesEventStreams(spec: Partial<Pick<FunctionSpec, 'grants'>>): boolean {
  return (spec.grants ?? []).some((g) => g.resource === 'model');
}

/**
 * A function's aliases with absolute paths (esbuild resolves an alias in its working
 * directory): LAMBDA_BUNDLE.alias, and the event-stream codec where the function calls no
 * operation that streams events (`usesEventStreams`); but for the packages named in `without`
 * (the bundle benches' baseline keeps the SDK's own credential chain and codec, as issue 12
 * defines it).
 */
export function bundleAlias(
  projectRoot: string,
  spec: Partial<Pick<FunctionSpec, 'grants'>>,
  without: readonly string[] = [],
): Record<string, string> {
  const aliases: Record<string, string> = { ...LAMBDA_BUNDLE.alias };
  if (!usesEventStreams(spec)) aliases[SDK_EVENT_STREAMS] = 'infra/sdk-lean/event-streams.ts';
  const absolute = Object.fromEntries(
    Object.entries(aliases)
      .filter(([name]) => !without.includes(name))
      .map(([name, to]) => [name, path.join(projectRoot, to)]),
  );
  // The clients with shakeable schemas: copies written now, under .backchannel/ (infra/sdk-lean/client-schemas.ts).
  for (const pkg of LEAN_SCHEMA_CLIENTS) {
    if (!without.includes(pkg)) absolute[pkg] = leanClientCopy(projectRoot, pkg);
  }
  return absolute;
}

/**
 * esbuild `define` replacements of a function: the company config, too large for Lambda's
 * 4 KB environment, replaces the expression `process.env.<name>` as a string literal.
 */
export function bundleDefine(spec: BundledSpec, config: CompanyConfig): Record<string, string> {
  const define: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.environment)) {
    if (value.kind === 'companyConfig') {
      define[`process.env.${name}`] = JSON.stringify(JSON.stringify(config));
      // The public holidays of the config's regions, resolved now: a bundle that keeps an SLA
      // clock then carries a few KB of days instead of date-holidays (1.3 MiB).
      define[`process.env.${HOLIDAY_TABLE_ENV}`] = JSON.stringify(JSON.stringify(cachedHolidayTable(config)));
      // The config was validated by the schema at synth: the bundle reads it with a small
      // check and without the schema (shared/config/config-json.ts).
      define[`process.env.${CONFIG_CHECKED_ENV}`] = JSON.stringify('synth');
    }
  }
  // The English lexicons (VADER's, the project's customer one) only for a function that loads
  // models and only where a shipped feature set or stage reads them, and then as a file beside
  // the bundle, not in it (shared/classifier/lexicon/index.ts).
  for (const [lexicon, variable] of Object.entries(OPTIONAL_LEXICON_ENV)) {
    if (!shipsEnglishLexicon(spec, config, lexicon)) define[`process.env.${variable}`] = JSON.stringify('off');
  }
  if (Object.keys(OPTIONAL_LEXICON_ENV).some((lexicon) => shipsEnglishLexicon(spec, config, lexicon)))
    define[`process.env.${LEXICON_FILE_EN_ENV}`] = JSON.stringify(LEXICON_FILE_EN);
  // The shipped models are files beside the bundle (bundleAssets), not string literals in it.
  if (loadsModels(spec)) {
    define[`process.env.${MODEL_FILES_ENV}`] = JSON.stringify(SHIPPED_MODEL_DIR);
    define[`process.env.${ELD_FILE_ENV}`] = JSON.stringify(ELD_FILE);
  }
  if (receivesWebhooks(spec)) {
    // Only the adapters of the platforms the config enables (shared/platforms/configured-registry.ts).
    for (const adapter of platformRegistry.adapters) {
      if (!adapter.isEnabled(config)) define[`process.env.${webhookOffEnv(adapter.id)}`] = JSON.stringify('off');
    }
    // YouTube's XML parser is a file beside the bundle, required on the first feed.
    if (readsXmlFeeds(spec, config)) define[`process.env.${XML_PARSER_FILE_ENV}`] = JSON.stringify(XML_PARSER_FILE);
  }
  return define;
}

/** What the bundle settings read of a function's spec (the baseline of the benches has no triggers). */
type BundledSpec = Pick<FunctionSpec, 'environment'> & Partial<Pick<FunctionSpec, 'triggers'>>;

/** The variable (replaced at bundle time) that leaves a webhook platform's adapter out of the bundle (shared/platforms/configured-registry.ts). */
export function webhookOffEnv(platformId: string): string {
  return `BACKCHANNEL_WEBHOOK_OFF_${platformId.toUpperCase()}`;
}

/** Whether a function parses YouTube's Atom feeds: it receives webhooks and the config enables YouTube. */
function readsXmlFeeds(spec: BundledSpec, config: CompanyConfig): boolean {
  return receivesWebhooks(spec) && youTubeAdapter.isEnabled(config);
}

/** Whether a function answers the platforms' webhooks (`/webhooks/{platform}`): it runs the inbound adapters. */
export function receivesWebhooks(spec: BundledSpec): boolean {
  return (spec.triggers ?? []).some(
    (t) =>
      (t.type === 'url' && t.paths.includes(WEBHOOK_PATH)) ||
      (t.type === 'http' && t.routes.some((r) => r.path === WEBHOOK_PATH)),
  );
}

/** The variable (replaced at bundle time) saying that the bundled config passed the schema at synth (shared/config/config-json.ts). */
export const CONFIG_CHECKED_ENV = 'BACKCHANNEL_CONFIG_CHECKED';

/** The variable (replaced at bundle time) naming the folder, beside the bundle, of the shipped models (shared/classifier/shipped-models.ts). */
export const MODEL_FILES_ENV = 'BACKCHANNEL_MODEL_FILES';
/** That folder, relative to the bundle's root. */
const SHIPPED_MODEL_DIR = 'models';
/** The variable (replaced at bundle time) naming eld's own bundle beside the function's (shared/classifier/language.ts). */
export const ELD_FILE_ENV = 'BACKCHANNEL_ELD_FILE';
const ELD_FILE = 'eld.mjs';
/** The variable (replaced at bundle time) naming fast-xml-parser's own bundle beside the function's (shared/platforms/youtube.ts). */
export const XML_PARSER_FILE_ENV = 'BACKCHANNEL_XML_PARSER_FILE';
const XML_PARSER_FILE = 'xml-parser.cjs';

/**
 * Whether a function loads classifier models: it reads the models bucket (the company's
 * promoted models), and the shipped models are what it falls back to.
 */
export function loadsModels(spec: Pick<FunctionSpec, 'environment'>): boolean {
  return Object.values(spec.environment).some((v) => v.kind === 'bucket' && v.bucket === MODELS_BUCKET);
}

/**
 * The models a company's bundles ship: those of its configured languages
 * (`classifierLanguagesOf`) that have a model, and the language-agnostic `any` that every
 * other language takes.
 */
export function shippedModelLanguages(config: CompanyConfig): ModelLanguage[] {
  const configured = new Set(classifierLanguagesOf(config));
  return [...MODEL_LANGUAGES.filter((language) => configured.has(language)), 'any'];
}

/**
 * A function's files beside its bundle: the topology's assets, and for a function that
 * loads models, the shipped models of the company's languages (written under
 * `.backchannel/` of the project, the same base64 text as the modules `npm run train`
 * writes, with a manifest of their ids), so that the stack's afterBundling copy and
 * `buildLambdaBundle` put them into `models/`.
 */
export function bundleAssets(
  spec: BundledSpec & Pick<FunctionSpec, 'assets'>,
  config: CompanyConfig,
  projectRoot: string,
): { readonly from: string; readonly to: string }[] {
  const assets = [...(spec.assets ?? [])];
  if (loadsModels(spec)) {
    assets.push({ from: writeShippedModels(config, projectRoot), to: SHIPPED_MODEL_DIR });
    assets.push({ from: writeEldBundle(projectRoot), to: '.' });
  }
  if (Object.keys(OPTIONAL_LEXICON_ENV).some((lexicon) => shipsEnglishLexicon(spec, config, lexicon)))
    assets.push({ from: writeEnglishLexiconsBundle(projectRoot), to: '.' });
  if (readsXmlFeeds(spec, config)) assets.push({ from: writeXmlParserBundle(projectRoot), to: '.' });
  return assets;
}

/**
 * eld's extra-small detector bundled on its own (ESM, minified) under `.backchannel/` of the
 * project: the function imports it on the first text its function words do not decide, so
 * its 950 KB are neither in the function's bundle nor parsed at cold start.
 */
function writeEldBundle(projectRoot: string): string {
  return writeBesideBundle(
    projectRoot,
    'shipped-eld',
    ELD_FILE,
    "export { eld } from 'eld/extrasmall';",
    LAMBDA_BUNDLE.format,
  );
}

/**
 * The English lexicons (VADER's, 71,639 bytes of source, and the project's customer one) bundled
 * on their own (ESM, minified) under `.backchannel/` of the project: a function that loads models
 * imports them from beside its bundle (shared/classifier/lexicon/index.ts) since the English
 * sentiment stage reads them (round w19), so they do not weigh on the function's own bundle
 * (train-model's 1.3x line).
 */
function writeEnglishLexiconsBundle(projectRoot: string): string {
  return writeBesideBundle(
    projectRoot,
    'shipped-lexicons',
    LEXICON_FILE_EN,
    [
      "export { VADER_EN } from './shared/classifier/lexicon/vader-en.ts';",
      "export { CUSTOMER_LEXICON_EN, CUSTOMER_PHRASES_EN } from './shared/classifier/lexicon/en-cx.ts';",
    ].join('\n'),
    LAMBDA_BUNDLE.format,
  );
}

/**
 * Whether a function's bundle serves an optional English lexicon: it loads models, and the shipped
 * features or sentiment stage of a model it ships (the company's languages and `any`) read the
 * lexicon. A German-only company's bundles ship no English model, so no English lexicon.
 */
function shipsEnglishLexicon(spec: BundledSpec, config: CompanyConfig, lexicon: string): boolean {
  return loadsModels(spec) && shippedModelLanguages(config).some((language) => lexiconsOf(language).includes(lexicon));
}

/** The lexicons a shipped model of a language reads: its feature set's and its sentiment stage's. */
function lexiconsOf(language: ModelLanguage): readonly string[] {
  const { lexicon } = SHIPPED_FEATURES[language];
  const { stage } = SHIPPED_TRAINING[language].sentiment;
  return [...(lexicon ? [lexicon] : []), ...(stage ? STAGE_LEXICONS[stage] : [])];
}

/**
 * fast-xml-parser (the two exports YouTube's adapter uses) bundled on its own as CommonJS
 * under `.backchannel/` of the project: the adapter requires it on the first feed,
 * synchronously (`parse` is synchronous), so the 55 KiB of the parser and the packages under
 * it are not read at the cold start of a function that may never see a feed.
 */
function writeXmlParserBundle(projectRoot: string): string {
  const exports = "export { XMLParser, XMLValidator } from 'fast-xml-parser';";
  return writeBesideBundle(projectRoot, 'shipped-xml-parser', XML_PARSER_FILE, exports, 'cjs');
}

/**
 * A module shipped beside a function's bundle and loaded at its first use (eld, the XML
 * parser): `source` bundled on its own with the functions' settings, once per process and
 * project, into `.backchannel/<folder>/<file>`; returns that path relative to the project.
 */
function writeBesideBundle(
  projectRoot: string,
  folder: string,
  file: string,
  source: string,
  format: 'esm' | 'cjs',
): string {
  const relative = path.join('.backchannel', folder, file);
  const key = path.join(projectRoot, relative);
  if (!besideWritten.has(key)) {
    buildSync({
      stdin: { contents: source, resolveDir: projectRoot, loader: 'js' },
      outfile: key,
      bundle: true,
      platform: LAMBDA_BUNDLE.platform,
      target: LAMBDA_BUNDLE.target,
      format,
      minify: LAMBDA_BUNDLE.minify,
      absWorkingDir: projectRoot,
      logLevel: 'error',
    });
    besideWritten.add(key);
  }
  return relative;
}
const besideWritten = new Set<string>();

/** Writes the shipped models of a company's languages once per process and folder; returns the folder relative to the project. */
function writeShippedModels(config: CompanyConfig, projectRoot: string): string {
  const languages = shippedModelLanguages(config);
  const dir = path.join('.backchannel', 'shipped-models', languages.join('-'));
  const absolute = path.join(projectRoot, dir);
  if (!writtenModelDirs.has(absolute)) {
    rmSync(absolute, { recursive: true, force: true });
    mkdirSync(absolute, { recursive: true });
    const manifest: Partial<Record<ModelLanguage, string>> = {};
    for (const language of languages) {
      writeFileSync(path.join(absolute, `${language}.b64`), SHIPPED_MODELS[language].base64);
      manifest[language] = SHIPPED_MODELS[language].id;
    }
    writeFileSync(path.join(absolute, MODEL_MANIFEST), JSON.stringify(manifest));
    writtenModelDirs.add(absolute);
  }
  return dir;
}
const writtenModelDirs = new Set<string>();

/** The variable (replaced at bundle time) that leaves VADER's English lexicon out of a bundle (shared/classifier/lexicon/index.ts). */
export const LEXICON_OFF_EN_ENV = 'BACKCHANNEL_LEXICON_OFF_EN';
/** Likewise for the project's English customer lexicon (`en-cx`). */
export const LEXICON_OFF_EN_CX_ENV = 'BACKCHANNEL_LEXICON_OFF_EN_CX';
/** The variable (replaced at bundle time) naming the English lexicons' own bundle beside the function's (shared/classifier/lexicon/index.ts). */
export const LEXICON_FILE_EN_ENV = 'BACKCHANNEL_LEXICON_FILE_EN';
const LEXICON_FILE_EN = 'lexicons-en.mjs';
/** The lexicons a bundle may leave out, by name, with the variable that leaves each out. German is small and always in. */
export const OPTIONAL_LEXICON_ENV: Readonly<Record<string, string>> = {
  en: LEXICON_OFF_EN_ENV,
  'en-cx': LEXICON_OFF_EN_CX_ENV,
};

/**
 * The sentiment lexicons the shipped feature sets and the shipped sentiment stages (round w19:
 * English, both English lexicons) read: the shipped and company models are trained with them.
 */
export function shippedLexicons(): string[] {
  return [...new Set((Object.keys(SHIPPED_FEATURES) as ModelLanguage[]).flatMap(lexiconsOf))];
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
 * @param options.withoutAliases packages of LAMBDA_BUNDLE.alias bundled as they are (the benches' baseline)
 */
export function lambdaBuildOptions(
  spec: BundledSpec & Pick<FunctionSpec, 'entry' | 'nativeModules'> & Partial<Pick<FunctionSpec, 'grants'>>,
  config: CompanyConfig,
  projectRoot: string,
  outdir: string,
  options: BundleOptions = {},
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
    alias: bundleAlias(projectRoot, spec, options.withoutAliases),
    absWorkingDir: projectRoot,
    logLevel: 'error',
    metafile: true,
  };
}

/** How a bundle departs from the stack's settings: only the benches' baseline does. */
export interface BundleOptions {
  readonly withoutAliases?: readonly string[];
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
  spec: BundledSpec & Pick<FunctionSpec, 'entry' | 'nativeModules' | 'assets'> & Partial<Pick<FunctionSpec, 'grants'>>,
  config: CompanyConfig,
  projectRoot: string,
  outdir: string,
  options: BundleOptions = {},
): Promise<BuiltBundle> {
  const { build } = await import('esbuild');
  const result = await build(lambdaBuildOptions(spec, config, projectRoot, outdir, options));
  for (const asset of bundleAssets(spec, config, projectRoot)) {
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
