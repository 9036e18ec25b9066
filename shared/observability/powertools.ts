import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions, LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { correlationKeys } from './correlation.ts';
import { localScope, runInLocalScope, type LogSink, type LogSinkFilter } from './local-scope.ts';
import { CompactLogFormatter } from './log-formatter.ts';

export type { LogSink, LogSinkFilter };

/**
 * Logger and metrics, created once per process and imported where needed.
 * Service name and log level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL,
 * which each backend sets per function.
 */
// Powertools reads POWERTOOLS_SERVICE_NAME itself, but a constructor option would win over
// it; the fallback only names processes that run several functions (the local runtime).
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'backchannel';

/** Powertools' threshold of WARN (LogLevelThreshold.WARN). */
const WARN_THRESHOLD = 16;

/**
 * Runs `fn` with every record of the logger, in any async continuation of it, handed to
 * `sink` instead of being printed: the local runtime runs all functions in its own process
 * and decides what reaches the console (short lines) and what the JSON log file. The sink
 * gets records of every level, so that its short lines do not depend on the log level;
 * `unprinted` names those it needs below the level, and the others are never built (making,
 * stringifying and parsing every record cost the runtime about 1 ms of CPU per mention).
 *
 * @example
 * ```ts
 * await withLogSink((json, printed) => printed && file.write(`${json}\n`), () => handler(event, context));
 * ```
 */
export function withLogSink<T>(sink: LogSink, fn: () => T, unprinted?: LogSinkFilter): T {
  return runInLocalScope({ logSink: unprinted ? { sink, unprinted } : { sink } }, fn);
}

/**
 * The Powertools logger plus the correlation keys of the current async context
 * ({@link withCorrelation}): a line logged while a record is handled carries its mentionId
 * even when it is written by code that knows nothing of the record. A key the line sets
 * itself wins.
 */
export class CorrelatedLogger extends Logger {
  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ): LogItem {
    const item = super.createAndPopulateLogItem(logLevel, input, extraInput);
    const attributes = item.getAttributes();
    for (const [key, value] of Object.entries(correlationKeys())) {
      if (attributes[key] === undefined) attributes[key] = value;
    }
    return item;
  }

  protected override processLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): void {
    const store = localScope()?.logSink;
    if (!store) {
      super.processLogItem(logLevel, input, extraInput);
      return;
    }
    const printed = logLevel >= this.level;
    if (!printed && store.unprinted) {
      const message = typeof input === 'string' ? input : String(input.message);
      if (!store.unprinted(message, logLevel >= WARN_THRESHOLD)) return;
    }
    const item = this.createAndPopulateLogItem(logLevel, input, extraInput);
    item.prepareForPrint();
    store.sink(JSON.stringify(item.getAttributes(), this.getJsonReplacer()), printed);
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new CorrelatedLogger(options);
  }
}

export const logger = new CorrelatedLogger({ serviceName, logFormatter: new CompactLogFormatter() });

/** A level of {@link setLoggerLevel}. */
export type LoggerLevel = ReturnType<Logger['getLevelName']>;

/** None in the functions: the local runtime's pipeline thread follows this thread's level (pipeline-thread.ts). */
const levelListeners = new Set<(level: LoggerLevel) => void>();

/**
 * Sets the logger's level at run time, and the level its warm invocations go back to
 * (injectLambdaContext resets the level to the initial one at each warm invocation, for its
 * debug sampling; Powertools keeps that setter private). Only the local runtime and tests
 * change the level after the start (a Lambda's comes from POWERTOOLS_LOG_LEVEL); the
 * listeners of {@link observeLoggerLevel} are told, so that a worker thread running
 * functions can follow.
 */
export function setLoggerLevel(level: LoggerLevel): void {
  (logger as unknown as { setInitialLogLevel(level: string): void }).setInitialLogLevel(level);
  logger.setLogLevel(level);
  for (const listener of levelListeners) listener(level);
}

/**
 * Lets `listener` see every level {@link setLoggerLevel} sets in this thread from now on.
 * @returns a function that removes the listener again
 */
export function observeLoggerLevel(listener: (level: LoggerLevel) => void): () => void {
  levelListeners.add(listener);
  return () => levelListeners.delete(listener);
}

/** Metrics' "nothing to publish" notice after an invocation that counted nothing. */
const NO_METRICS_NOTICE = /^No application metrics to publish/;

/**
 * Metrics' own notices go through the logger rather than straight to the console. That an
 * invocation counted nothing (an idle SLA sweep) is normal here: a debug line, not a warning.
 */
const metricsLogger = {
  debug: (...content: unknown[]) => logger.debug(content.map(String).join(' ')),
  info: (...content: unknown[]) => logger.info(content.map(String).join(' ')),
  warn: (...content: unknown[]) => {
    const message = content.map(String).join(' ');
    if (NO_METRICS_NOTICE.test(message)) logger.debug(message);
    else logger.warn(message);
  },
  error: (...content: unknown[]) => logger.error(content.map(String).join(' ')),
};

const metricsOptions = {
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Backchannel',
  serviceName,
  logger: metricsLogger,
};

export const metrics = new Metrics(metricsOptions);

/** Serializes the counts of {@link embeddedMetrics}: never published, emptied after each use. */
const lineMetrics = new Metrics(metricsOptions);

/**
 * The fields that make a log line its own EMF metrics record: `_aws` (timestamp, namespace,
 * the `service` dimension, the metric definitions) and each count under its metric name,
 * serialized by Powertools as `metrics` prints its records. CloudWatch extracts metrics from
 * any JSON log line with `_aws` at its root, so a function that writes one INFO line per
 * invocation anyway can count in that line and save a separate record of ~300-400 bytes
 * (ingest-webhook's rarer counts, docs/performance.md round w20). The line's own `service` is the
 * dimension's value (logger and metrics share the service name), so it is not repeated.
 * Synchronous, so the counts of concurrent invocations (the local runtime runs them in one
 * process) never mix. Counts in a line reach CloudWatch only if the line is printed: lines
 * at INFO, which the stack's log level lets through (infra/lambda-observability.ts refuses a
 * higher one for the metrics' sake).
 *
 * @example
 * ```ts
 * logger.info('Webhook received', { platform, ...embeddedMetrics({ EventsIgnored: 2 }) });
 * ```
 */
export function embeddedMetrics(counts: Readonly<Record<string, number>>): Record<string, unknown> {
  try {
    for (const [name, value] of Object.entries(counts)) lineMetrics.addMetric(name, MetricUnit.Count, value);
    const { service: _dimension, ...fields } = lineMetrics.serializeMetrics() as Record<string, unknown>;
    return fields;
  } finally {
    lineMetrics.clearMetrics();
  }
}
