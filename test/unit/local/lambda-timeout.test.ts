/**
 * Lambda stops a function at its timeout; a local invocation's promise cannot be stopped, so
 * its late result is ignored while it runs on. Its context's remaining time is honest (0 past
 * the timeout), and the steps that write or send ask it: a notification is not sent from a run
 * past its timeout, whose message is back on the queue.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { invokeFunction, LambdaTimeoutError, type LocalFunction } from '../../../infra/local/lambda.ts';
import { buildTopology } from '../../../infra/topology.ts';
import { OutOfTimeError } from '../../../shared/domain/errors.ts';
import type { Notification, NotificationTarget } from '../../../shared/domain/notification.ts';
import { notifyDepartment } from '../../../shared/domain/notify-department.ts';
import { demoConfig } from '../../factories/config.ts';
import { notificationFactory } from '../../factories/notification.ts';
import { fixedClock, InMemoryNotificationClaims } from '../../fakes/in-memory.ts';

const WHERE = { region: 'eu-central-1', accountId: '000000000000' };

describe('a local invocation past its timeout', () => {
  it('is answered with LambdaTimeoutError, and its run, going on, reads no time left and sends no notification', async () => {
    // Arrange: handle-department with a timeout of 20 ms; its run waits until the invocation timed out.
    const spec = buildTopology(demoConfig()).functions.find((fn) => fn.id === 'handle-department');
    if (!spec) throw new Error('the demo topology has no handle-department');
    const sent: Notification[] = [];
    const claims = new InMemoryNotificationClaims();
    let release = () => {};
    const timedOut = new Promise<void>((resolve) => {
      release = resolve;
    });
    const late: { before?: number; after?: number; outcome?: unknown } = {};
    let settled: Promise<void> = Promise.resolve();
    const fn: LocalFunction = {
      spec: { ...spec, timeoutSeconds: 0.02 },
      env: {},
      handler: (_event: unknown, context: Context) => {
        late.before = context.getRemainingTimeInMillis();
        settled = (async () => {
          await timedOut;
          late.after = context.getRemainingTimeInMillis();
          late.outcome = await notifyDepartment(notificationFactory(), [TARGET], {
            notifier: { send: async (notification) => void sent.push(notification) },
            log: claims,
            clock: fixedClock('2026-12-06T01:00:00Z'),
            expiresAt: 1_900_000_000,
            timeLeftMs: () => context.getRemainingTimeInMillis(),
          }).catch((error: unknown) => error);
        })();
        return settled;
      },
    };

    // Act
    const answer = await invokeFunction(fn, {}, WHERE).catch((error: unknown) => error);
    release();
    await settled;

    // Assess
    expect(answer).toBeInstanceOf(LambdaTimeoutError);
    expect(late.before).toBeGreaterThan(0);
    expect(late.after).toBe(0);
    expect(late.outcome).toBeInstanceOf(OutOfTimeError);
    expect(sent).toEqual([]);
    // Nothing claimed either: a copy of the message is not held off by a lease.
    expect(claims.claims).toEqual([]);
  });
});

const TARGET: NotificationTarget = { type: 'slack', channel: '#kundenservice' };
