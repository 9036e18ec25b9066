/**
 * The ceiling the local backends put on end-to-end throughput: one backend (dynalite, or
 * local-aws-sqs with its journal) in a process of its own, sent the pipeline's per-mention
 * requests of that service (request-mix.ts) by the project's own SDK clients at a fixed
 * concurrency, and nothing else; and the same clients against canned answers in their own
 * thread (canned-aws.ts), which leaves the SDK's CPU per request alone.
 *
 * CPU from /proc (thread-cpu.ts): the client's is this process's main thread, the backend's
 * its whole process (its GC and the journal's fsyncs included).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/backends.ts';
import { createTable } from '../../infra/local/table.ts';
import type { TableSpec } from '../../infra/topology.ts';
import { createDocumentClient, createSqsClient } from '../../shared/adapters/aws-clients.ts';
import { cannedRequestHandler } from './canned-aws.ts';
import { BATCH_GET_KEYS, DYNAMODB_MIX, scheduleOf, SQS_MIX, type RequestMix } from './request-mix.ts';
import { inParallel } from './load.ts';
import { cpuPerRequest, processCpu, type ProcessCpu } from './thread-cpu.ts';

export type CeilingBackend = 'dynalite' | 'local-aws-sqs' | 'none (canned answers in process)';

export interface CeilingRow {
  readonly service: 'DynamoDB' | 'SQS';
  readonly backend: CeilingBackend;
  readonly mix: RequestMix;
  readonly concurrency: number;
  readonly requests: number;
  readonly seconds: number;
  /** CPU per request of the client's thread (the SDK) and of the backend's process; undefined off Linux. */
  readonly clientCpuMs: number | undefined;
  readonly backendCpuMs: number | undefined;
  /** Requests that failed (each is logged once by kind). */
  readonly errors: number;
}

/** A backend in its own process (throughput.ts starts it with backend-server.ts). */
export interface BackendProcess {
  readonly url: string;
  readonly pid: number | undefined;
}

/** Sizes of the items put, cycled: about 1 KB on average, as the mention, case and record items (bench:cost). */
const ITEM_BYTES = [400, 800, 1100, 1500];
/** Items put before the measured requests, so that gets, queries and updates find something. */
const SEED_ITEMS = 200;
/** An intake message's body: a normalized mention with its text (about 1.5 KB). */
const MESSAGE_BYTES = 1500;

const envOf = (endpoint: string) => ({
  AWS_REGION: LOCAL_REGION,
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
});

/**
 * Sends `mentions` mentions' worth of the DynamoDB mix to `backend` (dynalite), or to canned
 * answers without one, `concurrency` requests at a time, on the topology's table.
 */
