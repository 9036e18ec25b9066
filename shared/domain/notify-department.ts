import { randomUUID } from 'node:crypto';
import { deliveryKey, type Notification, type NotificationTarget } from './notification.ts';
import { OutOfTimeError } from './errors.ts';
import type { Clock, DeliveryClaimRequest, NotificationClaim, NotificationClaims } from './ports.ts';
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
 * The lease a sender must still hold when it begins to send (30 s, handle-department's
 * timeout): enough for its sends (a webhook post's budget is 10 s), its settlement and the
 * rest of its batch (a batch's settlement mark is written at its end). A sender that holds
 * less, because it stalled since its claim (the record's write claims the notification
 * before the case is read and changed), renews its claim first; a claim taken over
 * meanwhile is not sent from here. In AWS a sender never gets there (its function ends
 * within 30 s of its claim); locally a run past its timeout keeps running, and a throttled
 * table's retries can stall it for as long.
 */
export const SEND_LEASE_MARGIN_MS = 30_000;

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
  /** One claim per notification for all its targets. */
  readonly log: NotificationClaims;
  readonly clock: Clock;
  /** Epoch seconds when the claims expire (the company's retention). */
  readonly expiresAt: number;
  /** How long a claim holds (default DELIVERY_LEASE_MS). */
  readonly leaseMs?: number;
  /** Pauses before the further attempts to settle a claim (default MARK_RETRY_DELAYS_MS). */
  readonly markRetryDelaysMs?: readonly number[];
  /** Pauses before looking again at a target another sender holds (default HELD_RECHECK_DELAYS_MS). */
  readonly heldRecheckDelaysMs?: readonly number[];
  /**
   * The claim this sender already holds on the notification, taken by another write (the
   * mention's record, recordMention): it is not claimed again, and nothing was sent before.
   */
  readonly claimed?: DeliveryClaimRequest;
  /**
   * Milliseconds the invocation has left (context.getRemainingTimeInMillis): at 0 or less nothing
   * is claimed or sent from here (OutOfTimeError). Default: no limit.
   */
  readonly timeLeftMs?: () => number;
}

/**
 * Pauses before settling a claim again (0.2 s, 1 s, 3 s: 4.2 s in all, well inside the
 * function timeout and the lease). Once the notification is out, a lost settlement is the
 * one way to a duplicate: the claim's lease runs out and a redelivery sends it again. A
 * throttled table refuses single writes for a while, and the SDK stops retrying once its
 * retry quota is spent (bench/chaos/retry-quota.ts), so the settlement, idempotent (it adds
 * to a set), is written again here before its targets count as failed.
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
 * 1. claim the notification, all its targets at once, in the log (atomically): `done`
 *    before -> skip every target; `held` by another sender -> send nothing here, the
 *    message fails and comes back (below); `claimed` -> the answer names the targets sent before
 * 2. send each target not sent before (all at once, independently)
 * 3. settle: record the targets sent now and give the claim up, `complete` when none failed
 *
 * Two writes per notification, whatever the number of targets. A failing target does not
 * stop the others; when any failed, it throws at the end, so the queue message fails and
 * comes back; then only the failed targets are sent.
 *
 * Before the sends, a claim with less than SEND_LEASE_MARGIN_MS of its lease left is renewed
 * (or, taken over meanwhile, claimed again: a stalled sender never sends beside the one that
 * took its claim over). A sender whose invocation's time is up (`timeLeftMs`) claims and sends
 * nothing: in AWS it would have been stopped at its timeout, and locally its message is back on
 * the queue by then; a claim it holds runs out with its lease and a later copy sends.
 *
 * The one window left: a sender that dies, stalls past the rest of its lease or cannot settle
 * after a send and before the settlement. Then its claim expires after the lease and a copy
 * that comes later sends those targets once more: at most one duplicate per such sender,
 * never a lost notification.
 *
 * @throws NotificationDeliveryError listing the targets that failed
 * @throws NotificationHeldError when another sender holds the notification
 * @throws OutOfTimeError when the invocation's time is up before the claim or the sends
 */
export async function notifyDepartment(
  notification: Notification,
  targets: readonly NotificationTarget[],
  deps: NotifyDepartmentDeps,
): Promise<NotifyOutcome> {
  const keyed = targets.map((target) => ({ target, key: deliveryKey(notification, target) }));
  if (keyed.length === 0) return { sent: [], skipped: [], held: [] };
  const stopWhenOutOfTime = (step: string) => {
    if (deps.timeLeftMs !== undefined && deps.timeLeftMs() <= 0)
      throw new OutOfTimeError(`notification ${notification.id}: the invocation's time is up, not ${step} from here`);
  };
  if (!deps.claimed) stopWhenOutOfTime('claimed');
  const owner = deps.claimed?.owner ?? randomUUID();
  const leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
  const claimId = claimIdOf(notification);
  // The lease of the claim this sender holds (or last asked for).
  let leaseUntil = deps.claimed?.leaseUntil ?? '';
  const request = (): DeliveryClaimRequest => {
    const now = deps.clock.now();
    leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    return { owner, at: now.toISOString(), leaseUntil, expiresAt: deps.expiresAt };
  };
  const claimOnce = () => deps.log.claimTargets(notification.caseId, claimId, request());
  let claim: NotificationClaim = deps.claimed ? { claim: 'claimed', sent: [] } : await claimOnce();
  // A concurrent copy (a duplicate in the same batch, a republished event) usually
  // finishes within milliseconds: look again a few times before giving the message back.
  for (const delay of deps.heldRecheckDelaysMs ?? HELD_RECHECK_DELAYS_MS) {
    if (claim.claim !== 'held') break;
    await new Promise((resolve) => setTimeout(resolve, delay));
    claim = await claimOnce();
  }
  // The held rechecks may have taken the rest of the time: no renewal, no send.
  if (claim.claim === 'claimed') stopWhenOutOfTime('sent');
  // Too little lease left to send, settle and finish the batch: renew it, or, when another
  // sender took it over after it ran out, claim again (done, held, or this sender's again).
  if (
    claim.claim === 'claimed' &&
    deps.log.renew &&
    Date.parse(leaseUntil) - deps.clock.now().getTime() < SEND_LEASE_MARGIN_MS &&
    !(await deps.log.renew(notification.caseId, claimId, request()))
  ) {
    claim = await claimOnce();
  }
  // A held notification is not done yet: its sender may have died after claiming (locally
  // the queue journal puts a killed runtime's messages back at once, within the lease). So
  // the message must come back: after the visibility timeout the claim is settled (skip) or
  // expired (this copy sends it). Dropping it here would lose that notification.
  if (claim.claim === 'held')
    throw new NotificationHeldError(
      notification.id,
      keyed.map((k) => k.key),
    );
  const before = new Set(claim.sent);
  if (claim.claim === 'done') return { sent: [], skipped: keyed.map((k) => k.key), held: [] };
  const skipped = keyed.filter((k) => before.has(k.key)).map((k) => k.key);
  const sent: string[] = [];
  const failures: DeliveryFailure[] = [];
  await Promise.all(
    keyed
      .filter((k) => !before.has(k.key))
      .map(async ({ target, key }) => {
        try {
          await deps.notifier.send(notification, target);
          sent.push(key);
        } catch (error) {
          // Collected, not thrown: the other targets still get their turn.
          failures.push({ key, target: target.type, error });
        }
      }),
  );
  try {
    await settle(deps, notification.caseId, claimId, { owner, sent, complete: failures.length === 0 });
  } catch (error) {
    // The sends went out but are not recorded: count them as failed, so the message comes back.
    for (const { key, target } of keyed) if (sent.includes(key)) failures.push({ key, target: target.type, error });
    throw new NotificationDeliveryError(notification.id, failures);
  }
  if (failures.length > 0) throw new NotificationDeliveryError(notification.id, failures);
  return { sent, skipped, held: [] };
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

/**
 * The key of a notification's claim: its id and its department, as each delivery key names
 * both (one notification id can go to several departments, each at its own targets).
 */
export function claimIdOf(notification: Pick<Notification, 'id' | 'department'>): string {
  return `${notification.id}#${notification.department}`;
}

/** Settles the claim, again after each pause of `markRetryDelaysMs` while it fails; throws the last error. */
function settle(
  deps: NotifyDepartmentDeps,
  caseId: string,
  claimId: string,
  settlement: { owner: string; sent: readonly string[]; complete: boolean },
): Promise<void> {
  return settleWithRetries(
    () =>
      deps.log.settle(caseId, claimId, {
        ...settlement,
        at: deps.clock.now().toISOString(),
        expiresAt: deps.expiresAt,
      }),
    deps.markRetryDelaysMs,
  );
}

/**
 * Writes a settlement (a claim's, or a batch's settlement mark), again after each pause of
 * `delaysMs` (default MARK_RETRY_DELAYS_MS) while it fails; throws the last error. The
 * notifications are out: a settlement lost here lets a copy that comes after the lease send
 * them again. The write must be idempotent.
 */
export function settleWithRetries<T>(
  write: () => Promise<T>,
  delaysMs: readonly number[] = MARK_RETRY_DELAYS_MS,
): Promise<T> {
  return retry(write, { maxAttempts: delaysMs.length + 1, delayMs: (attempt) => delaysMs[attempt - 1] });
}
