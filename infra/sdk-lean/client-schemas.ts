import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The SDK clients whose bundles take a copy of the package with shakeable schemas
 * (`leanClientCopy`): SES v2 (-43 KiB in handle-department, detect-spikes, build-report) and
 * S3 (-56 KiB in classify-mention, train-model). DynamoDB, EventBridge and Secrets Manager
 * would save under 1 KiB each (their schemas are few or used), so they stay as published.
 */
export const LEAN_SCHEMA_CLIENTS = ['@aws-sdk/client-sesv2', '@aws-sdk/client-s3'] as const;

/** Where the client's schema module lies inside its `dist-es` folder (one per client in SDK 3.11xx). */
const SCHEMA_MODULE = path.join('schemas', 'schemas_0.js');

/**
 * A copy of an SDK client's ES modules and package.json under `.backchannel/sdk-lean/` of the
 * project (one folder per package version), with one change to its schema module: a computed key whose name is one of the
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
  const copy = path.join(projectRoot, '.backchannel', 'sdk-lean', `${pkg.replace('/', '+')}@${version}`);
  const entry = path.join(copy, 'dist-es', 'index.js');
  if (!existsSync(entry)) {
    const temporary = `${copy}.${process.pid}-${randomUUID()}`;
    mkdirSync(temporary, { recursive: true });
    cpSync(path.join(packageDir, 'dist-es'), path.join(temporary, 'dist-es'), { recursive: true });
    cpSync(path.join(packageDir, 'package.json'), path.join(temporary, 'package.json'));
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
    writeFileSync(schemaFile, text);
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
