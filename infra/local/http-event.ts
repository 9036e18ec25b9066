import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpRoute } from '../topology.ts';

/**
 * API Gateway HTTP API (payload format 2.0) on a laptop: routes, the Lambda event of a
 * request and the HTTP response of a Lambda result, as described in
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * Pure: no I/O.
 */

/** The route a request matched. */
export interface RouteMatch<R extends HttpRoute = HttpRoute> {
  readonly route: R;
  /** `POST /webhooks/{platform}` */
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

/** A route template's segment: a literal, a `{name}` (one segment) or a `{name+}` (the rest). */
type RoutePart = { readonly literal: string } | { readonly parameter: string } | { readonly greedy: string };

interface CompiledRoute<R extends HttpRoute> {
  readonly route: R;
  readonly routeKey: string;
  readonly parts: readonly RoutePart[];
  /** Per segment: 2 a literal, 1 a `{name}`, 0 a `{name+}` (see moreSpecific). */
  readonly rank: readonly number[];
}

/** Routes made ready for matching once (at the server's start), not on every request. */
export interface RouteTable<R extends HttpRoute> {
  /** The route of a method and path; see {@link matchRoute}. */
  match(method: string, rawPath: string): RouteMatch<R> | undefined;
}

/** Splits each route's template once, so that a request only compares segments. */
export function compileRoutes<R extends HttpRoute>(routes: readonly R[]): RouteTable<R> {
  const isGreedy = (route: R) => route.path.includes('+}');
  const compiled = [...routes.filter((r) => !isGreedy(r)), ...routes.filter(isGreedy)].map(compileRoute);
  return {
    match: (method, rawPath) => {
      const upper = method.toUpperCase();
      const match = firstMatch(compiled, upper, rawPath);
      if (match || rawPath.length <= 1 || !rawPath.endsWith('/')) return match;
      return firstMatch(compiled, upper, rawPath.slice(0, -1));
    },
  };
}

/**
 * Finds the route of a method and path; `{name}` matches one segment, `{name+}` the rest.
 * As in API Gateway, the most specific route wins whatever the order: a greedy route
 * (`/console/{proxy+}`) only takes what no other route matches, and a path with a trailing
 * slash (`/console/`) that matches nothing is matched without it. A server matching many
 * requests against the same routes compiles them once ({@link compileRoutes}).
 */
export function matchRoute<R extends HttpRoute>(
  routes: readonly R[],
  method: string,
  rawPath: string,
): RouteMatch<R> | undefined {
  return compileRoutes(routes).match(method, rawPath);
}

function compileRoute<R extends HttpRoute>(route: R): CompiledRoute<R> {
  const parts = route.path
    .split('/')
    .slice(1)
    .map((part): RoutePart => {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy) return { greedy: greedy[1] as string };
      const parameter = /^\{(.+)\}$/.exec(part);
      return parameter ? { parameter: parameter[1] as string } : { literal: part };
    });
  return {
    route,
    routeKey: `${route.method} ${route.path}`,
    parts,
    rank: parts.map((part) => ('greedy' in part ? 0 : 'parameter' in part ? 1 : 2)),
  };
}

function firstMatch<R extends HttpRoute>(
  routes: readonly CompiledRoute<R>[],
  method: string,
  rawPath: string,
): RouteMatch<R> | undefined {
  const segments = rawPath.split('/').slice(1);
  let best: { match: RouteMatch<R>; rank: readonly number[] } | undefined;
  for (const compiled of routes) {
    if (compiled.route.method !== method) continue;
    const parameters = matchParts(compiled.parts, segments);
    if (!parameters) continue;
    if (best && !moreSpecific(compiled.rank, best.rank)) continue;
    best = {
      match: {
        route: compiled.route,
        routeKey: compiled.routeKey,
        pathParameters: Object.keys(parameters).length > 0 ? parameters : undefined,
      },
      rank: compiled.rank,
    };
  }
  return best?.match;
}

/**
 * API Gateway takes the most specific route that matches, whatever the order they were added
 * in (`GET /console/config.json` before `GET /console/{proxy+}`): per segment, a literal beats
 * a `{name}`, which beats a `{name+}`.
 */
function moreSpecific(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x > y;
  }
  return false;
}

function matchParts(parts: readonly RoutePart[], segments: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as RoutePart;
    if ('greedy' in part) {
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      parameters[part.greedy] = safeDecode(rest.join('/'));
      return parameters;
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if ('parameter' in part) {
      if (segment === '') return undefined;
      parameters[part.parameter] = safeDecode(segment);
    } else if (part.literal !== segment) {
      return undefined;
    }
  }
  return segments.length === parts.length ? parameters : undefined;
}

/** What the local server knows about a request. */
export interface HttpRequestInfo {
  readonly method: string;
  /** Path and query as sent, `/webhooks/meta?hub.mode=subscribe`. */
  readonly url: string;
  /** Node's headers: lowercased names, `headersDistinct` style or plain. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>> | IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
  readonly requestId: string;
  readonly time: Date;
  readonly accountId: string;
  readonly apiId: string;
}

/**
 * Content types API Gateway passes as text; everything else arrives base64-encoded.
 */
export function isTextualContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql|yaml|x-yaml)$/.test(type) ||
    /^application\/[\w.-]+\+(json|xml)$/.test(type)
  );
}

