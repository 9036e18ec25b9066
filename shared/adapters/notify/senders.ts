import type { AlarmAlert, AlertSender } from '../../domain/alarm-alert.ts';
import type { Notification, NotificationTarget } from '../../domain/notification.ts';
import type { Notifier } from '../../domain/notify-department.ts';
import type { ReportMessage, ReportSender } from '../../domain/reports/run-reports.ts';
import * as z from '../../domain/zod-mini.ts';
import { NotifierConfigError } from './errors.ts';
import { TARGET_TYPES } from './registry.ts';
import type { SenderContext, TargetSenders, TargetType } from './target-type.ts';

/** The notification, report and alert senders of every registered type, behind the domain's ports. */
export interface RegistrySenders {
  readonly notifier: Notifier;
  readonly reports: ReportSender;
  readonly alerts: AlertSender;
}

/**
 * Dispatches each delivery to the senders of its target's type, built once per type. A
 * target is checked against its type's schema first, so a sender only ever gets a target of
 * its own shape; a type that is not registered, or that has no sender for the kind of
 * message, fails its delivery with a NotifierConfigError (never another type's sender).
 */
export function registrySenders(context: SenderContext, types: readonly TargetType[] = TARGET_TYPES): RegistrySenders {
  const built = new Map<string, TargetSenders<NotificationTarget>>();
  const sendersOf = (target: NotificationTarget): { senders: TargetSenders<NotificationTarget>; target: never } => {
    const type = types.find((t) => t.type === target.type);
    if (!type) throw new NotifierConfigError(`no notifier for ${target.type} targets: it is not a registered type`);
    const parsed = z.safeParse(type.schema, target);
    if (!parsed.success)
      throw new NotifierConfigError(`a ${target.type} target does not match its schema: ${parsed.error.message}`);
    let senders = built.get(type.type);
    if (!senders) {
      senders = type.senders(context) as TargetSenders<NotificationTarget>;
      built.set(type.type, senders);
    }
    return { senders, target: parsed.data as never };
  };
  return {
    notifier: {
      send: async (notification: Notification, target: NotificationTarget) => {
        const found = sendersOf(target);
        await found.senders.notification(notification, found.target);
      },
    },
    reports: {
      send: async (message: ReportMessage, target: NotificationTarget) => {
        const found = sendersOf(target);
        await found.senders.report(message, found.target);
      },
    },
    alerts: {
      send: async (alert: AlarmAlert, target: NotificationTarget) => {
        const found = sendersOf(target);
        if (!found.senders.alert) throw new NotifierConfigError(`${target.type} targets carry no alerts`);
        await found.senders.alert(alert, found.target);
      },
    },
  };
}
