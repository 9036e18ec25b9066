import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

/** A Lambda context good enough for handlers and Powertools. */
export function contextFactory(functionName = 'bc-demo-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/28/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function sqsEventFactory(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
