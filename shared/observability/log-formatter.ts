import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { currentInvocation } from './invocation-context.ts';

/**
 * Powertools' record without the keys that repeat on every line what the log stream already
 * says: `function_arn` (the log group names the function, the account and region are the
 * stream's), `function_memory_size` (Lambda's REPORT line has it) and `sampling_rate` (0 unless
 * debug sampling is configured, which it is not). They were about 130 of a line's 450-670 bytes,
 * and CloudWatch Logs bills ingestion by the byte. The rest is Powertools' own record, in its
 * order: level, message, timestamp, service, cold_start, function_name, function_request_id,
 * xray_trace_id, then the line's own keys.
 *
 * The function and request come from the local runtime's invocation when there is one
 * (runInInvocation): there all functions share this process's logger, whose own context is
 * the last invoked function's. In AWS there is none, and Powertools' context is used.
 */
export class CompactLogFormatter extends LogFormatter {
  public override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = currentInvocation() ?? attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additionalLogAttributes);
  }
}
