import { describe, expect, it } from 'vitest';
import type { Notification, NotificationTarget } from '../../../shared/domain/notification.ts';
import {
  NotificationDeliveryError,
  NotificationHeldError,
  notifyDepartment,
  type Notifier,
} from '../../../shared/domain/notify-department.ts';
import { fixedClock, InMemoryNotificationClaims } from '../../fakes/in-memory.ts';
import { notificationFactory } from '../../factories/notification.ts';

/** Records deliveries; targets whose type is in `failing` throw, as a down webhook would. */
class RecordingNotifier implements Notifier {
  readonly delivered: { id: string; target: NotificationTarget }[] = [];
  readonly failing = new Set<NotificationTarget['type']>();

  async send(notification: Notification, target: NotificationTarget): Promise<void> {
    if (this.failing.has(target.type)) throw new Error(`${target.type} answered 503`);
    this.delivered.push({ id: notification.id, target });
  }
}

const slack: NotificationTarget = { type: 'slack', channel: '#kundenservice' };
const teams: NotificationTarget = { type: 'teams', secretName: 'backchannel/demo/teams-service' };
const email: NotificationTarget = { type: 'email', to: ['service@radwerk-hansen.example'] };

function setup() {
  const notifier = new RecordingNotifier();
  const log = new InMemoryNotificationClaims();
  const deps = { notifier, log, clock: fixedClock('2026-11-30T09:00:05.000Z'), expiresAt: 1_800_000_000 };
  return { notifier, log, deps };
}

