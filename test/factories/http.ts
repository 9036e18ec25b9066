import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { signMetaBody } from '../../shared/platforms/meta.ts';
import type { WebhookRequest, WebhookSecret } from '../../shared/platforms/platform-adapter.ts';

/** The Meta secret every webhook test signs with; never a real one. */
export const TEST_META_SECRET: WebhookSecret = {
  appSecret: 'test-app-secret-4f1c9e',
  verifyToken: 'test-verify-token-77a2',
};

/** The demo company's Facebook Page id (companies/demo.yaml). */
export const DEMO_PAGE_ID = '104729381726354';

/** The raw bytes of a file in test/fixtures/meta, exactly as stored. */
export function metaFixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../fixtures/meta/${name}`, import.meta.url)));
}

/** A webhook request as adapters see it; a POST with an empty body unless overridden. */
export function webhookRequestFactory(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { method: 'POST', headers: {}, query: {}, body: Buffer.alloc(0), ...overrides };
}

/** A POST whose body is signed as Meta signs it. */
export function signedMetaRequest(body: Buffer | string, appSecret = TEST_META_SECRET.appSecret): WebhookRequest {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return webhookRequestFactory({
    body: bytes,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(bytes, appSecret) },
  });
}

/** Meta's subscription handshake query. */
export function metaHandshakeQuery(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'hub.mode': 'subscribe',
    'hub.verify_token': TEST_META_SECRET.verifyToken,
    'hub.challenge': '1158201444',
    ...overrides,
  };
}

export interface HttpEventOptions {
  readonly method?: 'GET' | 'POST' | string;
  readonly platform?: string;
  readonly body?: Buffer | string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** Send the body base64-encoded, as API Gateway does for binary media types. */
  readonly base64?: boolean;
}

/** An API Gateway HTTP API (payload v2) event for `/webhooks/{platform}`. */
export function httpEventFactory(options: HttpEventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const platform = options.platform ?? 'meta';
  const bytes =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(options.body, 'utf8');
  const query = options.query;
  return {
    version: '2.0',
    routeKey: `${method} /webhooks/{platform}`,
    rawPath: `/webhooks/${platform}`,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers: {
      host: 'abc123.execute-api.eu-central-1.amazonaws.com',
      'user-agent': 'facebookexternalua',
      ...options.headers,
    },
    ...(query ? { queryStringParameters: query } : {}),
    pathParameters: { platform },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path: `/webhooks/${platform}`,
        protocol: 'HTTP/1.1',
        sourceIp: '173.252.127.1',
        userAgent: 'facebookexternalua',
      },
      requestId: 'req-1',
      routeKey: `${method} /webhooks/{platform}`,
      stage: '$default',
      time: '28/Nov/2026:09:15:00 +0000',
      timeEpoch: 1795857300000,
    },
    ...(bytes === undefined ? {} : { body: options.base64 ? bytes.toString('base64') : bytes.toString('utf8') }),
    isBase64Encoded: options.base64 === true,
  };
}

/**
 * The event ingest's function URL delivers for the same request: payload 2.0 with the
 * sentinel `routeKey` `$default`, no `pathParameters` (the path only in `rawPath`), the
 * URL's host and, with auth NONE, the account `anonymous` (the function URL invocation
 * docs, "Request and response payloads"). `rawPath` replaces the event's path when given.
 */
export function asFunctionUrlEvent(event: APIGatewayProxyEventV2, rawPath = event.rawPath): APIGatewayProxyEventV2 {
  const { pathParameters: _pathParameters, ...rest } = event;
  const host = 'x3kq7v2mzjf5hp4a6wubn5rw4e0ryahc.lambda-url.eu-central-1.on.aws';
  return {
    ...rest,
    routeKey: '$default',
    rawPath,
    headers: { ...event.headers, host, 'x-forwarded-proto': 'https' },
    requestContext: {
      ...event.requestContext,
      accountId: 'anonymous',
      apiId: 'x3kq7v2mzjf5hp4a6wubn5rw4e0ryahc',
      domainName: host,
      domainPrefix: 'x3kq7v2mzjf5hp4a6wubn5rw4e0ryahc',
      http: { ...event.requestContext.http, path: rawPath },
      routeKey: '$default',
      stage: '$default',
    },
  };
}

/** A POST event signed with the test secret (or `appSecret`). */
export function signedMetaEvent(
  body: Buffer | string,
  options: HttpEventOptions & { appSecret?: string } = {},
): APIGatewayProxyEventV2 {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return httpEventFactory({
    ...options,
    body: bytes,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signMetaBody(bytes, options.appSecret ?? TEST_META_SECRET.appSecret),
      ...options.headers,
    },
  });
}

/** A Lambda context as the runtime passes it. */
export function lambdaContextFactory(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bc-demo-ingest-webhook',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:bc-demo-ingest-webhook',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/bc-demo-ingest-webhook',
    logStreamName: '2026/11/28/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

/** A Page `feed` comment change by a customer; `n` makes its ids unique. */
export function metaFeedCommentChange(n: number, overrides: Record<string, unknown> = {}) {
  const postId = `${DEMO_PAGE_ID}_1223334445556667`;
  return {
    field: 'feed',
    value: {
      item: 'comment',
      verb: 'add',
      comment_id: `1223334445556667_${100000 + n}`,
      post_id: postId,
      parent_id: postId,
      from: { id: `${7000000 + n}`, name: `Kunde ${n}` },
      message: `Kommentar Nummer ${n}`,
      created_time: 1764321300 + n,
      ...overrides,
    },
  };
}

/**
 * A Page envelope with `entries` entries of `changesPerEntry` customer comments each,
 * serialized as Meta does (non-ASCII escaped).
 */
export function metaCommentsBody(entries: number, changesPerEntry: number): string {
  let n = 0;
  const envelope = {
    object: 'page',
    entry: Array.from({ length: entries }, (_, e) => ({
      id: DEMO_PAGE_ID,
      time: 1764322000 + e,
      changes: Array.from({ length: changesPerEntry }, () => metaFeedCommentChange(n++)),
    })),
  };
  return escapeNonAscii(JSON.stringify(envelope));
}

/** JSON text with every non-ASCII UTF-16 unit escaped as `\uXXXX`, as Meta sends bodies. */
export function escapeNonAscii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
