import type { Case } from './case.ts';
import type { DepartmentNotifier } from './department-inbox.ts';
import type { CaseEvent, MentionRouted } from './events.ts';
import type { Category } from './mention.ts';
import {
  keyAccountAlertFor,
  notificationForCaseEvent,
  notificationForMention,
  type Notification,
  type NotificationOptions,
  type NotifiedDepartment,
} from './notification.ts';
import { randomBytes } from 'node:crypto';
import { DELIVERY_LEASE_MS, notifyDepartment, settleWithRetries, type Notifier } from './notify-department.ts';
import type { CaseRepository, Clock, DeliveryClaimRequest, NotificationClaims } from './ports.ts';
import type { Tally } from './reports/tallies.ts';
import { expiresAtEpochSeconds } from './time.ts';

export interface DepartmentNotifierDeps {
  readonly departments: readonly (NotifiedDepartment & { readonly categories?: readonly Category[] })[];
  readonly options: NotificationOptions;
  readonly cases: Pick<CaseRepository, 'latestMentionOf'>;
  readonly notifier: Notifier;
  readonly log: NotificationClaims;
  readonly clock: Clock;
  readonly retentionDays: number;
  /** Pauses before writing a batch's settlements again (default MARK_RETRY_DELAYS_MS). */
  readonly markRetryDelaysMs?: readonly number[];
  /** Milliseconds the invocation has left: none is claimed or sent at 0 or less (NotifyDepartmentDeps.timeLeftMs). */
  readonly timeLeftMs?: () => number;
}

/**
 * Tells departments about their mentions and case changes, through each department's
 * targets (`departments[].notify`), at most once per notification and target.
 *
 * A routed mention notifies its department; one that names key accounts also raises the
 * key-account alert for sales. Every notification is tried even when an earlier one
 * failed; then the first failure is thrown, so the queue message is delivered again and
 * only what is still missing is sent.
 */
export function createDepartmentNotifier(deps: DepartmentNotifierDeps): DepartmentNotifier {
  return notifierOf(deps);
}

/** The notifier; with `markOf`, the one of a batch whose record claims name where the batch settles them. */
function notifierOf(deps: DepartmentNotifierDeps, markOf?: (event: MentionRouted) => string): DepartmentNotifier {
  const department = (id: string): NotifiedDepartment => {
    const found = deps.departments.find((d) => d.id === id);
    if (!found) throw new Error(`unknown department "${id}"`);
    return found;
  };
  const send = async (
    items: readonly {
      notification: Notification;
      to: NotifiedDepartment;
      log?: NotificationClaims;
      claimed?: DeliveryClaimRequest;
    }[],
  ): Promise<void> => {
    const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
    const failures: unknown[] = [];
    for (const { notification, to, log, claimed } of items) {
      try {
        await notifyDepartment(notification, to.notify ?? [], {
          notifier: deps.notifier,
          log: log ?? deps.log,
          clock: deps.clock,
          expiresAt,
          ...(claimed ? { claimed } : {}),
          ...(deps.timeLeftMs ? { timeLeftMs: deps.timeLeftMs } : {}),
        });
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  };
  return {
    claimFor(event: MentionRouted): DeliveryClaimRequest | undefined {
      if (!deps.log.onRecordOf || (department(event.department).notify ?? []).length === 0) return undefined;
      const now = deps.clock.now();
      return {
        // Short: it is written on the mention's record, which stays under 1 KB.
        owner: randomBytes(9).toString('base64url'),
        at: now.toISOString(),
        leaseUntil: new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString(),
        expiresAt: expiresAtEpochSeconds(now, deps.retentionDays),
        ...(markOf ? { mark: markOf(event) } : {}),
      };
    },
    async mention(event: MentionRouted, kase: Case, claimed?: DeliveryClaimRequest): Promise<void> {
      const to = department(event.department);
      // The mention's notification is claimed on its record (which says where, for one written before).
      const items: Parameters<typeof send>[0][number][] = [
        {
          notification: notificationForMention(event, kase, to, deps.options),
          to,
          ...(deps.log.onRecordOf ? { log: deps.log.onRecordOf(event) } : {}),
          ...(claimed ? { claimed } : {}),
        },
      ];
      const alert = keyAccountAlertFor(event, kase, { departments: deps.departments }, deps.options);
      if (alert) items.push({ notification: alert, to: department(alert.department) });
      await send(items);
    },
    async caseEvent(event: CaseEvent, kase: Case, departmentId: string): Promise<void> {
      const to = department(departmentId);
      // Only the latest mention is shown: read that one record, not the case's whole thread.
      const latest = await deps.cases.latestMentionOf(kase.id);
      const notification = notificationForCaseEvent(event, kase, latest, to, deps.options);
      if (notification) await send([{ notification, to }]);
    },
    batch(timeLeftMs?: () => number) {
      const log = deps.log.batch?.();
      if (!log) return undefined;
      // Retried as a record's own settlement is (notifyDepartment); the batch's writes are idempotent.
      const flush = (tallies: readonly Tally[] = []) =>
        settleWithRetries(() => log.flush(tallies), deps.markRetryDelaysMs);
      return {
        notifier: notifierOf({ ...deps, log, ...(timeLeftMs ? { timeLeftMs } : {}) }, (event) => log.markOf(event)),
        flush,
      };
    },
  };
}
