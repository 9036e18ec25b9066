import { targetLabel, type NotificationTarget } from './notification.ts';

/**
 * An alarm that changed its state, as the alert topic carries it (CloudWatch in AWS, the
 * local alarm evaluator under `npm start`), and how it is forwarded to chat targets.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmAlert {
  /** The alarm's name, the same on both backends (`bc-demo-intake-dlq-depth`). */
  readonly alarmName: string;
  readonly description?: string;
  readonly state: AlarmState;
  readonly previousState: AlarmState;
  /** Why the state changed, in the evaluator's words (threshold crossed, datapoints). */
  readonly reason: string;
  /** ISO time of the state change. */
  readonly at: string;
}

/** A chat target of the config's `alerts.chat`: a registered target type that carries alerts (slack, teams, ...). */
export type AlertChatTarget = NotificationTarget;

/** Port: delivers one alert to one chat target. */
export interface AlertSender {
  /** @throws whatever the delivery failed with; forwardAlarm collects it */
  send(alert: AlarmAlert, target: AlertChatTarget): Promise<void>;
}

/** One line for a chat message or an e-mail subject: `ALARM bc-demo-intake-dlq-depth (Radwerk Hansen)`. */
export function alertTitle(alert: AlarmAlert, companyName: string): string {
  const what = alert.state === 'OK' ? 'Recovered' : alert.state === 'ALARM' ? 'ALARM' : 'No data';
  return `${what}: ${alert.alarmName} (${companyName})`;
}

/** The alert's text below the title: what the alarm watches and why it changed. */
export function alertText(alert: AlarmAlert): string {
  return [alert.description, `${alert.previousState} -> ${alert.state} at ${alert.at}: ${alert.reason}`]
    .filter(Boolean)
    .join('\n');
}

/** Some chat targets did not receive an alert; the others did. */
export class AlertForwardingError extends Error {
  constructor(readonly failures: readonly { readonly target: string; readonly error: unknown }[]) {
    super(
      `the alert did not reach ${failures.length} chat target(s): ${failures.map((f) => `${f.target} (${(f.error as Error)?.message ?? String(f.error)})`).join('; ')}`,
      {
        cause: failures[0]?.error,
      },
    );
    this.name = 'AlertForwardingError';
  }
}

/**
 * Forwards an alert to every chat target.
 * 1. send to each target, one failure not stopping the others
 * 2. throw AlertForwardingError naming the failed targets, so the invocation is retried
 *    (and ends in the on-failure destination when the retries fail too)
 * @returns how many targets received it
 */
export async function forwardAlarm(
  alert: AlarmAlert,
  targets: readonly AlertChatTarget[],
  sender: AlertSender,
): Promise<number> {
  const failures: { target: string; error: unknown }[] = [];
  for (const target of targets) {
    try {
      await sender.send(alert, target);
    } catch (error) {
      failures.push({ target: targetLabel(target), error });
    }
  }
  if (failures.length > 0) throw new AlertForwardingError(failures);
  return targets.length;
}
