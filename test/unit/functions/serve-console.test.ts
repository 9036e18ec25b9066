import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleContentSecurityPolicy,
  consoleDistDir,
  serveConsole,
} from '../../../functions/serve-console/handler.ts';
import { createStaticSite } from '../../../functions/serve-console/static-site.ts';
import { demoConfig } from '../../factories/config.ts';

const SCRIPT = `export const words = ${JSON.stringify('Backchannel '.repeat(200))};`;

describe('serve-console static site', () => {
  let dir: string;
  let serve: ReturnType<typeof createStaticSite>;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'console-site-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dir, 'assets', 'index-1a2b.js'), SCRIPT);
    writeFileSync(path.join(dir, 'assets', 'index-3c4d.css'), 'body{margin:0}');
    writeFileSync(path.join(dir, 'assets', 'notes.exe'), 'MZ');
    serve = createStaticSite({ root: dir, contentSecurityPolicy: "default-src 'none'" });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['', 'text/html; charset=utf-8', 'no-cache'],
    ['cases/case_0123456789abcdef0123', 'text/html; charset=utf-8', 'no-cache'],
    ['assets/index-1a2b.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['assets/index-3c4d.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
  ])('serves %s as %s with cache-control %s', (requested, type, cache) => {
    // Act
    const response = serve({ path: requested });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers['cache-control']).toBe(cache);
    expect(response.headers['content-security-policy']).toBe("default-src 'none'");
  });

  it('answers 404 for a missing file with an extension instead of the page', () => {
    // Act
    const response = serve({ path: 'assets/index-0000.js' });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('does not serve a file whose type it does not know', () => {
    // Act
    const response = serve({ path: 'assets/notes.exe' });

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('sends text gzipped when the browser accepts it', () => {
    // Act
    const response = serve({ path: 'assets/index-1a2b.js', acceptEncoding: 'gzip, deflate, br' });

    // Assess
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(response.body, 'base64')).toString()).toBe(SCRIPT);
  });

  it('answers 304 without a body when the browser has the same version', () => {
    // Arrange
    const first = serve({ path: '' });

    // Act
    const again = serve({ path: '', ifNoneMatch: first.headers.etag as string });

    // Assess
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers 503 with the command to run while the console is not built', () => {
    // Arrange
    const empty = mkdtempSync(path.join(os.tmpdir(), 'console-empty-'));

    // Act
    const response = createStaticSite({ root: empty, contentSecurityPolicy: "default-src 'none'" })({ path: '' });

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run console:build');
    rmSync(empty, { recursive: true, force: true });
  });

  it('maps an API Gateway event of GET /console/{proxy+} to the file', () => {
    // Arrange
    const event = {
      routeKey: 'GET /console/{proxy+}',
      rawPath: '/console/assets/index-3c4d.css',
      pathParameters: { proxy: 'assets/index-3c4d.css' },
      headers: {},
    } as unknown as APIGatewayProxyEventV2;

    // Act
    const result = serveConsole(event, serve);

    // Assess
    expect(result).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    expect(Buffer.from(result.body as string, 'base64').toString()).toBe('body{margin:0}');
  });
});

describe('serve-console configuration', () => {
  it("allows API calls to the console's origin and the identity provider's, and nothing inline", () => {
    // Arrange
    const config = demoConfig();

    // Act
    const csp = consoleContentSecurityPolicy(config, ['https://login.example.com']);

    // Assess
    expect(csp).toContain(
      "connect-src 'self' https://login.example.com https://cognito-idp.eu-central-1.amazonaws.com",
    );
    expect(csp).not.toContain('unsafe');
  });

  it('finds the build beside the bundle first, else in the source tree', () => {
    // Arrange
    const bundled = mkdtempSync(path.join(os.tmpdir(), 'console-bundle-'));
    writeFileSync(path.join(bundled, 'index.html'), '<!doctype html>');

    // Act
    const found = consoleDistDir([bundled, '/nowhere/console/dist']);
    const fallback = consoleDistDir(['/nowhere/a', '/nowhere/b']);

    // Assess
    expect(found).toBe(bundled);
    expect(fallback).toBe('/nowhere/b');
    rmSync(bundled, { recursive: true, force: true });
  });
});
