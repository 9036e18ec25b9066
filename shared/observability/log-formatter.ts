import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { currentInvocation } from './invocation-context.ts';

/**
 * Whether X-Ray records the current invocation: Lambda sets `_X_AMZN_TRACE_ID` on every
 * invocation, traced or not, with `Sampled=1` only when the trace is recorded.
 */
function traceRecorded(): boolean {
  return process.env._X_AMZN_TRACE_ID?.includes('Sampled=1') ?? false;
}

/**
 * Powertools' record without the keys that repeat on every line what the log stream already
 * says, as CloudWatch Logs bills ingestion by the byte (docs/performance.md, rounds w10 and
 * w13). Left out: `function_arn` (the log group names the function, the account and region
 * are the stream's), `function_memory_size` and `sampling_rate` (0: debug sampling is not
 * configured); in AWS also `function_name` (each function has its own log group, and
 * `service` is the function's id), `cold_start` when false (only a cold start is news), and
 * `xray_trace_id` of a trace X-Ray does not record (Lambda sets one on every invocation,
 * traced or not: 53 bytes that lead nowhere). The rest is Powertools' own record, in its
 * order: level, message, timestamp, service, cold_start, function_name, function_request_id
 * (what ties an invocation's lines together), xray_trace_id, then the line's own keys.
 *
 * The function and request come from the local runtime's invocation when there is one
 * (runInInvocation): there all functions share this process's logger, whose own context is
 * the last invoked function's, and one log file, so its lines keep `function_name`. In AWS
 * there is none, and Powertools' context is used.
 */
export class CompactLogFormatter extends LogFormatter {
  public override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const local = currentInvocation();
    const context = local ?? attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart ? true : undefined,
        function_name: local?.functionName,
        function_request_id: context?.awsRequestId,
        xray_trace_id: traceRecorded() ? attributes.xRayTraceId : undefined,
      },
    }).addAttributes(additionalLogAttributes);
  }
}
