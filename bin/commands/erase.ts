/**
 * `backchannel erase --author <platform>:<id>`: erases an author on request (GDPR art. 17)
 * with the same use case as the admin API's `POST /authors/{platform}/{authorId}/erase`.
 */
import os from 'node:os';
import path from 'node:path';
import type { EraseAuthorOutcome } from '../../shared/domain/erase-author.ts';
import {
  DEFAULT_COMPANY,
  TABLE_OPTIONS,
  TABLE_OPTIONS_HELP,
  UsageError,
  dataDirOf,
  loadConfig,
  parseCommand,
  withDocuments,
  type Command,
} from './shared.ts';

/** A progress line on stderr every this many scanned pages (1 MB each in AWS). */
const PROGRESS_EVERY_PAGES = 10;

const USAGE = `Usage: backchannel erase --author <platform>:<id> [--dry-run] [--company <id>]
       backchannel erase --author <platform>:<id> --region <r> | --table <name> [--region <r>] [--dry-run]

Erases everything the company holds of one author: their mentions (text, name, handle,
link, classification and routing reasons) are deleted with their records, notes and
notification markers on the cases; the cases they opened or wrote on stay as work records
with the author pseudonymized (author, first mention, a thread they started, their name
and handle in replies and history become "erased"). Locally the outbox lines that name
them go too; in AWS, messages already sent to Slack, Teams or e-mail are out of reach.
It runs as the erasure queue's job does: a request, a scan of the whole table for the
author's items (a progress line on stderr every ${PROGRESS_EVERY_PAGES} pages), then the erasure.
Prints the count per kind and writes an audit entry (who, when, the author as a SHA-256
pseudonym, the counts). A second run finds nothing and says so.

Options:
  --author <p:id>  the author: platform and the platform's author id, e.g. x:1234567890,
                   bluesky:did:plc:abc, youtube:UC... (required)
  --dry-run        erase nothing: print what would be erased
${TABLE_OPTIONS_HELP}
  -h, --help       show this help

Exit codes: 0 done (also when nothing was found), 1 failed, 2 usage error.`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    { author: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...TABLE_OPTIONS },
    'erase',
    USAGE,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.author) throw new UsageError('--author <platform>:<id> is required, e.g. --author x:1234567890', 'erase');
  const { parseAuthorRef } = await import('../../shared/domain/erase-author.ts');
  const { MENTION_PLATFORMS } = await import('../../shared/platforms/registry.ts');
  const { ValidationError } = await import('../../shared/domain/errors.ts');
  let author;
  try {
    author = parseAuthorRef(values.author, MENTION_PLATFORMS);
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message, 'erase');
    throw error;
  }
  const company = values.company ?? DEFAULT_COMPANY;
  const config = await loadConfig(company);
  const dryRun = values['dry-run'] === true;

  const { dynamoErasureJobPorts } = await import('../../shared/adapters/dynamodb/index.ts');
  const { OutboxEraser } = await import('../../shared/adapters/notify/outbox.ts');
  const { systemClock } = await import('../../shared/domain/system-clock.ts');
  const { outcomeOf, requestErasure, runErasureJob } = await import('../../shared/domain/erasure-job.ts');
  // A deployed stack's notifications left the account: only the local outbox can be erased.
  return withDocuments(config, values, 'erase', async (client, tableName, deployed) => {
    const outboxDir = deployed ? undefined : path.join(dataDirOf(company), 'outbox');
    const deps = {
      ...dynamoErasureJobPorts(client, tableName),
      ...(outboxDir ? { outbox: new OutboxEraser(outboxDir) } : {}),
      clock: systemClock,
      retentionDays: config.retention.days,
    };
    // The same job the erasure queue runs (a request, a scan of the table, the erasure), here
    // in one run to its end: no invocation's time limit applies.
    const request = await requestErasure(author, `cli:${os.userInfo().username}`, { dryRun }, deps);
    const run = await runErasureJob(request.id, deps, {
      onPage: ({ pages, scannedItems }) => {
        if (pages % PROGRESS_EVERY_PAGES === 0)
          process.stderr.write(`erase: ${pages} pages, ${scannedItems} items scanned\n`);
      },
    });
    const outcome = run.state === 'done' ? outcomeOf(run.request) : undefined;
    if (!outcome) throw new Error(`erasure request ${request.id} was moved on by another run; see its status`);
    process.stdout.write(`${describe(values.author as string, tableName, outcome)}\n`);
    return 0;
  });
}

/** The outcome as a person reads it: what was (or would be) erased, per kind. */
export function describe(author: string, tableName: string, outcome: EraseAuthorOutcome): string {
  const verb = outcome.dryRun ? 'would erase' : 'erased';
  if (!outcome.erased)
    return `Nothing of ${author} in ${tableName}${outcome.dryRun ? '' : ' (already erased, or never stored)'}; audit ${outcome.auditId ?? 'not written (dry run)'}.`;
  const c = outcome.counts;
  const rows: [string, number | undefined][] = [
    ['mentions', c.mentions],
    ['case mention records', c.caseMentions],
    ['case notes', c.caseNotes],
    ['notification markers', c.notificationMarkers],
    ['cases pseudonymized', c.cases],
    ['corrections', c.corrections],
    ['outbox lines', c.outboxLines],
    ['theme examples', c.themeExamples],
  ];
  const lines = rows.filter(([, n]) => n !== undefined).map(([kind, n]) => `  ${kind.padEnd(22)} ${n}`);
  const audit = outcome.auditId
    ? `audit ${outcome.auditId} (author as ${outcome.subject})`
    : 'dry run: nothing changed, no audit entry';
  return [`${author} in ${tableName}: ${verb}`, ...lines, audit].join('\n');
}

export const eraseCommand: Command = {
  summary: "erase an author's mentions and pseudonymize their cases (GDPR)",
  usage: USAGE,
  run,
};
