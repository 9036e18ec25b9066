import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The SDK clients whose bundles take a lean copy of the package (`leanClientCopy`), and the
 * operations the functions call with each: SES v2 (-43 KiB in handle-department, detect-spikes,
 * build-report) and S3 (-56 KiB in classify-mention, train-model) for their schemas; DynamoDB,
 * EventBridge and Secrets Manager for their package.json and the error classes of operations no
 * function calls. The bundle smoke test holds every bundle to these operations. SQS stays as
 * published: the benches' baseline carries it, and the functions' SQS would then differ from it.
 */
export const LEAN_CLIENT_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  '@aws-sdk/client-sesv2': ['SendEmail'],
  // CreateSession: the S3 Express session the client opens itself for a directory bucket.
  '@aws-sdk/client-s3': ['GetObject', 'PutObject', 'ListObjectsV2', 'CreateSession'],
  // The document client's Get, Put, Update, Delete, Query, Scan, BatchWrite and BatchGet.
  '@aws-sdk/client-dynamodb': [
    'GetItem',
    'PutItem',
    'UpdateItem',
    'DeleteItem',
    'Query',
    'Scan',
    'BatchWriteItem',
    'BatchGetItem',
    // The client's own endpoint discovery (`endpointDiscoveryEnabled`).
    'DescribeEndpoints',
  ],
  '@aws-sdk/client-eventbridge': ['PutEvents'],
  // Powertools' SecretsProvider (shared/adapters/secret-cache.ts) reads with GetSecretValue.
  '@aws-sdk/client-secrets-manager': ['GetSecretValue'],
};

/** The packages of LEAN_CLIENT_OPERATIONS. */
export const LEAN_SCHEMA_CLIENTS: readonly string[] = Object.keys(LEAN_CLIENT_OPERATIONS);

/**
 * Changes with what a copy holds: copies of an older layout (another checkout's `.backchannel/`)
 * are then not taken for new ones.
 */
const COPY_LAYOUT = 'lean2';

/**
 * The fields of a client's package.json that its copy keeps. Every client's runtime config
 * imports its package.json whole (`import packageInfo from "../package.json"`), and esbuild
 * bundles a JSON default import as the entire object (2-2.6 KiB: scripts, dependencies,
 * typesVersions...) for the one `packageInfo.version` of the user agent; `sideEffects` is what
 * esbuild reads of the package to shake it.
 */
const KEPT_PACKAGE_FIELDS = ['name', 'version', 'sideEffects'] as const;

/** Where the client's schema module lies inside its `dist-es` folder (one per client in SDK 3.11xx). */
const SCHEMA_MODULE = path.join('schemas', 'schemas_0.js');

/**
 * A copy of an SDK client's ES modules and package.json under `.backchannel/sdk-lean/` of the
 * project (one folder per package version), the package.json with only the fields a bundle
 * reads (`leanPackageJson`), and two changes to its schema module. The error classes of the
 * operations the functions do not call (LEAN_CLIENT_OPERATIONS, their `@throws` in the package's
 * typings) are not registered (`withoutErrorsBut`): every schema module registers every error of
 * the service at its top level (DynamoDB: 36, from backups, exports, global tables, transactions),
 * which keeps them all in each bundle (9 KiB of classes in DynamoDB's). An error code the service
 * returns anyway would reach the caller as the client's service exception with that `name` and
 * `$fault` (what the SDK does with any code it has no class for); the project tells errors
 * apart by `name`. And a computed key whose name is one of the
 * module's string constants (`{ [_e]: _c }`, every error and HTTP binding trait) is written
 * as that string (`{ "error": _c }`), the same object. esbuild treats a computed key as a
 * possible side effect and keeps every schema of every operation (SES v2: 48 KiB for the one
 * SendEmail the functions call); with literal keys it leaves out those nothing imports.
 * Written once per package version; returns the copy's entry (its `dist-es/index.js`), absolute.
 * The copy imports the packages it depends on from the project's node_modules, as the client
 * does: it lies inside the project.
 *
 * @throws LeanClientCopyError when the schema module is missing or holds no such key (the SDK
 * changed its layout: the copy would save nothing, or miss the schemas)
 */
