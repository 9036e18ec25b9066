import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySigV4 } from '../../../infra/local/sigv4.ts';
import { createS3Client } from '../../../shared/adapters/aws-clients.ts';
import { ObjectModelStore, S3ObjectStore } from '../../../shared/adapters/models/index.ts';

/**
 * The S3 object store (the SDK's S3 client, as the functions build it) against a small S3-compatible endpoint on this machine (path-style,
 * GetObject / PutObject / ListObjectsV2) that checks every request's SigV4 signature with the
 * local runtime's verifier, as S3 would.
 */
const CREDENTIALS = { accessKeyId: 'LOCALMODELSTORE0001', secretAccessKey: 'not-a-real-secret-key-just-for-this-test' };

describe('S3ObjectStore', () => {
  const objects = new Map<string, string>();
  const refusals: string[] = [];
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const check = verifySigV4(
          { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
          (id) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined),
        );
        if (!check.ok) {
          refusals.push(check.reason);
          res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
          return;
        }
        const url = new URL(req.url ?? '/', 'http://localhost');
        const [, bucket, ...rest] = url.pathname.split('/');
        const key = rest.map(decodeURIComponent).join('/');
        if (bucket !== 'bc-demo-models') return void res.writeHead(404).end('<Error><Code>NoSuchBucket</Code></Error>');
        if (req.method === 'PUT') {
          objects.set(key, body.toString('utf8'));
          return void res.writeHead(200).end();
        }
        if (url.searchParams.get('list-type') === '2') {
          const prefix = url.searchParams.get('prefix') ?? '';
          const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
          return void res
            .writeHead(200)
            .end(
              `<ListBucketResult>${keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('')}<IsTruncated>false</IsTruncated></ListBucketResult>`,
            );
        }
        const found = objects.get(key);
        if (found === undefined) return void res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
        res.writeHead(200).end(found);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const store = (bucket = 'bc-demo-models', credentials = CREDENTIALS) =>
    new S3ObjectStore({
      bucket,
      client: createS3Client({
        AWS_REGION: 'eu-central-1',
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      }),
    });

  it('puts, gets and lists objects with signed requests', async () => {
    // Act
    await store().put('versions/company-1.json', '{"id":"company-1"}');
    await store().put('artifacts/company-1.json', '{"format":1}');
    const body = await store().get('versions/company-1.json');
    const listed = await store().list('versions/');

    // Assess
    expect(body).toBe('{"id":"company-1"}');
    expect(listed).toEqual(['versions/company-1.json']);
    expect(refusals).toEqual([]);
  });

  it('answers undefined for a missing object', async () => {
    // Act
    const body = await store().get('versions/none.json');

    // Assess
    expect(body).toBeUndefined();
  });

  it("throws S3's error when the signature is refused, and stores nothing", async () => {
    // Act
    const attempt = store('bc-demo-models', { ...CREDENTIALS, secretAccessKey: 'a-wrong-secret-key' }).put(
      'promotion.json',
      '{}',
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    expect(objects.has('promotion.json')).toBe(false);
  });

  it('serves the model store: a promotion written is read back', async () => {
    // Arrange
    const models = new ObjectModelStore(store());

    // Act
    await models.setPromotion({ current: 'company-1', previous: [] });

    // Assess
    expect(await models.promotion()).toEqual({ current: 'company-1', previous: [] });
  });
});
