import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { HttpRoute } from '../topology.ts';
import { closeGracefully, listen } from './backends.ts';
import { createLimitedServer, RequestAbortedError, type ConnectionLimits } from './connection-limits.ts';
import {
  compileFunctionUrls,
  compileRoutes,
  gatewayError,
  toApiGatewayEvent,
  toFunctionUrlEvent,
  toHttpResponse,
  type HttpRequestInfo,
  type HttpResponse,
  type RequestAuthorizer,
} from './http-event.ts';

/** A route of the topology and the function behind it. */
export interface BoundRoute extends HttpRoute {
  readonly functionId: string;
}

/** A function URL of the topology: the paths it answers, with the function URL's event. */
export interface BoundFunctionUrl {
  readonly functionId: string;
  readonly paths: readonly string[];
}

export interface HttpServerOptions {
  readonly routes: readonly BoundRoute[];
  /**
   * Function URLs, asked before the routes: in AWS a function URL has its own host and takes
   * every method; here it shares the server, so its paths (any method) go to its function
   * with the function URL's event, and an HTTP API route of the same path is not reached.
   */
  readonly functionUrls?: readonly BoundFunctionUrl[];
  /** Invokes a function with an API Gateway v2 event and resolves with its result. */
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly port?: number;
  readonly host?: string;
  readonly accountId: string;
  /** API Gateway's own payload limit; bodies above it get 413 before any function runs. */
  readonly maxBodyBytes?: number;
  /**
   * The authorizer of the routes with `auth: 'admin'`: what it passes on about the caller of
   * an `Authorization` header, or undefined to refuse (401 before any function runs).
   * Without it those routes refuse every request.
   */
  readonly adminAuthorizer?: (authorization: string | undefined) => RequestAuthorizer | undefined;
  readonly log?: (line: string) => void;
  /** A few words about a function's result that its request's line adds after the status (`POST /webhooks/meta -> 200, 3 mentions`). */
  readonly describe?: (result: unknown) => string | undefined;
  /** Timeouts and the connection bound; default DEFAULT_CONNECTION_LIMITS. */
  readonly limits?: Partial<ConnectionLimits>;
  /**
   * Routes only the laptop has (the console's local login): asked in order before the
   * topology's routes; each answers and resolves true, or resolves false to pass.
   */
  readonly localRoutes?: readonly LocalRoute[];
}

/** A route outside the topology, answered by the local server itself. */
export type LocalRoute = (req: IncomingMessage, res: ServerResponse, log: (line: string) => void) => Promise<boolean>;

export interface LocalHttpServer {
  readonly url: string;
  readonly port: number;
  /** Requests being handled. */
  inFlight(): number;
  /** Requests to the routes answered with a 5xx status since start (the API's `5xx` metric). */
  serverErrors(): number;
  /** Requests to a function's URL answered with a 5xx status since start (its `Url5xxCount`). */
  functionUrlErrors(functionId: string): number;
  stop(): Promise<void>;
}

