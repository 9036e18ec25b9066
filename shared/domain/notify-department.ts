import { deliveryKey, type Notification, type NotificationTarget } from './notification.ts';
import type { Clock, NotificationLog } from './ports.ts';

/**
 * Port: delivers one notification to one target (a Slack channel, a Teams workflow, an
 * e-mail list, the local outbox). Retries of transient failures belong inside it; when it
 * throws, the delivery failed for now and is tried again on the next redelivery.
 */
export interface Notifier {
  send(notification: Notification, target: NotificationTarget): Promise<void>;
}

export interface NotifyDepartmentDeps {
  readonly notifier: Notifier;
  readonly log: NotificationLog;
  readonly clock: Clock;
  /** Epoch seconds when the sent-markers expire (the company's retention). */
  readonly expiresAt: number;
}

export interface NotifyOutcome {
  /** Delivery keys sent now. */
  readonly sent: readonly string[];
  /** Delivery keys sent before (a redelivery): not sent again. */
  readonly skipped: readonly string[];
}

/** One target that could not be told. */
export interface DeliveryFailure {
  readonly key: string;
  readonly target: NotificationTarget['type'];
  readonly error: unknown;
}

/**
 * Some targets of a notification failed. Its message lists them with their errors' messages
 * (which never carry a webhook URL); the others were sent and marked, so a redelivery sends
 * only the failed ones.
 */
export class NotificationDeliveryError extends Error {
  constructor(
    readonly notificationId: string,
    readonly failures: readonly DeliveryFailure[],
  ) {
    super(
      `notification ${notificationId} failed for ${failures.length} target(s): ${failures
        .map((f) => `${f.key} (${f.error instanceof Error ? f.error.message : String(f.error)})`)
        .join('; ')}`,
      { cause: failures.length === 1 ? failures[0]?.error : new AggregateError(failures.map((f) => f.error)) },
    );
    this.name = 'NotificationDeliveryError';
  }
}

/**
 * Tells a department through each of its targets, at most once per notification and target.
 *
 * For each target (all at once, independently):
 * 1. skip it when the log has its delivery key (`<notification id>#<target key>`): sent before
 * 2. send it
 * 3. mark it sent
 *
 * A failing target does not stop the others. When any failed, it throws at the end, so
 * the queue message fails and comes back; then only the failed targets are sent.
 * Exactly once holds unless the marker write fails after a successful send: then that
 * target is sent again on redelivery (at least once beats never).
 *
 * @throws NotificationDeliveryError listing the targets that failed
 */
export async function notifyDepartment(
  notification: Notification,
  targets: readonly NotificationTarget[],
  deps: NotifyDepartmentDeps,
): Promise<NotifyOutcome> {
  const sent: string[] = [];
  const skipped: string[] = [];
  const failures: DeliveryFailure[] = [];
  await Promise.all(
    targets.map(async (target) => {
      const key = deliveryKey(notification, target);
      try {
        if (await deps.log.wasSent(notification.caseId, key)) {
          skipped.push(key);
          return;
        }
        await deps.notifier.send(notification, target);
        await deps.log.markSent(notification.caseId, key, deps.clock.now().toISOString(), deps.expiresAt);
        sent.push(key);
      } catch (error) {
        // Collected, not thrown: the other targets still get their turn.
        failures.push({ key, target: target.type, error });
      }
    }),
  );
  if (failures.length > 0) throw new NotificationDeliveryError(notification.id, failures);
  return { sent, skipped };
}
