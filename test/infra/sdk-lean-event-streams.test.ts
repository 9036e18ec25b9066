import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as s3 from '@aws-sdk/client-s3';
import { NormalizedSchema } from '@smithy/core/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAlias, SDK_EVENT_STREAMS, usesEventStreams } from '../../infra/bundling.ts';
import { bundleModule } from '../support/module-bundle.ts';
import { LEAN_CLIENT_OPERATIONS } from '../../infra/sdk-lean/client-schemas.ts';
import {
  EventStreamCodec,
  EventStreamSerde,
  EventStreamsNotBundledError,
  eventStreamSerdeProvider,
  iterableToReadableStream,
  readableStreamToIterable,
  resolveEventStreamSerdeConfig,
} from '../../infra/sdk-lean/event-streams.ts';
import { buildTopology } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';

/*
 * Functions that call no operation with an event stream take @smithy/core/event-streams from
 * infra/sdk-lean/event-streams.ts: an S3 client is built and serves the operations the
 * functions call, and an operation that would encode or decode an event stream fails with a
 * clear error; the functions granted a model (Bedrock Runtime) keep the SDK's codec.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const topology = buildTopology(demoConfig());

describe('the bundles’ event-stream codec (in place of @smithy/core/event-streams)', () => {
  it.each(Object.entries({ EventStreamSerde, EventStreamCodec, iterableToReadableStream, readableStreamToIterable }))(
    '%s throws EventStreamsNotBundledError when called or constructed',
    (_name, exported) => {
      // Arrange
      const fn = exported as (...args: unknown[]) => unknown;

      // Act / Assess
      expect(() => fn({})).toThrow(EventStreamsNotBundledError);
      expect(() => Reflect.construct(fn, [{}])).toThrow(/built without @smithy\/core\/event-streams/);
    },
  );

  it('builds a client config with a marshaller that throws EventStreamsNotBundledError when it is used', () => {
    // Arrange
    const config = { region: 'eu-central-1', eventStreamSerdeProvider };

    // Act
    const resolved = resolveEventStreamSerdeConfig(config);

    // Assess
    expect(resolved.region).toBe('eu-central-1');
    const marshaller = resolved.eventStreamMarshaller as ReturnType<typeof eventStreamSerdeProvider>;
    expect(() => marshaller.serialize()).toThrow(EventStreamsNotBundledError);
    expect(() => marshaller.deserialize()).toThrow(EventStreamsNotBundledError);
  });

  it('keeps the SDK’s codec for the functions granted a model, and only for them', () => {
    // Act
    const keeping = topology.functions.filter((spec) => bundleAlias(ROOT, spec)[SDK_EVENT_STREAMS] === undefined);

    // Assess
    expect(keeping.map((spec) => spec.id).sort()).toEqual(
      topology.functions
        .filter((spec) => spec.grants.some((g) => g.resource === 'model'))
        .map((spec) => spec.id)
        .sort(),
    );
    expect(keeping.every(usesEventStreams)).toBe(true);
    // train-model reads and writes the models bucket with S3, and takes the lean module.
    expect(bundleAlias(ROOT, topology.functions.find((spec) => spec.id === 'train-model')!)[SDK_EVENT_STREAMS]).toBe(
      path.join(ROOT, 'infra/sdk-lean/event-streams.ts'),
    );
  });

  it('lets the functions call no S3 operation with an event stream (only SelectObjectContent has one)', () => {
    // Arrange
    const eventStreamsOf = (operation: string) => {
      // An operation's static schema: [9, namespace, name, traits, input, output].
      type Member = Parameters<typeof NormalizedSchema.of>[0];
      const schema = (s3 as unknown as Record<string, readonly Member[] | undefined>)[`${operation}$`];
      if (!schema) throw new Error(`no schema of S3 ${operation}`);
      const [, , , , input, output] = schema as [unknown, unknown, unknown, unknown, Member, Member];
      return [NormalizedSchema.of(input), NormalizedSchema.of(output)].map((s) => s.getEventStreamMember());
    };

    // Act
    const called = LEAN_CLIENT_OPERATIONS['@aws-sdk/client-s3'] ?? [];

    // Assess: should one be added, usesEventStreams must keep the codec for buckets again.
    expect(called.length).toBeGreaterThan(0);
    for (const operation of called)
      expect({ operation, streams: eventStreamsOf(operation) }).toEqual({ operation, streams: ['', ''] });
    expect(eventStreamsOf('SelectObjectContent')).toEqual(['', 'Payload']);
  });

  it('leaves the SDK’s codec and credential chain to a bundle built without those aliases (the benches’ baseline)', () => {
    // Act
    const alias = bundleAlias(ROOT, {}, [SDK_EVENT_STREAMS, '@aws-sdk/credential-provider-node']);

    // Assess
    expect(alias[SDK_EVENT_STREAMS]).toBeUndefined();
    expect(alias['@aws-sdk/credential-provider-node']).toBeUndefined();
    expect(alias['mnemonist/lru-cache']).toBe(path.join(ROOT, 'infra/sdk-lean/lru-cache.ts'));
  });
});

describe('an S3 client bundled with train-model’s aliases, in a process of its own', () => {
  let server: Server;
  let endpoint: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        seen.push(`${request.method} ${request.url}`);
        if (request.method === 'PUT') response.setHeader('etag', '"etag-1"');
        else if (request.method === 'GET') response.setHeader('content-type', 'application/json');
        response.end(request.method === 'GET' ? '{"model":"de"}' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('puts and gets objects without the codec, and fails SelectObjectContent with EventStreamsNotBundledError', async () => {
    // Arrange
    const spec = topology.functions.find((f) => f.id === 'train-model');
    if (!spec) throw new Error('no train-model in the demo topology');
    const dir = mkdtempSync(path.join(tmpdir(), 'lean-event-streams-'));
    const bundle = path.join(dir, 's3.mjs');
    const built = await bundleModule("export * from '@aws-sdk/client-s3';", bundle, bundleAlias(ROOT, spec));
    const script = [
      'const s3 = await import(process.env.BUNDLE);',
      'const client = new s3.S3Client(JSON.parse(process.env.SETTINGS));',
      "const at = { Bucket: 'models', Key: 'de.json' };",
      'await client.send(new s3.PutObjectCommand({ ...at, Body: \'{"model":"de"}\' }));',
      'const got = await client.send(new s3.GetObjectCommand(at));',
      'const text = await got.Body.transformToString();',
      "const select = { ...at, Expression: 'SELECT * FROM S3Object', ExpressionType: 'SQL', InputSerialization: { JSON: { Type: 'LINES' } }, OutputSerialization: { JSON: {} } };",
      'const error = await client.send(new s3.SelectObjectContentCommand(select)).then(() => undefined, (e) => e);',
      'process.stdout.write(JSON.stringify({ text, error: error?.name }));',
    ].join('\n');
    const settings = {
      region: 'eu-central-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
    };

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', BUNDLE: bundle, SETTINGS: JSON.stringify(settings) },
    });
    rmSync(dir, { recursive: true, force: true });

    // Assess
    const inputs = Object.keys(built.metafile.inputs);
    expect(inputs.filter((input) => input.includes('@smithy/core/dist-es/submodules/event-streams/'))).toEqual([]);
    expect(inputs).toContain('infra/sdk-lean/event-streams.ts');
    expect(JSON.parse(stdout)).toEqual({ text: '{"model":"de"}', error: 'EventStreamsNotBundledError' });
    expect(seen).toEqual([
      'PUT /models/de.json?x-id=PutObject',
      'GET /models/de.json?x-id=GetObject',
      'POST /models/de.json?select=&select-type=2',
    ]);
  });
});
