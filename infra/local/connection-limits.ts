import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/**
 * Limits of a local HTTP server, so that a client that trickles its headers or body, or
 * opens connections without end, cannot hold the runtime: the slow ones get 408 and are
 * closed, the ones above the bound get 503 and are closed.
 */
export interface ConnectionLimits {
  /** Time to receive the request line and all headers (node:http `headersTimeout`). */
  readonly headersTimeoutMs: number;
  /** Time to receive the whole request, body included (node:http `requestTimeout`). */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after a response. */
  readonly keepAliveTimeoutMs: number;
  /**
   * A socket with no traffic for this long is closed, unless a request on it is still being
   * answered (a function may run longer than any client stays silent).
   */
  readonly idleTimeoutMs: number;
  /** Open connections at most; the next one is answered 503 and closed. */
  readonly maxConnections: number;
  /** How often node:http checks the header and request timeouts. */
  readonly checkIntervalMs: number;
}

/**
 * Defaults: headers within 10 s and a whole request within 30 s are generous for any
 * platform's webhook (they send a few KB at once and give up after a few seconds); 1,024
 * connections are far beyond what a laptop's platforms or tests open.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxConnections: 1_024,
  checkIntervalMs: 1_000,
};

/**
 * A node:http server held to `limits`. Slow headers or bodies are answered 408 by node:http
 * itself; a connection over the bound is answered 503 with `Retry-After` and closed before
 * any request on it reaches `listener`.
 */
export function createLimitedServer(
  partial: Partial<ConnectionLimits> | undefined,
  listener: RequestListener,
  log: (line: string) => void,
): Server {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...partial };
  const refused = new WeakSet<Socket>();
  const busy = new WeakMap<Socket, number>();
  const server = createServer(
    {
      // node:http refuses a headersTimeout above requestTimeout.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      if (refused.has(socket)) {
        req.resume();
        return;
      }
      busy.set(socket, (busy.get(socket) ?? 0) + 1);
      res.once('close', () => busy.set(socket, (busy.get(socket) ?? 1) - 1));
      listener(req, res);
    },
  );
  let open = 0;
  let refusedCount = 0;
  server.on('connection', (socket: Socket) => {
    if (open >= limits.maxConnections) {
      refused.add(socket);
      refusedCount++;
      // One line per 100 refusals: a flood must not flood the log as well.
      if (refusedCount % 100 === 1)
        log(
          `connection refused with 503: ${open} connections are open (limit ${limits.maxConnections}); ${refusedCount} refused so far`,
        );
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 36\r\n\r\nToo many connections; retry shortly\n',
        () => socket.destroy(),
      );
      return;
    }
    open++;
    socket.once('close', () => open--);
    socket.setTimeout(limits.idleTimeoutMs);
  });
  // node:http's own answer to a slow or malformed request, plus a log line saying why.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    log(`connection closed with ${status}: ${error.code ?? error.name} (${error.message})`);
    if (socket.bytesWritten === 0)
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  });
  // With a 'timeout' listener node:http leaves the socket to us: close it unless it is answering.
  server.on('timeout', (socket: Socket) => {
    if ((busy.get(socket) ?? 0) > 0) return;
    socket.destroy();
  });
  return server;
}

/** The connection closed before the whole request body arrived. */
export class RequestAbortedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the connection closed before the request body was complete', options);
    this.name = 'RequestAbortedError';
  }
}
