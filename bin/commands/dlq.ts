/**
 * `backchannel dlq`: lists the messages of a queue's dead-letter queue with why each
 * failed (the cause its function recorded by message id), its age, how often it was
 * delivered and its mention, without moving or deleting anything.
 */
import type { RecordedFailure } from '../../shared/domain/ports.ts';
import { DEFAULT_COMPANY, UsageError, loadConfig, parseCommand, regionOf, type Command } from './shared.ts';

const USAGE = `Usage: backchannel dlq [--queue <name>] [--json] [--max <n>] [--company <id>]
       backchannel dlq [--queue <name>] --region <r> [--json] [--max <n>] [--company <id>]

Without --queue: every dead-letter queue of the company with how many messages it holds,
what ends up there and what to do with it: the work queues' DLQs, the DLQs of the bus
rules (events the bus could not deliver to a department's queue), of the schedules and the
on-failure destinations of the functions that schedules and the alert topic invoke.

With --queue: the messages of that dead-letter queue, each with the cause of its last
failure (error and message, the function, when), its age, how often its function received
it, and its mention and case. SQS keeps no cause: the functions record it by message id in
the table when a record fails, the bus and Lambda write it into the message; "unknown"
means none was recorded. Nothing is moved or deleted: each message is hidden for a few
seconds while the list is read, then made visible again. \`backchannel redrive\` moves them
back once the cause is fixed.

Locally it uses the SQS and the table of the running runtime (\`npm start\` for
--company). With --region it uses the company's deployed queues and table with your AWS
credentials.

Options:
  --queue <name>   a dead-letter queue by its id (intake-dlq, dept-press-events,
                   check-sla-failures, ...) or full name, or a work queue (intake,
                   dept-press, bc-demo-dept-press) for that queue's DLQ
  --json           print a JSON array, one object per queue or message, for machines
  --max <n>        list at most n messages (default: 1000)
  --company <id>   the company (default: ${DEFAULT_COMPANY})
  --region <r>     the region of the deployed stack (default: local runtime)
  -h, --help       show this help

Exit codes: 0 listed (an empty DLQ too), 1 no runtime or a failed call, 2 usage error.`;

/** One dead-letter queue of the overview (no --queue), as `--json` prints it. */
export interface DlqOverviewEntry {
  readonly id: string;
  readonly name: string;
  /** ApproximateNumberOfMessages: the messages waiting in it. */
  readonly messages: number;
  readonly receives: string;
  /** The queue a redrive moves its messages to, for work queue and rule DLQs. */
  readonly redrivesTo: string | null;
  /** The function to run again with a message's payload, for schedule and on-failure DLQs. */
  readonly rerunFunction: string | null;
}

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
  const parsed = parseCommand(
    args,
    {
      queue: { type: 'string' },
      json: { type: 'boolean' },
      max: { type: 'string' },
      company: { type: 'string' },
      region: { type: 'string' },
    },
    'dlq',
    USAGE,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && !(Number.isInteger(max) && max > 0))
    throw new UsageError(`--max takes a whole number above 0, got "${values.max}"`, 'dlq');
  const company = values.company ?? DEFAULT_COMPANY;
  const config = await loadConfig(company);

  const { buildTopology } = await import('../../infra/topology.ts');
  const { causeInMessage, deadLetterTargets, localAwsOf, resolveDeadLetterQueue } = await import('./dead-letters.ts');
  const { deployedTopology } = await import('./stack-names.ts');
  const local = buildTopology(config);
  const resolved = values.queue === undefined ? undefined : resolveDeadLetterQueue(local, values.queue, 'dlq');

  let env: Record<string, string>;
  let topology = local;
  let tableName = local.table.name;
  if (values.region !== undefined) {
    // The SDK's default credential chain: your profile, environment or SSO session.
    env = { AWS_REGION: regionOf(values.region, 'dlq') };
    // CloudFormation named the queues and the table: their names are in the stack's outputs.
    ({ topology } = await deployedTopology(local, env.AWS_REGION as string));
    tableName = topology.table.name;
  } else {
    const runtime = await localAwsOf(company);
    if (!runtime) return 1;
    ({ env, tableName } = runtime);
  }
  const target = resolved && deadLetterTargets(topology).find((t) => t.id === resolved.id);

  const { createDocumentClient, createSqsClient } = await import('../../shared/adapters/aws-clients.ts');
  const sqs = createSqsClient(env);
  const documents = createDocumentClient(env);
  try {
    const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
    const urlOf = async (name: string) =>
      (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
    if (!target) return await overview(sqs, urlOf, deadLetterTargets(topology), values.json === true);

    const { DynamoRecordFailureLog } = await import('../../shared/adapters/dynamodb/index.ts');
    const { listDlqMessages } = await import('../../shared/adapters/sqs-dlq-listing.ts');
    const listing = await listDlqMessages(sqs, await urlOf(target.name), max !== undefined ? { max } : {});
    const causes = await new DynamoRecordFailureLog(documents, tableName).causesOf(
      listing.messages.map((m) => m.messageId),
    );
    const now = Date.now();
    const source =
      topology.queues.find((q) => q.id === (target.workQueue ?? target.redrivesTo))?.name ??
      target.rerunFunction ??
      target.name;
    const entries: DlqEntry[] = listing.messages.map((m) =>
      entryOf(m, causes.get(m.messageId), { dlq: target.name, queue: source, now, causeInMessage }),
    );

    if (values.json) {
      process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    } else {
      const { formatTable, excerpt } = await import('../../infra/local/text-table.ts');
      process.stdout.write(
        `${target.name}: ${entries.length} message(s) listed (about ${listing.approximateCount} held); it receives ${target.receives}\n`,
      );
      if (entries.length > 0) {
        const rows = entries.map((e) => [
          e.messageId,
          e.ageSeconds === null ? '?' : age(e.ageSeconds),
          e.receiveCount === null ? '?' : String(e.receiveCount),
          e.mentionId ? excerpt(e.mentionId, 48) : '-',
          e.cause ? `${e.cause.functionName} ${e.cause.failedAt.slice(0, 19).replace('T', ' ')}` : '-',
          e.cause ? excerpt(`${e.cause.errorName}: ${e.cause.errorMessage}`, 120) : 'unknown (no failure recorded)',
        ]);
        process.stdout.write(
          `${formatTable(['MESSAGE ID', 'AGE', 'RECEIVES', 'MENTION', 'FAILED IN', 'CAUSE'], rows)}\n`,
        );
      }
      if (target.rerunFunction && entries.length > 0) {
        process.stdout.write(
          `These are not queue work: \`backchannel redrive --queue ${target.id} --dry-run\` prints how to run ${target.rerunFunction} again with each payload.\n`,
        );
      }
    }
    if (listing.stillHidden > 0) {
      process.stderr.write(
        `${listing.stillHidden} message(s) could not be made visible again; they reappear in ${target.name} within seconds.\n`,
      );
    }
    return 0;
  } finally {
    sqs.destroy();
    documents.destroy();
  }
}

