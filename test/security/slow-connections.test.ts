/**
 * Finding 9 (slow clients): slow-header and slow-body connections were held open without
 * end (300 held for 30 s, none closed). The runtime's HTTP server, with short limits for the
 * test, must close them with 408, bound its connections with a 503, and keep serving valid
 * webhooks meanwhile.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';

const config = demoConfig();
const LIMITS = {
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  keepAliveTimeoutMs: 500,
  idleTimeoutMs: 1_500,
  maxConnections: 40,
  checkIntervalMs: 100,
};

interface SlowClient {
  /** Resolves with everything the server sent once it closed the connection. */
  readonly closed: Promise<string>;
  readonly socket: Socket;
}

/** Opens a connection, sends `prelude`, then one byte of `drip` every `everyMs` until closed. */
function slowClient(port: number, prelude: string, drip: string, everyMs: number): Promise<SlowClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<string>((done) => {
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('close', () => {
        clearInterval(timer);
        done(received);
      });
    });
    // A write on a socket the server closed fails with EPIPE/ECONNRESET: that is the expected end.
    socket.on('error', () => {});
    socket.once('connect', () => {
      if (prelude) socket.write(prelude);
      let index = 0;
      timer = setInterval(() => {
        if (!socket.writable) return;
        socket.write(drip[index % drip.length] as string);
        index++;
      }, everyMs);
      resolve({ closed, socket });
    });
    socket.once('error', reject);
  });
}

describe("the runtime's HTTP server against slow clients", () => {
  let runtime: Runtime;
  const log: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      startScheduler: false,
      httpLimits: LIMITS,
      log: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  const port = () => Number(new URL(runtime.url).port);
  const appSecret = () => parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;

  it('answers 408 and closes connections that trickle their headers, while a signed webhook still gets 200', async () => {
    // Arrange: 20 clients each sending one header byte every 100 ms, never finishing
    const clients = await Promise.all(
      Array.from({ length: 20 }, () =>
        slowClient(port(), 'POST /webhooks/meta HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: aaaaaaaa\r\n', 100),
      ),
    );

    // Act
    const valid = await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-add.restfb.json'),
      appSecret(),
    );
    const answers = await Promise.all(clients.map((c) => c.closed));

    // Assess
    expect(valid.status).toBe(200);
    expect(answers).toHaveLength(20);
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    await vi.waitFor(
      () => expect(log).toContainEqual(expect.stringContaining('connection closed with 408: ERR_HTTP_REQUEST_TIMEOUT')),
      { timeout: 5_000 },
    );
  });

  it('answers 408 and closes connections that send complete headers and trickle the body', async () => {
    // Arrange: a body of 10,000 bytes announced, one byte every 100 ms
    const head =
      'POST /webhooks/meta HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 10000\r\n\r\n{';
    const clients = await Promise.all(Array.from({ length: 10 }, () => slowClient(port(), head, ' ', 100)));

    // Act
    const answers = await Promise.all(clients.map((c) => c.closed));

    // Assess
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // The server logs the cut-off body when the request's stream ends, which can come just after the client saw its 408.
    await vi.waitFor(
      () =>
        expect(log).toContainEqual(
          expect.stringContaining('POST /webhooks/meta -> closed before the body was complete'),
        ),
      { timeout: 5_000 },
    );
  });

  it('closes a connection that opens and never sends anything', async () => {
    // Arrange
    const silent = await slowClient(port(), '', '', 60_000);

    // Act
    const answer = await silent.closed;

    // Assess: node:http counts the header timeout from the connection on
    expect(answer).toMatch(/^(HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*)?$/);
    expect(silent.socket.destroyed).toBe(true);
  });

  it('refuses the connection above the bound with 503 and serves again once connections close', async () => {
    // Arrange: fill the bound with connections that send nothing yet
    const held = await Promise.all(
      Array.from({ length: LIMITS.maxConnections }, () => slowClient(port(), '', '', 60_000)),
    );

    // Act
    const extra = await slowClient(port(), 'GET /webhooks/meta HTTP/1.1\r\nHost: localhost\r\n\r\n', '', 60_000);
    const refused = await extra.closed;
    for (const client of held) client.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    const after = await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-add.restfb.json'),
      appSecret(),
    );

    // Assess
    expect(refused).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refused).toContain('Retry-After: 1');
    expect(after.status).toBe(200);
    expect(log).toContainEqual(
      expect.stringMatching(/connection refused with 503: 40 connections are open \(limit 40\)/),
    );
  });
});
