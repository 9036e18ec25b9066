/**
 * Payload format 2.0 as described in
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import { describe, expect, it } from 'vitest';
import {
  formatRequestTime,
  isTextualContentType,
  matchRoute,
  toApiGatewayEvent,
  toHttpResponse,
  type HttpRequestInfo,
} from '../../../infra/local/http-event.ts';
import type { HttpRoute } from '../../../infra/topology.ts';

const ROUTES: HttpRoute[] = [
  { method: 'GET', path: '/webhooks/{platform}' },
  { method: 'POST', path: '/webhooks/{platform}' },
];

function requestFactory(overrides: Partial<HttpRequestInfo> = {}): HttpRequestInfo {
  return {
    method: 'POST',
    url: '/webhooks/meta',
    headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'user-agent': 'facebookexternalua' },
    body: Buffer.from('{"object":"page","entry":[]}'),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    requestId: 'JKJaXmPLvHcESHA=',
    time: new Date('2026-03-12T19:03:58.123Z'),
    accountId: '000000000000',
    apiId: 'local',
    ...overrides,
  };
}

function eventOf(request: HttpRequestInfo) {
  const match = matchRoute(ROUTES, request.method, request.url.split('?')[0] as string);
  if (!match) throw new Error('no route');
  return toApiGatewayEvent(request, match);
}

describe('matchRoute', () => {
  it('matches a route and extracts its path parameter', () => {
    // Act
    const match = matchRoute(ROUTES, 'POST', '/webhooks/meta');

    // Assess
    expect(match).toMatchObject({ routeKey: 'POST /webhooks/{platform}', pathParameters: { platform: 'meta' } });
  });

  it('decodes path parameters', () => {
    // Act
    const match = matchRoute(ROUTES, 'GET', '/webhooks/x%20y');

    // Assess
    expect(match?.pathParameters).toEqual({ platform: 'x y' });
  });

  it.each([
    ['another method', 'PUT', '/webhooks/meta'],
    ['a longer path', 'POST', '/webhooks/meta/extra'],
    ['a shorter path', 'POST', '/webhooks'],
    ['an empty parameter', 'POST', '/webhooks/'],
    ['another path', 'POST', '/admin/meta'],
  ])('does not match %s', (_name, method, path) => {
    // Act & Assess
    expect(matchRoute(ROUTES, method, path)).toBeUndefined();
  });

  it('matches a greedy parameter over the rest of the path', () => {
    // Act
    const match = matchRoute([{ method: 'GET', path: '/files/{proxy+}' }], 'GET', '/files/a/b/c.txt');

    // Assess
    expect(match?.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
  });
});

describe('toApiGatewayEvent', () => {
  it('builds a version 2.0 event with the route, path and request context', () => {
    // Act
    const event = eventOf(requestFactory());

    // Assess
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/{platform}',
      rawPath: '/webhooks/meta',
      rawQueryString: '',
      pathParameters: { platform: 'meta' },
      isBase64Encoded: false,
      body: '{"object":"page","entry":[]}',
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: '127.0.0.1',
        http: {
          method: 'POST',
          path: '/webhooks/meta',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'facebookexternalua',
        },
        requestId: 'JKJaXmPLvHcESHA=',
        routeKey: 'POST /webhooks/{platform}',
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: Date.parse('2026-03-12T19:03:58.123Z'),
      },
    });
    expect(event.queryStringParameters).toBeUndefined();
  });

  it('lowercases header names and joins repeated headers with commas', () => {
    // Act
    const event = eventOf(
      requestFactory({ headers: { 'X-Hub-Signature-256': 'sha256=ab', 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] } }),
    );

    // Assess
    expect(event.headers).toEqual({ 'x-hub-signature-256': 'sha256=ab', 'x-forwarded-for': '1.1.1.1,2.2.2.2' });
  });

  it('moves cookies out of the headers into their own list', () => {
    // Act
    const event = eventOf(requestFactory({ headers: { cookie: 'a=1; b=2' } }));

    // Assess
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers.cookie).toBeUndefined();
  });

  it('keeps the raw query string and decodes the parameters, joining repeats with commas', () => {
    // Act
    const event = eventOf(
      requestFactory({
        method: 'GET',
        body: Buffer.alloc(0),
        url: '/webhooks/meta?hub.mode=subscribe&hub.challenge=15%2B7&tag=a&tag=b',
      }),
    );

    // Assess
    expect(event.rawQueryString).toBe('hub.mode=subscribe&hub.challenge=15%2B7&tag=a&tag=b');
    expect(event.queryStringParameters).toEqual({ 'hub.mode': 'subscribe', 'hub.challenge': '15+7', tag: 'a,b' });
  });

  it('leaves the body out of a request without one', () => {
    // Act
    const event = eventOf(requestFactory({ method: 'GET', body: Buffer.alloc(0) }));

    // Assess
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('passes a textual body byte for byte as UTF-8', () => {
    // Arrange: Meta escapes non-ASCII; a raw UTF-8 body must arrive unchanged as well
    const body = Buffer.from('{"message":"Grüße \\u00fc 🚲"}', 'utf8');

    // Act
    const event = eventOf(requestFactory({ body }));

    // Assess
    expect(Buffer.from(event.body as string, 'utf8').equals(body)).toBe(true);
  });

  it('base64-encodes a body of a binary content type', () => {
    // Arrange
    const body = Buffer.from([0x00, 0xff, 0x10]);

    // Act
    const event = eventOf(requestFactory({ headers: { 'content-type': 'application/octet-stream' }, body }));

    // Assess
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64').equals(body)).toBe(true);
  });
});

describe('isTextualContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['text/plain', true],
    ['application/x-www-form-urlencoded', true],
    ['application/vnd.api+json', true],
    ['application/octet-stream', false],
    ['image/png', false],
  ])('treats %s as textual: %s', (contentType, textual) => {
    // Act & Assess
    expect(isTextualContentType(contentType)).toBe(textual);
  });
});

describe('toHttpResponse', () => {
  it('writes a structured result as status, headers and body', () => {
    // Act
    const response = toHttpResponse({
      statusCode: 401,
      headers: { 'Content-Type': 'application/json', 'X-Count': 2 },
      body: '{"message":"bad signature"}',
    });

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.headers).toEqual({ 'content-type': 'application/json', 'x-count': '2' });
    expect(response.body.toString()).toBe('{"message":"bad signature"}');
  });

  it('decodes a base64 body', () => {
    // Act
    const response = toHttpResponse({
      statusCode: 200,
      body: Buffer.from('hello').toString('base64'),
      isBase64Encoded: true,
    });

    // Assess
    expect(response.body.toString()).toBe('hello');
  });

  it('passes cookies on', () => {
    // Act
    const response = toHttpResponse({ statusCode: 200, cookies: ['a=1; Path=/'] });

    // Assess
    expect(response.cookies).toEqual(['a=1; Path=/']);
  });

  it('sends a result without statusCode as a 200 JSON body', () => {
    // Act
    const response = toHttpResponse({ ok: true });

    // Assess
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(response.body.toString()).toBe('{"ok":true}');
  });

  it('sends a string result as it is', () => {
    // Act
    const response = toHttpResponse('challenge-123');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.toString()).toBe('challenge-123');
  });
});

describe('formatRequestTime', () => {
  it('formats like API Gateway in UTC', () => {
    // Act & Assess
    expect(formatRequestTime(new Date('2026-01-05T04:03:02Z'))).toBe('05/Jan/2026:04:03:02 +0000');
  });
});