export async function dynamoDbCeiling(options: {
  readonly backend: BackendProcess | undefined;
  readonly table: TableSpec;
  readonly mentions: number;
  readonly concurrency: number;
}): Promise<CeilingRow> {
  const endpoint = options.backend?.url ?? 'http://127.0.0.1:9';
  const client = createDocumentClient(envOf(endpoint));
  if (!options.backend) client.config.requestHandler = cannedRequestHandler as never;
  const TableName = options.table.name;
  let puts = 0;
  const keyOf = (n: number) => ({ PK: `BENCH#${n}`, SK: 'ITEM' });
  // An existing item, spread over what was put so far.
  const someKey = (n: number) => keyOf((n * 7919) % Math.max(1, puts));
  const put = (n: number) => {
    const id = puts++;
    return new PutCommand({
      TableName,
      Item: {
        ...keyOf(id),
        // One item in four is in the index, as a case is in its department's listing.
        ...(id % 4 === 0 ? { GSI1PK: `DEPT#${id % 6}`, GSI1SK: `DUE#${1_000_000 + id}` } : {}),
        text: 'x'.repeat(ITEM_BYTES[n % ITEM_BYTES.length] as number),
        createdAt: new Date().toISOString(),
        version: 1,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  };
  const command = (operation: string, n: number) => {
    switch (operation) {
      case 'PutItem':
        return put(n);
      case 'GetItem':
        return new GetCommand({ TableName, Key: someKey(n), ConsistentRead: true });
      case 'BatchGetItem': {
        // BATCH_GET_KEYS distinct items put so far, eventually consistent (as the batches' reads).
        const first = (n * 7919) % Math.max(1, puts);
        const Keys = Array.from({ length: Math.min(BATCH_GET_KEYS, puts) }, (_, k) => keyOf((first + k) % puts));
        return new BatchGetCommand({ RequestItems: { [TableName]: { Keys } } });
      }
      case 'Query':
        return new QueryCommand({
          TableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': `DEPT#${n % 6}` },
          Limit: 10,
        });
      case 'UpdateItem':
        return new UpdateCommand({
          TableName,
          Key: someKey(n),
          UpdateExpression: 'ADD version :one SET updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1, ':now': new Date().toISOString() },
        });
      default:
        throw new Error(`no DynamoDB request for ${operation}`);
    }
  };
  try {
    if (options.backend) {
      const raw = new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });
      try {
        await createTable(raw, options.table);
      } finally {
        raw.destroy();
      }
    }
    await inParallel(SEED_ITEMS, options.concurrency, (n) => client.send(put(n)));
    const schedule = scheduleOf(DYNAMODB_MIX, options.mentions);
    const measured = await measure(options.backend, schedule, options.concurrency, (operation, n) =>
      client.send(command(operation, n) as never),
    );
    return {
      service: 'DynamoDB',
      backend: options.backend ? 'dynalite' : 'none (canned answers in process)',
      mix: DYNAMODB_MIX,
      concurrency: options.concurrency,
      ...measured,
    };
  } finally {
    client.destroy();
  }
}

/**
 * Sends `mentions` mentions' worth of the SQS mix to `backend` (local-aws-sqs), or to canned
 * answers without one: a SendMessageBatch of one intake message, a ReceiveMessage of up to 10
 * and a DeleteMessageBatch of what the last receive brought (none when it brought nothing).
 */
export async function sqsCeiling(options: {
  readonly backend: BackendProcess | undefined;
  readonly mentions: number;
  readonly concurrency: number;
}): Promise<CeilingRow> {
  const endpoint = options.backend?.url ?? 'http://127.0.0.1:9';
  const client: SQSClient = createSqsClient(envOf(endpoint));
  if (!options.backend) client.config.requestHandler = cannedRequestHandler as never;
  const body = JSON.stringify({ mention: 'x'.repeat(MESSAGE_BYTES) });
  const received: { Id: string; ReceiptHandle: string }[] = [];
  try {
    const QueueUrl = options.backend
      ? ((await client.send(new CreateQueueCommand({ QueueName: 'ceiling-intake' }))).QueueUrl as string)
      : `${endpoint}/000000000000/ceiling-intake`;
    const schedule = scheduleOf(SQS_MIX, options.mentions);
    const measured = await measure(options.backend, schedule, options.concurrency, async (operation) => {
      if (operation === 'SendMessageBatch') {
        await client.send(
          new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: randomUUID(), MessageBody: body }] }),
        );
      } else if (operation === 'ReceiveMessage') {
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0 }),
        );
        for (const [n, m] of Messages.entries())
          received.push({ Id: String(n), ReceiptHandle: m.ReceiptHandle as string });
      } else {
        const Entries = received.splice(0, 10).map((entry, n) => ({ ...entry, Id: String(n) }));
        if (Entries.length === 0) return 'skipped';
        await client.send(new DeleteMessageBatchCommand({ QueueUrl, Entries }));
      }
      return undefined;
    });
    return {
      service: 'SQS',
      backend: options.backend ? 'local-aws-sqs' : 'none (canned answers in process)',
      mix: SQS_MIX,
      concurrency: options.concurrency,
      ...measured,
    };
  } finally {
    client.destroy();
  }
}

/** Runs `schedule`, `concurrency` at a time, with the CPU of this thread and of the backend's process around it. */
async function measure(
  backend: BackendProcess | undefined,
  schedule: readonly string[],
  concurrency: number,
  send: (operation: string, n: number) => Promise<unknown>,
): Promise<Pick<CeilingRow, 'requests' | 'seconds' | 'clientCpuMs' | 'backendCpuMs' | 'errors'>> {
  let errors = 0;
  let skipped = 0;
  const seen = new Set<string>();
  // The first tenth (at most 200 requests) warms the client and the backend up, unmeasured.
  const warmUp = Math.min(200, Math.floor(schedule.length / 10));
  const run = async (n: number) => {
    const operation = schedule[n] as string;
    try {
      if ((await send(operation, n)) === 'skipped') skipped++;
    } catch (error) {
      errors++;
      const kind = `${operation}: ${(error as Error).name}`;
      if (!seen.has(kind)) {
        seen.add(kind);
        process.stderr.write(`ceiling ${kind}: ${(error as Error).message}\n`);
      }
    }
  };
  await inParallel(warmUp, concurrency, run);
  skipped = 0;
  errors = 0;
  const before = await Promise.all([processCpu(process.pid), processCpu(backend?.pid)]);
  const started = performance.now();
  await inParallel(schedule.length - warmUp, concurrency, (n) => run(warmUp + n));
  const seconds = (performance.now() - started) / 1000;
  const requests = schedule.length - warmUp - skipped;
  const after = await Promise.all([processCpu(process.pid), processCpu(backend?.pid)]);
  const perRequest = (b: ProcessCpu | undefined, a: ProcessCpu | undefined) => cpuPerRequest(b, a, requests);
  return {
    requests,
    seconds,
    clientCpuMs: perRequest(before[0], after[0])?.mainThreadMs,
    backendCpuMs: backend ? perRequest(before[1], after[1])?.processMs : undefined,
    errors,
  };
}
