import * as z from '../../domain/zod-mini.ts';
import {
  formatTime,
  label,
  mentionAuthor,
  notificationText,
  personLabel,
  type Notification,
} from '../../domain/notification.ts';
import { escapeHtml } from '../../domain/reports/render.ts';
import type { TargetType } from './target-type.ts';

/**
 * E-mail: department notifications and reports (with their charts inline) to a list of
 * addresses, through the function's mail transport (Amazon SES in AWS, ses-email.ts). It
 * posts to no webhook, so it has no secret, and it carries no alerts: the alert topic
 * e-mails `alerts.email` itself.
 */

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

const schema = z.strictObject({
  type: z.literal('email'),
  to: z
    .array(z.email('not an e-mail address'))
    .check(z.minLength(1), z.meta({ description: 'the addresses that receive the e-mail (sent through Amazon SES)' })),
});

export const email: TargetType<'email', typeof schema> = {
  type: 'email',
  schema,
  sendsEmail: true,
  alerts: false,
  senders: ({ mail }) => ({
    notification: (n, { to }) =>
      mail.send({
        to,
        subject: n.title,
        text: notificationText(n),
        html: emailHtml(n),
        tags: { kind: n.kind, department: n.department },
      }),
    report: (message, { to }) =>
      mail.send({
        to,
        subject: message.title,
        text: message.text,
        html: message.html,
        inlineImages: message.charts.map((chart) => ({
          contentId: chart.id,
          fileName: `${chart.id}.png`,
          contentType: 'image/png',
          description: chart.title,
          content: chart.png,
        })),
        tags: { kind: `report-${message.report.kind}`, audience: message.report.audience },
      }),
  }),
};
