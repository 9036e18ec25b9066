/**
 * The backchannel CLI. Run with tsx: `npm start` is `tsx bin/backchannel.ts start`,
 * `npm run backchannel -- <command>` runs any command.
 *
 * Exit codes: 0 done, 1 failed, 2 usage error.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CompanyConfig } from '../shared/config/schema.ts';

class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

const DEFAULT_COMPANY = 'demo';

/** `.backchannel/<company>`: where a persisted runtime keeps its table, secrets and record. */
const dataDirOf = (company: string) => path.resolve('.backchannel', company);

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'run the pipeline on this machine',
    usage: `Usage: backchannel start [--company <id>] [--port <n>] [--memory] [--demo]

Runs the company's stack locally: DynamoDB (dynalite), SQS (local-aws-sqs), the event bus,
the functions and the HTTP API with the webhook routes. Stop it with Ctrl+C.

Options:
  --company <id>  company config companies/<id>.yaml (default: ${DEFAULT_COMPANY})
  --port <n>      port of the HTTP API (default: 3000; 0 picks a free one)
  --memory        keep everything in memory instead of .backchannel/<company>/
  --demo          play the bundled sample webhooks (companies/<id>-webhooks/) through a
                  fresh in-memory runtime, print the cases per department, and exit
  -h, --help      show this help`,
    run: startCommand,
  },
  send: {
    summary: 'sign a webhook payload and POST it',
    usage: `Usage: backchannel send <file> [--platform meta] [--url <url>] [--secret <appSecret>] [--company <id>]

Signs the file's bytes as the platform does and POSTs them; prints the status and body.
Without --url and --secret, both come from the runtime that \`npm start\` runs for --company
(.backchannel/<company>/runtime.json and secrets.json).

Options:
  --platform <p>   platform whose signature to add (default: meta; supported: meta)
  --url <url>      webhook URL, e.g. http://127.0.0.1:3000/webhooks/meta
  --secret <s>     the platform's app secret
  --company <id>   company whose local runtime to use (default: ${DEFAULT_COMPANY})
  -h, --help       show this help`,
    run: sendCommand,
  },
  report: {
    summary: 'print the stored daily report of a day',
    usage: `Usage: backchannel report --day YYYY-MM-DD [--company <id>] [--build]
       backchannel report --day YYYY-MM-DD --table <name> [--region <region>]

Prints the daily summary per department stored for the day. Locally it reads the table of
.backchannel/<company>/ (through the running runtime, or by opening the data directory).
With --table it reads a deployed stack's table with your AWS credentials.
The schedule builds each day's report the next morning; --build builds it now (locally),
with the same build-report code, from the counters stored so far.

Options:
  --day <day>      the calendar day, YYYY-MM-DD (required)
  --company <id>   company of the local runtime (default: ${DEFAULT_COMPANY})
  --build          build the local report of the day first
  --table <name>   a deployed table, e.g. bc-acme-data
  --region <r>     its region (default: AWS_REGION)
  -h, --help       show this help`,
    run: reportCommand,
  },
};

const MAIN_USAGE = `Usage: backchannel <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`)
  .join('\n')}

Run \`backchannel <command> --help\` for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    process.stdout.write(`${topic && COMMANDS[topic] ? COMMANDS[topic].usage : MAIN_USAGE}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError && !error.command) throw new UsageError(error.message, name);
    throw error;
  }
}

function parse<const O extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(args: string[], options: O, command: string) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

function wantsHelp(values: { help?: boolean | undefined }, command: string): boolean {
  if (values.help) process.stdout.write(`${COMMANDS[command]?.usage}\n`);
  return values.help === true;
}

function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, command);
}

async function loadConfig(company: string): Promise<CompanyConfig> {
  const { loadCompanyConfig } = await import('../shared/config/load.ts');
  return loadCompanyConfig(company);
}

function timestamped(line: string): string {
  return `${new Date().toISOString().slice(11, 19)} ${line}`;
}

