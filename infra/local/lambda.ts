import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionEnv } from '../../shared/config/runtime-env.ts';
import { runInInvocation } from '../../shared/observability/invocation-context.ts';
import type { FunctionSpec } from '../topology.ts';

/**
 * Lambda on a laptop: a function's handler built once with its own environment, the
 * context of an invocation, and the function timeout.
 */

/** What each `functions/<id>/handler.ts` exports. */
export interface HandlerModule {
  createHandler(env: FunctionEnv): LambdaHandler;
}

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A function's handler module cannot be loaded, or exports no createHandler. */
export class HandlerModuleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HandlerModuleError';
  }
}

/** The repository root: function entries in the topology are relative to it. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Imports a function's handler module (the runtime's thread and the pipeline thread's).
 * @throws HandlerModuleError when it does not load or exports no createHandler
 */
export async function importHandlerModule(spec: FunctionSpec): Promise<HandlerModule> {
  let module: Partial<HandlerModule>;
  try {
    module = (await import(pathToFileURL(path.join(ROOT, spec.entry)).href)) as Partial<HandlerModule>;
  } catch (error) {
    throw new HandlerModuleError(`cannot load ${spec.entry} for ${spec.id}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof module.createHandler !== 'function') {
    throw new HandlerModuleError(`${spec.entry} does not export createHandler(env)`);
  }
  return module as HandlerModule;
}

/** A function of the topology, built for local invocation. */
export interface LocalFunction {
  readonly spec: FunctionSpec;
  readonly env: FunctionEnv;
  readonly handler: LambdaHandler;
}

/** An invocation that ran past the function's timeout. */
export class LambdaTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`${functionName}: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'LambdaTimeoutError';
  }
}

/**
 * Builds the context of one invocation; the remaining time counts down from `deadline`.
 * `logStreamName` is the execution environment's (see invokeFunction); default: a new one.
 */
export function createLambdaContext(
  spec: FunctionSpec,
  where: { region: string; accountId: string },
  deadline: number,
  logStreamName = newLogStreamName(),
): Context {
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is not supported: handlers return a promise`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${where.region}:${where.accountId}:function:${spec.name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

/** A log stream as Lambda names one per execution environment: `2026/12/04/[$LATEST]<32 hex>`. */
function newLogStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * What Lambda keeps per execution environment, not per invocation; locally one environment
 * per function and process. A function without one has not been invoked yet: cold start.
 */
const environments = new WeakMap<LocalFunction, { readonly logStreamName: string }>();

/**
 * Invokes a function as Lambda would: with a fresh context, failing with
 * LambdaTimeoutError when the handler runs past the function's timeout. (The handler's
 * promise cannot be killed in-process; its late result is ignored.)
 */
export async function invokeFunction(
  fn: LocalFunction,
  event: unknown,
  where: { region: string; accountId: string },
): Promise<unknown> {
  const timeoutMs = fn.spec.timeoutSeconds * 1000;
  const known = environments.get(fn);
  const environment = known ?? { logStreamName: newLogStreamName() };
  if (!known) environments.set(fn, environment);
  const context = createLambdaContext(fn.spec, where, Date.now() + timeoutMs, environment.logStreamName);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(fn.spec.name, fn.spec.timeoutSeconds)), timeoutMs);
  });
  // Its log lines name this function and request, though all functions share one logger.
  const invocation = { functionName: fn.spec.name, awsRequestId: context.awsRequestId, coldStart: !known };
  try {
    return await Promise.race([runInInvocation(invocation, () => fn.handler(event, context)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
