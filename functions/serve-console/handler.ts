import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { COMPANY_CONFIG_ENV } from '../../infra/topology-constants.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { lambdaEnvironment, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { logger } from '../../shared/observability/powertools.ts';
import { createStaticSite, type StaticResponse } from './static-site.ts';

/**
 * The web console's files (console/dist) behind the HTTP API's `GET /console` and
 * `GET /console/{proxy+}`, on both backends. In AWS the build is bundled beside this code
 * (the topology's `assets`); locally it is read where `npm run console:build` wrote it.
 */
export const CONSOLE_DIST_CANDIDATES = [
  path.resolve(import.meta.dirname, 'console'),
  path.resolve(import.meta.dirname, '../../console/dist'),
];

/** The first candidate folder holding a build, else the source tree's (which answers 503 until built). */
export function consoleDistDir(candidates: readonly string[] = CONSOLE_DIST_CANDIDATES): string {
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? (candidates.at(-1) as string);
}

/**
 * The console's Content-Security-Policy: its own scripts and styles only (no inline code, no
 * eval), API calls to its own origin and to the identity provider (the PKCE token exchange),
 * never framed.
 */
export function consoleContentSecurityPolicy(
  config: CompanyConfig,
  extraConnectOrigins: readonly string[] = [],
): string {
  const issuer = (config.admin as { auth?: { issuer?: unknown } }).auth?.issuer;
  const origins = new Set<string>(extraConnectOrigins);
  if (typeof issuer === 'string' && URL.canParse(issuer)) origins.add(new URL(issuer).origin);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${[...origins].map((o) => ` ${o}`).join('')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The raw handler: the path under /console, the site's answer, the reason of a refusal logged. */
export function serveConsole(
  event: APIGatewayProxyEventV2,
  serve: ReturnType<typeof createStaticSite>,
): APIGatewayProxyStructuredResultV2 {
  const headers = event.headers ?? {};
  const response: StaticResponse = serve({
    path: event.pathParameters?.proxy ?? '',
    ...(headers['accept-encoding'] ? { acceptEncoding: headers['accept-encoding'] } : {}),
    ...(headers['if-none-match'] ? { ifNoneMatch: headers['if-none-match'] } : {}),
  });
  // The path is the caller's: logged cut short, and only the reason says what was wrong with it.
  if (response.refused)
    logger.warn('Console request refused', {
      status: response.statusCode,
      reason: response.refused,
      path: event.rawPath?.slice(0, 200),
    });
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: response.isBase64Encoded,
  };
}

/** The Lambda handler of an environment; the site is built on the first invocation. */
export function createHandler(env: FunctionEnv) {
  let serve: ReturnType<typeof createStaticSite> | undefined;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      serve ??= createStaticSite({
        root: consoleDistDir(),
        contentSecurityPolicy: consoleContentSecurityPolicy(parseCompanyConfigJson(env[COMPANY_CONFIG_ENV])),
      });
      return serveConsole(event, serve);
    });
}

export const handler = createHandler(lambdaEnvironment());
