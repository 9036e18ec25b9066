/**
 * `backchannel redrive`: moves the messages of a dead-letter queue back to the queue they
 * were meant for, or with --dry-run shows what it would move. The messages of a schedule's
 * DLQ and of an on-failure destination are not queue work: for those it prints how to run
 * the function again with each message's payload.
 */
import { DEFAULT_COMPANY, UsageError, loadConfig, parseCommand, regionOf, type Command } from './shared.ts';

const USAGE = `Usage: backchannel redrive --queue <name> [--dry-run] [--max <n>] [--company <id>]
       backchannel redrive --queue <name> --region <r> [--dry-run] [--max <n>] [--company <id>]

Moves the messages of a dead-letter queue back to the queue they were meant for, where its
function picks them up again: in batches of 10, with body and message attributes, deleting
from the DLQ only what the queue accepted. Prints progress and the counts moved and failed.
A work queue's DLQ goes back to that queue; a bus rule's DLQ (dept-<d>-events) holds the
events the bus could not deliver, and they go to the department's queue as the rule would
have put them.

A schedule's DLQ and an on-failure destination (check-sla-failures, ...) hold runs of a
function, not queue work: redrive moves nothing there and prints, for each message, the
command that invokes the function again with its payload (the on-failure record's
requestPayload); the message stays until you delete it. A schedule runs again at its next
time anyway.

Locally it uses the SQS of the running runtime (\`npm start\` for --company). With --region
it uses the company's deployed queues with your AWS credentials.

Options:
  --queue <name>   a dead-letter queue by its id (intake-dlq, dept-press-events, ...) or
                   full name, or a work queue (intake, dept-press, bc-demo-dept-press) for
                   that queue's DLQ (required; \`backchannel dlq\` lists them all)
  --dry-run        move nothing: print the DLQ's message count and the first message ids
  --max <n>        move at most n messages (default: all)
  --company <id>   the company (default: ${DEFAULT_COMPANY})
  --region <r>     the region of the deployed stack (default: local runtime)
  -h, --help       show this help

Exit codes: 0 every message moved (or the re-run commands printed), 1 some failed (they
stay in the DLQ) or no runtime, 2 usage error.`;

