import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AlarmAlert, AlertChatTarget, AlertSender } from '../../domain/alarm-alert.ts';

/** One line of the outbox's `alerts.jsonl`. */
export interface AlertOutboxLine {
  readonly writtenAt: string;
  /** A chat target, or `topic` for the alert topic itself (what its e-mail subscribers get). */
  readonly target:
    | AlertChatTarget
    | { readonly type: 'topic'; readonly topicName: string; readonly email: readonly string[] };
  readonly alert: AlarmAlert;
}

/** The file of alerts in a local outbox directory. */
export const ALERTS_OUTBOX_FILE = 'alerts.jsonl';

/**
 * The local stand-in of the alert topic's deliveries: each is appended as one JSON line to
 * `<dir>/alerts.jsonl`; nothing leaves the machine.
 */
export class OutboxAlertSender implements AlertSender {
  constructor(private readonly options: { readonly dir: string; readonly now?: () => Date }) {}

  get file(): string {
    return path.join(this.options.dir, ALERTS_OUTBOX_FILE);
  }

  async send(alert: AlarmAlert, target: AlertOutboxLine['target']): Promise<void> {
    const line: AlertOutboxLine = { writtenAt: (this.options.now?.() ?? new Date()).toISOString(), target, alert };
    await mkdir(this.options.dir, { recursive: true });
    await appendFile(this.file, `${JSON.stringify(line)}\n`, 'utf8');
  }
}
