import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface AdminEventOptions {
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  /** The JWT authorizer's claims; null: a request without any authorizer context. */
  readonly claims?: Record<string, string> | null;
  readonly requestId?: string;
}

/**
 * An API Gateway HTTP API (payload v2) event of an admin route, as the JWT authorizer passes
 * it on: `routeKey` such as `POST /cases/{id}/assign`, the path filled in from `pathParameters`.
 */
export function adminEventFactory(routeKey: string, options: AdminEventOptions = {}): APIGatewayProxyEventV2 {
  const [method = 'GET', template = '/'] = routeKey.split(' ');
  const rawPath = template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(options.pathParameters?.[name] ?? ''),
  );
  const claims =
    options.claims === undefined
      ? { sub: 'sub-jana', email: 'jana.krueger@radwerk-hansen.example', name: 'Jana Krüger' }
      : options.claims;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: options.query ? new URLSearchParams(options.query).toString() : '',
    headers: { host: 'abc123.execute-api.eu-central-1.amazonaws.com', 'content-type': 'application/json' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: options.requestId ?? 'JXk9yhB0FiAEJmA=',
      routeKey,
      stage: '$default',
      time: '30/Nov/2026:10:30:00 +0000',
      timeEpoch: 1796034600000,
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}
