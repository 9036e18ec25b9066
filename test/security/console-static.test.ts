/**
 * The console's files are served without a signature (a browser loads them before anyone
 * signs in), so the attacks are on what that open door could hand out: a file outside the
 * build (path traversal in every spelling, hidden files, a symlink leading out), a page that
 * could be framed or run injected script, and anything reusable (a token, a secret) in what
 * it serves.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { createStaticSite } from '../../functions/serve-console/static-site.ts';
import { demoConfig } from '../factories/config.ts';

const SECRET = 'top-secret-outside-the-build';

/** A GET with the path exactly as written: no client-side normalization of `..` (as curl --path-as-is). */
function rawGet(
  base: string,
  rawPath: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console static files: path traversal', () => {
  let dir: string;
  let serve: ReturnType<typeof createStaticSite>;

  beforeAll(() => {
    // Arrange: a build with a hidden file and a symlink leading out, and a secret beside it.
    dir = mkdtempSync(path.join(os.tmpdir(), 'console-attack-'));
    const dist = path.join(dir, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dist, 'assets', 'app-1a2b.js'), 'console.log(1)');
    writeFileSync(path.join(dist, '.env'), SECRET);
    writeFileSync(path.join(dir, 'secret.js'), SECRET);
    symlinkSync(path.join(dir, 'secret.js'), path.join(dist, 'assets', 'leak.js'));
    serve = createStaticSite({ root: dist, contentSecurityPolicy: "default-src 'none'" });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a parent segment', '../secret.js'],
    ['a parent segment after a folder', 'assets/../../secret.js'],
    ['a percent-encoded parent (double encoding, decoded once by the gateway)', '%2e%2e/secret.js'],
    ['backslashes', 'assets\\..\\..\\secret.js'],
    ['an absolute path', '/etc/passwd'],
    ['a NUL byte', 'assets/app-1a2b.js\0.html'],
    ['a hidden file inside the build', '.env'],
    ['a symlink inside the build that leads out', 'assets/leak.js'],
    ['a current-directory segment', './.env'],
  ])('refuses %s with 404 and serves nothing of the file', (_name, attack) => {
    // Act
    const response = serve({ path: attack });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(Buffer.from(response.body, response.isBase64Encoded ? 'base64' : 'utf8').toString()).not.toContain(SECRET);
    expect(response.refused).toBeDefined();
  });

  it('serves a file of the build', () => {
    // Act
    const response = serve({ path: 'assets/app-1a2b.js' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(Buffer.from(response.body, 'base64').toString()).toBe('console.log(1)');
  });
});

describe('console static files through the local runtime', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startRuntime({ config: demoConfig(), port: 0, startScheduler: false, log: () => {} });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it.each([
    '/console/../package.json',
    '/console/assets/../../package.json',
    '/console/%2e%2e/%2e%2e/package.json',
    '/console/%2e%2e%2f%2e%2e%2fpackage.json',
    '/console/..%5c..%5cpackage.json',
    '/console/%252e%252e/%252e%252e/package.json',
  ])('answers %s without any file of the repository', async (attack) => {
    // Act
    const response = await rawGet(runtime.url, attack);

    // Assess
    expect(response.body).not.toContain('"name": "backchannel"');
    expect(response.body).not.toContain('"devDependencies"');
    expect(response.status).toBe(404);
  });

  it('serves the page with a strict CSP, no framing, no sniffing and nothing reusable in it', async () => {
    // Act
    const response = await rawGet(runtime.url, '/console/');

    // Assess
    const csp = String(response.headers['content-security-policy']);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    for (const token of Object.keys(runtime.adminTokens)) expect(response.body).not.toContain(token);
    for (const secret of Object.values(runtime.secrets)) expect(response.body).not.toContain(secret);
  });

  it("gives a case's client route the same empty page, with no case data, to a caller without a token", async () => {
    // Act
    const page = await rawGet(runtime.url, '/console/cases/case_0123456789abcdef0123');
    const index = await rawGet(runtime.url, '/console/');

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toBe(index.body);
  });
});
