/**
 * What a batch function logs at INFO: one line per batch (BatchSummary) in Powertools' record
 * without the keys that repeat the log stream (CompactLogFormatter). CloudWatch Logs bills
 * each byte, so these lines are what a mention costs in logs (docs/performance.md).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchSummary } from '../../../shared/observability/batch-summary.ts';
import { logger } from '../../../shared/observability/powertools.ts';
import { captureLogs, type CapturedLogs } from '../../support/captured-logs.ts';

let logs: CapturedLogs | undefined;

afterEach(() => {
  logs?.restore();
  logs = undefined;
});

describe('BatchSummary', () => {
  it('logs one INFO line with the counts by outcome and each named mention with what it led to', () => {
    // Arrange
    logs = captureLogs('INFO');
    const summary = new BatchSummary();
    summary.add('routed', 'facebook:1_2', 'case_a');
    summary.add('routed', 'facebook:1_3', 'case_b');
    summary.add('duplicate', 'facebook:1_4', 'duplicate case_a');
    summary.add('failed');

    // Act
    summary.log('Mentions classified', { records: 4 });

    // Assess
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'Mentions classified',
        records: 4,
        counts: { routed: 2, duplicate: 1, failed: 1 },
        mentions: { 'facebook:1_2': 'case_a', 'facebook:1_3': 'case_b', 'facebook:1_4': 'duplicate case_a' },
      }),
    ]);
  });

  it('names a mention by its outcome when nothing else is given, and leaves out the mentions when none is named', () => {
    // Arrange
    logs = captureLogs('INFO');
    const named = new BatchSummary();
    named.add('deleted', 'facebook:1_9');
    const counted = new BatchSummary();
    counted.add('noTheme');

    // Act
    named.log('Named');
    counted.log('Counted');

    // Assess
    const [first, second] = logs.lines();
    expect(first?.mentions).toEqual({ 'facebook:1_9': 'deleted' });
    expect(second?.counts).toEqual({ noTheme: 1 });
    expect(second).not.toHaveProperty('mentions');
  });

  it('logs nothing for a batch to which nothing was added', () => {
    // Arrange
    logs = captureLogs('INFO');

    // Act
    new BatchSummary().log('Mentions classified', { records: 0 });

    // Assess
    expect(logs.lines()).toEqual([]);
  });
});

describe('the log record', () => {
  it("keeps Powertools' keys an operator searches by and drops those the log stream repeats", () => {
    // Arrange
    logs = captureLogs('INFO');
    logger.addContext({
      callbackWaitsForEmptyEventLoop: true,
      functionName: 'bc-demo-classify-mention',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:bc-demo-classify-mention',
      memoryLimitInMB: '1024',
      awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      logGroupName: '/aws/lambda/bc-demo-classify-mention',
      logStreamName: '2026/12/04/[$LATEST]abc',
      getRemainingTimeInMillis: () => 1000,
      done: () => {},
      fail: () => {},
      succeed: () => {},
    });

    // Act
    logger.info('Mentions classified', { records: 1 });

    // Assess
    const [line] = logs.lines();
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'Mentions classified',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      records: 1,
    });
    expect(typeof line?.timestamp).toBe('string');
    expect(line).not.toHaveProperty('function_arn');
    expect(line).not.toHaveProperty('function_memory_size');
    expect(line).not.toHaveProperty('sampling_rate');
    // In AWS the function's own log group and `service` name it.
    expect(line).not.toHaveProperty('function_name');
  });

  it.each([
    ['Sampled=1', '1-5759e988-bd862e3fe1be46a994272793'],
    ['Sampled=0', undefined],
  ])('carries the X-Ray trace id only of a trace X-Ray records (%s)', (sampled, expected) => {
    // Arrange
    logs = captureLogs('INFO');
    vi.stubEnv('_X_AMZN_TRACE_ID', `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;${sampled}`);

    // Act
    try {
      logger.info('Mentions classified', { records: 1 });
    } finally {
      vi.unstubAllEnvs();
    }

    // Assess
    expect(logs.lines()[0]?.xray_trace_id).toBe(expected);
  });
});
