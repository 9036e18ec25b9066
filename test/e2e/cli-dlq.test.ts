import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DlqEntry, DlqOverviewEntry } from '../../bin/commands/dlq.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { allDeadLetterQueues, buildTopology } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { REDELIVERY_SECONDS } from '../support/visibility.ts';

/**
 * `backchannel dlq` as a user runs it against `npm start`: a persisted runtime in a temporary
 * working directory, messages that classify-mention can never process (a DynamoDB key over
 * its limit, a body that is not JSON) failing their way into the intake DLQ, one message put
 * there by hand, and the CLI in a child process listing them with their causes.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('backchannel dlq against the local runtime', () => {
  const config = demoConfig();
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-dlq-'));
  let runtime: Runtime;
  let sqs: SQSClient;
  const unstorable = mentionFactory({ externalId: `x${'7'.repeat(2100)}`, text: 'Wo bleibt meine Lieferung?' });
  const ids: { unstorable?: string; garbled?: string; byHand?: string } = {};

  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'dlq', ...args], {
      cwd,
    });
  const visibleIn = async (url: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  };

  beforeAll(async () => {
    // Arrange: the runtime as `npm start` runs it for the demo company, in a fresh directory
    mkdirSync(path.join(cwd, 'companies'));
    writeFileSync(path.join(cwd, 'companies/demo.yaml'), readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'));
    runtime = await startRuntime({
      config,
      port: 0,
      dataDir: path.join(cwd, '.backchannel/demo'),
      // Five failed receives reach the DLQ within seconds.
      visibilityTimeoutSeconds: REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => undefined,
    });
    sqs = new SQSClient({ region: runtime.region, endpoint: runtime.endpoints.sqs, credentials: LOCAL_CREDENTIALS });
    const send = async (url: string, body: string) =>
      (await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))).MessageId as string;
    ids.unstorable = await send(runtime.queueUrls.intake as string, JSON.stringify(unstorable));
    ids.garbled = await send(runtime.queueUrls.intake as string, '{"id": "facebook:1_2", "text": "cut off');
    ids.byHand = await send(runtime.dlqUrls.intake as string, JSON.stringify({ id: 'facebook:by-hand' }));
    // An event the bus could not deliver, with the attributes EventBridge gives it.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: runtime.deadLetterUrls['dept-press-events'],
        MessageBody: JSON.stringify({ 'detail-type': 'Mention Routed', detail: { mentionId: 'facebook:undelivered' } }),
        MessageAttributes: {
          ERROR_CODE: { DataType: 'String', StringValue: 'SQSError' },
          ERROR_MESSAGE: { DataType: 'String', StringValue: 'QueueDoesNotExist: gone' },
        },
      }),
    );
    // Five failed receives each (maxReceiveCount 5), a second apart, then SQS moves them.
    const deadline = Date.now() + 45_000;
    while ((await visibleIn(runtime.dlqUrls.intake as string)) < 3) {
      if (Date.now() > deadline) throw new Error('the failing messages did not reach the DLQ');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 60_000);

  afterAll(async () => {
    sqs?.destroy();
    await runtime?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints no AWS SDK notice about Node 22, also when the environment does not switch it off', async () => {
    // Arrange: the environment of a shell, without the switch the tests run with
    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _switch, ...env } = process.env;

    // Act
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'dlq', '--queue', 'intake', '--json'],
      { cwd, env },
    );

    // Assess
    expect(JSON.parse(stdout)).toHaveLength(3);
    expect(stderr).not.toContain('NodeVersionSupportWarning');
    expect(stderr).not.toContain('node >=22');
  });

  it('lists each message with its recorded cause, function, receive count and mention id as JSON', async () => {
    // Act
    const { stdout } = await run('--queue', 'intake', '--json');

    // Assess
    const entries = JSON.parse(stdout) as DlqEntry[];
    const byId = new Map(entries.map((e) => [e.messageId, e]));
    expect(entries).toHaveLength(3);
    expect(byId.get(ids.unstorable as string)).toMatchObject({
      dlq: 'bc-demo-intake-dlq',
      queue: 'bc-demo-intake',
      receiveCount: 5,
      mentionId: unstorable.id,
      cause: {
        errorName: 'ValidationException',
        functionName: 'classify-mention',
        failures: 5,
        errorMessage: expect.stringContaining('key'),
      },
    });
    expect(byId.get(ids.garbled as string)?.cause).toMatchObject({
      errorName: 'ValidationError',
      errorMessage: `message ${ids.garbled} is not JSON`,
    });
    expect(byId.get(ids.byHand as string)).toMatchObject({
      cause: null,
      receiveCount: null,
      mentionId: 'facebook:by-hand',
    });
    expect(entries.every((e) => e.ageSeconds !== null && e.ageSeconds >= 0 && e.ageSeconds < 120)).toBe(true);
  });

  it('prints a table with the cause of each message and "unknown" where none was recorded', async () => {
    // Act
    const { stdout } = await run('--queue', 'bc-demo-intake');

    // Assess
    expect(stdout).toContain('bc-demo-intake-dlq: 3 message(s) listed');
    expect(stdout).toMatch(/MESSAGE ID\s+AGE\s+RECEIVES\s+MENTION\s+FAILED IN\s+CAUSE/);
    const lineOf = (id: string | undefined) => stdout.split('\n').find((l) => l.startsWith(id as string)) ?? '';
    expect(lineOf(ids.unstorable)).toMatch(/\s5\s.*classify-mention .*ValidationException: /);
    expect(lineOf(ids.garbled)).toContain(`ValidationError: message ${ids.garbled} is not JSON`);
    expect(lineOf(ids.byHand)).toContain('unknown (no failure recorded)');
  });

  it('leaves every message in the DLQ, visible, after listing', async () => {
    // Act
    await run('--queue', 'intake', '--json');

    // Assess
    expect(await visibleIn(runtime.dlqUrls.intake as string)).toBe(3);
    expect(await visibleIn(runtime.queueUrls.intake as string)).toBe(0);
  });

  it('without --queue lists every dead-letter queue of the topology with its depth', async () => {
    // Act
    const { stdout } = await run('--json');

    // Assess
    const overview = JSON.parse(stdout) as DlqOverviewEntry[];
    const depth = new Map(overview.map((e) => [e.id, e.messages]));
    expect(overview).toHaveLength(allDeadLetterQueues(buildTopology(config)).length);
    expect(depth.get('intake-dlq')).toBe(3);
    expect(depth.get('dept-press-events')).toBe(1);
    expect(depth.get('check-sla-failures')).toBe(0);
    expect(overview.find((e) => e.id === 'dept-press-events')).toMatchObject({
      redrivesTo: 'dept-press',
      rerunFunction: null,
    });
  });

  it("lists a rule DLQ's event with the cause EventBridge wrote into it", async () => {
    // Act
    const { stdout } = await run('--queue', 'dept-press-events', '--json');

    // Assess
    const [entry] = JSON.parse(stdout) as DlqEntry[];
    expect(entry).toMatchObject({
      dlq: 'bc-demo-dept-press-events-dlq',
      mentionId: 'facebook:undelivered',
      cause: { errorName: 'SQSError', errorMessage: 'QueueDoesNotExist: gone' },
    });
  });

  it('exits 2 naming the queues for a queue the topology does not have', async () => {
    const act = run('--queue', 'dept-marketing');

    await expect(act).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--queue dept-marketing is not a queue of demo; its queues: intake, dept-press'),
    });
  });
});
