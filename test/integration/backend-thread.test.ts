import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BackendThreadError,
  startDynamoDbThread,
  startSqsThread,
  type ThreadedSqsBackend,
} from '../../infra/local/backend-thread.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalBackend } from '../../infra/local/backends.ts';
import { createTable } from '../../infra/local/table.ts';
import { buildTopology } from '../../infra/topology.ts';
import { loadCompanyConfig } from '../../shared/config/load.ts';
import { PER_THREAD_NICE, threadsAtNice } from '../support/thread-nice.ts';

/**
 * The emulated backends in worker threads, as `backchannel start` runs them: real SDK clients
 * on their ports, the journal's replay across a restart, and a start failure with its cause.
 */
describe('backends in worker threads', () => {
  let dir: string;
  const stops: (() => Promise<void>)[] = [];
  const clientConfig = (backend: LocalBackend) => ({
    region: LOCAL_REGION,
    endpoint: backend.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });

  async function sqsThread(): Promise<ThreadedSqsBackend> {
    const backend = await startSqsThread({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      journalDir: path.join(dir, 'queues'),
    });
    stops.push(() => backend.stop());
    return backend;
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bc-backend-thread-'));
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts a message accepted before a stop back on its queue in the next thread', async () => {
    // Arrange
    const first = await sqsThread();
    const before = new SQSClient(clientConfig(first));
    const { QueueUrl } = await before.send(new CreateQueueCommand({ QueueName: 'threaded' }));
    await before.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"mentionId":"meta:1"}' }));
    before.destroy();
    await first.stop();

    // Act
    const second = await sqsThread();
    const after = new SQSClient(clientConfig(second));
    const queue = await after.send(new CreateQueueCommand({ QueueName: 'threaded' }));
    const replay = await second.replayJournal();
    const received = await after.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, WaitTimeSeconds: 0 }));
    after.destroy();

    // Assess
    expect(second.journal).toMatchObject({ live: 1 });
    expect(replay).toEqual({ replayed: 1, movedToDlq: 0, expired: 0, orphaned: 0 });
    expect(received.Messages?.map((m) => m.Body)).toEqual(['{"mentionId":"meta:1"}']);
  });

  it('names the queues sent messages on the port it was handed, and not to the thread that started it', async () => {
    // Arrange: the runtime hands the SQS thread one end and the pipeline thread the other.
    const wakes = new MessageChannel();
    const namedHere: (readonly string[])[] = [];
    const onPort = new Promise<unknown>((resolve) => wakes.port2.once('message', resolve));
    const backend = await startSqsThread({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      putsPort: wakes.port1,
      onPuts: (names) => namedHere.push(names),
    });
    stops.push(async () => {
      wakes.port2.close();
      await backend.stop();
    });
    const sqs = new SQSClient(clientConfig(backend));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'woken-elsewhere' }));

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"mentionId":"meta:2"}' }));
    const message = await onPort;
    sqs.destroy();

    // Assess
    expect(message).toEqual({ type: 'puts', queues: ['woken-elsewhere'] });
    expect(namedHere).toEqual([]);
  });

  it('keeps a stored item in the data directory for the next dynalite thread', async () => {
    // Arrange
    const config = await loadCompanyConfig('demo');
    const table = buildTopology(config).table;
    const dataDir = path.join(dir, 'dynamodb');
    const first = await startDynamoDbThread({ dataDir });
    const writer = new DynamoDBClient(clientConfig(first));
    await createTable(writer, table);
    const key = { [table.partitionKey]: { S: 'THREAD#1' }, [table.sortKey]: { S: 'ITEM' } };
    await writer.send(new PutItemCommand({ TableName: table.name, Item: { ...key, note: { S: 'kept' } } }));
    writer.destroy();
    await first.stop();

    // Act
    const second = await startDynamoDbThread({ dataDir });
    stops.push(() => second.stop());
    const reader = new DynamoDBClient(clientConfig(second));
    const { Item } = await reader.send(new GetItemCommand({ TableName: table.name, Key: key }));
    reader.destroy();

    // Assess
    expect(Item?.note).toEqual({ S: 'kept' });
  });

  it.skipIf(!PER_THREAD_NICE)('runs dynalite at the nice value given, in its thread alone (Linux)', async () => {
    // Arrange
    const before = threadsAtNice(7);

    // Act
    const backend = await startDynamoDbThread({ nice: 7 });
    stops.push(() => backend.stop());
    const dynamo = new DynamoDBClient(clientConfig(backend));
    const tables = await dynamo.send(new ListTablesCommand({}));
    dynamo.destroy();

    // Assess
    expect(threadsAtNice(7).filter((tid) => !before.includes(tid))).toHaveLength(1);
    expect(tables.TableNames).toEqual([]);
  });

  it('fails the start with the backend’s own message when it cannot start', async () => {
    // Arrange: the data directory is a file, so dynalite cannot create its store there.
    const notADirectory = path.join(dir, 'file');
    await writeFile(notADirectory, 'not a directory');

    // Act
    const started = startDynamoDbThread({ dataDir: path.join(notADirectory, 'dynamodb') });

    // Assess
    await expect(started).rejects.toThrow(BackendThreadError);
    await expect(started).rejects.toThrow(/^local DynamoDB \(dynalite\) did not start: ENOTDIR/);
  });
});
