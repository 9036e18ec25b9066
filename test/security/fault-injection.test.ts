/**
 * Nothing lost under faults: the chaos bench's cases (bench/chaos/faults.ts) with a few
 * webhooks each, against the real runtime with faults injected between the functions and
 * the local backends (and a Slack webhook answering 500). Every webhook a client sees
 * acknowledged must end as exactly one stored mention on exactly one case, notified once,
 * with nothing left in a DLQ.
 */
import { describe, expect, it } from 'vitest';
import { runFaultCase, type FaultCase } from '../../bench/chaos/faults.ts';

const MENTIONS = 20;

describe('the pipeline under injected faults', () => {
  const cases: [FaultCase, string, number][] = [
    [
      'dynamodb-throttling',
      'DynamoDB throttles a fifth of the requests (ProvisionedThroughputExceeded / Throttling)',
      0.2,
    ],
    ['eventbridge-partial-failure', 'PutEvents fails a fifth of the entries (FailedEntryCount > 0)', 0.2],
    ['sqs-send-failure', 'SQS answers 500 to a quarter of the sends and fails a quarter of the batch entries', 0.5],
    ['notifier-5xx', 'Slack answers 500 three times to every notification before it accepts it', 0.2],
  ];

  it.each(cases)(
    '%s: %s, and nothing acknowledged is lost or doubled',
    async (name, _what, rate) => {
      // Act: a quiet run takes 5-10 s a case; a throttled batch waits out its visibility timeout, and on a
      // loaded machine (a CI run of Node 22 beside other work) dynamodb-throttling once needed more than 90 s.
      const run = await runFaultCase(name, { mentions: MENTIONS, rate, seed: 7, idleTimeoutMs: 180_000 });

      // Assess
      expect(run.faultsInjected).toBeGreaterThan(0);
      expect(run).toMatchObject({
        acknowledged: MENTIONS,
        gaveUp: 0,
        stored: MENTIONS,
        cases: MENTIONS,
        intakeDlq: 0,
        departmentDlq: 0,
        lost: 0,
        duplicateCases: 0,
        notified: MENTIONS,
        duplicateNotifications: 0,
      });
    },
    300_000,
  );
});
