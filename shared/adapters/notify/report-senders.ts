import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { NotificationTarget } from '../../domain/notification.ts';
import { reportHtml } from '../../domain/reports/render.ts';
import type { ReportMessage, ReportSender } from '../../domain/reports/run-reports.ts';
import { logger } from '../../observability/powertools.ts';
import { ChatWebhookNotifier } from './chat-webhook-notifier.ts';
import { NotifierConfigError } from './errors.ts';
import type { PostJsonOptions } from './http-retry.ts';
import { simpleEmailCommand } from './ses-email.ts';
import { slackEscape } from './slack.ts';
import { adaptiveCard, teamsCardMessage } from './teams.ts';
import type { WebhookUrls } from './webhook-urls.ts';

/** The log message of a report written to the outbox; the local runtime prints it with the HTML file's path. */
export const REPORT_WRITTEN = 'Report written to outbox';

type EmailTarget = Extract<NotificationTarget, { type: 'email' }>;
type SlackTarget = Extract<NotificationTarget, { type: 'slack' }>;
type TeamsTarget = Extract<NotificationTarget, { type: 'teams' }>;

/**
 * Sends a report as HTML e-mail with Amazon SES (API v2, SendEmail with simple content):
 * a text part, an HTML part and each chart as an inline PNG attachment with a Content-ID,
 * which the HTML shows as `<img src="cid:...">` (SESv2 simple content takes attachments
 * with `ContentDisposition: INLINE` and `ContentId`, so no raw MIME is built here).
 */
export class SesReportSender implements ReportSender {
  constructor(
    private readonly options: {
      readonly client: SESv2Client;
      readonly from: string | undefined;
      readonly configurationSetName?: string;
    },
  ) {}

  /** @throws NotifierConfigError without a sender; the SDK's error when SES refuses */
  async send(message: ReportMessage, target: NotificationTarget): Promise<void> {
    const { to } = target as EmailTarget;
    const from = this.options.from;
    if (!from)
      throw new NotifierConfigError(
        'no sender for report e-mails: set notifications.from in the company config (an address verified in Amazon SES)',
      );
    await this.options.client.send(
      simpleEmailCommand({
        from,
        to,
        subject: message.title,
        text: message.text,
        html: message.html,
        attachments: message.charts.map((chart) => ({
          FileName: `${chart.id}.png`,
          ContentType: 'image/png',
          ContentDisposition: 'INLINE',
          ContentId: chart.id,
          ContentTransferEncoding: 'BASE64',
          ContentDescription: chart.title,
          RawContent: chart.png,
        })),
        configurationSetName: this.options.configurationSetName,
        tags: { kind: `report-${message.report.kind}`, audience: message.report.audience },
      }),
    );
  }
}

/** The Slack incoming-webhook payload of a report: its title and the short summary. */
export function slackReportMessage(message: ReportMessage): { text: string; blocks: unknown[] } {
  return {
    text: slackEscape(`${message.title}: ${message.summary[0] ?? ''}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: message.title.slice(0, 150), emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: message.summary
            .map((l) => `• ${slackEscape(l)}`)
            .join('\n')
            .slice(0, 3000),
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'The full report with charts goes out by e-mail.' }] },
    ],
  };
}

/** The Teams (workflow webhook) payload of a report: an Adaptive Card with the title and summary. */
export function teamsReportMessage(message: ReportMessage): unknown {
  return teamsCardMessage(
    adaptiveCard([
      { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: message.title, wrap: true },
      ...message.summary.map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'Small' })),
    ]),
  );
}

export class SlackReportSender extends ChatWebhookNotifier<SlackTarget, ReportMessage> implements ReportSender {
  constructor(urls: Pick<WebhookUrls, 'urlFor'>, http: Omit<PostJsonOptions, 'target'> = {}) {
    super(slackReportMessage, (t) => `slack ${t.channel}`, urls, http);
  }
}

export class TeamsReportSender extends ChatWebhookNotifier<TeamsTarget, ReportMessage> implements ReportSender {
  constructor(urls: Pick<WebhookUrls, 'urlFor'>, http: Omit<PostJsonOptions, 'target'> = {}) {
    super(teamsReportMessage, (t) => `teams ${t.secretName}`, urls, http);
  }
}

/** Dispatches each report delivery to the sender of its target's type. */
export class CompositeReportSender implements ReportSender {
  constructor(private readonly byType: Partial<Record<NotificationTarget['type'], ReportSender>>) {}

  async send(message: ReportMessage, target: NotificationTarget): Promise<void> {
    const sender = this.byType[target.type];
    if (!sender) throw new NotifierConfigError(`no report sender for ${target.type} targets in this environment`);
    await sender.send(message, target);
  }
}

/** The HTML file of a report for a browser: the charts inline as data URIs. */
export function reportFileHtml(message: ReportMessage): string {
  return reportHtml(
    message.report,
    message.charts.map((c) => ({
      id: c.id,
      title: c.title,
      alt: c.alt,
      src: `data:image/png;base64,${Buffer.from(c.png).toString('base64')}`,
    })),
  );
}

/** The file name of a report: `<kind>-<period>-<audience>.html`. */
export function reportFileName(message: Pick<ReportMessage, 'report'>): string {
  const r = message.report;
  return `${r.kind}-${r.period.id}-${path.basename(r.audience)}.html`;
}

/**
 * The local stand-in for report delivery: nothing leaves the machine. Each delivery is one
 * JSON line in `<dir>/reports.jsonl` (target, title, summary, the file), and the report is
 * written once as `<dir>/reports/<kind>-<period>-<audience>.html` to open in a browser.
 */
export class OutboxReportSender implements ReportSender {
  constructor(
    private readonly options: {
      readonly dir: string;
      readonly log?: (line: string) => void;
      readonly now?: () => Date;
    },
  ) {}

  fileOf(message: Pick<ReportMessage, 'report'>): string {
    return path.join(this.options.dir, 'reports', reportFileName(message));
  }

  async send(message: ReportMessage, target: NotificationTarget): Promise<void> {
    const file = this.fileOf(message);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, reportFileHtml(message), 'utf8');
    const line = {
      writtenAt: (this.options.now ?? (() => new Date()))().toISOString(),
      target,
      key: message.key,
      title: message.title,
      summary: message.summary,
      file,
    };
    await appendFile(path.join(this.options.dir, 'reports.jsonl'), `${JSON.stringify(line)}\n`, 'utf8');
    if (this.options.log) this.options.log(`report ${message.key} via ${target.type}: ${message.title} (${file})`);
    else logger.info(REPORT_WRITTEN, { key: message.key, target: target.type, title: message.title, file });
  }
}