async function startCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { company: { type: 'string' }, port: { type: 'string' }, memory: { type: 'boolean' }, demo: { type: 'boolean' } },
    'start',
  );
  if (wantsHelp(values, 'start')) return 0;
  noPositionals(positionals, 'start');
  const company = values.company ?? DEFAULT_COMPANY;
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`--port takes a port number 0-65535, got "${values.port}"`, 'start');
  }

  if (values.demo) {
    // Function logs would bury the tables; they are printed only when the demo fails.
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const config = await loadConfig(company);
    const { runDemo } = await import('../infra/local/demo.ts');
    const lines: string[] = [];
    const print = (text: string) => process.stdout.write(`${text}\n`);
    print(`Backchannel demo for ${config.company.name} (${company}), in memory\n`);
    let code: number;
    try {
      code = await runDemo({ config, print, log: (line) => lines.push(timestamped(line)), ...(port !== undefined ? { port } : {}) });
    } catch (error) {
      process.stderr.write(`${lines.join('\n')}\n`);
      throw error;
    }
    if (code !== 0) process.stderr.write(`Runtime log:\n${lines.join('\n')}\n`);
    return code;
  }

  const config = await loadConfig(company);
  const { startRuntime } = await import('../infra/local/runtime.ts');
  const { parseMetaSecret } = await import('../infra/local/secrets.ts');
  const { platformSecretName } = await import('../infra/topology.ts');
  const dataDir = values.memory ? undefined : dataDirOf(company);
  const runtime = await startRuntime({
    config,
    port: port ?? 3000,
    ...(dataDir ? { dataDir } : {}),
    log: (line) => process.stderr.write(`${timestamped(line)}\n`),
  });

  const out: string[] = [`Backchannel is running for ${config.company.name} (${company})`, '', 'Webhook URLs:'];
  for (const [platform, url] of Object.entries(runtime.webhookUrls)) out.push(`  ${platform.padEnd(10)}${url}`);
  const metaSecretName = config.platforms.meta?.enabled ? platformSecretName(config, 'meta') : undefined;
  if (metaSecretName) {
    const meta = parseMetaSecret(runtime.secrets[metaSecretName]);
    out.push('', `Meta verify token: ${meta.verifyToken}`);
    if (runtime.secretsFile) {
      out.push(`Secrets:           ${path.relative(process.cwd(), runtime.secretsFile)} ("${metaSecretName}": appSecret, verifyToken)`);
    } else {
      // In memory there is no file to look in: show the app secret of this run.
      out.push(`Meta app secret:   ${meta.appSecret} (in memory, this run only)`);
    }
  }
  out.push(
    `Data:              ${dataDir ? `${path.relative(process.cwd(), dataDir)}/ (table ${runtime.tableName})` : 'in memory'}`,
    '',
    `Try: npm run backchannel -- send companies/${company}-webhooks/01-complaint.json` +
      (dataDir ? ` --company ${company}` : ` --url ${runtime.webhookUrls.meta ?? `${runtime.url}/webhooks/meta`} --secret <app secret>`),
    'Stop with Ctrl+C.',
  );
  process.stdout.write(`${out.join('\n')}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`${signal} again: exiting without waiting\n`);
        process.exit(1);
      }
      stopping = true;
      process.stderr.write(`${timestamped(`${signal}: stopping (running batches finish first)`)}\n`);
      runtime.stop().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`stopping failed: ${(error as Error).stack ?? String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

async function sendCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { platform: { type: 'string' }, url: { type: 'string' }, secret: { type: 'string' }, company: { type: 'string' } },
    'send',
  );
  if (wantsHelp(values, 'send')) return 0;
  if (positionals.length !== 1) throw new UsageError('give exactly one payload file', 'send');
  const file = positionals[0] as string;
  const platform = values.platform ?? 'meta';
  if (platform !== 'meta') throw new UsageError(`--platform ${platform} is not supported; supported: meta`, 'send');
  const company = values.company ?? DEFAULT_COMPANY;

  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'send');
  }
  const url = values.url ?? (await runningWebhookUrl(company, platform));
  if (!url) throw new UsageError(`--url is required: no running runtime recorded in ${path.relative(process.cwd(), dataDirOf(company))}/`, 'send');
  const secret = values.secret ?? (await storedAppSecret(company));
  if (!secret) {
    throw new UsageError(`--secret is required: no secrets in ${path.relative(process.cwd(), dataDirOf(company))}/ (a --memory runtime prints its app secret)`, 'send');
  }

  const { postSignedMeta } = await import('../infra/local/demo.ts');
  const answer = await postSignedMeta(url, body, secret);
  process.stdout.write(`HTTP ${answer.status}\n${answer.body}\n`);
  return answer.status < 300 ? 0 : 1;
}

async function runningWebhookUrl(company: string, platform: string): Promise<string | undefined> {
  const { readRuntimeRecord, isAlive } = await import('../infra/local/runtime-record.ts');
  const record = await readRuntimeRecord(dataDirOf(company));
  return record && isAlive(record.pid) ? `${record.url}/webhooks/${platform}` : undefined;
}

