import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { COMPANY_CONFIG_ENV } from '../../infra/topology-constants.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { consoleConfigOf, ConsoleLoginSchema, type ConsoleConfig } from '../../shared/config/console-config.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { logger } from '../../shared/observability/powertools.ts';

/** The environment variable with where the console's login happens (the topology's `consoleLogin` value). */
export const CONSOLE_LOGIN_ENV = 'CONSOLE_LOGIN';

type Result = APIGatewayProxyStructuredResultV2;

/**
 * `GET /console/config.json`, open to anyone: the console's login settings and the admin API's
 * base, which is the origin this very request reached (the console config is a route of the same
 * HTTP API as the admin routes). Nothing in it is reusable: see ConsoleConfig.
 */
export function serveConsoleConfig(event: APIGatewayProxyEventV2, config: (apiBase: string) => ConsoleConfig): Result {
  const headers = event.headers ?? {};
  // API Gateway sets x-forwarded-proto (https); the local server speaks plain HTTP on the loopback.
  const scheme = headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  const host = headers.host ?? event.requestContext.domainName;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/json',
      // The answer names the host it was asked on: no cache may hand it to another host.
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: JSON.stringify(config(`${scheme}://${host}`)),
  };
}

/** The Lambda handler of an environment; the config is read once per cold start. */
export function createHandler(env: FunctionEnv) {
  let build: ((apiBase: string) => ConsoleConfig) | undefined;
  const resolve = () => {
    if (build) return build;
    const company = parseCompanyConfigJson(env[COMPANY_CONFIG_ENV]);
    const login = ConsoleLoginSchema.parse(JSON.parse(requireEnv(env, CONSOLE_LOGIN_ENV)));
    logger.info('Console config ready', { auth: login.auth });
    build = (apiBase: string) => consoleConfigOf(company, login, apiBase);
    return build;
  };
  return middy<APIGatewayProxyEventV2, Result>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => serveConsoleConfig(event, resolve()));
}

export const handler = createHandler(lambdaEnvironment());
