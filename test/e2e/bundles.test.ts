/**
 * Bundle smoke test (issue 12): each function of the demo topology is bundled exactly as
 * the stack bundles it (infra/bundling.ts), imported in a fresh Node process and invoked
 * once with the event shape its trigger delivers (API Gateway v2, SQS, Scheduler, SNS)
 * against the local backends of `npm start` (dynalite, local-aws-sqs, the local
 * EventBridge and Secrets Manager, all on port 0). A bundle that breaks (a dynamic
 * require esbuild cannot follow, a missing asset, a module that runs too much at import)
 * fails here rather than in Lambda.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_TARGET, buildBaselineBundle } from '../../bench/bundle-env.ts';
import { buildLambdaBundle, type BuiltBundle, usesEventStreams } from '../../infra/bundling.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { LEAN_CLIENT_OPERATIONS, LEAN_SCHEMA_CLIENTS } from '../../infra/sdk-lean/client-schemas.ts';
import { buildTopology, INTAKE_QUEUE, platformSecretName, type FunctionSpec } from '../../infra/topology.ts';
import { signWebSub } from '../../shared/platforms/youtube.ts';
import { demoConfig } from '../factories/config.ts';
import { httpEventFactory } from '../factories/http.ts';
import { bundleEvent, invokeBundle, storeBundleCase } from '../support/bundle-invocation.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const config = demoConfig();
const topology = buildTopology(config);

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
  await storeBundleCase(runtime);
  // Twelve esbuild runs and the local backends: minutes on a busy 2-core machine.
}, 300_000);

afterAll(async () => {
  await runtime?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

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
  if (trigger === 'http' || trigger === 'url') return expect.objectContaining({ statusCode: 200 });
  if (trigger === 'sqs') return { batchItemFailures: [] };
  return expect.anything();
}

/** Input paths of a bundle that belong to a package (or a folder of it) matching `pattern`. */
function inputsMatching(bundle: BuiltBundle, pattern: RegExp): string[] {
  return Object.entries(bundle.inputs)
    .filter(([input, bytes]) => bytes > 0 && pattern.test(input))
    .map(([input]) => input);
}

/**
 * Functions whose schemas are all zod/mini (shared/domain/zod-mini.ts): classic zod is 40 KB
 * more of their bundle and its schemas more of their cold import (round w8, issue 12).
 */
const WITHOUT_CLASSIC_ZOD = [
  'classify-mention',
  'record-insights',
  'check-sla',
  'train-model',
  'serve-console',
  // the notifier target schemas (shared/adapters/notify) are zod/mini too
  'handle-department',
  'detect-spikes',
  'forward-alarm',
  // the platform adapters' payload, secret and config-entry schemas (shared/platforms) too
  'ingest-webhook',
  // its input schema is zod/mini (round w9)
  'build-report',
  // its route and claims schemas and the reply tokens' secret shape too (round w9)
  'admin-api',
  // its message schema is zod/mini (round w18)
  'erase-author',
];