/** API Gateway accepts request payloads of up to 10 MB. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** A function URL accepts request payloads of up to 6 MB (Lambda's synchronous invocation limit). */
export const FUNCTION_URL_MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Starts the local HTTP API: node:http in front of the topology's routes. */
export async function startHttpServer(options: HttpServerOptions): Promise<LocalHttpServer> {
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const log = options.log ?? (() => {});
  let inFlight = 0;
  let serverErrors = 0;
  const urlErrors = new Map<string, number>();
  /** The function behind each response a function URL answers: its 5xx count there, not the API's. */
  const urlResponses = new WeakMap<ServerResponse, string>();
  // Compiled once: a request only compares its path's segments.
  const functionUrls = compileFunctionUrls(options.functionUrls ?? []);
  const routes = compileRoutes(options.routes);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomBytes(10).toString('base64').replace(/=+$/, '=');
    res.setHeader('apigw-requestid', requestId);
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    for (const local of options.localRoutes ?? []) if (await local(req, res, log)) return;
    const functionUrl = functionUrls.match(url.split('?')[0] ?? '/');
    if (functionUrl) {
      urlResponses.set(res, functionUrl.functionId);
      return handleFunctionUrl(req, res, functionUrl, requestId);
    }
    const match = routes.match(method, url.split('?')[0] ?? '/');
    if (!match) {
      req.resume();
      log(`${method} ${url.split('?')[0]} -> 404 (no route)`);
      return write(res, gatewayError(404, 'Not Found'));
    }
    let authorizer: RequestAuthorizer | undefined;
    if (match.route.auth === 'admin') {
      authorizer = options.adminAuthorizer?.(req.headers.authorization);
      if (!authorizer) {
        req.resume();
        log(`${method} ${url.split('?')[0]} -> 401 (no valid bearer token)`);
        return write(res, gatewayError(401, 'Unauthorized'));
      }
    }
    const request = await readRequest(req, res, maxBodyBytes, requestId, 'local');
    if (!request) return;
    const event = toApiGatewayEvent(request, match, authorizer);
    let response: HttpResponse;
    let note: string | undefined;
    try {
      const result = await options.invoke(match.route.functionId, event);
      note = options.describe?.(result);
      response = toHttpResponse(result);
    } catch (error) {
      // API Gateway answers a failed invocation with a generic 500; the error stays in the log.
      log(`${match.routeKey} -> ${match.route.functionId} failed: ${(error as Error).stack ?? String(error)}`);
      response = gatewayError(500, 'Internal Server Error');
    }
    // The answer first: the line is for a person, the ack is what the platform waits for.
    write(res, response);
    log(`${method} ${url.split('?')[0]} -> ${response.statusCode}${note ? `, ${note}` : ''}`);
  };

  /**
   * The request as an event reads it, its body read up to `limit` bytes; undefined once a body over
   * the limit (declared or sent) has been answered with 413.
   */
  const readRequest = async (
    req: IncomingMessage,
    res: ServerResponse,
    limit: number,
    requestId: string,
    apiId: string,
  ): Promise<HttpRequestInfo | undefined> => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      log(`${method} ${url.split('?')[0]} -> 413 (${declared} bytes)`);
      refuseTooLarge(req, res);
      return undefined;
    }
    const body = await readBody(req, limit);
    if (!body) {
      log(`${method} ${url.split('?')[0]} -> 413 (over ${limit} bytes)`);
      refuseTooLarge(req, res);
      return undefined;
    }
    return {
      method,
      url,
      headers: req.headersDistinct,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      time: new Date(),
      accountId: options.accountId,
      apiId,
    };
  };

  /** A request to a function URL: no authorizer, the URL's payload limit, the URL's event and its 502 on a failed invocation. */
  const handleFunctionUrl = async (
    req: IncomingMessage,
    res: ServerResponse,
    functionUrl: BoundFunctionUrl,
    requestId: string,
  ): Promise<void> => {
    const request = await readRequest(req, res, FUNCTION_URL_MAX_BODY_BYTES, requestId, 'local-url');
    if (!request) return;
    const { method } = request;
    const path = request.url.split('?')[0];
    const event = toFunctionUrlEvent(request);
    let response: HttpResponse;
    let note: string | undefined;
    try {
      const result = await options.invoke(functionUrl.functionId, event);
      note = options.describe?.(result);
      response = toHttpResponse(result);
    } catch (error) {
      // A function URL answers a failed invocation with 502; the error stays in the log.
      log(`${method} ${path} -> ${functionUrl.functionId} failed: ${(error as Error).stack ?? String(error)}`);
      response = gatewayError(502, 'Internal Server Error');
    }
    write(res, response);
    log(`${method} ${path} -> ${response.statusCode}${note ? `, ${note}` : ''}`);
  };

  const server = createLimitedServer(
    options.limits,
    (req, res) => {
      inFlight++;
      res.once('close', () => inFlight--);
      res.once('finish', () => {
        if (res.statusCode < 500) return;
        const functionId = urlResponses.get(res);
        if (functionId === undefined) serverErrors++;
        else urlErrors.set(functionId, (urlErrors.get(functionId) ?? 0) + 1);
      });
      handle(req, res).catch((error: unknown) => {
        if (error instanceof RequestAbortedError) {
          // The client went away mid-body, or the request timeout cut it: nothing was acknowledged.
          log(`${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]} -> closed before the body was complete`);
          return;
        }
        log(`local HTTP server error: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent) write(res, gatewayError(500, 'Internal Server Error'));
        else res.destroy();
      });
    },
    log,
  );

  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    inFlight: () => inFlight,
    serverErrors: () => serverErrors,
    functionUrlErrors: (functionId) => urlErrors.get(functionId) ?? 0,
    stop: () => closeGracefully(server),
  };
}

/** Reads the whole body, or resolves undefined as soon as it exceeds the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks));
    });
    // A connection cut mid-body (client gone, request timeout) must not leave this pending.
    req.on('error', (error) => reject(new RequestAbortedError({ cause: error })));
    req.on('close', () => {
      if (!req.complete) reject(new RequestAbortedError());
    });
  });
}

function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  // Drain what the client still sends so it reads the answer instead of a reset.
  req.resume();
  res.setHeader('connection', 'close');
  write(res, gatewayError(413, 'Request Entity Too Large'));
}

function write(res: ServerResponse, response: HttpResponse): void {
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (response.cookies.length > 0) res.setHeader('set-cookie', [...response.cookies]);
  res.setHeader('content-length', response.body.length);
  res.end(response.body);
}
