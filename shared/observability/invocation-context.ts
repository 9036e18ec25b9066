/*
 * The Lambda invocation a log line belongs to, when one process runs several functions at
 * once (the local runtime). In AWS each function has its own process and Powertools' own
 * context (set by injectLambdaContext) is right; locally all functions share one logger, and
 * its context would name whichever function was invoked last. It lives in the local scope
 * (local-scope.ts) beside the invocation's log sink.
 */
import { type InvocationContext, localScope, runInLocalScope } from './local-scope.ts';

export type { InvocationContext };

/**
 * Runs `fn` as the invocation `context`: every log line of it, in any async continuation,
 * names that function and request (see CompactLogFormatter).
 */
export function runInInvocation<T>(context: InvocationContext, fn: () => T): T {
  return runInLocalScope({ invocation: context }, fn);
}

/** The invocation of the current async context; undefined outside {@link runInInvocation} (always in AWS). */
export function currentInvocation(): InvocationContext | undefined {
  return localScope()?.invocation;
}