/** What an authorizer passed on about the caller: the JWT authorizer's claims, or the IAM authorizer's caller. */
export type RequestAuthorizer =
  | { readonly jwt: { readonly claims: Readonly<Record<string, string>>; readonly scopes: readonly string[] } }
  | { readonly iam: { readonly userArn: string } };

/** `requestContext.authorizer` as API Gateway fills it in for a JWT or an IAM route (copied: the event is the function's). */
function authorizerContext(authorizer: RequestAuthorizer): Record<string, unknown> {
  if ('iam' in authorizer) return { iam: { userArn: authorizer.iam.userArn } };
  return { jwt: { claims: { ...authorizer.jwt.claims }, scopes: [...authorizer.jwt.scopes] } };
}

/**
 * Builds the payload 2.0 event of a request that matched a route; `authorizer` is what the
 * route's authorizer accepted (`requestContext.authorizer`).
 */
export function toApiGatewayEvent(
  request: HttpRequestInfo,
  match: RouteMatch,
  authorizer?: RequestAuthorizer,
): APIGatewayProxyEventV2 {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart < 0 ? '' : request.url.slice(queryStart + 1);

  // API Gateway joins repeated headers with commas and moves cookies into their own list.
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? (value as string[]) : [value as string];
    if (name.toLowerCase() === 'cookie') {
      cookies = values.flatMap((v) => v.split(/;\s*/)).filter((c) => c.length > 0);
      continue;
    }
    headers[name.toLowerCase()] = values.join(',');
  }

  const queryStringParameters: Record<string, string> = {};
  for (const pair of rawQueryString.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = safeDecode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1).replace(/\+/g, ' '));
    queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }

  const hasBody = request.body.length > 0;
  const textual = isTextualContentType(headers['content-type']);
  const host = headers.host ?? 'localhost';
  const domainName = host.replace(/:\d+$/, '');

  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId: request.accountId,
      apiId: request.apiId,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      ...(authorizer ? { authorizer: authorizerContext(authorizer) } : {}),
      routeKey: match.routeKey,
      stage: '$default',
      time: formatRequestTime(request.time),
      timeEpoch: request.time.getTime(),
    },
    ...(match.pathParameters ? { pathParameters: { ...match.pathParameters } } : {}),
    ...(hasBody ? { body: textual ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !textual,
  };
}

/**
 * The event a Lambda function URL delivers: payload format 2.0 as the HTTP API's, but with
 * the sentinel `routeKey` `$default` (in `requestContext` too), no `pathParameters` (the
 * function reads `rawPath`) and, with auth NONE, the `accountId` `anonymous`, as in
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
export function toFunctionUrlEvent(request: HttpRequestInfo): APIGatewayProxyEventV2 {
  const route: HttpRoute = { method: 'POST', path: '/{proxy+}' };
  return toApiGatewayEvent(
    { ...request, accountId: 'anonymous' },
    { route, routeKey: '$default', pathParameters: undefined },
  );
}

/** The function whose URL serves a path, when one does: its paths are route templates, any method. */
export function matchFunctionUrl<U extends { readonly paths: readonly string[] }>(
  urls: readonly U[],
  rawPath: string,
): U | undefined {
  return compileFunctionUrls(urls).match(rawPath);
}

/** Function URLs made ready for matching once, as {@link compileRoutes} does for routes. */
export function compileFunctionUrls<U extends { readonly paths: readonly string[] }>(
  urls: readonly U[],
): { match(rawPath: string): U | undefined } {
  const tables = urls.map((url) => ({
    url,
    table: compileRoutes(url.paths.map((path) => ({ method: 'GET', path }) as const)),
  }));
  return { match: (rawPath) => tables.find(({ table }) => table.match('GET', rawPath))?.url };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
export function formatRequestTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** An HTTP response to write. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/**
 * Turns what a Lambda function returned into the HTTP response API Gateway would send:
 * an object with `statusCode` is a structured response; anything else is sent as a
 * 200 JSON body.
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const structured = result as {
      statusCode?: unknown;
      headers?: Record<string, unknown>;
      body?: unknown;
      isBase64Encoded?: unknown;
      cookies?: unknown;
    };
    const body = typeof structured.body === 'string' ? structured.body : '';
    return {
      statusCode: typeof structured.statusCode === 'number' ? structured.statusCode : 200,
      headers: Object.fromEntries(
        Object.entries(structured.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      ),
      cookies: Array.isArray(structured.cookies) ? structured.cookies.map(String) : [],
      body: structured.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    };
  }
  const body = typeof result === 'string' ? result : result === undefined ? '' : JSON.stringify(result);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body, 'utf8'),
  };
}

/** The JSON error responses API Gateway itself sends. */
export function gatewayError(statusCode: 401 | 404 | 413 | 500 | 502 | 503, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