describe('function bundles, built as the stack builds them', () => {
  it.each(topology.functions.map((spec) => [spec.id] as const))(
    '%s carries no X-Ray SDK: Lambda active tracing needs none in the bundle',
    (id) => {
      const bundle = bundles.get(id);
      if (!bundle) throw new Error(`no bundle of ${id}`);

      expect(
        inputsMatching(bundle, /node_modules\/(aws-xray-sdk[^/]*|cls-hooked|@aws-lambda-powertools\/tracer)\//),
      ).toEqual([]);
    },
  );

  it.each(WITHOUT_CLASSIC_ZOD.map((id) => [id] as const))('%s carries no classic zod, only zod/mini', (id) => {
    const bundle = bundles.get(id);
    if (!bundle) throw new Error(`no bundle of ${id}`);

    expect(inputsMatching(bundle, /node_modules\/zod\/v4\/classic\//)).toEqual([]);
  });

  it('draws the report charts without vega, vega-lite or node-fetch: its own SVG renderer and resvg', () => {
    const bundle = bundles.get('build-report');
    if (!bundle) throw new Error('no bundle of build-report');

    expect(inputsMatching(bundle, /node_modules\/(vega[^/]*|node-fetch|d3-[^/]+)\//)).toEqual([]);
    expect(inputsMatching(bundle, /shared\/adapters\/charts\/svg-chart-renderer\.ts$/)).toHaveLength(1);
  });

  it('builds the DynamoDB endpoint cache on the Map of infra/sdk-lean, without mnemonist or obliterator', () => {
    const withDynamoDb = [...bundles].filter(
      ([, bundle]) => inputsMatching(bundle, /@aws-sdk\/endpoint-cache\//).length,
    );

    // record-insights, check-sla, handle-department, ... (round w10): each client builds an endpoint cache.
    expect(withDynamoDb.map(([id]) => id)).toEqual(expect.arrayContaining(['record-insights', 'check-sla']));
    for (const [id, bundle] of withDynamoDb) {
      expect({
        id,
        mnemonist: inputsMatching(bundle, /node_modules\/(mnemonist|obliterator)\//),
        lean: inputsMatching(bundle, /infra\/sdk-lean\/lru-cache\.ts$/).length,
      }).toEqual({ id, mnemonist: [], lean: 1 });
    }
  });

  it('carries only the environment and container links of the SDK’s credential chain, without STS or SSO clients', () => {
    for (const [id, bundle] of bundles) {
      expect({
        id,
        chain: inputsMatching(
          bundle,
          /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|login)|nested-clients\/dist-es\/submodules\/(sts|sso|signin))\//,
        ),
      }).toEqual({ id, chain: [] });
    }
  });

  it('carries the SDK’s event-stream codec only in the functions granted a model (Bedrock Runtime streams events)', () => {
    for (const spec of topology.functions) {
      const bundle = bundles.get(spec.id);
      if (!bundle) throw new Error(`no bundle of ${spec.id}`);

      expect({
        id: spec.id,
        codec: inputsMatching(bundle, /node_modules\/@smithy\/core\/dist-es\/submodules\/event-streams\//).length > 0,
      }).toEqual({ id: spec.id, codec: usesEventStreams(spec) });
    }
  });

  it('keeps every function but classify-mention within issue 12’s size line: 1.3x the baseline bundle', async () => {
    // Arrange
    const baseline = await buildBaselineBundle(config, ROOT, dir);
    const line = statSync(baseline.file).size * BUNDLE_TARGET;

    // Act
    const sizes = topology.functions
      .filter((spec) => spec.id !== 'classify-mention')
      .map((spec) => ({ id: spec.id, bytes: statSync(bundles.get(spec.id)?.file ?? '').size }));

    // Assess: classify-mention's own target is its import (bench:bundles).
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.filter((size) => size.bytes > line)).toEqual([]);
  });

  it('takes SES v2, S3, DynamoDB, EventBridge and Secrets Manager from the lean copies (infra/sdk-lean/client-schemas.ts)', () => {
    for (const [id, client] of [
      ['handle-department', 'client-sesv2'],
      ['train-model', 'client-s3'],
      ['handle-department', 'client-dynamodb'],
      ['admin-api', 'client-eventbridge'],
      ['admin-api', 'client-secrets-manager'],
    ] as const) {
      const bundle = bundles.get(id);
      if (!bundle) throw new Error(`no bundle of ${id}`);

      expect({
        id,
        published: inputsMatching(bundle, new RegExp(`node_modules/@aws-sdk/${client}/`)),
        copy: inputsMatching(bundle, new RegExp(`\\.backchannel/sdk-lean/@aws-sdk\\+${client}@`)).length > 0,
      }).toEqual({ id, published: [], copy: true });
    }
  });

  it('carries of the lean clients’ package.json only name, version and sideEffects', () => {
    for (const [id, bundle] of bundles) {
      const manifests = Object.entries(bundle.inputs).filter(
        ([input, bytes]) =>
          bytes > 0 &&
          LEAN_SCHEMA_CLIENTS.some((pkg) => input.includes(`${pkg.replace('/', '+')}@`)) &&
          input.endsWith('/package.json'),
      );

      expect({ id, large: manifests.filter(([, bytes]) => bytes > 120).map(([input]) => input) }).toEqual({
        id,
        large: [],
      });
    }
  });

  it('calls no operation of a lean client but those whose errors its copy registers (LEAN_CLIENT_OPERATIONS)', () => {
    for (const [id, bundle] of bundles) {
      const called = Object.entries(bundle.inputs)
        .filter(([, bytes]) => bytes > 0)
        .map(([input]) => /sdk-lean\/(@aws-sdk)\+([^@]+)@[^/]+\/dist-es\/commands\/(\w+)Command\.js$/.exec(input))
        .filter((match) => match !== null)
        .map(([, scope, client, operation]) => `${scope}/${client} ${operation}`);

      expect({
        id,
        unlisted: called.filter((c) => !LEAN_CLIENT_OPERATIONS[c.split(' ')[0]!]?.includes(c.split(' ')[1]!)),
      }).toEqual({
        id,
        unlisted: [],
      });
    }
  });

  it('signs with the environment’s credentials through infra/sdk-lean, and says what is missing without them', async () => {
    // Arrange: a client without credentials of its own (the SDK's default chain), built as the functions are.
    const entry = path.join(dir, 'credentials-entry.ts');
    writeFileSync(
      entry,
      [
        "import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';",
        'const sqs = new SQSClient({});',
        'export const handler = async () => {',
        "  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: '{}' }));",
        '  return { messageId: sent.MessageId };',
        '};',
      ].join('\n'),
    );
    const bundle = await buildLambdaBundle(
      { entry: path.relative(ROOT, entry), environment: {} },
      config,
      ROOT,
      path.join(dir, 'credentials'),
    );
    // ingest-webhook's credentials (the local endpoints check its SigV4 signature), to a queue no function polls.
    const ingestEnv = runtime.env['ingest-webhook'];
    if (!ingestEnv) throw new Error('no environment of ingest-webhook');
    const env: Record<string, string | undefined> = { ...ingestEnv, QUEUE_URL: runtime.dlqUrls[INTAKE_QUEUE] };
    const withoutCredentials = { ...env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };

    // Act
    const sent = await invokeBundle(bundle, 'credentials', env, {});
    const refused = invokeBundle(bundle, 'credentials', withoutCredentials, {});

    // Assess
    expect(sent.result).toEqual({ messageId: expect.any(String) });
    await expect(refused).rejects.toThrow(
      /CredentialsProviderError: Lambda bundle credentials .*no credentials in the environment/,
    );
    expect(inputsMatching(bundle, /infra\/sdk-lean\/credential-provider\.ts$/)).toHaveLength(1);
  });

  it('keeps zod locales other than English out of every bundle', () => {
    for (const [id, bundle] of bundles) {
      // locales/index.js may leave its empty namespace object (a few bytes) where modules load
      // through import() (ingest-webhook's configured adapters); the locale files are what weighs.
      expect({ id, locales: inputsMatching(bundle, /node_modules\/zod\/v4\/locales\/(?!(en|index)\.js$)/) }).toEqual({
        id,
        locales: [],
      });
    }
  });

  it('ingest-webhook reads a signed YouTube feed with the XML parser beside its bundle, not inside it', async () => {
    // Arrange
    const spec = topology.functions.find((f) => f.id === 'ingest-webhook');
    const bundle = bundles.get('ingest-webhook');
    if (!spec || !bundle) throw new Error('no bundle of ingest-webhook');
    const body = readFileSync(path.join(ROOT, 'test/fixtures/youtube/push-notification-video.xml'));
    const { hubSecret } = JSON.parse(runtime.secrets[platformSecretName(config, 'youtube')] ?? '{}') as {
      hubSecret: string;
    };
    const event = httpEventFactory({
      platform: 'youtube',
      body,
      headers: { 'content-type': 'application/atom+xml', 'x-hub-signature': signWebSub(body, hubSecret) },
    });

    // Act
    const { result } = await invokeBundle(bundle, spec.name, runtime.env[spec.id] ?? {}, event);

    // Assess
    expect(result).toEqual(expect.objectContaining({ statusCode: 200, body: expect.stringContaining('"enqueued":1') }));
    expect(inputsMatching(bundle, /node_modules\/(fast-xml-parser|is-unsafe|path-expression-matcher)\//)).toEqual([]);
  });

  it.each(topology.functions.map((spec) => [spec.id, spec] as const))(
    '%s loads and handles one event against the local backends',
    async (_id, spec) => {
      // Arrange
      const bundle = bundles.get(spec.id);
      if (!bundle) throw new Error(`no bundle of ${spec.id}`);
      const event = bundleEvent(spec, topology, config, runtime);

      // Act
      const { result } = await invokeBundle(bundle, spec.name, runtime.env[spec.id] ?? {}, event);

      // Assess
      expect(result).toEqual(answerOf(spec));
    },
  );
});