/** How many messages a dry run shows. */
const PEEK = 5;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      queue: { type: 'string' },
      'dry-run': { type: 'boolean' },
      max: { type: 'string' },
      company: { type: 'string' },
      region: { type: 'string' },
    },
    'redrive',
    USAGE,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.queue)
    throw new UsageError(
      '--queue <name> is required, e.g. --queue intake or --queue dept-press-events; `backchannel dlq` lists every DLQ',
      'redrive',
    );
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && !(Number.isInteger(max) && max > 0))
    throw new UsageError(`--max takes a whole number above 0, got "${values.max}"`, 'redrive');
  const company = values.company ?? DEFAULT_COMPANY;
  const config = await loadConfig(company);

  const { buildTopology } = await import('../../infra/topology.ts');
  const { deadLetterTargets, localAwsOf, resolveDeadLetterQueue } = await import('./dead-letters.ts');
  const local = buildTopology(config);
  const resolved = resolveDeadLetterQueue(local, values.queue, 'redrive');

  const { createSqsClient } = await import('../../shared/adapters/aws-clients.ts');
  let env: Record<string, string>;
  let topology = local;
  if (values.region !== undefined) {
    // The SDK's default credential chain: your profile, environment or SSO session.
    env = { AWS_REGION: regionOf(values.region, 'redrive') };
    // CloudFormation named the queues and functions: their names are in the stack's outputs.
    const { deployedTopology } = await import('./stack-names.ts');
    ({ topology } = await deployedTopology(local, env.AWS_REGION as string));
  } else {
    const runtime = await localAwsOf(company);
    if (!runtime) return 1;
    env = runtime.env;
  }
  const target = deadLetterTargets(topology).find((t) => t.id === resolved.id) ?? resolved;

  const sqs = createSqsClient(env);
  try {
    const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
    const urlOf = async (name: string) =>
      (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
    const dlqUrl = await urlOf(target.name);
    const destination = topology.queues.find((q) => q.id === target.redrivesTo);
    if (!destination) return await printReruns(sqs, dlqUrl, target, { max: max ?? PEEK_RERUNS, region: values.region });
    const spec = { name: destination.name, dlq: { name: target.name } };
    const targetUrl = await urlOf(spec.name);
    const { peekMessages, redriveMessages } = await import('../../shared/adapters/sqs-redrive.ts');

    if (values['dry-run']) {
      const peek = await peekMessages(sqs, dlqUrl, Math.min(PEEK, max ?? PEEK));
      const count = max === undefined ? peek.approximateCount : Math.min(max, peek.approximateCount);
      process.stdout.write(
        `Dry run: ${spec.dlq.name} holds about ${peek.approximateCount} message(s); a redrive would move ${count} to ${spec.name}. Nothing was moved.\n`,
      );
      if (peek.messages.length > 0) {
        const { excerpt } = await import('../../infra/local/text-table.ts');
        process.stdout.write(
          `First messages:\n${peek.messages.map((m) => `  ${m.messageId}  ${excerpt(m.body, 80)}`).join('\n')}\n`,
        );
      }
      return 0;
    }

    process.stderr.write(
      `Moving messages from ${spec.dlq.name} to ${spec.name}${max === undefined ? '' : ` (at most ${max})`}\n`,
    );
    const result = await redriveMessages(sqs, {
      dlqUrl,
      targetUrl,
      ...(max !== undefined ? { max } : {}),
      onProgress: (p) => process.stderr.write(`  batch ${p.batches}: ${p.moved} moved, ${p.failed} failed\n`),
    });
    for (const failure of result.failures) {
      const where = failure.step === 'send' ? 'stays in the DLQ' : 'was sent but is still in the DLQ too';
      process.stderr.write(`  ${failure.messageId} ${where}: ${failure.code}: ${failure.message}\n`);
    }
    process.stdout.write(`Redrive ${spec.dlq.name} -> ${spec.name}: ${result.moved} moved, ${result.failed} failed\n`);
    return result.failed === 0 ? 0 : 1;
  } finally {
    sqs.destroy();
  }
}

/** How many re-run commands a DLQ of function runs prints without --max. */
const PEEK_RERUNS = 10;

/**
 * For a DLQ of function runs: each message's payload and the command that runs the
 * function again with it, moving nothing (a peek, so the messages stay visible).
 */
async function printReruns(
  sqs: import('@aws-sdk/client-sqs').SQSClient,
  dlqUrl: string,
  target: import('./dead-letters.ts').DeadLetterTarget,
  options: { max: number; region: string | undefined },
): Promise<number> {
  const { peekMessages } = await import('../../shared/adapters/sqs-redrive.ts');
  const { payloadOf, rerunCommand } = await import('./dead-letters.ts');
  const peek = await peekMessages(sqs, dlqUrl, options.max);
  const fn = target.rerunFunction ?? '<function>';
  process.stdout.write(
    `${target.name} holds about ${peek.approximateCount} message(s): ${target.receives}. They are runs of ${fn}, not queue work: nothing was moved.\n` +
      (options.region === undefined
        ? `Locally a schedule runs its function again at its next time; the payloads are below.\n`
        : `To run ${fn} again with a message's payload, then delete the message from the DLQ:\n`),
  );
  for (const m of peek.messages) {
    const payload = payloadOf(m.body);
    process.stdout.write(
      payload === undefined
        ? `  ${m.messageId}  (body is not JSON: read it with \`backchannel dlq --queue ${target.id}\`)\n`
        : `  ${m.messageId}  ${options.region === undefined ? JSON.stringify(payload) : rerunCommand(fn, payload, options.region)}\n`,
    );
  }
  return 0;
}

export const redriveCommand: Command = { summary: "move a queue's dead-letter messages back to it", usage: USAGE, run };
