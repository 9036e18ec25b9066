import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as s3 from '@aws-sdk/client-s3';
import * as sesv2 from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanClientCopy, literalSchemaKeys } from '../../infra/sdk-lean/client-schemas.ts';

/*
 * The bundles take SES v2 and S3 from a copy whose schema module has literal keys instead of
 * computed ones (infra/sdk-lean/client-schemas.ts), so that esbuild can leave out the schemas
 * of the operations nobody calls. The copy must send and read exactly what the package does.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

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
      if (request.url?.startsWith('/v2/email/outbound-emails')) {
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

describe('the bundles’ copies of SES v2 and S3 with literal schema keys', () => {
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