export function leanClientCopy(projectRoot: string, pkg: string): string {
  const key = `${projectRoot}\0${pkg}`;
  const cached = written.get(key);
  if (cached) return cached;
  const require = createRequire(path.join(projectRoot, 'package.json'));
  const packageDir = path.dirname(require.resolve(`${pkg}/package.json`));
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  // One folder per package version, written whole under a temporary name and renamed into
  // place: test files bundling in parallel processes never see a half-written copy.
  const copy = path.join(projectRoot, '.backchannel', 'sdk-lean', `${pkg.replace('/', '+')}@${version}+${COPY_LAYOUT}`);
  const entry = path.join(copy, 'dist-es', 'index.js');
  if (!existsSync(entry)) {
    const temporary = `${copy}.${process.pid}-${randomUUID()}`;
    mkdirSync(temporary, { recursive: true });
    cpSync(path.join(packageDir, 'dist-es'), path.join(temporary, 'dist-es'), { recursive: true });
    writeFileSync(
      path.join(temporary, 'package.json'),
      leanPackageJson(readFileSync(path.join(packageDir, 'package.json'), 'utf8')),
    );
    const schemaFile = path.join(temporary, 'dist-es', SCHEMA_MODULE);
    let source: string;
    try {
      source = readFileSync(schemaFile, 'utf8');
    } catch (cause) {
      rmSync(temporary, { recursive: true, force: true });
      throw new LeanClientCopyError(`${pkg} has no ${SCHEMA_MODULE}`, { cause });
    }
    const { text, replaced } = literalSchemaKeys(source);
    if (replaced === 0) {
      rmSync(temporary, { recursive: true, force: true });
      throw new LeanClientCopyError(`${pkg}'s ${SCHEMA_MODULE} has no computed key to write as a literal`);
    }
    const operations = LEAN_CLIENT_OPERATIONS[pkg] ?? [];
    const { text: registered, dropped } = withoutErrorsBut(text, thrownBy(packageDir, pkg, operations));
    if (dropped === 0 && operations.length > 0) {
      rmSync(temporary, { recursive: true, force: true });
      throw new LeanClientCopyError(`${pkg}'s ${SCHEMA_MODULE} registers no error to leave out`);
    }
    writeFileSync(schemaFile, registered);
    try {
      renameSync(temporary, copy);
    } catch (error) {
      // Another process renamed its copy first: the same files.
      rmSync(temporary, { recursive: true, force: true });
      if (!existsSync(entry)) throw error;
    }
  }
  written.set(key, entry);
  return entry;
}
const written = new Map<string, string>();

/**
 * The errors the operations of a client may throw, as their typings list them
 * (`@throws {@link Name}` in `dist-types/commands/<Operation>Command.d.ts`).
 * @throws LeanClientCopyError when an operation has no typings or lists no error
 */
function thrownBy(packageDir: string, pkg: string, operations: readonly string[]): ReadonlySet<string> {
  const errors = new Set<string>();
  for (const operation of operations) {
    const typings = path.join(packageDir, 'dist-types', 'commands', `${operation}Command.d.ts`);
    let text: string;
    try {
      text = readFileSync(typings, 'utf8');
    } catch (cause) {
      throw new LeanClientCopyError(`${pkg} has no typings of ${operation}`, { cause });
    }
    const listed = [...text.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]!);
    if (listed.length === 0) throw new LeanClientCopyError(`${pkg}'s ${operation} lists no error it throws`);
    for (const name of listed) errors.add(name);
  }
  return errors;
}

/**
 * The schema module without the `<namespace>_registry.registerError(Name$, Name);` lines of
 * errors not in `kept`; the service's base exception (`_s_registry`) stays. Returns the text
 * and how many registrations it left out.
 */
export function withoutErrorsBut(
  source: string,
  kept: ReadonlySet<string>,
): { readonly text: string; readonly dropped: number } {
  let dropped = 0;
  const text = source.replace(
    /^(\w+)_registry\.registerError\((\w+)\$, (\w+)\);\n/gm,
    (whole, registry: string, schema: string, error: string) => {
      if (registry === '_s' || schema !== error || kept.has(error)) return whole;
      dropped++;
      return '';
    },
  );
  return { text, dropped };
}

/** A client's package.json with only KEPT_PACKAGE_FIELDS (those it has), as JSON text. */
export function leanPackageJson(text: string): string {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  return JSON.stringify(
    Object.fromEntries(KEPT_PACKAGE_FIELDS.filter((field) => field in manifest).map((f) => [f, manifest[f]])),
  );
}

/**
 * `[_x]:` written as `"value":` where the module declares `const _x = "value";` (a string
 * without escapes); any other computed key stays. Returns the text and how many keys changed.
 */
export function literalSchemaKeys(source: string): { readonly text: string; readonly replaced: number } {
  const constants = new Map<string, string>();
  for (const match of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) constants.set(match[1]!, match[2]!);
  let replaced = 0;
  const text = source.replace(/\[(_\w+)\]:/g, (whole, name: string) => {
    const value = constants.get(name);
    if (value === undefined) return whole;
    replaced++;
    return `${value}:`;
  });
  return { text, replaced };
}

/** An SDK client's package does not have the layout `leanClientCopy` rewrites. */
export class LeanClientCopyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`Lambda bundle client copy (infra/sdk-lean/client-schemas.ts): ${message}`, options);
    this.name = 'LeanClientCopyError';
  }
}
