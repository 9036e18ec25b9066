import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The Lambda invocation a log line belongs to, when one process runs several functions at
 * once (the local runtime). In AWS each function has its own process and Powertools' own
 * context (set by injectLambdaContext) is right; locally all functions share one logger, and
 * its context would name whichever function was invoked last.
 */
export interface InvocationContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  /** Whether this is the function's first invocation in the process. */
  readonly coldStart: boolean;
}

const invocations = new AsyncLocalStorage<InvocationContext>();

/**
 * Runs `fn` as the invocation `context`: every log line of it, in any async continuation,
 * names that function and request (see CompactLogFormatter).
 */
export function runInInvocation<T>(context: InvocationContext, fn: () => T): T {
  return invocations.run(context, fn);
}

/** The invocation of the current async context; undefined outside {@link runInInvocation} (always in AWS). */
export function currentInvocation(): InvocationContext | undefined {
  return invocations.getStore();
}