async function storedAppSecret(company: string): Promise<string | undefined> {
  const { SECRETS_FILE, parseMetaSecret } = await import('../infra/local/secrets.ts');
  const { platformSecretName } = await import('../infra/topology.ts');
  const file = path.join(dataDirOf(company), SECRETS_FILE);
  if (!existsSync(file)) return undefined;
  const stored: unknown = JSON.parse(await readFile(file, 'utf8'));
  const config = await loadConfig(company);
  const value = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>)[platformSecretName(config, 'meta')] : undefined;
  return typeof value === 'string' ? parseMetaSecret(value).appSecret : undefined;
}

async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { day: { type: 'string' }, company: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, build: { type: 'boolean' } },
    'report',
  );
  if (wantsHelp(values, 'report')) return 0;
  noPositionals(positionals, 'report');
  const { isDay } = await import('../shared/domain/time.ts');
  if (!values.day || !isDay(values.day)) throw new UsageError('--day YYYY-MM-DD is required (a real calendar day)', 'report');
  if (values.region && !values.table) throw new UsageError('--region goes with --table', 'report');
  if (values.build && values.table) throw new UsageError('--build works on the local runtime only; a deployed stack builds its reports on its schedule', 'report');
  const day = values.day;

  const { createDocumentClient } = await import('../shared/adapters/aws-clients.ts');
  const { DynamoReportRepository } = await import('../shared/adapters/dynamodb/index.ts');
  const { formatDailyReports } = await import('../infra/local/demo.ts');
  const print = (tableName: string, reports: Awaited<ReturnType<InstanceType<typeof DynamoReportRepository>['dailyReports']>>) => {
    if (reports.length === 0) {
      process.stdout.write(`No daily report stored for ${day} in ${tableName}.\n`);
    } else {
      process.stdout.write(`Daily report for ${day} (${tableName})\n${formatDailyReports(reports)}\n`);
    }
  };

  if (values.table) {
    const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('--region is required (or set AWS_REGION)', 'report');
    // The SDK's default credential chain: your profile, environment or SSO session.
    const reports = await new DynamoReportRepository(createDocumentClient({ AWS_REGION: region }), values.table).dailyReports(day);
    print(values.table, reports);
    return 0;
  }

  const company = values.company ?? DEFAULT_COMPANY;
  const dataDir = dataDirOf(company);
  const { readRuntimeRecord, isAlive } = await import('../infra/local/runtime-record.ts');
  const { adminEnv } = await import('../infra/local/demo.ts');
  const config = await loadConfig(company);
  /** Builds the day's report with the build-report function's own code, then prints it. */
  const buildAndPrint = async (env: Record<string, string | undefined>, tableName: string) => {
    if (values.build) {
      const { buildReport, dependenciesFrom } = await import('../functions/build-report/handler.ts');
      await buildReport({ report: 'daily', day }, dependenciesFrom({ ...env, TABLE_NAME: tableName, COMPANY_CONFIG: JSON.stringify(config) }));
    }
    print(tableName, await new DynamoReportRepository(createDocumentClient(env), tableName).dailyReports(day));
  };
  const record = await readRuntimeRecord(dataDir);
  if (record && isAlive(record.pid)) {
    await buildAndPrint(adminEnv(record.region, record.endpoints.dynamodb), record.tableName);
    return 0;
  }
  const dynamoDir = path.join(dataDir, 'dynamodb');
  if (!existsSync(dynamoDir)) {
    process.stderr.write(`No local data for ${company} in ${path.relative(process.cwd(), dataDir)}/: run \`npm start\` (without --memory) first.\n`);
    return 1;
  }
  const { startDynamoDb, LOCAL_REGION } = await import('../infra/local/backends.ts');
  const { buildTopology } = await import('../infra/topology.ts');
  const tableName = buildTopology(config).table.name;
  const backend = await startDynamoDb({ dataDir: dynamoDir });
  try {
    await buildAndPrint(adminEnv(LOCAL_REGION, backend.endpoint), tableName);
    return 0;
  } finally {
    await backend.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    if (error instanceof UsageError) {
      const usage = error.command ? COMMANDS[error.command]?.usage : MAIN_USAGE;
      process.stderr.write(`backchannel: ${error.message}\n\n${usage ?? MAIN_USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    const { ConfigError } = await import('../shared/config/load.ts');
    // Config and start errors carry their own explanation; anything else shows its stack.
    const known = error instanceof ConfigError || ['RuntimeStartError', 'DataDirInUseError', 'EventPatternError', 'ScheduleExpressionError', 'FunctionEnvError', 'DemoError'].includes((error as Error).name);
    process.stderr.write(`backchannel: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
    process.exitCode = 1;
  },
);
