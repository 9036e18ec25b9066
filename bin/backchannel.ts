/**
 * The backchannel CLI. Run with tsx: `npm start` is `tsx bin/backchannel.ts start`,
 * `npm run backchannel -- <command>` runs any command.
 *
 * Exit codes: 0 done, 1 failed, 2 usage error.
 */
import './quiet-notices.ts';
import path from 'node:path';
import { caseCommand, casesCommand } from './commands/cases.ts';
import { classifyCommand } from './commands/classify.ts';
import { correctCommand } from './commands/correct.ts';
import { dlqCommand } from './commands/dlq.ts';
import { caseFormatCommand } from './commands/case-format.ts';
import { themeFormatCommand } from './commands/theme-format.ts';
import { settlementFormatCommand } from './commands/settlement-format.ts';
import { eraseCommand } from './commands/erase.ts';
import { initCommand } from './commands/init.ts';
import { modelCommand, trainCommand } from './commands/models.ts';
import { redriveCommand } from './commands/redrive.ts';
import { reportCommand } from './commands/report.ts';
import { sendCommand, sendHint } from './commands/send.ts';
import { ideasCommand, projectsCommand, themeCommand, themesCommand } from './commands/themes.ts';
import {
  DEFAULT_COMPANY,
  UsageError,
  dataDirOf,
  helpShown,
  loadConfig,
  noPositionals,
  parse,
  withTable,
  TABLE_OPTIONS_HELP,
  type Command,
} from './commands/shared.ts';

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'run the pipeline on this machine',
    usage: `Usage: backchannel start [--company <id>] [--port <n>] [--memory] [--json-logs] [--demo | --history]

Runs the company's stack locally: DynamoDB (dynalite), SQS (local-aws-sqs), the event bus,
the functions and the HTTP API with the webhook routes. Stop it with Ctrl+C.

Options:
  --company <id>  company config companies/<id>.yaml (default: ${DEFAULT_COMPANY})
  --port <n>      port of the HTTP API (default: 3000; 0 picks a free one)
  --memory        keep everything in memory instead of .backchannel/<company>/
  --json-logs     print the functions' JSON log records and the routine lines (each event's
                  routing, each schedule fire) instead of the short lines; either way the
                  records go to .backchannel/<company>/logs/functions.jsonl (not with --memory)
  --demo          play the bundled sample webhooks (companies/<id>-webhooks/) through a
                  fresh in-memory runtime, print the cases per department, and exit
  --history       first play six weeks of made-up mentions ending yesterday (replies,
                  resolutions, SLA breaches, two recurring complaint themes, ideas,
                  projects, one surge) into the table, then run as usual; played once per
                  data directory (.backchannel/<company>/history.json), into every fresh
                  table with --memory
  -h, --help      show this help`,
    run: startCommand,
  },
  send: sendCommand,
  report: reportCommand,
  validate: {
    summary: 'check a company config file',
    usage: `Usage: backchannel validate <file>...

Validates company config files (companies/<id>.yaml) as the CDK app and the local runtime
do, and prints every problem as file:line:column: path: what to do.

Exit codes: 0 valid, 2 invalid (or a usage error).

Options:
  -h, --help       show this help`,
    run: validateCommand,
  },
  whatif: {
    summary: 'show where stored mentions would go with new rules',
    usage: `Usage: backchannel whatif --company <id> --rules <file> [--since 30d] [--examples 3]
       backchannel whatif --company <id> --rules <file> --region <r> | --table <name> [--region <r>]

Replays the company's stored mentions through the routing rules of <file> (a complete
company config, e.g. an edited copy of companies/<id>.yaml) and prints how many would move
from which department to which, with examples and why. The stored classification of each
mention is reused. It reads page by page, shows progress, and writes nothing.

Locally it reads the table of .backchannel/<company>/ (through the running runtime, or by
opening the data directory). With --region it reads the deployed stack's table with your
AWS credentials.

Options:
  --company <id>   the company (default: ${DEFAULT_COMPANY})
  --rules <file>   the new company config
  --since <age>    only mentions created within this age: 30d, 12h (default: 30d) or a date YYYY-MM-DD
  --examples <n>   examples per move (default: 3)
${TABLE_OPTIONS_HELP.split('\n').slice(1).join('\n')}
  -h, --help       show this help`,
    run: whatIfCommand,
  },
  init: initCommand,
  cases: casesCommand,
  case: caseCommand,
  classify: classifyCommand,
  redrive: redriveCommand,
  dlq: dlqCommand,
  erase: eraseCommand,
  'case-format': caseFormatCommand,
  'theme-format': themeFormatCommand,
  'settlement-format': settlementFormatCommand,
  correct: correctCommand,
  train: trainCommand,
  model: modelCommand,
  themes: themesCommand,
  theme: themeCommand,
  ideas: ideasCommand,
  projects: projectsCommand,
};

