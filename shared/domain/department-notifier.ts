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
import { notifyDepartment, type Notifier } from './notify-department.ts';
import type { CaseRepository, Clock, NotificationClaims } from './ports.ts';
import { expiresAtEpochSeconds } from './time.ts';

export interface DepartmentNotifierDeps {
  readonly departments: readonly (NotifiedDepartment & { readonly categories?: readonly Category[] })[];
  readonly options: NotificationOptions;
  readonly cases: Pick<CaseRepository, 'mentionsOf'>;
  readonly notifier: Notifier;
  readonly log: NotificationClaims;
  readonly clock: Clock;
  readonly retentionDays: number;
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
  const department = (id: string): NotifiedDepartment => {
    const found = deps.departments.find((d) => d.id === id);
    if (!found) throw new Error(`unknown department "${id}"`);
    return found;
  };
  const send = async (items: readonly { notification: Notification; to: NotifiedDepartment }[]): Promise<void> => {
    const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
    const failures: unknown[] = [];
    for (const { notification, to } of items) {
      try {
        await notifyDepartment(notification, to.notify ?? [], {
          notifier: deps.notifier,
          log: deps.log,
          clock: deps.clock,
          expiresAt,
        });
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  };
  return {
    async mention(event: MentionRouted, kase: Case): Promise<void> {
      const to = department(event.department);
      const items = [{ notification: notificationForMention(event, kase, to, deps.options), to }];
      const alert = keyAccountAlertFor(event, kase, { departments: deps.departments }, deps.options);
      if (alert) items.push({ notification: alert, to: department(alert.department) });
      await send(items);
    },
    async caseEvent(event: CaseEvent, kase: Case, departmentId: string): Promise<void> {
      const to = department(departmentId);
      const mentions = await deps.cases.mentionsOf(kase.id);
      const notification = notificationForCaseEvent(event, kase, mentions.at(-1), to, deps.options);
      if (notification) await send([{ notification, to }]);
    },
  };
}