describe('notifyDepartment', () => {
  it('sends to every target and marks each sent', async () => {
    // Arrange
    const { notifier, log, deps } = setup();

    // Act
    const outcome = await notifyDepartment(notificationFactory(), [slack, email], deps);

    // Assess
    expect(notifier.delivered.map((d) => d.target)).toEqual([slack, email]);
    expect(outcome.sent).toEqual([
      'mention:facebook:1_2#service/slack:#kundenservice',
      'mention:facebook:1_2#service/email:service@radwerk-hansen.example',
    ]);
    expect([...log.sent.keys()]).toEqual(outcome.sent.map((key) => `case_0123456789abcdef0123|${key}`));
  });

  it('claims and settles a notification in two writes, whatever the number of its targets', async () => {
    // Arrange
    const { log, deps } = setup();

    // Act
    await notifyDepartment(notificationFactory(), [slack, teams, email], deps);

    // Assess
    expect(log.writes).toBe(2);
  });

  it('renews a claim with less than 30 s of its lease left before it sends: one write more', async () => {
    // Arrange: the claim was taken 45 s ago (its lease ends in 15 s), by this sender.
    const { notifier, log, deps } = setup();
    const claimed = {
      owner: 'writer',
      at: '2026-11-30T08:59:20.000Z',
      leaseUntil: '2026-11-30T09:00:20.000Z',
      expiresAt: 1_800_000_000,
    };
    await log.claimTargets('case_0123456789abcdef0123', 'mention:facebook:1_2#service', claimed);

    // Act
    const outcome = await notifyDepartment(notificationFactory(), [slack], { ...deps, claimed });

    // Assess: claim, renewal, settlement.
    expect(outcome.sent).toEqual(['mention:facebook:1_2#service/slack:#kundenservice']);
    expect(notifier.delivered).toHaveLength(1);
    expect(log.writes).toBe(3);
  });

  it('sends nothing again for a notification delivered before', async () => {
    // Arrange
    const { notifier, deps } = setup();
    await notifyDepartment(notificationFactory(), [slack, email], deps);

    // Act
    const again = await notifyDepartment(notificationFactory(), [slack, email], deps);

    // Assess
    expect(notifier.delivered).toHaveLength(2);
    expect(again).toEqual({
      sent: [],
      held: [],
      skipped: expect.arrayContaining([expect.stringContaining('slack'), expect.stringContaining('email')]),
    });
  });

  it('still tries the other targets when one fails, then throws naming the failed one', async () => {
    // Arrange
    const { notifier, log, deps } = setup();
    notifier.failing.add('teams');

    // Act
    const run = notifyDepartment(notificationFactory(), [teams, slack, email], deps);

    // Assess
    await expect(run).rejects.toThrow(NotificationDeliveryError);
    await expect(run).rejects.toThrow(
      'notification mention:facebook:1_2 failed for 1 target(s): mention:facebook:1_2#service/teams:backchannel/demo/teams-service (teams answered 503)',
    );
    expect(notifier.delivered.map((d) => d.target.type)).toEqual(['slack', 'email']);
    expect(log.sent.size).toBe(2);
  });

  it('on redelivery sends only the target that failed', async () => {
    // Arrange
    const { notifier, deps } = setup();
    notifier.failing.add('teams');
    await notifyDepartment(notificationFactory(), [teams, slack, email], deps).catch(() => undefined);
    notifier.failing.clear();

    // Act
    const outcome = await notifyDepartment(notificationFactory(), [teams, slack, email], deps);

    // Assess
    expect(notifier.delivered.map((d) => d.target.type)).toEqual(['slack', 'email', 'teams']);
    expect(outcome.sent).toEqual(['mention:facebook:1_2#service/teams:backchannel/demo/teams-service']);
    expect(outcome.skipped).toHaveLength(2);
  });

  it('counts a target as failed when its claim cannot be settled', async () => {
    // Arrange
    const { deps } = setup();
    const log = new InMemoryNotificationClaims();
    log.settle = async () => Promise.reject(new Error('table unavailable'));

    // Act
    const run = notifyDepartment(notificationFactory(), [slack], { ...deps, log, markRetryDelaysMs: [0, 0] });

    // Assess
    await expect(run).rejects.toMatchObject({
      failures: [{ key: 'mention:facebook:1_2#service/slack:#kundenservice', target: 'slack' }],
    });
  });

  it('settles the claim again when the table throttles the first writes, and counts the target as sent', async () => {
    // Arrange
    const { notifier, deps } = setup();
    const log = new InMemoryNotificationClaims();
    const write = log.settle.bind(log);
    let refusals = 2;
    log.settle = async (...args: Parameters<typeof write>) =>
      refusals-- > 0 ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : write(...args);

    // Act
    const outcome = await notifyDepartment(notificationFactory(), [slack], {
      ...deps,
      log,
      markRetryDelaysMs: [0, 0, 0],
    });
    const again = await notifyDepartment(notificationFactory(), [slack], { ...deps, log });

    // Assess
    expect(outcome.sent).toEqual(['mention:facebook:1_2#service/slack:#kundenservice']);
    expect(again.skipped).toEqual(['mention:facebook:1_2#service/slack:#kundenservice']);
    expect(notifier.delivered).toHaveLength(1);
  });

  it('sends once per target when six deliveries of the same notification run concurrently', async () => {
    // Arrange
    const { notifier, deps } = setup();

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => notifyDepartment(notificationFactory(), [slack, email], deps)),
    );
    const retried = await notifyDepartment(notificationFactory(), [slack, email], deps);

    // Assess: each target sent once; a copy that found a target held fails (its message comes back) and its retry skips
    expect(notifier.delivered.map((d) => d.target.type).sort()).toEqual(['email', 'slack']);
    expect(
      outcomes
        .filter((o) => o.status === 'rejected')
        .every((o) => (o as PromiseRejectedResult).reason instanceof NotificationHeldError),
    ).toBe(true);
    expect(retried).toEqual({
      sent: [],
      held: [],
      skipped: expect.arrayContaining([expect.stringContaining('slack'), expect.stringContaining('email')]),
    });
  });

  it('sends nothing for a target another sender holds and fails, so the message comes back after the claim is sent or expired', async () => {
    // Arrange
    const { notifier, log, deps } = setup();
    const key = 'mention:facebook:1_2#service/slack:#kundenservice';
    await log.claimTargets('case_0123456789abcdef0123', 'mention:facebook:1_2#service', {
      owner: 'other-sender',
      at: '2026-11-30T09:00:00.000Z',
      leaseUntil: '2026-11-30T09:01:00.000Z',
      expiresAt: 1,
    });

    // Act
    const run = notifyDepartment(notificationFactory(), [slack], { ...deps, heldRecheckDelaysMs: [1, 1] });

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'NotificationHeldError', held: [key] });
    expect(notifier.delivered).toEqual([]);
  });

  it('skips, without failing, a held target that its sender marks sent while this copy looks again', async () => {
    // Arrange
    const { notifier, log, deps } = setup();
    const key = 'mention:facebook:1_2#service/slack:#kundenservice';
    await log.claimTargets('case_0123456789abcdef0123', 'mention:facebook:1_2#service', {
      owner: 'other-sender',
      at: '2026-11-30T09:00:00.000Z',
      leaseUntil: '2026-11-30T09:01:00.000Z',
      expiresAt: 1,
    });
    const settlement = {
      owner: 'other-sender',
      sent: [key],
      complete: true,
      at: '2026-11-30T09:00:01.000Z',
      expiresAt: 1,
    };
    setTimeout(() => void log.settle('case_0123456789abcdef0123', 'mention:facebook:1_2#service', settlement), 5);

    // Act
    const outcome = await notifyDepartment(notificationFactory(), [slack], { ...deps, heldRecheckDelaysMs: [20, 20] });

    // Assess
    expect(outcome).toEqual({ sent: [], skipped: [key], held: [] });
    expect(notifier.delivered).toEqual([]);
  });

  it('releases the claim of a failed send, so the retry sends it', async () => {
    // Arrange
    const { notifier, log, deps } = setup();
    notifier.failing.add('slack');
    await notifyDepartment(notificationFactory(), [slack], deps).catch(() => undefined);
    notifier.failing.clear();

    // Act
    const retry = await notifyDepartment(notificationFactory(), [slack], deps);

    // Assess
    expect(retry.sent).toEqual(['mention:facebook:1_2#service/slack:#kundenservice']);
    expect(notifier.delivered).toHaveLength(1);
    expect(log.claims.map((c) => c.answer)).toEqual(['claimed', 'claimed']);
  });

  it('sends a target whose claim was left by a sender that died, once the lease ran out', async () => {
    // Arrange
    const { notifier, log, deps } = setup();
    const key = 'mention:facebook:1_2#service/email:service@radwerk-hansen.example';
    await log.claimTargets('case_0123456789abcdef0123', 'mention:facebook:1_2#service', {
      owner: 'died',
      at: '2026-11-30T08:58:00.000Z',
      leaseUntil: '2026-11-30T08:59:00.000Z',
      expiresAt: 1,
    });

    // Act
    const outcome = await notifyDepartment(notificationFactory(), [email], deps);

    // Assess
    expect(outcome.sent).toEqual([key]);
    expect(notifier.delivered.map((d) => d.target)).toEqual([email]);
  });

  it('notifies a second department at the same channel under its own marker', async () => {
    // Arrange
    const { notifier, deps } = setup();
    await notifyDepartment(notificationFactory(), [slack], deps);

    // Act
    await notifyDepartment(
      notificationFactory({ department: 'press', departmentName: 'Presse & Kommunikation' }),
      [slack],
      deps,
    );

    // Assess
    expect(notifier.delivered).toHaveLength(2);
  });
});
