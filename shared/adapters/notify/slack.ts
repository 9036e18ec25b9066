import type { Notifier } from '../../domain/notify-department.ts';
import {
  formatTime,
  label,
  mentionAuthor,
  personLabel,
  type Notification,
  type NotificationTarget,
} from '../../domain/notification.ts';
import { ChatWebhookNotifier } from './chat-webhook-notifier.ts';
import type { PostJsonOptions } from './http-retry.ts';
import type { WebhookUrls } from './webhook-urls.ts';

type SlackTarget = Extract<NotificationTarget, { type: 'slack' }>;

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

/** Posts notifications to Slack incoming webhooks, the URL read from the target's secret. */
export class SlackNotifier extends ChatWebhookNotifier<SlackTarget> implements Notifier {
  constructor(urls: Pick<WebhookUrls, 'urlFor'>, http: Omit<PostJsonOptions, 'target'> = {}) {
    super(slackMessage, (t) => `slack ${t.channel}`, urls, http);
  }
}
