import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CompanyConfig } from '../../config/schema.ts';
import type { FunctionEnv } from '../../config/runtime-env.ts';
import type { AlarmAlert, AlertChatTarget, AlertSender } from '../../domain/alarm-alert.ts';
import { NotifierConfigError } from './errors.ts';
import { NOTIFY_OUTBOX_DIR_ENV } from './outbox.ts';
import { secretsManagerWebhookUrls } from './secret-webhook-urls.ts';
import { registrySenders } from './senders.ts';

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

/**
 * Where alerts go: the outbox's alerts.jsonl under `npm start`, else the registered chat
 * types (`alerts.chat`). No mail transport: the alert topic e-mails `alerts.email` itself,
 * so forward-alarm's bundle carries no SES client.
 */
export function createAlertSender(env: FunctionEnv, config: CompanyConfig): AlertSender {
  const outboxDir = env[NOTIFY_OUTBOX_DIR_ENV];
  if (outboxDir) return new OutboxAlertSender({ dir: outboxDir });
  return registrySenders({
    companyId: config.company.id,
    companyName: config.company.name,
    urls: secretsManagerWebhookUrls(env),
    mail: {
      send: async () => {
        throw new NotifierConfigError('forward-alarm sends no e-mail: the alert topic e-mails alerts.email');
      },
    },
  }).alerts;
}
