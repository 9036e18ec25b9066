import { randomUUID } from 'node:crypto';
import { deliveryKey, type Notification, type NotificationTarget } from './notification.ts';
import type { Clock, NotificationLog } from './ports.ts';
import { retry } from './retry.ts';

/**
 * How long a claim on a delivery keeps other senders away (60 s). It is longer than any
 * live sender can take (handle-department's timeout is 30 s, a webhook post's budget 10 s),
 * so no live sender is ever overtaken, and shorter than a department queue's visibility
 * timeout minus that function timeout (180 s - 30 s), so when a sender dies holding a claim,
 * its message comes back only after the claim has expired, and is sent then.
 */
export const DELIVERY_LEASE_MS = 60_000;

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
  /** How long a claim holds (default DELIVERY_LEASE_MS). */
  readonly leaseMs?: number;
  /** Pauses before the further attempts to write a sent-marker (default MARK_RETRY_DELAYS_MS). */
  readonly markRetryDelaysMs?: readonly number[];
  /** Pauses before looking again at a target another sender holds (default HELD_RECHECK_DELAYS_MS). */
  readonly heldRecheckDelaysMs?: readonly number[];
}

/**
 * Pauses before writing a sent-marker again (0.2 s, 1 s, 3 s: 4.2 s in all, well inside
 * the function timeout and the lease). Once the notification is out, a lost marker is the
 * one way to a duplicate: the claim's lease runs out and a redelivery sends it again. A
 * throttled table refuses single writes for a while, and the SDK stops retrying once its
 * retry quota is spent (bench/chaos/retry-quota.ts), so the marker, an idempotent put, is
 * written again here before the target counts as failed.
 */
export const MARK_RETRY_DELAYS_MS: readonly number[] = [200, 1_000, 3_000];

/**
 * Pauses before looking again at a held target: about 2 s in all, well within the function
 * timeout; a sender still holding it then has died or is slow, and the message comes back.
 */
export const HELD_RECHECK_DELAYS_MS: readonly number[] = [100, 400, 1_500];

export interface NotifyOutcome {
  /** Delivery keys sent now. */
  readonly sent: readonly string[];
  /** Delivery keys sent before (a redelivery): not sent again. */
  readonly skipped: readonly string[];
  /** Always empty in a returned outcome: a held target makes the call throw NotificationHeldError. */
  readonly held: readonly string[];
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
 * Tells a department through each of its targets, once per notification and target, under
 * redelivery, concurrent duplicates and retries.
 *
 * For each target (all at once, independently):
 * 1. claim its delivery key (`<notification id>#<target key>`) in the log, atomically:
 *    `sent` before -> skip; `held` by another sender -> not sent here; the message fails and comes back (below)
 * 2. send it
 * 3. mark it sent; when the send failed, release the claim so a retry can send it
 *
 * A failing target does not stop the others. When any failed, it throws at the end, so
 * the queue message fails and comes back; then only the failed targets are sent.
 *
 * The one window left: a sender that dies (or cannot write the marker) after the send and
 * before the mark. Then its claim expires after the lease and the retry sends that target
 * once more: at most one duplicate per such crash, never a lost notification.
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
  const held: string[] = [];
  const failures: DeliveryFailure[] = [];
  const leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
  await Promise.all(
    targets.map(async (target) => {
      const key = deliveryKey(notification, target);
      const owner = randomUUID();
      try {
        const claimOnce = () => {
          const now = deps.clock.now();
          return deps.log.claim(notification.caseId, key, {
            owner,
            at: now.toISOString(),
            leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
            expiresAt: deps.expiresAt,
          });
        };
        let claim = await claimOnce();
        // A concurrent copy (a duplicate in the same batch, a republished event) usually
        // finishes within milliseconds: look again a few times before giving the message back.
        for (const delay of deps.heldRecheckDelaysMs ?? HELD_RECHECK_DELAYS_MS) {
          if (claim !== 'held') break;
          await new Promise((resolve) => setTimeout(resolve, delay));
          claim = await claimOnce();
        }
        if (claim !== 'claimed') {
          (claim === 'sent' ? skipped : held).push(key);
          return;
        }
        try {
          await deps.notifier.send(notification, target);
        } catch (error) {
          // Free it for the retry now; if even that fails, the lease runs out before the retry comes.
          await deps.log.release(notification.caseId, key, owner).catch(() => undefined);
          throw error;
        }
        await markSent(deps, notification.caseId, key);
        sent.push(key);
      } catch (error) {
        // Collected, not thrown: the other targets still get their turn.
        failures.push({ key, target: target.type, error });
      }
    }),
  );
  if (failures.length > 0) throw new NotificationDeliveryError(notification.id, failures);
  // A held target is not done yet: its sender may have died after claiming (locally the
  // queue journal puts a killed runtime's messages back at once, within the lease). So the
  // message must come back: after the visibility timeout the claim is `sent` (skip) or
  // expired (this copy sends it). Dropping it here would lose that notification.
  if (held.length > 0) throw new NotificationHeldError(notification.id, held);
  return { sent, skipped, held };
}

/**
 * Targets of a notification that another sender has claimed and not yet marked sent. Not a
 * failure of any target: the message is retried after its visibility timeout, when the
 * claim has been marked sent or has expired.
 */
export class NotificationHeldError extends Error {
  constructor(
    readonly notificationId: string,
    readonly held: readonly string[],
  ) {
    super(
      `notification ${notificationId}: ${held.length} target(s) claimed by another sender and not yet sent; retried later: ${held.join(', ')}`,
    );
    this.name = 'NotificationHeldError';
  }
}

/** Writes the sent-marker, again after each pause of `markRetryDelaysMs` while it fails; throws the last error. */
function markSent(deps: NotifyDepartmentDeps, caseId: string, key: string): Promise<void> {
  const delays = deps.markRetryDelaysMs ?? MARK_RETRY_DELAYS_MS;
  return retry(() => deps.log.markSent(caseId, key, deps.clock.now().toISOString(), deps.expiresAt), {
    maxAttempts: delays.length + 1,
    delayMs: (attempt) => delays[attempt - 1],
  });
}
