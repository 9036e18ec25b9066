import type { SQSBatchResponse } from 'aws-lambda';

/**
 * A queue-triggered function module for the local runtime's pipeline thread in tests: it
 * accepts every record (the thread reports each invocation with its event).
 */
export function createHandler(): (event: unknown) => Promise<SQSBatchResponse> {
  return async () => ({ batchItemFailures: [] });
}
