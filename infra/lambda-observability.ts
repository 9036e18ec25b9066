import type { ObservabilitySpec } from './topology.ts';

/**
 * What Lambda's logging and tracing settings (the topology's `observability`) mean for a
 * function: the application log level Lambda filters with, and the bytes Lambda itself
 * writes per invocation. Pure: the CDK construct and bench/cost.ts read the same answers.
 */

/** Lambda's application log levels (advanced logging controls, JSON format). */
export type LambdaApplicationLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/**
 * The application log level Lambda filters with for a function whose Powertools logger runs
 * at `powertoolsLogLevel` (POWERTOOLS_LOG_LEVEL). They must be one value: under the JSON log
 * format Lambda sets AWS_LAMBDA_LOG_LEVEL, and Powertools then takes that level over
 * POWERTOOLS_LOG_LEVEL, so a stack deployed with DEBUG would silently log at Lambda's
 * default INFO; and a Lambda level above the logger's would drop lines the logger printed.
 *
 * Nothing above INFO: Lambda filters every JSON line on stdout by its `level`, and one
 * without (the EMF metrics records Powertools Metrics prints) counts as INFO, so at WARN
 * Lambda would drop every metric, silently.
 *
 * @throws Error when the level is above INFO or not one Powertools knows
 */
export function lambdaApplicationLogLevel(powertoolsLogLevel: string): LambdaApplicationLogLevel {
  const level = powertoolsLogLevel.toUpperCase();
  switch (level) {
    case 'TRACE':
    case 'DEBUG':
    case 'INFO':
      return level;
    case 'WARN':
    case 'ERROR':
    case 'CRITICAL':
    case 'SILENT':
      throw new Error(
        `log level ${level}: Lambda's application log level would be ${level === 'WARN' || level === 'ERROR' ? level : 'FATAL'}, and Lambda drops the EMF metrics records below it (they carry no level, which Lambda reads as INFO); use INFO, DEBUG or TRACE`,
      );
    default:
      throw new Error(
        `log level "${powertoolsLogLevel}" is not a Powertools log level (TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT)`,
      );
  }
}

/**
 * Bytes of Lambda's own records per successful invocation, as ingested by CloudWatch Logs:
 * an estimate from their documented shapes, as they are not written locally. In the JSON
 * format at system level INFO they are platform.start (~130 bytes), platform.runtimeDone
 * (~230) and platform.report (~260, ~80 more with tracing); in the TEXT format START, END and
 * REPORT (~330). At WARN none of them is ingested for an invocation that succeeds.
 */
export function platformLogBytesPerInvocation(spec: ObservabilitySpec): number {
  if (spec.systemLogLevel === 'WARN') return 0;
  return 620 + (spec.tracing === 'active' ? 80 : 0);
}
