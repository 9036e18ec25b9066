import { randomUUID } from 'node:crypto';
import type { FunctionSpec } from '../topology.ts';

/**
 * Lambda's asynchronous invocation on a laptop (schedules and the alert topic invoke so):
 * a failed invocation is retried as the function's `asyncInvoke.retry` says, at once
 * rather than after Lambda's minutes, and then the invocation record goes to its on-failure
 * queue in the shape of Lambda's destination record
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */

/** What Lambda sends to an on-failure destination. */
export interface InvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetriesExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    readonly functionError: 'Unhandled';
  };
  readonly responsePayload: {
    readonly errorType: string;
    readonly errorMessage: string;
    readonly trace: readonly string[];
  };
}

export interface AsyncInvokerOptions {
  readonly functions: readonly FunctionSpec[];
  /** Invokes a function synchronously; rejects with what it threw. */
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  /** Sends a record to the on-failure queue with this topology id. */
  readonly sendRecord: (deadLetterQueue: string, body: string) => Promise<void>;
  readonly region: string;
  readonly accountId: string;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

/**
 * Returns the asynchronous invoke: it resolves with the result of the first successful
 * attempt, or rejects with the last error after the record reached the on-failure queue.
 */
export function createAsyncInvoker(
  options: AsyncInvokerOptions,
): (functionId: string, event: unknown) => Promise<unknown> {
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  return async (functionId, event) => {
    const spec = options.functions.find((f) => f.id === functionId);
    const attempts = 1 + (spec?.asyncInvoke?.retry.retryAttempts ?? 0);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await options.invoke(functionId, event);
      } catch (error) {
        lastError = error;
      }
    }
    if (spec?.asyncInvoke) {
      const error = lastError as Error;
      const record: InvocationRecord = {
        version: '1.0',
        timestamp: now().toISOString(),
        requestContext: {
          requestId: randomUUID(),
          functionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${spec.name}:$LATEST`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: attempts,
        },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: {
          errorType: error?.name ?? 'Error',
          errorMessage: error?.message ?? String(lastError),
          trace: (error?.stack ?? '')
            .split('\n')
            .slice(1, 6)
            .map((line) => line.trim()),
        },
      };
      try {
        await options.sendRecord(spec.asyncInvoke.onFailure, JSON.stringify(record));
        log(
          `${spec.name} failed ${attempts} time(s) (${record.responsePayload.errorType}: ${record.responsePayload.errorMessage}); its record is in ${spec.asyncInvoke.onFailure}`,
        );
      } catch (sendError) {
        log(
          `${spec.name} failed and its record could not be sent to ${spec.asyncInvoke.onFailure}: ${(sendError as Error).message}`,
        );
      }
    }
    throw lastError;
  };
}
