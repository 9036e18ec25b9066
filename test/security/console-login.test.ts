/**
 * The console's local login (`npm start`): `GET /console/login/members` lists the people of
 * tokens.json and `POST /console/login` hands the browser a member's bearer token. Whoever
 * can call these acts as anyone, so they answer only the browser on this machine, on the
 * page the runtime itself serves:
 * - a page of another origin (Origin, Sec-Fetch-Site) is refused: it could POST, and with
 *   CORS it could read the answer;
 * - a DNS-rebinding page (a hostname of the attacker's that resolves to 127.0.0.1, so its
 *   Origin and Host agree) is refused by the Host header, which must name the loopback;
 * - an HTML form (urlencoded, multipart, text/plain: sent cross-origin without a preflight)
 *   is refused by the content type, which must be JSON;
 * - an unknown member gets 404 and no token.
 * `GET /console/config.json` answers without any login, so it must carry nothing reusable:
 * no token, no platform secret, no client secret.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { demoConfig } from '../factories/config.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request: unlike fetch, it may set Host, Origin and Sec-Fetch-Site as an attacker's browser would. */
function send(
  runtime: Runtime,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const url = new URL(runtime.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { ...headers, connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const config = demoConfig();
const LEA = 'local:lea.sommer@radwerk-hansen.example';

describe('the console login of the local runtime', () => {
  let runtime: Runtime;
  let host: string;
  let origin: string;
  const login = (headers: Record<string, string>, body = JSON.stringify({ member: LEA })) =>
    send(runtime, 'POST', '/console/login', headers, body);
  const tokenOf = (sub: string) => Object.entries(runtime.adminTokens).find(([, claims]) => claims.sub === sub)?.[0];

  beforeAll(async () => {
    runtime = await startRuntime({ config, port: 0, startScheduler: false, log: () => {} });
    host = new URL(runtime.url).host;
    origin = `http://${host}`;
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it("hands the console on this machine the member's token from tokens.json, which the admin API accepts", async () => {
    const answer = await login({ host, origin, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' });

    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { token: string; name: string };
    expect(body).toEqual({ token: tokenOf(LEA), name: 'Lea Sommer' });
    expect(answer.headers['cache-control']).toBe('no-store');
    const cases = await fetch(`${runtime.url}/cases?department=press`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(cases.status).toBe(200);
  });

  it('lists the members with their departments, and nobody with a token in the list', async () => {
    const answer = await send(runtime, 'GET', '/console/login/members', { host });

    expect(answer.status).toBe(200);
    const { members } = JSON.parse(answer.body) as {
      members: { id: string; name: string; departments: { id: string; role: string }[] }[];
    };
    expect(members).toContainEqual({
      id: LEA,
      name: 'Lea Sommer',
      departments: [{ id: 'press', name: expect.any(String), role: 'member' }],
    });
    for (const token of Object.keys(runtime.adminTokens)) expect(answer.body).not.toContain(token);
  });

  it('refuses a page of another origin, and gives it no token', async () => {
    const answer = await login({ host, origin: 'http://evil.example', 'content-type': 'application/json' });

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ message: expect.stringContaining('origin') });
    expect(answer.body).not.toContain(tokenOf(LEA));
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("refuses an opaque origin ('null': a sandboxed frame or a file page)", async () => {
    const answer = await login({ host, origin: 'null', 'content-type': 'application/json' });

    expect(answer.status).toBe(403);
  });

  it('refuses a request the browser marks as cross-site even without an Origin header', async () => {
    const answer = await login({ host, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' });

    expect(answer.status).toBe(403);
  });

  it("refuses a DNS-rebinding page: its Origin matches its Host, but the Host is not this machine's loopback", async () => {
    const rebound = `attacker.example:${new URL(runtime.url).port}`;

    const posted = await login({ host: rebound, origin: `http://${rebound}`, 'content-type': 'application/json' });
    const listed = await send(runtime, 'GET', '/console/login/members', { host: rebound });
    const config = await send(runtime, 'GET', '/console/config.json', { host: rebound });

    expect(posted.status).toBe(403);
    expect(listed.status).toBe(403);
    expect(posted.body + listed.body).not.toContain('Lea Sommer');
    // The config carries nothing reusable: it may answer any host.
    expect(config.status).toBe(200);
  });

  it.each([
    ['application/x-www-form-urlencoded', `member=${encodeURIComponent(LEA)}`],
    ['text/plain', JSON.stringify({ member: LEA })],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="member"\r\n\r\n${LEA}\r\n--x--`],
  ])('refuses what an HTML form can send cross-origin without a preflight (%s)', async (type, body) => {
    const answer = await login({ host, origin, 'content-type': type }, body);

    expect(answer.status).toBe(415);
    expect(answer.body).not.toContain(tokenOf(LEA));
  });

  it('answers 404 without a token for a member tokens.json does not have', async () => {
    const answer = await login(
      { host, origin, 'content-type': 'application/json' },
      JSON.stringify({ member: 'local:mallory@evil.example' }),
    );

    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ message: expect.stringContaining('no member') });
  });

  it('answers 400 for a body that names no member', async () => {
    const answer = await login({ host, origin, 'content-type': 'application/json' }, '{"member":');

    expect(answer.status).toBe(400);
  });

  it('serves the console config without a login, and it holds no token, secret or client secret', async () => {
    const answer = await send(runtime, 'GET', '/console/config.json', { host });

    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(body).toEqual({
      auth: 'local',
      apiBase: runtime.url,
      language: 'de',
      company: { id: config.company.id, name: config.company.name },
    });
    expect(answer.headers['cache-control']).toBe('no-store');
    for (const token of Object.keys(runtime.adminTokens)) expect(answer.body).not.toContain(token);
    for (const secret of Object.values(runtime.secrets)) {
      for (const value of Object.values(JSON.parse(secret) as Record<string, unknown>)) {
        if (typeof value === 'string' && value.length >= 8) expect(answer.body).not.toContain(value);
      }
    }
    expect(answer.body).not.toMatch(/secret|password|token"/i);
  });
});
