import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the local runtime attaches to the async context of an invocation: the function and
 * request its log lines name (invocation-context.ts) and where its records go
 * (powertools.ts, withLogSink). In AWS neither is ever set.
 *
 * Both live in one AsyncLocalStorage: on Node 20 every AsyncLocalStorage in use copies its
 * value onto every promise and callback the process creates afterwards, so each one more
 * is paid on every `await` of every request (about 0.3 us a promise here), the webhook's
 * ack path included.
 */

/** The Lambda invocation a log line belongs to, when one process runs several functions at once. */
export interface InvocationContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  /** Whether this is the function's first invocation in the process. */
  readonly coldStart: boolean;
}

/**
 * Where a record goes instead of stdout: `json` is the line Powertools would print,
 * `printed` whether the log level lets it through (POWERTOOLS_LOG_LEVEL).
 */
export type LogSink = (json: string, printed: boolean) => void;

/**
 * Which records a sink needs although the log level does not print them: called with the
 * message and whether the record is a warning or worse. Absent: every record.
 */
export type LogSinkFilter = (message: string, warningOrWorse: boolean) => boolean;

export interface LocalScope {
  readonly invocation?: InvocationContext;
  readonly logSink?: { readonly sink: LogSink; readonly unprinted?: LogSinkFilter };
}

const storage = new AsyncLocalStorage<LocalScope>();

/** Runs `fn` with `patch` over the current scope: what it does not name stays as it was. */
export function runInLocalScope<T>(patch: LocalScope, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...patch }, fn);
}

/** The scope of the current async context; undefined outside {@link runInLocalScope}. */
export function localScope(): LocalScope | undefined {
  return storage.getStore();
}