/** Every dead-letter queue with its depth: where anything failed, at a glance. */
async function overview(
  sqs: import('@aws-sdk/client-sqs').SQSClient,
  urlOf: (name: string) => Promise<string>,
  targets: readonly import('./dead-letters.ts').DeadLetterTarget[],
  json: boolean,
): Promise<number> {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const entries: DlqOverviewEntry[] = [];
  for (const t of targets) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: await urlOf(t.name), AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    entries.push({
      id: t.id,
      name: t.name,
      messages: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      receives: t.receives,
      redrivesTo: t.redrivesTo ?? null,
      rerunFunction: t.rerunFunction ?? null,
    });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  const { formatTable } = await import('../../infra/local/text-table.ts');
  const rows = entries.map((e) => [
    e.id,
    String(e.messages),
    e.redrivesTo ? `redrive to ${e.redrivesTo}` : e.rerunFunction ? `run ${e.rerunFunction} again` : 'read only',
    e.receives,
  ]);
  process.stdout.write(`${formatTable(['DEAD-LETTER QUEUE', 'MESSAGES', 'REMEDY', 'RECEIVES'], rows)}\n`);
  const held = entries.filter((e) => e.messages > 0);
  process.stdout.write(
    held.length === 0
      ? `All ${entries.length} dead-letter queues are empty.\n`
      : `${held.reduce((n, e) => n + e.messages, 0)} message(s) in ${held.length} of ${entries.length} dead-letter queues: \`backchannel dlq --queue <id>\` lists them with their causes.\n`,
  );
  return 0;
}

function entryOf(
  message: {
    messageId: string;
    body: string;
    sentAt: Date | undefined;
    sourceQueue: string | undefined;
    attributes: Readonly<Record<string, string>>;
  },
  cause: RecordedFailure | undefined,
  where: { dlq: string; queue: string; now: number; causeInMessage: typeof import('./dead-letters.ts').causeInMessage },
): DlqEntry {
  const ids = idsOfBody(message.body);
  // No function recorded a cause (a rule's undelivered event, an on-failure record): the message may carry one.
  const carried = cause ? undefined : where.causeInMessage(message.body, message.attributes);
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
      ? {
          errorName: cause.errorName,
          errorMessage: cause.errorMessage,
          functionName: cause.functionName,
          failedAt: cause.failedAt,
          failures: cause.failures,
        }
      : carried
        ? {
            errorName: carried.errorName,
            errorMessage: carried.errorMessage,
            functionName: carried.functionName ?? where.queue,
            failedAt: carried.failedAt ?? message.sentAt?.toISOString() ?? '',
            failures: carried.attempts ?? 1,
          }
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
    return {
      ...(typeof mentionId === 'string' ? { mentionId } : {}),
      ...(typeof caseId === 'string' ? { caseId } : {}),
    };
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

export const dlqCommand: Command = {
  summary: "list a queue's dead-letter messages with why each failed",
  usage: USAGE,
  run,
};
