/**
 * Bundle smoke test (issue 12): each function of the demo topology is bundled exactly as
 * the stack bundles it (infra/bundling.ts), imported in a fresh Node process and invoked
 * once with the event shape its trigger delivers (API Gateway v2, SQS, Scheduler, SNS)
 * against the local backends of `npm start` (dynalite, local-aws-sqs, the local
 * EventBridge and Secrets Manager, all on port 0). A bundle that breaks (a dynamic
 * require esbuild cannot follow, a missing asset, a module that runs too much at import)
 * fails here rather than in Lambda.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdaBundle, type BuiltBundle } from '../../infra/bundling.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { buildTopology, INTAKE_QUEUE, platformSecretName, type FunctionSpec } from '../../infra/topology.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import { expiresAtEpochSeconds } from '../../shared/domain/time.ts';
import { adminEventFactory } from '../factories/admin-api.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture, signedMetaEvent } from '../factories/http.ts';
import { sqsEventFactory } from '../factories/lambda.ts';
import { mentionFactory, mentionRoutedFactory, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const config = demoConfig();
const topology = buildTopology(config);
const execFileAsync = promisify(execFile);

const STORED_CASE = caseFactory({ department: 'service' });

let runtime: Runtime;
let dir: string;
const bundles = new Map<string, BuiltBundle>();

beforeAll(async () => {
  // Inside the project, so that native modules (external, as in the stack) resolve from its node_modules.
  mkdirSync(path.join(ROOT, '.backchannel'), { recursive: true });
  dir = mkdtempSync(path.join(ROOT, '.backchannel', 'bundle-smoke-'));
  runtime = await startRuntime({ config, port: 0, startScheduler: false, alarmIntervalSeconds: 0, log: () => {} });
  const built = await Promise.all(
    topology.functions.map(
      async (spec) => [spec.id, await buildLambdaBundle(spec, config, ROOT, path.join(dir, spec.id))] as const,
    ),
  );
  for (const [id, bundle] of built) bundles.set(id, bundle);
  // The case that the routed mentions of the SQS events belong to, as classify-mention would have stored it.
  const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
  await new DynamoCaseRepository(documents, runtime.tableName).ensure(
    STORED_CASE,
    expiresAtEpochSeconds(new Date(), 30),
  );
  // Twelve esbuild runs and the local backends: minutes on a busy 2-core machine.
}, 300_000);

afterAll(async () => {
  await runtime?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundle of a function once with the event, in a fresh process with the function's local environment. */
async function invokeBundle(spec: FunctionSpec, event: unknown): Promise<unknown> {
  const bundle = bundles.get(spec.id);
  if (!bundle) throw new Error(`no bundle of ${spec.id}`);
  const eventFile = path.join(bundle.dir, 'event.json');
  const resultFile = path.join(bundle.dir, 'result.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const env = runtime.env[spec.id] ?? {};
  await execFileAsync(process.execPath, [path.join(ROOT, 'test/support/run-bundle.mjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      ...Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      // The bundle carries the config (esbuild's define), as in Lambda: the variable is not read.
      COMPANY_CONFIG: '',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      BUNDLE_FILE: bundle.file,
      EVENT_FILE: eventFile,
      RESULT_FILE: resultFile,
      FUNCTION_NAME: spec.name,
    },
    timeout: 60_000,
  });
  const outcome = JSON.parse(readFileSync(resultFile, 'utf8')) as { result?: unknown; error?: string };
  if (outcome.error !== undefined) throw new Error(`${spec.id} failed: ${outcome.error}`);
  return outcome.result;
}

/** The one event each trigger delivers, for this function. */
function eventFor(spec: FunctionSpec): unknown {
  const trigger = spec.triggers[0];
  switch (trigger?.type) {
    case 'http':
      return spec.id === 'ingest-webhook'
        ? signedMetaEvent(metaFixture('page-feed-comment-non-ascii.json'), {
            appSecret: parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret,
          })
        : adminEventFactory('GET /cases', { query: { department: 'press' } });
    case 'sqs':
      return sqsEventFactory([
        sqsRecordFactory(
          trigger.queue === INTAKE_QUEUE
            ? JSON.stringify(mentionFactory({ text: 'Meine Bestellung ist seit drei Wochen nicht angekommen.' }))
            : routedEnvelope(mentionRoutedFactory({ caseId: STORED_CASE.id, department: STORED_CASE.department })),
        ),
      ]);
    case 'schedule': {
      const schedule = topology.schedules.find((s) => s.id === trigger.schedule);
      return JSON.parse(
        JSON.stringify(schedule?.payload ?? {}).replaceAll('<aws.scheduler.scheduled-time>', new Date().toISOString()),
      );
    }
    case 'alerts':
      return {
        Records: [
          {
            EventSource: 'aws:sns',
            Sns: {
              MessageId: 'alarm-1',
              Message: JSON.stringify({
                AlarmName: 'bc-demo-intake-dlq-depth',
                NewStateValue: 'ALARM',
                OldStateValue: 'OK',
                NewStateReason: 'Threshold crossed: 1 datapoint [3.0] was greater than the threshold (0.0).',
                StateChangeTime: new Date().toISOString(),
              }),
            },
          },
        ],
      };
    default:
      throw new Error(`${spec.id}: no event for trigger ${JSON.stringify(trigger)}`);
  }
}

/** What each function answers to its one event; a function added later is held to its trigger's answer. */
const ANSWERS: Readonly<Record<string, unknown>> = {
  'build-report': expect.objectContaining({ report: 'daily' }),
  'detect-spikes': expect.objectContaining({ hours: expect.any(Array), skippedHours: 0 }),
  'check-sla': expect.objectContaining({ scanned: expect.any(Number), failed: 0 }),
  'train-model': expect.objectContaining({ status: 'too-few' }),
  'forward-alarm': { forwarded: 1 },
};

function answerOf(spec: FunctionSpec): unknown {
  const trigger = spec.triggers[0]?.type;
  if (ANSWERS[spec.id] !== undefined) return ANSWERS[spec.id];
  if (trigger === 'http') return expect.objectContaining({ statusCode: 200 });
  if (trigger === 'sqs') return { batchItemFailures: [] };
  return expect.anything();
}

describe('function bundles, built as the stack builds them', () => {
  it.each(topology.functions.map((spec) => [spec.id, spec] as const))(
    '%s loads and handles one event against the local backends',
    async (_id, spec) => {
      // Arrange
      const event = eventFor(spec);

      // Act
      const result = await invokeBundle(spec, event);

      // Assess
      expect(result).toEqual(answerOf(spec));
    },
  );
});
