/**
 * `backchannel redrive`: moves the messages of a queue's dead-letter queue back to the
 * queue, or with --dry-run shows what it would move.
 */
import path from 'node:path';
import { DEFAULT_COMPANY, UsageError, dataDirOf, helpShown, loadConfig, noPositionals, parse, regionOf, type Command } from './shared.ts';

const USAGE = `Usage: backchannel redrive --queue <name> [--dry-run] [--max <n>] [--company <id>]
       backchannel redrive --queue <name> --region <r> [--dry-run] [--max <n>] [--company <id>]

Moves the messages of a queue's dead-letter queue back to the queue, where its function
picks them up again: in batches of 10, with body and message attributes, deleting from the
DLQ only what the queue accepted. Prints progress and the counts moved and failed.

Locally it uses the SQS of the running runtime (\`npm start\` for --company). With --region
it uses the company's deployed queues with your AWS credentials.

Options:
  --queue <name>   the queue: its id in the topology (intake, dept-press, ...) or its full
                   name (bc-demo-dept-press); the DLQ comes from the topology (required)
  --dry-run        move nothing: print the DLQ's message count and the first message ids
  --max <n>        move at most n messages (default: all)
  --company <id>   the company (default: ${DEFAULT_COMPANY})
  --region <r>     the region of the deployed stack (default: local runtime)
  -h, --help       show this help

Exit codes: 0 every message moved, 1 some failed (they stay in the DLQ), 2 usage error.`;

/** How many messages a dry run shows. */
const PEEK = 5;

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { queue: { type: 'string' }, 'dry-run': { type: 'boolean' }, max: { type: 'string' }, company: { type: 'string' }, region: { type: 'string' } },
    'redrive',
  );
  if (helpShown(values, USAGE)) return 0;
  noPositionals(positionals, 'redrive');
  if (!values.queue) throw new UsageError('--queue <name> is required, e.g. --queue intake or --queue dept-press', 'redrive');
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new UsageError(`--max takes a whole number above 0, got "${values.max}"`, 'redrive');
  const company = values.company ?? DEFAULT_COMPANY;
  const config = await loadConfig(company);

  const { buildTopology } = await import('../../infra/topology.ts');
  const queues = buildTopology(config).queues;
  const spec = queues.find((q) => q.id === values.queue || q.name === values.queue || q.dlq.name === values.queue);
  if (!spec) throw new UsageError(`--queue ${values.queue} is not a queue of ${company}; its queues: ${queues.map((q) => q.id).join(', ')}`, 'redrive');

  const { createSqsClient } = await import('../../shared/adapters/aws-clients.ts');
  let env: Record<string, string>;
  if (values.region !== undefined) {
    // The SDK's default credential chain: your profile, environment or SSO session.
    env = { AWS_REGION: regionOf(values.region, 'redrive') };
  } else {
    const { readRuntimeRecord, isAlive } = await import('../../infra/local/runtime-record.ts');
    const { LOCAL_CREDENTIALS } = await import('../../infra/local/backends.ts');
    const record = await readRuntimeRecord(dataDirOf(company));
    if (!record || !isAlive(record.pid)) {
      // The local queues live in the runtime's memory: without it there is nothing to redrive.
      process.stderr.write(`No running runtime for ${company} (${path.relative(process.cwd(), dataDirOf(company))}/runtime.json): start it with \`npm start -- --company ${company}\`, or pass --region for a deployed stack.\n`);
      return 1;
    }
    env = { AWS_REGION: record.region, AWS_ENDPOINT_URL_SQS: record.endpoints.sqs, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey };
  }

  const sqs = createSqsClient(env);
  try {
    const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
    const urlOf = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
    const [dlqUrl, targetUrl] = [await urlOf(spec.dlq.name), await urlOf(spec.name)];
    const { peekMessages, redriveMessages } = await import('../../shared/adapters/sqs-redrive.ts');

    if (values['dry-run']) {
      const peek = await peekMessages(sqs, dlqUrl, Math.min(PEEK, max ?? PEEK));
      const count = max === undefined ? peek.approximateCount : Math.min(max, peek.approximateCount);
      process.stdout.write(`Dry run: ${spec.dlq.name} holds about ${peek.approximateCount} message(s); a redrive would move ${count} to ${spec.name}. Nothing was moved.\n`);
      if (peek.messages.length > 0) {
        const { excerpt } = await import('../../infra/local/text-table.ts');
        process.stdout.write(`First messages:\n${peek.messages.map((m) => `  ${m.messageId}  ${excerpt(m.body, 80)}`).join('\n')}\n`);
      }
      return 0;
    }

    process.stderr.write(`Moving messages from ${spec.dlq.name} to ${spec.name}${max === undefined ? '' : ` (at most ${max})`}\n`);
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

export const redriveCommand: Command = { summary: "move a queue's dead-letter messages back to it", usage: USAGE, run };
