import { SendEmailCommand, type SendEmailCommandInput, type SESv2Client } from '@aws-sdk/client-sesv2';
import {
  formatTime,
  label,
  mentionAuthor,
  notificationText,
  personLabel,
  type Notification,
  type NotificationTarget,
} from '../../domain/notification.ts';
import type { Notifier } from '../../domain/notify-department.ts';
import { NotifierConfigError } from './errors.ts';

type EmailTarget = Extract<NotificationTarget, { type: 'email' }>;

export interface SesEmailNotifierOptions {
  readonly client: SESv2Client;
  /**
   * The sender, an address or domain verified in Amazon SES: `notifications.from` of the
   * company config (the topology passes it as NOTIFY_FROM_EMAIL).
   */
  readonly from: string | undefined;
  /** An SES configuration set (event publishing, suppression), when the company uses one. */
  readonly configurationSetName?: string;
}

const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Only http(s) links become anchors; anything else is shown as text. */
const safeHref = (url: string): string | undefined => (/^https?:\/\//i.test(url) ? escapeHtml(url) : undefined);

/** The HTML part: the same facts as the text part, in a plain layout every mail client shows. */
export function emailHtml(n: Notification): string {
  const parts = [`<h2 style="margin:0 0 8px">${escapeHtml(n.title)}</h2>`, `<p>${escapeHtml(n.summary)}</p>`];
  if (n.people.length > 0)
    parts.push(`<p><strong>Attention:</strong> ${escapeHtml(n.people.map(personLabel).join(', '))}</p>`);
  const m = n.mention;
  if (m) {
    const who = escapeHtml(`${mentionAuthor(m)} on ${m.platform}`);
    const href = m.url ? safeHref(m.url) : undefined;
    parts.push(
      `<p><strong>${href ? `<a href="${href}">${who}</a>` : who}</strong></p>`,
      `<blockquote style="margin:0 0 12px;padding:8px 12px;border-left:4px solid #ccc;white-space:pre-wrap">${escapeHtml(m.text)}</blockquote>`,
      '<table cellpadding="4" style="border-collapse:collapse">',
      ...[
        ['Category', label(m.category)],
        ['Sentiment', m.sentiment],
        ['Urgency', `${Math.round(m.urgency * 100)}%`],
        ['Priority', n.priority],
      ].map(([k, v]) => `<tr><th align="left">${k}</th><td>${escapeHtml(String(v))}</td></tr>`),
      '</table>',
    );
    if (m.reasons.length > 0)
      parts.push(
        '<p><strong>Why here</strong></p>',
        `<ul>${m.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`,
      );
    if (m.classifierReasons && m.classifierReasons.length > 0) {
      parts.push(
        '<p><strong>What the classifier saw</strong></p>',
        `<ul>${m.classifierReasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`,
      );
    }
  }
  parts.push(`<p>Due ${escapeHtml(formatTime(n.dueAt, n.timezone))}</p>`);
  const caseHref = n.caseUrl ? safeHref(n.caseUrl) : undefined;
  parts.push(
    caseHref
      ? `<p><a href="${caseHref}">Open case ${escapeHtml(n.caseId)}</a></p>`
      : `<p>Case ${escapeHtml(n.caseId)}</p>`,
  );
  return `<!doctype html><html><body style="font-family:sans-serif">${parts.join('\n')}</body></html>`;
}

/**
 * Sends notifications as e-mail with Amazon SES (API v2, SendEmail with simple content: a
 * text and an HTML part). The SDK retries throttling and 5xx itself; what still fails
 * throws, and the queue message comes back.
 */
export class SesEmailNotifier implements Notifier {
  constructor(private readonly options: SesEmailNotifierOptions) {}

  /** @throws NotifierConfigError without a sender; the SDK's error when SES refuses */
  async send(notification: Notification, target: NotificationTarget): Promise<void> {
    const { to } = target as EmailTarget;
    const from = this.options.from;
    if (!from)
      throw new NotifierConfigError(
        'no sender for e-mail notifications: set notifications.from in the company config (an address verified in Amazon SES)',
      );
    await this.options.client.send(
      simpleEmailCommand({
        from,
        to,
        subject: notification.title,
        text: notificationText(notification),
        html: emailHtml(notification),
        configurationSetName: this.options.configurationSetName,
        tags: { kind: notification.kind, department: notification.department },
      }),
    );
  }
}

/** One e-mail with a text and an HTML part (and inline attachments), as SESv2 simple content. */
export interface SimpleEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: NonNullable<NonNullable<SendEmailCommandInput['Content']>['Simple']>['Attachments'];
  readonly configurationSetName?: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/** The SendEmail command of one simple e-mail; line breaks in the subject become spaces (no header injection). */
export function simpleEmailCommand(email: SimpleEmail): SendEmailCommand {
  return new SendEmailCommand({
    FromEmailAddress: email.from,
    Destination: { ToAddresses: [...email.to] },
    Content: {
      Simple: {
        Subject: { Data: email.subject.replace(/[\r\n]+/g, ' '), Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        ...(email.attachments ? { Attachments: email.attachments } : {}),
      },
    },
    ...(email.configurationSetName ? { ConfigurationSetName: email.configurationSetName } : {}),
    EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
  });
}
