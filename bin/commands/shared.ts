/**
 * What every CLI command shares: the usage error, option parsing, the company config and
 * the local runtime's data directory. bin/backchannel.ts registers the commands.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CompanyConfig } from '../../shared/config/schema.ts';

/** Wrong options or arguments: the CLI prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

export const DEFAULT_COMPANY = 'demo';

/** `.backchannel/<company>`: where a persisted runtime keeps its table, secrets and record. */
export const dataDirOf = (company: string) => path.resolve('.backchannel', company);

/** `parseArgs` in strict mode with `--help`; a parse error is a UsageError of the command. */
export function parse<const O extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(
  args: string[],
  options: O,
  command: string,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

/** Prints the usage when `--help` was given; the command then returns 0. */
export function helpShown(values: { help?: boolean | undefined }, usage: string): boolean {
  if (values.help) process.stdout.write(`${usage}\n`);
  return values.help === true;
}

export function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, command);
}

export async function loadConfig(company: string): Promise<CompanyConfig> {
  const { loadCompanyConfig } = await import('../../shared/config/load.ts');
  return loadCompanyConfig(company);
}

/** `--region`, else AWS_REGION / AWS_DEFAULT_REGION; a UsageError when none is set. */
export function regionOf(region: string | undefined, command: string): string {
  const resolved = region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!resolved) throw new UsageError('--region is required (or set AWS_REGION)', command);
  return resolved;
}

/**
 * Runs `use` against the local table of a company: through the running runtime's
 * DynamoDB endpoint (.backchannel/<company>/runtime.json), or else by opening the persisted
 * data directory for the time of the call. Returns 1 with a message when there is no data.
 */
export async function withLocalTable(
  config: CompanyConfig,
  use: (env: Record<string, string | undefined>, tableName: string) => Promise<number>,
): Promise<number> {
  const company = config.company.id;
  const dataDir = dataDirOf(company);
  const { readRuntimeRecord, isAlive } = await import('../../infra/local/runtime-record.ts');
  const { adminEnv } = await import('../../infra/local/demo.ts');
  const record = await readRuntimeRecord(dataDir);
  if (record && isAlive(record.pid)) return use(adminEnv(record.region, record.endpoints.dynamodb), record.tableName);
  const dynamoDir = path.join(dataDir, 'dynamodb');
  if (!existsSync(dynamoDir)) {
    process.stderr.write(
      `No local data for ${company} in ${path.relative(process.cwd(), dataDir)}/: run \`npm start\` (without --memory) first.\n`,
    );
    return 1;
  }
  const { startDynamoDb, LOCAL_REGION } = await import('../../infra/local/backends.ts');
  const { buildTopology } = await import('../../infra/topology.ts');
  const tableName = buildTopology(config).table.name;
  const backend = await startDynamoDb({ dataDir: dynamoDir });
  try {
    return await use(adminEnv(LOCAL_REGION, backend.endpoint), tableName);
  } finally {
    await backend.stop();
  }
}
