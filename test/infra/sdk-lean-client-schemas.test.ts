import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as s3 from '@aws-sdk/client-s3';
import * as secretsManager from '@aws-sdk/client-secrets-manager';
import * as sesv2 from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleModule } from '../support/module-bundle.ts';
import {
  leanClientCopy,
  leanPackageJson,
  literalSchemaKeys,
  withoutErrorsBut,
} from '../../infra/sdk-lean/client-schemas.ts';

/*
 * The bundles take SES v2, S3, DynamoDB, EventBridge and Secrets Manager from a copy whose
 * schema module has literal keys instead of computed ones and whose package.json holds only
 * what a bundle reads (infra/sdk-lean/client-schemas.ts), so that esbuild can leave out the
 * schemas of the operations nobody calls and the package's metadata. The copy must send and
 * read exactly what the package does.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** One request as the endpoint saw it, without what changes with the clock or per call (date, signature, ids). */
interface SeenRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
// The user agents name the package's version, which a test may resolve from another build of it than the copy's.
const PER_CALL = new Set([
  'authorization',
  'x-amz-date',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'date',
  'user-agent',
  'x-amz-user-agent',
]);

/** The answers of the JSON-RPC operations the functions call, by X-Amz-Target. */
const JSON_RPC_ANSWERS: Readonly<Record<string, object>> = {
  'DynamoDB_20120810.GetItem': { Item: { pk: { S: 'CASE#c-1' }, sk: { S: 'CASE' }, version: { N: '3' } } },
  'DynamoDB_20120810.UpdateItem': { Attributes: { version: { N: '4' } } },
  'AWSEvents.PutEvents': { FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] },
  'secretsmanager.GetSecretValue': { Name: 'slack', SecretString: '{"url":"https://hooks.example.com/x"}' },
};

/** Errors by X-Amz-Target: one an operation of the functions throws, one only a backup operation does. */
const JSON_RPC_ERRORS: Readonly<Record<string, object>> = {
  'DynamoDB_20120810.DeleteItem': {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
  },
  'DynamoDB_20120810.DeleteBackup': {
    __type: 'com.amazonaws.dynamodb.v20120810#BackupInUseException',
    message: 'Backup is in use',
  },
};

let server: Server;
let endpoint: string;
const seen: SeenRequest[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !PER_CALL.has(name)));
      seen.push({ method: request.method, url: request.url, headers, body: Buffer.concat(chunks).toString('utf8') });
      const target = JSON_RPC_ANSWERS[String(request.headers['x-amz-target'])];
      const failure = JSON_RPC_ERRORS[String(request.headers['x-amz-target'])];
      if (failure) {
        response.statusCode = 400;
        response.setHeader('content-type', 'application/x-amz-json-1.0');
        response.end(JSON.stringify(failure));
      } else if (target) {
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        response.end(JSON.stringify(target));
      } else if (request.url?.startsWith('/v2/email/outbound-emails')) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ MessageId: 'message-1' }));
      } else if (request.method === 'PUT') {
        response.setHeader('etag', '"etag-1"');
        response.end();
      } else {
        response.setHeader('content-type', 'application/json');
        response.setHeader('etag', '"etag-1"');
        response.end('{"model":"de"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const settings = () => ({
  region: 'eu-central-1',
  endpoint,
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  maxAttempts: 1,
});

/** The requests one call made, and the call's output without its per-call metadata. */
async function observe(call: () => Promise<object>): Promise<{ requests: SeenRequest[]; output: unknown }> {
  const from = seen.length;
  const { $metadata: _metadata, ...output } = (await call()) as Record<string, unknown>;
  return { requests: seen.slice(from), output };
}

