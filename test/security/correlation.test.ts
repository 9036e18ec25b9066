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
import { buildTopology, platformSecretName } from '../../infra/topology.ts';
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

/** What ingest-webhook logs: per webhook (naming its mentions), and per reason events were ignored. */
const INGEST_MESSAGES = new Set(['Events ignored', 'Webhook received']);
/** The one INFO line per batch of the queue functions: it names its mentions in `mentions` (id -> case or theme). */
const BATCH_MESSAGES = new Set(['Mentions classified', 'Department batch handled', 'Insights recorded']);

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

  const enqueuedIds = () =>
    new Set(lines.filter((l) => l.message === 'Webhook received').flatMap((l) => l.mentionIds as unknown[]));
  /** Mention id -> what it led to, from the batch lines with `message`. */
  const namedIn = (message: string) =>
    new Map(
      lines
        .filter((l) => l.message === message)
        .flatMap((l) => Object.entries((l.mentions ?? {}) as Record<string, string>)),
    );

  it("names each enqueued mention in the webhook's one line at ingest", () => {
    const received = lines.filter((l) => l.message === 'Webhook received');

    expect(received).toHaveLength(1);
    expect(received[0]?.enqueued).toBe(6);
    expect(enqueuedIds().size).toBe(6);
  });

  it('tags every other line of classify-mention and handle-department with the id of an enqueued mention', () => {
    const processing = lines.filter((l) => !INGEST_MESSAGES.has(l.message) && !BATCH_MESSAGES.has(l.message));

    expect(processing.length).toBeGreaterThanOrEqual(5);
    expect(processing.filter((l) => !enqueuedIds().has(l.mentionId))).toEqual([]);
  });

  it('names every enqueued mention, and only those, in the batch lines of classify-mention and handle-department', () => {
    const classified = namedIn('Mentions classified');
    const recorded = namedIn('Department batch handled');

    expect(new Set(classified.keys())).toEqual(enqueuedIds());
    expect([...recorded.keys()].filter((id) => !enqueuedIds().has(id))).toEqual([]);
  });

  it('tags the lines of code that does not know the mention, such as the cloud classifier fallback', () => {
    const fallbacks = lines.filter((l) => l.message === 'Cloud classifier failed, local result used');

    expect(fallbacks.length).toBeGreaterThanOrEqual(5);
    expect(new Set(fallbacks.map((l) => l.mentionId)).size).toBe(fallbacks.length);
    expect(fallbacks.every((l) => enqueuedIds().has(l.mentionId))).toBe(true);
  });

  it('names on each line the function that logged it, though all share one logger in the runtime', () => {
    const nameOf = new Map(buildTopology(config).functions.map((fn) => [fn.id, fn.name]));
    const loggedBy: Record<string, string> = {
      'Webhook received': 'ingest-webhook',
      'Mentions classified': 'classify-mention',
      'Department batch handled': 'handle-department',
      'Insights recorded': 'record-insights',
    };
    const named = lines.filter((l) => loggedBy[l.message] !== undefined);

    expect(new Set(named.map((l) => l.message))).toEqual(new Set(Object.keys(loggedBy)));
    expect(named.filter((l) => l.function_name !== nameOf.get(loggedBy[l.message] as string))).toEqual([]);
  });

  it('carries the same case id from classification to the department for each mention', () => {
    const classified = namedIn('Mentions classified');
    const recorded = namedIn('Department batch handled');

    expect(recorded.size).toBeGreaterThanOrEqual(4);
    for (const [mentionId, caseId] of recorded) expect(caseId).toBe(classified.get(mentionId));
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
