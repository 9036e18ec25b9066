import { createHash, createHmac } from 'node:crypto';
import type { ObjectStore } from './object-model-store.ts';

/** AWS credentials as the SDK's providers resolve them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentials>;
  /** An S3-compatible endpoint (path-style requests); default: the bucket's virtual host in the region. */
  readonly endpoint?: string;
  readonly fetch?: typeof fetch;
}

/** An S3 request that failed: the status and S3's error code. */
export class S3RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'S3RequestError';
  }
}

/**
 * Objects in an S3 bucket, through S3's REST API signed with Signature Version 4 (GetObject,
 * PutObject, ListObjectsV2: all the model store needs). The project bundles no S3 client;
 * this is the small part of one that the store uses.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async get(key: string): Promise<string | undefined> {
    const response = await this.send('GET', key, {});
    if (response.status === 404) return undefined;
    await this.check(response, `GetObject ${key}`);
    return response.text();
  }

  async put(key: string, body: string): Promise<void> {
    const response = await this.send('PUT', key, {}, body);
    await this.check(response, `PutObject ${key}`);
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const response = await this.send('GET', '', { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
      await this.check(response, `ListObjectsV2 ${prefix}`);
      const xml = await response.text();
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(m[1]!));
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? unescapeXml(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1] ?? '') : undefined;
    } while (token);
    return keys.sort();
  }

  private async send(method: 'GET' | 'PUT', key: string, query: Record<string, string>, body?: string): Promise<Response> {
    const { bucket, region } = this.options;
    const base = this.options.endpoint ? new URL(`${this.options.endpoint.replace(/\/$/, '')}/${bucket}`) : new URL(`https://${bucket}.s3.${region}.amazonaws.com`);
    const pathName = `${base.pathname.replace(/\/$/, '')}/${key.split('/').map(encode).join('/')}`;
    const queryString = Object.entries(query)
      .map(([k, v]) => [encode(k), encode(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const payload = body ?? '';
    const payloadHash = sha256(payload);
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const credentials = await this.options.credentials();
    const headers: Record<string, string> = {
      host: base.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    const names = Object.keys(headers).sort();
    const canonical = [method, pathName, queryString, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), payloadHash].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
    let signingKey = hmac(`AWS4${credentials.secretAccessKey}`, day);
    for (const part of [region, 's3', 'aws4_request']) signingKey = hmac(signingKey, part);
    const signature = hmac(signingKey, toSign).toString('hex');
    const { host: _host, ...sent } = headers;
    return this.fetch(`${base.protocol}//${base.host}${pathName}${queryString ? `?${queryString}` : ''}`, {
      method,
      headers: { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` },
      ...(body !== undefined ? { body } : {}),
    });
  }

  private async check(response: Response, what: string): Promise<void> {
    if (response.ok) return;
    const text = await response.text().catch(() => '');
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? 'no error code';
    throw new S3RequestError(`S3 ${what} in ${this.options.bucket} failed: ${response.status} ${code}`, response.status);
  }
}

/** S3's URI encoding: every byte but unreserved characters. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function sha256(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
