/**
 * One invocation of a built function bundle, as Lambda makes it: a fresh Node process that
 * imports the bundle with the function's local environment and calls its handler once with
 * the event its trigger delivers (API Gateway v2, SQS, Scheduler, SNS) against the local
 * backends of `npm start`. Shared by the bundle smoke test (test/e2e/bundles.test.ts) and
 * `npm run bench:bundles`, which reads the CPU time of import and invocation from it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BuiltBundle } from '../../infra/bundling.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import type { Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import {
  ERASURE_QUEUE,
  INTAKE_QUEUE,
  platformSecretName,
  type FunctionSpec,
  type Topology,
} from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoErasureRequests } from '../../shared/adapters/dynamodb/index.ts';
import { requestErasure } from '../../shared/domain/erasure-job.ts';
import { DETAIL_TYPES, EVENT_SOURCE } from '../../shared/domain/events.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { expiresAtEpochSeconds } from '../../shared/domain/time.ts';
import { adminEventFactory } from '../factories/admin-api.ts';
import { caseFactory } from '../factories/case.ts';
import { asFunctionUrlEvent, metaFixture, signedMetaEvent } from '../factories/http.ts';
import { sqsEventFactory } from '../factories/lambda.ts';
import { mentionFactory, mentionRoutedFactory, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const execFileAsync = promisify(execFile);

/** The case that the routed mentions of the SQS events belong to, as classify-mention would have stored it. */
export const STORED_CASE = caseFactory({ department: 'service' });

/** The erasure request the erasure queue's message names: a dry run for an author the table does not hold. */
let storedErasureId = '';

/**
 * Stores STORED_CASE in the runtime's table, so that handle-department and record-insights find
 * it, and a dry-run erasure request for erase-author to run.
 */
export async function storeBundleCase(runtime: Runtime): Promise<void> {
  const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
  await new DynamoCaseRepository(documents, runtime.tableName).ensure(
    STORED_CASE,
    expiresAtEpochSeconds(new Date(), 30),
  );
  const erasure = await requestErasure(
    { platform: 'facebook', authorId: '9990001' },
    'cli:bundle-smoke',
    { dryRun: true },
    {
      requests: new DynamoErasureRequests(documents, runtime.tableName),
      clock: { now: () => new Date() },
      retentionDays: 30,
    },
  );
  storedErasureId = erasure.id;
}

/** What one invocation gave: the handler's result, and the CPU milliseconds (user + system) of the import and of the call. */
export interface BundleInvocation {
  readonly result: unknown;
  readonly cpu: { readonly import: number; readonly invocation: number };
}

/**
 * Runs the bundle once with the event, in a fresh process with this environment (the
 * function's local environment, `runtime.env[spec.id]`).
 * @throws Error with the handler's error (and each failed record's) when it threw
 */
export async function invokeBundle(
  bundle: BuiltBundle,
  functionName: string,
  env: Readonly<Record<string, string | undefined>>,
  event: unknown,
): Promise<BundleInvocation> {
  const eventFile = path.join(bundle.dir, 'event.json');
  const resultFile = path.join(bundle.dir, 'result.json');
  writeFileSync(eventFile, JSON.stringify(event));
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
      FUNCTION_NAME: functionName,
    },
    timeout: 60_000,
  });
  const outcome = JSON.parse(readFileSync(resultFile, 'utf8')) as {
    result?: unknown;
    error?: string;
    cpu: BundleInvocation['cpu'];
  };
  if (outcome.error !== undefined) throw new Error(`${functionName} failed: ${outcome.error}`);
  return { result: outcome.result, cpu: outcome.cpu };
}

/** The one event each trigger delivers, for this function of the topology. */
export function bundleEvent(spec: FunctionSpec, topology: Topology, config: CompanyConfig, runtime: Runtime): unknown {
  const trigger = spec.triggers[0];
  switch (trigger?.type) {
    // Ingest's webhooks come through its function URL: the event has no pathParameters, only rawPath.
    case 'url':
      return asFunctionUrlEvent(
        signedMetaEvent(metaFixture('page-feed-comment-non-ascii.json'), {
          appSecret: parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret,
        }),
      );
    case 'http':
      return spec.id === 'ingest-webhook'
        ? signedMetaEvent(metaFixture('page-feed-comment-non-ascii.json'), {
            appSecret: parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret,
          })
        : adminEventFactory('GET /cases', { query: { department: 'press' } });
    case 'sqs':
      if (trigger.queue === ERASURE_QUEUE)
        return sqsEventFactory([
          sqsRecordFactory(
            JSON.stringify({
              source: EVENT_SOURCE,
              'detail-type': DETAIL_TYPES.erasureRequested,
              detail: { requestId: storedErasureId, subject: 'sha256:bundle-smoke', dryRun: true },
            }),
          ),
        ]);
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