const MAIN_USAGE = `Usage: backchannel <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
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

function wantsHelp(values: { help?: boolean | undefined }, command: string): boolean {
  return helpShown(values, COMMANDS[command]?.usage ?? MAIN_USAGE);
}

function timestamped(line: string): string {
  return `${new Date().toISOString().slice(11, 19)} ${line}`;
}

async function startCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      company: { type: 'string' },
      port: { type: 'string' },
      memory: { type: 'boolean' },
      'json-logs': { type: 'boolean' },
      demo: { type: 'boolean' },
      history: { type: 'boolean' },
    },
    'start',
  );
  if (wantsHelp(values, 'start')) return 0;
  noPositionals(positionals, 'start');
  const company = values.company ?? DEFAULT_COMPANY;
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`--port takes a port number 0-65535, got "${values.port}"`, 'start');
  }

  if (values.demo && values.history) {
    throw new UsageError(
      '--demo and --history do not go together: --demo posts the sample webhooks and exits, --history fills the table of a runtime that keeps running',
      'start',
    );
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
      code = await runDemo({
        config,
        print,
        log: (line) => lines.push(timestamped(line)),
        ...(port !== undefined ? { port } : {}),
      });
    } catch (error) {
      process.stderr.write(`${lines.join('\n')}\n`);
      throw error;
    }
    if (code !== 0) process.stderr.write(`Runtime log:\n${lines.join('\n')}\n`);
    return code;
  }

  const config = await loadConfig(company);
  // The console's build is what /console/ serves: made (or remade after an edit) before the start.
  const { ensureConsoleBuilt } = await import('../infra/console-build.ts');
  await ensureConsoleBuilt((line) => process.stderr.write(`${timestamped(line)}\n`));
  const { startRuntime } = await import('../infra/local/runtime.ts');
  const { coalescedLines } = await import('../infra/local/coalesced-lines.ts');
  const { parseMetaSecret } = await import('../infra/local/secrets.ts');
  const { platformSecretName } = await import('../infra/topology.ts');
  const { platformRegistry } = await import('../shared/platforms/registry.ts');
  const dataDir = values.memory ? undefined : dataDirOf(company);
  // Only the chaos bench's baseline switches the queue journal off, to measure what it saves.
  const queueJournal = process.env.BACKCHANNEL_QUEUE_JOURNAL !== 'off';
  // Only the throughput bench's baseline caps the parallel batches per queue (1: one at a time).
  const maxConcurrency = Number(process.env.BACKCHANNEL_POLLER_CONCURRENCY ?? Number.NaN);
  // Queue-triggered invocations at once across all functions (infra/local/invocation-slots.ts).
  const localConcurrency = Number(process.env.BACKCHANNEL_LOCAL_CONCURRENCY ?? Number.NaN);
  // Only the throughput bench's diagnostic row runs without the pipeline (the acks alone).
  const pollers = process.env.BACKCHANNEL_POLLERS !== 'off';
  // The queue pollers and their functions in a worker thread of their own (infra/local/pipeline-thread.ts):
  // the default; `off` keeps them on the main thread beside the acks.
  const pipelineThread = pipelineThreadOf(process.env.BACKCHANNEL_PIPELINE_THREAD);
  // With it, the nice value of the threads off the acks' path (infra/local/thread-priority.ts; 0 = off).
  const pipelineNice = process.env.BACKCHANNEL_PIPELINE_NICE;
  // The runtime's lines (one per request, more per mention) in one write per turn of the event loop.
  const runtimeLog = coalescedLines((text) => process.stderr.write(text));
  process.once('exit', () => runtimeLog.flush());
  const runtime = await startRuntime({
    config,
    port: port ?? 3000,
    ...(dataDir ? { dataDir } : {}),
    ...(queueJournal ? {} : { queueJournal: false }),
    ...(maxConcurrency >= 1 ? { maxConcurrency } : {}),
    ...(localConcurrency >= 1 ? { localConcurrency } : {}),
    ...(pollers ? {} : { pollers: false }),
    ...(pipelineThread ? {} : { pipelineThread: false }),
    ...(pipelineNice === undefined || pipelineNice === '' ? {} : { pipelineNice: Number(pipelineNice) }),
    ...(values['json-logs'] ? { logFormat: 'json' as const } : {}),
    // The schedules wait for the history: an SLA sweep at today's time would breach its cases midway.
    ...(values.history ? { startScheduler: false } : {}),
    // A JSON record carries its own timestamp and stays a JSON line, for jq.
    log: (line) => runtimeLog.line(line.startsWith('{') ? line : timestamped(line)),
  });

  let history: string | undefined;
  if (values.history) {
    const { startHistory } = await import('../infra/local/history/start.ts');
    const played = await startHistory({
      config,
      region: runtime.region,
      dynamodbEndpoint: runtime.endpoints.dynamodb,
      tableName: runtime.tableName,
      ...(dataDir ? { dataDir } : {}),
      log: (line) => process.stderr.write(`${timestamped(line)}\n`),
    }).catch(async (error: unknown) => {
      await runtime.stop();
      throw error;
    });
    history = `${played.played ? 'played' : 'kept'} ${played.summary}`;
    runtime.startSchedules();
  }

  const out: string[] = [`Backchannel is running for ${config.company.name} (${company})`, '', 'Webhook URLs:'];
  for (const [platform, url] of Object.entries(runtime.webhookUrls)) out.push(`  ${platform.padEnd(10)}${url}`);
  const metaSecretName = config.platforms.meta?.enabled ? platformSecretName(config, 'meta') : undefined;
  if (metaSecretName) {
    const meta = parseMetaSecret(runtime.secrets[metaSecretName]);
    out.push('', `Meta verify token: ${meta.verifyToken}`);
    if (runtime.secretsFile) {
      out.push(
        `Secrets:           ${path.relative(process.cwd(), runtime.secretsFile)} ("${metaSecretName}": appSecret, verifyToken)`,
      );
    } else {
      // In memory there is no file to look in: show the app secret of this run.
      out.push(`Meta app secret:   ${meta.appSecret} (in memory, this run only)`);
    }
  }
  out.push(
    `Data:              ${dataDir ? `${path.relative(process.cwd(), dataDir)}/ (table ${runtime.tableName}${queueJournal ? '; queued messages journaled in queues/, kept across restarts' : ''})` : 'in memory'}`,
    // In memory there is no token file to look in: show the admin's token of this run.
    `Admin API:         ${runtime.url}/cases, ${runtime.tokensFile ? `tokens in ${path.relative(process.cwd(), runtime.tokensFile)}` : `admin token ${Object.entries(runtime.adminTokens).find(([, c]) => c.sub === 'local:admin')?.[0] ?? '(none)'} (in memory, this run only)`}`,
    `Console:           ${runtime.url}/console/`,
    `Notifications:     ${shownPath(runtime.outboxDir)}/<department>.jsonl (Slack, Teams and e-mail stay on this machine)`,
    `Alerts:            ${shownPath(runtime.outboxDir)}/alerts.jsonl (the stack's alarms, evaluated every minute)`,
    ...(history
      ? [`History:           ${history}`, '                   see it: npm run backchannel -- report --week latest']
      : []),
    `Function logs:     ${runtime.functionLogFile ? `${shownPath(runtime.functionLogFile)} (JSON; ` : '('}${values['json-logs'] ? 'printed below as JSON)' : 'short lines below, --json-logs prints the JSON)'}`,
    '',
    sendHint(
      config,
      platformRegistry.adapters.filter((a) => a.isEnabled(config)).map((a) => a.id),
      runtime.url,
      dataDir !== undefined,
    ),
    'Stop with Ctrl+C.',
  );
  process.stdout.write(`${out.join('\n')}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      runtimeLog.flush();
      if (stopping) {
        process.stderr.write(`${signal} again: exiting without waiting\n`);
        process.exit(1);
      }
      stopping = true;
      process.stderr.write(`${timestamped(`${signal}: stopping (running batches finish first)`)}\n`);
      runtime.stop().then(
        () => resolve(0),
        (error: unknown) => {
          runtimeLog.flush();
          process.stderr.write(`stopping failed: ${(error as Error).stack ?? String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

/** BACKCHANNEL_PIPELINE_THREAD: unset or `on` (the default since Round w18), or `off`. */
function pipelineThreadOf(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new UsageError(`BACKCHANNEL_PIPELINE_THREAD takes on or off, got "${value}"`, 'start');
}

async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {}, 'validate');
  if (wantsHelp(values, 'validate')) return 0;
  if (positionals.length === 0)
    throw new UsageError('give the config file(s) to check, e.g. companies/demo.yaml', 'validate');
  const { ConfigError, loadCompanyConfig } = await import('../shared/config/load.ts');
  const { slaSummary } = await import('../shared/config/summary.ts');
  let invalid = 0;
  for (const file of positionals) {
    if (!/\.ya?ml$/.test(file)) throw new UsageError(`"${file}" is not a .yaml file`, 'validate');
    try {
      const config = await loadCompanyConfig(file);
      process.stdout.write(
        `${file}: valid (company ${config.company.id}, ${config.departments.length} departments, ${config.routing.rules.length} rules, fallback ${config.routing.fallback})\n`,
      );
      // What each SLA means in its department's calendar: `1d` is a working day, not 24 hours.
      process.stdout.write(
        slaSummary(config)
          .map((line) => `  ${line}\n`)
          .join(''),
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      invalid++;
      process.stderr.write(`${error.message}\n`);
    }
  }
  if (invalid > 0) process.stderr.write(`${invalid} of ${positionals.length} config file(s) invalid\n`);
  return invalid > 0 ? 2 : 0;
}

/** `30d`, `12h` or `YYYY-MM-DD` as the ISO time it starts at. */
function sinceTime(value: string, now: Date): string | undefined {
  const age = /^(\d+)([dh])$/.exec(value);
  if (age) return new Date(now.getTime() - Number(age[1]) * (age[2] === 'd' ? 86_400_000 : 3_600_000)).toISOString();
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
    ? new Date(`${value}T00:00:00.000Z`).toISOString()
    : undefined;
}

/** The what-if report as tables: the moves with counts, then examples of each move and why. */
async function formatWhatIf(report: import('../shared/domain/what-if.ts').WhatIfReport): Promise<string> {
  const { formatTable, excerpt } = await import('../infra/local/text-table.ts');
  const moved = report.moves.reduce((sum, m) => sum + m.count, 0);
  const out = [
    `${report.replayed} mentions replayed: ${moved} would move, ${report.unchanged} stay (${report.ccChanged} of them with other cc departments); ${report.priorityChanged} would change priority.`,
  ];
  if (report.moves.length === 0) return [...out, 'No mention would change its department.'].join('\n');
  out.push(
    '',
    formatTable(
      ['from', 'to', 'mentions'],
      report.moves.map((m) => [m.from, m.to, String(m.count)]),
    ),
  );
  const departments = [...new Set([...Object.keys(report.before), ...Object.keys(report.after)])].sort();
  out.push(
    '',
    formatTable(
      ['department', 'before', 'after'],
      departments.map((d) => [d, String(report.before[d] ?? 0), String(report.after[d] ?? 0)]),
    ),
  );
  for (const move of report.moves) {
    out.push('', `${move.from} -> ${move.to} (${move.count}), for example:`);
    for (const example of move.examples) {
      out.push(`  ${example.mentionId} ${example.createdAt.slice(0, 10)} "${excerpt(example.text, 80)}"`);
      for (const reason of example.reasons) out.push(`      ${reason}`);
    }
  }
  return out.join('\n');
}

async function whatIfCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      company: { type: 'string' },
      rules: { type: 'string' },
      since: { type: 'string' },
      examples: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
    },
    'whatif',
  );
  if (wantsHelp(values, 'whatif')) return 0;
  noPositionals(positionals, 'whatif');
  if (!values.rules)
    throw new UsageError('--rules <file> is required: the company config with the new rules', 'whatif');
  const company = values.company ?? DEFAULT_COMPANY;
  const since = sinceTime(values.since ?? '30d', new Date());
  if (!since)
    throw new UsageError(
      `--since takes an age such as 30d or 12h, or a date YYYY-MM-DD; got "${values.since}"`,
      'whatif',
    );
  const examples = values.examples === undefined ? 3 : Number(values.examples);
  if (!Number.isInteger(examples) || examples < 0)
    throw new UsageError(`--examples takes a whole number, got "${values.examples}"`, 'whatif');

  const { loadCompanyConfig } = await import('../shared/config/load.ts');
  const { routingPolicyOf } = await import('../shared/config/schema.ts');
  const next = await loadCompanyConfig(values.rules);
  if (next.company.id !== company) {
    throw new UsageError(
      `${values.rules} is the config of company "${next.company.id}", not "${company}"; pass --company ${next.company.id} or the right file`,
      'whatif',
    );
  }
  const { createDocumentClient } = await import('../shared/adapters/aws-clients.ts');
  const { DynamoStoredMentionReader } = await import('../shared/adapters/dynamodb/index.ts');
  const { whatIf } = await import('../shared/domain/what-if.ts');

  const replay = async (env: Record<string, string | undefined>, tableName: string): Promise<number> => {
    process.stderr.write(`Replaying mentions of ${tableName} created since ${since} through ${values.rules}\n`);
    const report = await whatIf(
      new DynamoStoredMentionReader(createDocumentClient(env), tableName),
      routingPolicyOf(next),
      {
        since,
        examplesPerMove: examples,
        onProgress: ({ pages, scanned, replayed }) =>
          process.stderr.write(`  page ${pages}: ${scanned} items read, ${replayed} mentions replayed\n`),
      },
    );
    process.stdout.write(`${await formatWhatIf(report)}\n`);
    return 0;
  };

  return withTable(await loadConfig(company), values, 'whatif', replay);
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
    const known =
      error instanceof ConfigError ||
      [
        'RuntimeStartError',
        'DataDirInUseError',
        'EventPatternError',
        'ScheduleExpressionError',
        'FunctionEnvError',
        'DemoError',
        'StackNotFoundError',
        'StackNamesError',
      ].includes((error as Error).name);
    process.stderr.write(
      `backchannel: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`,
    );
    process.exitCode = 1;
  },
);

/** A path relative to the working directory when it lies inside it, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
