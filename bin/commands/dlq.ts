/**
 * `backchannel dlq`: lists the messages of a queue's dead-letter queue with why each
 * failed (the cause its function recorded by message id), its age, how often it was
 * delivered and its mention, without moving or deleting anything.
 */
import path from 'node:path';
import type { RecordedFailure } from '../../shared/domain/ports.ts';
import { DEFAULT_COMPANY, UsageError, dataDirOf, helpShown, loadConfig, noPositionals, parse, regionOf, type Command } from './shared.ts';

const USAGE = `Usage: backchannel dlq --queue <name> [--json] [--max <n>] [--company <id>]
       backchannel dlq --queue <name> --region <r> [--json] [--max <n>] [--company <id>]

Lists the messages of a queue's dead-letter queue, each with the cause of its last failure
(error and message, the function, when), its age, how often its function received it, and
its mention and case. SQS keeps no cause: the functions record it by message id in the
table when a record fails; "unknown" means none was recorded. Nothing is moved or deleted:
each message is hidden for a few seconds while the list is read, then made visible again.
\`backchannel redrive\` moves them back once the cause is fixed.

Locally it uses the SQS and the table of the running runtime (\`npm start\` for
--company). With --region it uses the company's deployed queues and table with your AWS
credentials.

Options:
  --queue <name>   the queue: its id in the topology (intake, dept-press, ...) or its full
                   name (bc-demo-dept-press); the DLQ comes from the topology (required)
  --json           print a JSON array, one object per message, for machines
  --max <n>        list at most n messages (default: 1000)
  --company <id>   the company (default: ${DEFAULT_COMPANY})
  --region <r>     the region of the deployed stack (default: local runtime)
  -h, --help       show this help

Exit codes: 0 listed (an empty DLQ too), 1 no runtime or a failed call, 2 usage error.`;

/** One listed message, as `--json` prints it. */
export interface DlqEntry {
  readonly messageId: string;
  readonly dlq: string;
  /** The queue the message failed on. */
  readonly queue: string;
  /** When it was first sent to that queue (ISO), and how long ago in seconds. */
  readonly sentAt: string | null;
  readonly ageSeconds: number | null;
  /** How often its function received it, at its last recorded failure. */
  readonly receiveCount: number | null;
  readonly mentionId: string | null;
  readonly caseId: string | null;
  readonly cause: {
    readonly errorName: string;
    readonly errorMessage: string;
    readonly functionName: string;
    readonly failedAt: string;
    /** Failures recorded for this message. */
    readonly failures: number;
  } | null;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { queue: { type: 'string' }, json: { type: 'boolean' }, max: { type: 'string' }, company: { type: 'string' }, region: { type: 'string' } },
    'dlq',
  );
  if (helpShown(values, USAGE)) return 0;
  noPositionals(positionals, 'dlq');
  if (!values.queue) throw new UsageError('--queue <name> is required, e.g. --queue intake or --queue dept-press', 'dlq');
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new UsageError(`--max takes a whole number above 0, got "${values.max}"`, 'dlq');
  const company = values.company ?? DEFAULT_COMPANY;
  const config = await loadConfig(company);

  const { buildTopology } = await import('../../infra/topology.ts');
  const topology = buildTopology(config);
  const spec = topology.queues.find((q) => q.id === values.queue || q.name === values.queue || q.dlq.name === values.queue);
  if (!spec) throw new UsageError(`--queue ${values.queue} is not a queue of ${company}; its queues: ${topology.queues.map((q) => q.id).join(', ')}`, 'dlq');

  let env: Record<string, string>;
  let tableName = topology.table.name;
  if (values.region !== undefined) {
    // The SDK's default credential chain: your profile, environment or SSO session.
    env = { AWS_REGION: regionOf(values.region, 'dlq') };
  } else {
    const { readRuntimeRecord, isAlive } = await import('../../infra/local/runtime-record.ts');
    const { adminEnv } = await import('../../infra/local/demo.ts');
    const record = await readRuntimeRecord(dataDirOf(company));
    if (!record || !isAlive(record.pid)) {
      // The local queues live in the runtime's memory: without it there is no DLQ to list.
      process.stderr.write(`No running runtime for ${company} (${path.relative(process.cwd(), dataDirOf(company))}/runtime.json): start it with \`npm start -- --company ${company}\`, or pass --region for a deployed stack.\n`);
      return 1;
    }
    env = { ...adminEnv(record.region, record.endpoints.dynamodb), AWS_ENDPOINT_URL_SQS: record.endpoints.sqs } as Record<string, string>;
    tableName = record.tableName;
  }

  const { createDocumentClient, createSqsClient } = await import('../../shared/adapters/aws-clients.ts');
  const { DynamoRecordFailureLog } = await import('../../shared/adapters/dynamodb/index.ts');
  const { listDlqMessages } = await import('../../shared/adapters/sqs-dlq-listing.ts');
  const sqs = createSqsClient(env);
  const documents = createDocumentClient(env);
  try {
    const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: spec.dlq.name }))).QueueUrl as string;
    const listing = await listDlqMessages(sqs, dlqUrl, max !== undefined ? { max } : {});
    const causes = await new DynamoRecordFailureLog(documents, tableName).causesOf(listing.messages.map((m) => m.messageId));
    const now = Date.now();
    const entries: DlqEntry[] = listing.messages.map((m) => entryOf(m, causes.get(m.messageId), { dlq: spec.dlq.name, queue: spec.name, now }));

    if (values.json) {
      process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    } else {
      const { formatTable, excerpt } = await import('../../infra/local/text-table.ts');
      process.stdout.write(`${spec.dlq.name}: ${entries.length} message(s) listed (about ${listing.approximateCount} held)\n`);
      if (entries.length > 0) {
        const rows = entries.map((e) => [
          e.messageId,
          e.ageSeconds === null ? '?' : age(e.ageSeconds),
          e.receiveCount === null ? '?' : String(e.receiveCount),
          e.mentionId ? excerpt(e.mentionId, 48) : '-',
          e.cause ? `${e.cause.functionName} ${e.cause.failedAt.slice(0, 19).replace('T', ' ')}` : '-',
          e.cause ? excerpt(`${e.cause.errorName}: ${e.cause.errorMessage}`, 120) : 'unknown (no failure recorded)',
        ]);
        process.stdout.write(`${formatTable(['MESSAGE ID', 'AGE', 'RECEIVES', 'MENTION', 'FAILED IN', 'CAUSE'], rows)}\n`);
      }
    }
    if (listing.stillHidden > 0) {
      process.stderr.write(`${listing.stillHidden} message(s) could not be made visible again; they reappear in ${spec.dlq.name} within seconds.\n`);
    }
    return 0;
  } finally {
    sqs.destroy();
    documents.destroy();
  }
}

