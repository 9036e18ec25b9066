import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  alertText,
  alertTitle,
  type AlarmAlert,
  type AlertChatTarget,
  type AlertSender,
} from '../../domain/alarm-alert.ts';
import { ChatWebhookNotifier } from './chat-webhook-notifier.ts';
import type { PostJsonOptions } from './http-retry.ts';
import { slackEscape } from './slack.ts';
import { adaptiveCard, teamsCardMessage } from './teams.ts';
import type { WebhookUrls } from './webhook-urls.ts';

/** An alert with the company it belongs to, as the chat renderers need it. */
interface CompanyAlert {
  readonly alert: AlarmAlert;
  readonly companyName: string;
}

/** The Slack message of an alert: a short text, the title in bold. */
export function slackAlertMessage({ alert, companyName }: CompanyAlert): { text: string } {
  return { text: `*${slackEscape(alertTitle(alert, companyName))}*\n${slackEscape(alertText(alert))}` };
}

/** The Teams message of an alert: an Adaptive Card with the title and the text. */
export function teamsAlertMessage({ alert, companyName }: CompanyAlert): Record<string, unknown> {
  return teamsCardMessage(
    adaptiveCard([
      {
        type: 'TextBlock',
        text: alertTitle(alert, companyName),
        weight: 'Bolder',
        wrap: true,
        style: 'heading',
        color: alert.state === 'ALARM' ? 'Attention' : 'Good',
      },
      { type: 'TextBlock', text: alertText(alert), wrap: true },
    ]),
  );
}

/**
 * Posts alerts to Slack and Teams webhooks through the same notifier as department
 * notifications (URL from the target's secret, retries within a budget).
 */
export class ChatAlertSender implements AlertSender {
  private readonly slack: ChatWebhookNotifier<Extract<AlertChatTarget, { type: 'slack' }>, CompanyAlert>;
  private readonly teams: ChatWebhookNotifier<Extract<AlertChatTarget, { type: 'teams' }>, CompanyAlert>;

  constructor(
    private readonly companyName: string,
    urls: Pick<WebhookUrls, 'urlFor'>,
    http: Omit<PostJsonOptions, 'target'> = {},
  ) {
    this.slack = new ChatWebhookNotifier(slackAlertMessage, (t) => `slack ${t.channel}`, urls, http);
    this.teams = new ChatWebhookNotifier(teamsAlertMessage, (t) => `teams ${t.secretName}`, urls, http);
  }

  async send(alert: AlarmAlert, target: AlertChatTarget): Promise<void> {
    const message = { alert, companyName: this.companyName };
    if (target.type === 'slack') await this.slack.send(message, target);
    else await this.teams.send(message, target);
  }
}

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
