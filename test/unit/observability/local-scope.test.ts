/**
 * The local runtime keeps an invocation's log sink and its function context in one async
 * scope (shared/observability/local-scope.ts): setting one must keep the other, in either
 * order and across awaits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { currentInvocation, runInInvocation } from '../../../shared/observability/invocation-context.ts';
import { logger, withLogSink } from '../../../shared/observability/powertools.ts';
import { raiseLogLevel } from '../../support/captured-logs.ts';

const INGEST = { functionName: 'acme-ingest-webhook', awsRequestId: 'req-1', coldStart: false };

describe('the local scope of an invocation', () => {
  let restoreLevel: (() => void) | undefined;
  afterEach(() => restoreLevel?.());

  it('keeps the log sink when an invocation starts inside it', async () => {
    // Arrange
    restoreLevel = raiseLogLevel('INFO');
    const lines: Record<string, unknown>[] = [];

    // Act
    await withLogSink(
      (json) => lines.push(JSON.parse(json) as Record<string, unknown>),
      () =>
        runInInvocation(INGEST, async () => {
          await Promise.resolve();
          logger.info('inside');
        }),
    );

    // Assess
    expect(lines).toEqual([expect.objectContaining({ message: 'inside', function_name: INGEST.functionName })]);
  });

  it('keeps the invocation when a log sink is set inside it, and the outer sink after the inner one ends', async () => {
    // Arrange
    restoreLevel = raiseLogLevel('INFO');
    const outer: string[] = [];
    const inner: string[] = [];
    let seen: unknown;

    // Act
    await withLogSink(
      (json) => outer.push(JSON.parse(json).message as string),
      () =>
        runInInvocation(INGEST, async () => {
          await withLogSink(
            (json) => inner.push(JSON.parse(json).message as string),
            async () => {
              await Promise.resolve();
              seen = currentInvocation();
              logger.info('to the inner sink');
            },
          );
          logger.info('to the outer sink');
        }),
    );

    // Assess
    expect(seen).toEqual(INGEST);
    expect(inner).toEqual(['to the inner sink']);
    expect(outer).toEqual(['to the outer sink']);
  });

  it('has no invocation outside one', () => {
    // Act / Assess
    expect(currentInvocation()).toBeUndefined();
  });
});