function entryOf(
  message: { messageId: string; body: string; sentAt: Date | undefined; sourceQueue: string | undefined },
  cause: RecordedFailure | undefined,
  where: { dlq: string; queue: string; now: number },
): DlqEntry {
  const ids = idsOfBody(message.body);
  return {
    messageId: message.messageId,
    dlq: where.dlq,
    queue: message.sourceQueue ?? cause?.queue ?? where.queue,
    sentAt: message.sentAt?.toISOString() ?? null,
    ageSeconds: message.sentAt ? Math.max(0, Math.round((where.now - message.sentAt.getTime()) / 1000)) : null,
    receiveCount: cause?.receiveCount ?? null,
    mentionId: cause?.mentionId ?? ids.mentionId ?? null,
    caseId: cause?.caseId ?? ids.caseId ?? null,
    cause: cause
      ? { errorName: cause.errorName, errorMessage: cause.errorMessage, functionName: cause.functionName, failedAt: cause.failedAt, failures: cause.failures }
      : null,
  };
}

/** The ids a body names: an intake message's `id`, a department message's `detail.mentionId` and `caseId`. */
function idsOfBody(body: string): { mentionId?: string; caseId?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { id, detail } = parsed as { id?: unknown; detail?: unknown };
  if (typeof detail === 'object' && detail !== null) {
    const { mentionId, caseId } = detail as { mentionId?: unknown; caseId?: unknown };
    return { ...(typeof mentionId === 'string' ? { mentionId } : {}), ...(typeof caseId === 'string' ? { caseId } : {}) };
  }
  return typeof id === 'string' ? { mentionId: id } : {};
}

/** 42s, 5m, 3h 12m, 2d 4h. */
export function age(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export const dlqCommand: Command = { summary: "list a queue's dead-letter messages with why each failed", usage: USAGE, run };
