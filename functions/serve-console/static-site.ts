import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Serves a built single-page app (the console's `dist`) from one folder, and nothing outside
 * it: every answer carries its content type, a cache policy and the security headers.
 *
 * - Hashed build output (`assets/…`) is cached for a year (`immutable`): a new build has new names.
 * - `index.html` (and every client route, which is the same page) is revalidated on each load
 *   (`no-cache` + ETag), so a deploy shows at once and an unchanged page costs a 304.
 * - A path that is not plainly inside the folder (`..`, `.` or hidden segments, backslashes,
 *   NUL, a symlink leading out) is refused with 404 before the file system is asked.
 */

/** Extensions the site serves and their content types; anything else is not served. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Text smaller than this is sent as it is: gzip would save less than its own header costs. */
const GZIP_MIN_BYTES = 1024;

export interface StaticSiteOptions {
  /** The folder to serve (the build output). */
  readonly root: string;
  /** The Content-Security-Policy of every answer. */
  readonly contentSecurityPolicy: string;
}

export interface StaticRequest {
  /** The path inside the site, as API Gateway decoded it (`assets/index-1a2b.js`; '' for the index). */
  readonly path: string;
  readonly acceptEncoding?: string;
  readonly ifNoneMatch?: string;
}

export interface StaticResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** Base64 when `isBase64Encoded`, else UTF-8 text. */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  /** Why a request was refused (404/503), for the log. */
  readonly refused?: string;
}

interface CachedFile {
  readonly body: Buffer;
  readonly gzipped?: Buffer;
  readonly etag: string;
  readonly contentType: string;
}

/** Builds the site's request handler; files are read once and kept in memory (a build is a few hundred KB). */
export function createStaticSite(options: StaticSiteOptions) {
  const cache = new Map<string, CachedFile | null>();
  const securityHeaders: Record<string, string> = {
    'content-security-policy': options.contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
  let realRoot: string | undefined;

  const refuse = (statusCode: number, message: string, refused: string): StaticResponse => ({
    statusCode,
    headers: { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    body: message,
    isBase64Encoded: false,
    refused,
  });

  /** The file at a path inside the root, or null; never a file outside it. */
  const load = (relative: string): CachedFile | null => {
    const cached = cache.get(relative);
    if (cached !== undefined) return cached;
    realRoot ??= realpathSync(options.root);
    const file = path.resolve(realRoot, relative);
    let found: CachedFile | null = null;
    if (existsSync(file) && statSync(file).isFile()) {
      // A symlink inside the folder must not lead out of it.
      const real = realpathSync(file);
      const type = CONTENT_TYPES[path.extname(real).toLowerCase()];
      if (real.startsWith(realRoot + path.sep) && type) {
        const body = readFileSync(real);
        const textual = type.startsWith('text/') || type.includes('json') || type.includes('svg');
        found = {
          body,
          contentType: type,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
          ...(textual && body.length >= GZIP_MIN_BYTES ? { gzipped: gzipSync(body, { level: 9 }) } : {}),
        };
      }
    }
    cache.set(relative, found);
    return found;
  };

  return function serve(request: StaticRequest): StaticResponse {
    const problem = unsafePathReason(request.path);
    if (problem) return refuse(404, 'Not Found', problem);
    if (!existsSync(path.join(options.root, 'index.html')))
      return refuse(503, 'The console is not built: run npm run console:build', 'console not built');
    const segments = request.path.split('/').filter(Boolean);
    const last = segments.at(-1) ?? '';
    // A client route (no extension) is the app's page; a missing file with an extension is a 404.
    const isClientRoute = !last.includes('.');
    const relative = isClientRoute ? 'index.html' : segments.join('/');
    const file = load(relative);
    if (!file) return refuse(404, 'Not Found', `no file ${relative}`);
    const immutable = !isClientRoute && segments[0] === 'assets';
    const headers: Record<string, string> = {
      ...securityHeaders,
      'content-type': file.contentType,
      'cache-control': immutable ? IMMUTABLE : REVALIDATE,
      etag: file.etag,
      vary: 'accept-encoding',
    };
    if (request.ifNoneMatch?.split(',').some((tag) => tag.trim() === file.etag))
      return { statusCode: 304, headers, body: '', isBase64Encoded: false };
    const gzip = file.gzipped && /\bgzip\b/.test(request.acceptEncoding ?? '');
    if (gzip) headers['content-encoding'] = 'gzip';
    return {
      statusCode: 200,
      headers,
      body: (gzip ? file.gzipped! : file.body).toString('base64'),
      isBase64Encoded: true,
    };
  };
}

/** Why a requested path may not be served, or undefined when it is plainly inside the site. */
export function unsafePathReason(requested: string): string | undefined {
  if (requested.length > 512) return 'path too long';
  if (/[\0\\]/.test(requested)) return 'NUL or backslash in the path';
  if (/%/.test(requested)) return 'still percent-encoded after decoding (double encoding)';
  const segments = requested.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'dot segment in the path';
  if (segments.some((s) => s.startsWith('.'))) return 'hidden file in the path';
  if (path.isAbsolute(requested)) return 'absolute path';
  return undefined;
}
