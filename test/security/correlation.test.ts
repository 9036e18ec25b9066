/**
 * Finding 5, "nothing silent", needs one correlation id from ingest to the department
 * handler: the mention id on every log line of a mention's processing. Through the local
 * runtime (real handlers, dynalite, local-aws-sqs, the local bus), and at the record
 * observer where batch records run concurrently.
 */
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogRecord } from '../../infra/local/console-log.ts';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { bodyOf, observeRecords } from '../../shared/observability/observe-records.ts';
import { logger } from '../../shared/observability/powertools.ts';
import { demoConfigWithPages } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';
import { sqsRecordFactory } from '../factories/mention.ts';
import { captureLogs, raiseLogLevel, type LogLine } from '../support/captured-logs.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

/** What ingest-webhook logs: per webhook (several mentions) and per enqueued mention. */
const INGEST_MESSAGES = new Set(['Mention enqueued', 'Events ignored', 'Webhook received']);

describe('one correlation id from ingest to the department handler, through the local runtime', () => {
  // Every mention goes to the cloud classifier, which has no endpoint here: its fallback
  // warning is logged by code that knows nothing of the mention.
  // The batch fixture's third entry is another Page: the company's here, so all six mentions go in.
  const base = demoConfigWithPages('104729381726999');
  const config: CompanyConfig = {
    ...base,
    classifier: { ...base.classifier, cloud: { ...base.classifier.cloud, enabled: true, belowConfidence: 1 } },
  };
  let runtime: Runtime;
  let restoreLevel: (() => void) | undefined;
  let lines: LogLine[];

  beforeAll(async () => {
    // Arrange: the runtime in memory, passing the functions' JSON records to its log, and
    // the Meta batch fixture of six mentions in three threads
    const records: LogLine[] = [];
    const log = (line: string) => {
      const record = parseLogRecord(line);
      if (record) records.push(record as LogLine);
    };
    runtime = await startRuntime({
      config,
      port: 0,
      // A redelivery would log a mention twice.
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      logFormat: 'json',
      log,
    });
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    restoreLevel = raiseLogLevel('INFO');

    // Act
    const answer = await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-batch-mixed.json'),
      appSecret,
    );
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    restoreLevel();
    lines = [...records];
    expect(answer.status).toBe(200);
  });

  afterAll(async () => {
    restoreLevel?.();
    await runtime?.stop();
  });

  const enqueuedIds = () => new Set(lines.filter((l) => l.message === 'Mention enqueued').map((l) => l.mentionId));

  it('logs each enqueued mention with its id and its SQS message id at ingest', () => {
    const enqueued = lines.filter((l) => l.message === 'Mention enqueued');

    expect(enqueued).toHaveLength(6);
    expect(enqueued.every((l) => typeof l.mentionId === 'string' && typeof l.messageId === 'string')).toBe(true);
    expect(enqueuedIds().size).toBe(6);
  });

  it('tags every line of classify-mention and handle-department with the id of an enqueued mention', () => {
    const processing = lines.filter((l) => !INGEST_MESSAGES.has(l.message));

    expect(processing.length).toBeGreaterThan(6);
    expect(processing.filter((l) => !enqueuedIds().has(l.mentionId))).toEqual([]);
  });

  it('tags the lines of code that does not know the mention, such as the cloud classifier fallback', () => {
    const fallbacks = lines.filter((l) => l.message === 'Cloud classifier failed, local result used');

    expect(fallbacks.length).toBeGreaterThanOrEqual(5);
    expect(new Set(fallbacks.map((l) => l.mentionId)).size).toBe(fallbacks.length);
    expect(fallbacks.every((l) => enqueuedIds().has(l.mentionId))).toBe(true);
  });

  it('carries the same case id from classification to the department for each mention', () => {
    const classified = new Map(
      lines.filter((l) => l.message === 'Mention classified').map((l) => [l.mentionId, l.caseId]),
    );
    const recorded = lines.filter((l) => l.message === 'Mention recorded on case');

    expect(recorded.length).toBeGreaterThanOrEqual(4);
    for (const line of recorded) expect(line.caseId).toBe(classified.get(line.mentionId));
  });
});

describe('correlation keys of concurrent records', () => {
  it("keeps each record's mention id on its own lines while the records of a batch interleave", async () => {
    // Arrange: two records whose handling logs before and after yielding to the other
    const logs = captureLogs();
    const handle = observeRecords(
      async () => {
        logger.info('step one');
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.info('step two');
      },
      {
        functionName: 'classify-mention',
        correlate: (r: SQSRecord) => ({ mentionId: String(bodyOf(r)?.id) }),
        clock: systemClock,
      },
    );

    // Act
    await Promise.all([handle(sqsRecordFactory('{"id": "x:1"}', 'a')), handle(sqsRecordFactory('{"id": "x:2"}', 'b'))]);
    logs.restore();

    // Assess: interleaved, and still each line with its record's id
    expect(logs.lines().map((l) => `${l.message} ${String(l.mentionId)}`)).toEqual([
      'step one x:1',
      'step one x:2',
      'step two x:1',
      'step two x:2',
    ]);
  });
});
