import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type LocalBackend } from '../../infra/local/backends.ts';
import { createQueues, type LocalQueues } from '../../infra/local/queues.ts';
import { RUNTIME_RECORD_FILE, type RuntimeRecord } from '../../infra/local/runtime-record.ts';
import { buildTopology } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';

/**
 * `backchannel redrive` as a user runs it against the local runtime's SQS: the runtime
 * record of .backchannel/demo/ points at a local-aws-sqs that holds the demo topology's
 * queues (this test process stands in for the running runtime).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('backchannel redrive against the local runtime', () => {
  const topology = buildTopology(demoConfig());
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-redrive-'));
  let backend: LocalBackend;
  let sqs: SQSClient;
  let queues: LocalQueues;
  const messageIds: string[] = [];

  const run = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'redrive', ...args],
      { cwd },
    );
  const stored = async (url: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  };

  beforeAll(async () => {
    // Arrange: the demo topology's queues, three messages in the press DLQ, and the runtime record
    backend = await startSqs();
    sqs = new SQSClient({ region: LOCAL_REGION, endpoint: backend.endpoint, credentials: LOCAL_CREDENTIALS });
    queues = await createQueues(sqs, topology, undefined);
    const { Successful = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.dlqUrls['dept-press'],
        Entries: [1, 2, 3].map((n) => ({
          Id: `m${n}`,
          MessageBody: JSON.stringify({ 'detail-type': 'Mention Routed', detail: { mentionId: `x:${n}` } }),
        })),
      }),
    );
    messageIds.push(...Successful.map((s) => s.MessageId as string));
    // An event the bus could not deliver to the press queue, and a failed SLA sweep's record.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterUrls['dept-press-events'],
        MessageBody: JSON.stringify({ 'detail-type': 'Mention Routed', detail: { mentionId: 'x:4' } }),
        MessageAttributes: {
          ERROR_CODE: { DataType: 'String', StringValue: 'SQSError' },
          ERROR_MESSAGE: { DataType: 'String', StringValue: 'QueueDoesNotExist' },
        },
      }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterUrls['check-sla-failures'],
        MessageBody: JSON.stringify({
          version: '1.0',
          requestContext: { condition: 'RetriesExhausted' },
          requestPayload: { scheduledTime: '2026-12-03T08:55:00Z' },
        }),
      }),
    );
    mkdirSync(path.join(cwd, 'companies'));
    writeFileSync(path.join(cwd, 'companies/demo.yaml'), readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'));
    const record: RuntimeRecord = {
      pid: process.pid,
      company: 'demo',
      url: 'http://127.0.0.1:1',
      region: LOCAL_REGION,
      tableName: topology.table.name,
      endpoints: {
        dynamodb: 'http://127.0.0.1:1',
        sqs: backend.endpoint,
        eventBridge: 'http://127.0.0.1:1',
        secretsManager: 'http://127.0.0.1:1',
      },
      startedAt: new Date().toISOString(),
    };
    mkdirSync(path.join(cwd, '.backchannel/demo'), { recursive: true });
    writeFileSync(path.join(cwd, '.backchannel/demo', RUNTIME_RECORD_FILE), JSON.stringify(record));
  });

  afterAll(async () => {
    sqs.destroy();
    await backend.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('--dry-run prints the count and the first message ids and moves nothing', async () => {
    // Act
    const { stdout } = await run('--queue', 'dept-press', '--dry-run');

    // Assess
    expect(stdout).toContain(
      'Dry run: bc-demo-dept-press-dlq holds about 3 message(s); a redrive would move 3 to bc-demo-dept-press. Nothing was moved.',
    );
    expect(messageIds.some((id) => stdout.includes(id))).toBe(true);
    expect(await stored(queues.dlqUrls['dept-press'] as string)).toBe(3);
    expect(await stored(queues.urls['dept-press'] as string)).toBe(0);
  });

  it('moves the DLQ messages back to the queue named by its full name, with progress and a count', async () => {
    // Act
    const { stdout, stderr } = await run('--queue', 'bc-demo-dept-press');

    // Assess
    expect(stdout).toContain('Redrive bc-demo-dept-press-dlq -> bc-demo-dept-press: 3 moved, 0 failed');
    expect(stderr).toContain('batch 1: 3 moved, 0 failed');
    expect(await stored(queues.urls['dept-press'] as string)).toBe(3);
    expect(await stored(queues.dlqUrls['dept-press'] as string)).toBe(0);
  });

  it("moves a bus rule's undelivered events into the department queue the rule targets", async () => {
    // Arrange
    const before = await stored(queues.urls['dept-press'] as string);

    // Act
    const { stdout } = await run('--queue', 'dept-press-events');

    // Assess
    expect(stdout).toContain('Redrive bc-demo-dept-press-events-dlq -> bc-demo-dept-press: 1 moved, 0 failed');
    expect(await stored(queues.urls['dept-press'] as string)).toBe(before + 1);
    expect(await stored(queues.deadLetterUrls['dept-press-events'] as string)).toBe(0);
  });

  it("moves nothing from an on-failure destination and prints each record's payload to run the function again with", async () => {
    // Act
    const { stdout } = await run('--queue', 'check-sla-failures');

    // Assess
    expect(stdout).toContain('bc-demo-check-sla-failures holds about 1 message(s)');
    expect(stdout).toContain('They are runs of bc-demo-check-sla, not queue work: nothing was moved.');
    expect(stdout).toContain('{"scheduledTime":"2026-12-03T08:55:00Z"}');
    expect(await stored(queues.deadLetterUrls['check-sla-failures'] as string)).toBe(1);
  });

  it('exits 2 naming the queues for a queue the topology does not have', async () => {
    const act = run('--queue', 'dept-marketing');

    await expect(act).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--queue dept-marketing is not a queue of demo; its queues: intake, dept-press'),
    });
  });

  it('exits 2 without --queue', async () => {
    const act = run('--dry-run');

    await expect(act).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--queue <name> is required') });
  });
});
