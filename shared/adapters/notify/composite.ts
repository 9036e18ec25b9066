import type { Notification, NotificationTarget } from '../../domain/notification.ts';
import type { Notifier } from '../../domain/notify-department.ts';
import { NotifierConfigError } from './errors.ts';

/** A notifier per target type; a type without one fails its deliveries with a clear error. */
export type NotifiersByType = Partial<Record<NotificationTarget['type'], Notifier>>;

/** Dispatches each delivery to the notifier of its target's type (slack, teams, email). */
export class CompositeNotifier implements Notifier {
  constructor(private readonly byType: NotifiersByType) {}

  /** @throws NotifierConfigError when no notifier handles the target's type */
  async send(notification: Notification, target: NotificationTarget): Promise<void> {
    const notifier = this.byType[target.type];
    if (!notifier) throw new NotifierConfigError(`no notifier for ${target.type} targets in this environment`);
    await notifier.send(notification, target);
  }
}
