import * as z from '../../domain/zod-mini.ts';
import { alertText, alertTitle } from '../../domain/alarm-alert.ts';
import { formatTime, label, mentionAuthor, personLabel, type Notification } from '../../domain/notification.ts';
import type { ReportMessage } from '../../domain/reports/run-reports.ts';
import { chatTarget, type CompanyAlert } from './target-type.ts';

/**
 * Slack: department notifications, reports and alerts through incoming webhooks, the URL
 * read from the target's secret (by default one secret for all channels,
 * `backchannel/<company>/slack`, with a URL per channel).
 */

/** Slack caps a section's text at 3000 characters. */
const SECTION_LIMIT = 3000;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|text>`, a link whose text is escaped and whose URL cannot break out of the link. */
function slackLink(url: string, text: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${slackEscape(text)}>`;
}

/**
 * The incoming-webhook payload of a notification: `text` (the fallback shown in
 * notifications and by clients without blocks) and Block Kit blocks with the mention's
 * text, author, platform link, category, sentiment, urgency, routing reasons and the case link.
 */
export function slackMessage(n: Notification): { text: string; blocks: unknown[] } {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: slackEscape(n.summary) } },
  ];
  if (n.people.length > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `*Attention:* ${slackEscape(n.people.map(personLabel).join(', '))}` }],
    });
  }
  const m = n.mention;
  if (m) {
    const author = m.url
      ? slackLink(m.url, `${mentionAuthor(m)} on ${m.platform}`)
      : slackEscape(`${mentionAuthor(m)} on ${m.platform}`);
    const quote = slackEscape(m.text)
      .split('\n')
      .map((line) => `>${line}`)
      .join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${author}\n${quote}`.slice(0, SECTION_LIMIT) } });
    blocks.push({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Category*\n${slackEscape(label(m.category))}` },
        { type: 'mrkdwn', text: `*Sentiment*\n${m.sentiment}` },
        { type: 'mrkdwn', text: `*Urgency*\n${Math.round(m.urgency * 100)}%` },
        { type: 'mrkdwn', text: `*Priority*\n${n.priority}` },
      ],
    });
    if (m.reasons.length > 0) {
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Why here*\n${m.reasons.map((r) => `• ${slackEscape(r)}`).join('\n')}`.slice(0, SECTION_LIMIT),
        },
      });
    }
    if (m.classifierReasons && m.classifierReasons.length > 0) {
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*What the classifier saw*\n${m.classifierReasons.map((r) => `• ${slackEscape(r)}`).join('\n')}`.slice(
            0,
            SECTION_LIMIT,
          ),
        },
      });
    }
  }
  const due = `Due ${formatTime(n.dueAt, n.timezone)}`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(`${due} · case ${n.caseId}`) }] });
  if (n.caseUrl) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open case' }, url: n.caseUrl }],
    });
  }
  return { text: slackEscape(`${n.title}: ${n.summary}`), blocks };
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
            .slice(0, SECTION_LIMIT),
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'The full report with charts goes out by e-mail.' }] },
    ],
  };
}

/** The Slack message of an alert: a short text, the title in bold. */
export function slackAlertMessage({ alert, companyName }: CompanyAlert): { text: string } {
  return { text: `*${slackEscape(alertTitle(alert, companyName))}*\n${slackEscape(alertText(alert))}` };
}

export const slack = chatTarget({
  type: 'slack',
  schema: z.strictObject({
    type: z.literal('slack'),
    channel: z
      .string()
      .check(
        z.regex(/^#[a-z0-9._-]+$/, 'use a Slack channel such as #presse'),
        z.meta({ description: 'the Slack channel, e.g. #presse' }),
      ),
    secretName: z
      .optional(z.string().check(z.minLength(1)))
      .check(z.meta({ description: 'secret with the incoming-webhook URL; default backchannel/<company>/slack' })),
  }),
  secret: {
    platform: 'notify-slack',
    description:
      'Slack incoming-webhook URL(s) for department notifications: the URL, {"webhookUrl": "https://hooks.slack.com/services/..."} or {"channels": {"#channel": "https://hooks.slack.com/services/..."}}',
    nameOf: (companyId, target) => target.secretName ?? `backchannel/${companyId}/slack`,
    channelOf: (target) => target.channel,
  },
  render: { notification: slackMessage, report: slackReportMessage, alert: slackAlertMessage },
});
