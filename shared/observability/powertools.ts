import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions, LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { correlationKeys } from './correlation.ts';

/**
 * Logger, metrics and tracer, created once per process and imported where needed.
 * Service name and log level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL,
 * which each backend sets per function.
 */
// Powertools reads POWERTOOLS_SERVICE_NAME itself, but a constructor option would win over
// it; the fallback only names processes that run several functions (the local runtime).
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'backchannel';

/**
 * The Powertools logger plus the correlation keys of the current async context
 * ({@link withCorrelation}): a line logged while a record is handled carries its mentionId
 * even when it is written by code that knows nothing of the record. A key the line sets
 * itself wins.
 */
export class CorrelatedLogger extends Logger {
  protected override createAndPopulateLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): LogItem {
    const item = super.createAndPopulateLogItem(logLevel, input, extraInput);
    const attributes = item.getAttributes();
    for (const [key, value] of Object.entries(correlationKeys())) {
      if (attributes[key] === undefined) attributes[key] = value;
    }
    return item;
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new CorrelatedLogger(options);
  }
}

export const logger = new CorrelatedLogger({ serviceName });

export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Backchannel', serviceName });

/**
 * X-Ray tracing of the SDK clients and handlers. Powertools switches it off outside Lambda
 * (no AWS_EXECUTION_ENV: tests, `npm start`) and with POWERTOOLS_TRACE_ENABLED=false, so
 * the local runtime sends no segments anywhere.
 */
export const tracer = new Tracer({ serviceName });
