import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeGracefully, listen } from '../../infra/local/backends.ts';

/** A scripted answer of the replay server. */
export interface Replay {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A fixture path under test/fixtures, or a JSON value. */
  readonly fixture?: string;
  readonly json?: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A local HTTP server on port 0 that stands in for a platform API: each request is answered
 * by the first matching route's next scripted replay (the last one repeats), and recorded.
 */
export class ReplayServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: { match: (r: RecordedRequest) => boolean; replays: Replay[] }[] = [];
  private server: Server | undefined;
  url = '';

  /** Adds a route; `match` sees the path (and query) of each request. A later route wins over an earlier one. */
  on(match: (request: RecordedRequest) => boolean, ...replays: Replay[]): this {
    this.routes.unshift({ match, replays });
    return this;
  }

  reset(): void {
    this.routes.length = 0;
    this.requests.length = 0;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://replay');
        const request: RecordedRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        const route = this.routes.find((r) => r.match(request));
        const replay = route ? (route.replays.length > 1 ? route.replays.shift() : route.replays[0]) : undefined;
        if (!replay) {
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: `no replay for ${request.path}` }));
          return;
        }
        const body = replay.fixture
          ? readFileSync(new URL(`../fixtures/${replay.fixture}`, import.meta.url), 'utf8')
          : JSON.stringify(replay.json ?? {});
        res
          .writeHead(replay.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...replay.headers })
          .end(body);
      });
    });
    await listen(this.server, 0);
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server) await closeGracefully(this.server, 100);
  }
}

/**
 * A started replay server with these routes: `{ 'POST /2/tweets': [{ status: 201, json: ... }] }`
 * (method and path, each answered by its replays in turn, the last one repeating). Every
 * request is recorded in `requests`; `stop()` it after the test. The console's browser test
 * points `replies.apiBaseUrl` at `url` and counts the posts.
 */
export async function startReplayServer(
  routes: Readonly<Record<string, readonly Replay[]>> = {},
): Promise<ReplayServer> {
  const server = new ReplayServer();
  for (const [key, replays] of Object.entries(routes)) {
    const [method, path] = key.split(' ');
    server.on((r) => r.method === method && r.path === path, ...replays);
  }
  await server.start();
  return server;
}
