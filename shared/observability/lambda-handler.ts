import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics } from './powertools.ts';

/**
 * The Lambda handler of a function that logs with the invocation's context and
 * flushes its metrics: the one middy stack the queue, schedule and poller functions share.
 * Its dependencies are built on the first invocation and kept for the process (a cold
 * start); when building them throws, the invocation fails and the next one builds again.
 *
 * @example
 * ```ts
 * export const createHandler = (env: FunctionEnv) =>
 *   observedHandler(() => dependenciesFrom(env), (event: unknown, deps) => runCheckSla(event, deps));
 * ```
 */
export function observedHandler<TEvent, TResult, TDeps>(
  build: () => TDeps | Promise<TDeps>,
  run: (event: TEvent, deps: TDeps, context: Context) => Promise<TResult>,
): MiddyfiedHandler<TEvent, TResult> {
  let deps: TDeps | undefined;
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      deps ??= await build();
      return run(event, deps, context);
    });
}
