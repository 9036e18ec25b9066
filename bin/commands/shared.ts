/**
 * What every CLI command shares: the usage error, option parsing, the company config and
 * the local runtime's data directory. bin/backchannel.ts registers the commands.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * A command's preamble: its options parsed strictly (with `--help`), the usage printed for
 * `--help` (then undefined: the command returns 0), and no positional argument unless the
 * command takes some.
 * @throws UsageError for an unknown option, a missing value or an unexpected argument
 */
export function parseCommand<const O extends OptionSpecs>(
  args: string[],
  options: O,
  command: string,
  usage: string,
  { positionals = false }: { positionals?: boolean } = {},
): ReturnType<typeof parse<O>> | undefined {
  const parsed = parse(args, options, command);
  if (helpShown(parsed.values, usage)) return undefined;
  if (!positionals) noPositionals(parsed.positionals, command);
  return parsed;
}

/** `--company`, `--table` and `--region`: the options of every command that reads the company's table. */
export const TABLE_OPTIONS = {
  company: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
} as const;

/** The help lines of TABLE_OPTIONS. */
export const TABLE_OPTIONS_HELP = `  --company <id>   the company (default: ${DEFAULT_COMPANY})
  --table <name>   a deployed table by its name (default: with --region the table of the
                   company's deployed stack, from its outputs; else the local runtime's)
  --region <r>     the region of the deployed stack or table (default: AWS_REGION)`;

/** Where a command's table is: `--table` and `--region` of TABLE_OPTIONS. */
export interface TableWhere {
  readonly table?: string | undefined;
  readonly region?: string | undefined;
}

/**
 * Runs `use` against the company's table: `--table <name>` a deployed table by name;
 * `--region` alone the table of the company's deployed stack (CloudFormation named it:
 * the name is in the stack's outputs, bin/commands/stack-names.ts); neither the local
 * runtime's table (withLocalTable). Deployed tables are reached with the SDK's default
 * credentials: your profile, environment or SSO session.
 */
export async function withTable(
  config: CompanyConfig,
  where: TableWhere,
  command: string,
  use: (env: Record<string, string | undefined>, tableName: string, deployed: boolean) => Promise<number>,
): Promise<number> {
  if (where.table) return use({ AWS_REGION: regionOf(where.region, command) }, where.table, true);
  if (where.region !== undefined) {
    const region = regionOf(where.region, command);
    const { buildTopology } = await import('../../infra/topology.ts');
    const { deployedTopology } = await import('./stack-names.ts');
    const { topology } = await deployedTopology(buildTopology(config), region);
    return use({ AWS_REGION: region }, topology.table.name, true);
  }
  return withLocalTable(config, (env, tableName) => use(env, tableName, false));
}

/** withTable with a DynamoDB document client on the table, destroyed when `use` is done. */
export async function withDocuments(
  config: CompanyConfig,
  where: TableWhere,
  command: string,
  use: (documents: DynamoDBDocumentClient, tableName: string, deployed: boolean) => Promise<number>,
): Promise<number> {
  const { createDocumentClient } = await import('../../shared/adapters/aws-clients.ts');
  return withTable(config, where, command, async (env, tableName, deployed) => {
    const client = createDocumentClient(env);
    try {
      return await use(client, tableName, deployed);
    } finally {
      client.destroy();
    }
  });
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

/**
 * A `<command> --down [--to <format>] [--dry-run]` over the company's table: the step of a
 * rollback past an item's format fence (case-format, theme-format). `down` rewrites (or, dry,
 * counts) the items and says what it did in one line; exit 1 when some changed meanwhile (run
 * again). `--to` is accepted only when `formats` names the formats it may go down to.
 */
export async function runFormatDown(
  args: string[],
  command: string,
  usage: string,
  downMeans: string,
  down: (
    documents: DynamoDBDocumentClient,
    tableName: string,
    dryRun: boolean,
    to: string | undefined,
  ) => Promise<{ readonly line: string; readonly changed: number }>,
  formats: readonly string[] = [],
): Promise<number> {
  const parsed = parseCommand(
    args,
    { down: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, to: { type: 'string' }, ...TABLE_OPTIONS },
    command,
    usage,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.down !== true) throw new UsageError(`--down is required (${downMeans})`, command);
  if (values.to !== undefined && !formats.includes(values.to)) {
    throw new UsageError(
      formats.length === 0 ? '--to is not an option of this command' : `--to must be one of ${formats.join(', ')}`,
      command,
    );
  }
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const dryRun = values['dry-run'] === true;
  return withDocuments(config, values, command, async (documents, tableName) => {
    const outcome = await down(documents, tableName, dryRun, values.to);
    process.stdout.write(`${outcome.line}\n`);
    return outcome.changed > 0 ? 1 : 0;
  });
}