describe('the bundles’ copies of the SDK clients with literal schema keys and a lean package.json', () => {
  it('keeps name, version and sideEffects of a client’s package.json, and drops the rest', () => {
    // Arrange
    const published = readFileSync(path.join(ROOT, 'node_modules/@aws-sdk/client-dynamodb/package.json'), 'utf8');

    // Act
    const lean = JSON.parse(leanPackageJson(published)) as unknown;

    // Assess
    const { name, version, sideEffects } = JSON.parse(published) as Record<string, unknown>;
    expect(lean).toEqual({ name, version, sideEffects });
  });

  it('writes the lean package.json beside the copy’s modules', () => {
    // Act
    const entry = leanClientCopy(ROOT, '@aws-sdk/client-eventbridge');

    // Assess
    const copied = JSON.parse(readFileSync(path.join(entry, '../../package.json'), 'utf8')) as unknown;
    expect(copied).toEqual({ name: '@aws-sdk/client-eventbridge', version: expect.any(String), sideEffects: false });
  });

  it('sends GetItem and a conditional UpdateItem as the published DynamoDB client does', async () => {
    // Arrange
    const lean = (await import(leanClientCopy(ROOT, '@aws-sdk/client-dynamodb'))) as typeof dynamodb;
    const calls = (client: typeof dynamodb) => {
      const made = new client.DynamoDBClient(settings());
      return [
        () =>
          made.send(new client.GetItemCommand({ TableName: 't', Key: { pk: { S: 'CASE#c-1' }, sk: { S: 'CASE' } } })),
        () =>
          made.send(
            new client.UpdateItemCommand({
              TableName: 't',
              Key: { pk: { S: 'CASE#c-1' }, sk: { S: 'CASE' } },
              UpdateExpression: 'SET version = :next',
              ConditionExpression: 'version = :current',
              ExpressionAttributeValues: { ':next': { N: '4' }, ':current': { N: '3' } },
              ReturnValues: 'UPDATED_NEW',
            }),
          ),
      ];
    };

    // Act
    const published = [];
    for (const call of calls(dynamodb)) published.push(await observe(call));
    const copy = [];
    for (const call of calls(lean)) copy.push(await observe(call));

    // Assess
    expect(copy).toEqual(published);
    expect(published.map((p) => p.output)).toEqual([
      { Item: { pk: { S: 'CASE#c-1' }, sk: { S: 'CASE' }, version: { N: '3' } } },
      { Attributes: { version: { N: '4' } } },
    ]);
  });

  it('registers only the errors of the operations the functions call, but the service’s base exception', () => {
    // Arrange
    const source = [
      '_s_registry.registerError(DynamoDBServiceException$, DynamoDBServiceException);',
      'n0_registry.registerError(BackupInUseException$, BackupInUseException);',
      'n0_registry.registerError(ConditionalCheckFailedException$, ConditionalCheckFailedException);',
      '',
    ].join('\n');

    // Act
    const { text, dropped } = withoutErrorsBut(source, new Set(['ConditionalCheckFailedException']));

    // Assess
    expect(dropped).toBe(1);
    expect(text).not.toContain('BackupInUseException');
    expect(text).toContain('registerError(DynamoDBServiceException$');
    expect(text).toContain('registerError(ConditionalCheckFailedException$');
  });

  it('throws a failed condition as the published DynamoDB client does, class and all', async () => {
    // Arrange
    const lean = (await import(leanClientCopy(ROOT, '@aws-sdk/client-dynamodb'))) as typeof dynamodb;
    const input = { TableName: 't', Key: { pk: { S: 'CASE#c-1' } }, ConditionExpression: 'attribute_exists(pk)' };

    // Act
    const published = await new dynamodb.DynamoDBClient(settings())
      .send(new dynamodb.DeleteItemCommand(input))
      .catch((error: unknown) => error);
    const copy = await new lean.DynamoDBClient(settings())
      .send(new lean.DeleteItemCommand(input))
      .catch((e: unknown) => e);

    // Assess
    expect(published).toBeInstanceOf(dynamodb.ConditionalCheckFailedException);
    expect(copy).toBeInstanceOf(lean.ConditionalCheckFailedException);
    expect({ ...(copy as object), $metadata: undefined }).toEqual({ ...(published as object), $metadata: undefined });
  });

  it('throws an error of an operation no function calls as the service exception with its name', async () => {
    // Arrange: the copy bundled alone and run in a process of its own, as a function's bundle
    // is: the published client imported here registers every error of its namespace in
    // @smithy/core's shared registry.
    const dir = mkdtempSync(path.join(tmpdir(), 'lean-dynamodb-'));
    const bundle = path.join(dir, 'dynamodb.mjs');
    await bundleModule(`export * from ${JSON.stringify(leanClientCopy(ROOT, '@aws-sdk/client-dynamodb'))};`, bundle);
    const script = [
      'const lean = await import(process.env.COPY);',
      'const client = new lean.DynamoDBClient(JSON.parse(process.env.SETTINGS));',
      "const input = { BackupArn: 'arn:aws:dynamodb:eu-central-1:1:table/t/backup/b' };",
      'const error = await client.send(new lean.DeleteBackupCommand(input)).catch((e) => e);',
      'const { name, message, $fault } = error;',
      'const classes = { service: error instanceof lean.DynamoDBServiceException, own: error instanceof lean.BackupInUseException };',
      'process.stdout.write(JSON.stringify({ name, message, $fault, ...classes }));',
    ].join('\n');

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        COPY: bundle,
        SETTINGS: JSON.stringify(settings()),
      },
    });

    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(JSON.parse(stdout)).toEqual({
      name: 'BackupInUseException',
      message: 'Backup is in use',
      $fault: 'client',
      service: true,
      own: false,
    });
  });

  it('sends PutEvents as the published EventBridge client does', async () => {
    // Arrange
    const lean = (await import(leanClientCopy(ROOT, '@aws-sdk/client-eventbridge'))) as typeof eventbridge;
    const input: eventbridge.PutEventsCommandInput = {
      Entries: [
        { EventBusName: 'bus', Source: 'backchannel', DetailType: 'Case Resolved', Detail: '{"caseId":"c-1"}' },
      ],
    };

    // Act
    const published = await observe(() =>
      new eventbridge.EventBridgeClient(settings()).send(new eventbridge.PutEventsCommand(input)),
    );
    const copy = await observe(() => new lean.EventBridgeClient(settings()).send(new lean.PutEventsCommand(input)));

    // Assess
    expect(copy).toEqual(published);
    expect(published.output).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  });

  it('reads a secret as the published Secrets Manager client does', async () => {
    // Arrange
    const lean = (await import(leanClientCopy(ROOT, '@aws-sdk/client-secrets-manager'))) as typeof secretsManager;

    // Act
    const published = await observe(() =>
      new secretsManager.SecretsManagerClient(settings()).send(
        new secretsManager.GetSecretValueCommand({ SecretId: 'slack' }),
      ),
    );
    const copy = await observe(() =>
      new lean.SecretsManagerClient(settings()).send(new lean.GetSecretValueCommand({ SecretId: 'slack' })),
    );

    // Assess
    expect(copy).toEqual(published);
    expect(published.output).toEqual({ Name: 'slack', SecretString: '{"url":"https://hooks.example.com/x"}' });
  });

  it('writes a computed key named by a string constant as that string, and leaves other keys', () => {
    // Arrange
    const source = ['const _e = "error";', 'const _c = "client";', 'export var A$ = [{ [_e]: _c, [other]: 1 }];'].join(
      '\n',
    );

    // Act
    const { text, replaced } = literalSchemaKeys(source);

    // Assess
    expect(replaced).toBe(1);
    expect(text).toContain('export var A$ = [{ "error": _c, [other]: 1 }];');
  });

  it('sends SendEmail as the published SES v2 client does, and reads its answer alike', async () => {
    // Arrange
    const lean = (await import(leanClientCopy(ROOT, '@aws-sdk/client-sesv2'))) as typeof sesv2;
    const input: sesv2.SendEmailCommandInput = {
      FromEmailAddress: 'backchannel@example.com',
      Destination: { ToAddresses: ['press@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Fall eskaliert', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Text', Charset: 'UTF-8' }, Html: { Data: '<p>Text</p>', Charset: 'UTF-8' } },
          Attachments: [
            {
              FileName: 'chart.png',
              ContentType: 'image/png',
              ContentDisposition: 'INLINE',
              RawContent: new Uint8Array([1, 2, 3]),
            },
          ],
        },
      },
      ConfigurationSetName: 'reports',
    };

    // Act
    const published = await observe(() => new sesv2.SESv2Client(settings()).send(new sesv2.SendEmailCommand(input)));
    const copy = await observe(() => new lean.SESv2Client(settings()).send(new lean.SendEmailCommand(input)));

    // Assess
    expect(copy).toEqual(published);
    expect(published.output).toEqual({ MessageId: 'message-1' });
    expect(published.requests).toHaveLength(1);
  });

  it('puts and gets objects as the published S3 client does', async () => {
    // Arrange
    const lean = (await import(leanClientCopy(ROOT, '@aws-sdk/client-s3'))) as typeof s3;
    const calls = (client: typeof s3) => {
      const made = new client.S3Client({ ...settings(), forcePathStyle: true });
      return [
        () =>
          made.send(
            new client.PutObjectCommand({
              Bucket: 'models',
              Key: 'de.json',
              Body: '{"model":"de"}',
              ContentType: 'application/json',
            }),
          ),
        async () => {
          const { Body, ...rest } = await made.send(new client.GetObjectCommand({ Bucket: 'models', Key: 'de.json' }));
          return { ...rest, text: await Body?.transformToString() };
        },
      ];
    };

    // Act
    const published = [];
    for (const call of calls(s3)) published.push(await observe(call));
    const copy = [];
    for (const call of calls(lean)) copy.push(await observe(call));

    // Assess
    expect(copy).toEqual(published);
    expect(published.map((p) => p.requests.map((r) => `${r.method} ${r.url}`))).toEqual([
      ['PUT /models/de.json?x-id=PutObject'],
      ['GET /models/de.json?x-id=GetObject'],
    ]);
    expect(published[1]?.output).toEqual(
      expect.objectContaining({ text: '{"model":"de"}', ContentType: 'application/json' }),
    );
  });
});
