import * as z from '../../domain/zod-mini.ts';
import { alertText, alertTitle } from '../../domain/alarm-alert.ts';
import { formatTime, label, mentionAuthor, type Notification } from '../../domain/notification.ts';
import type { ReportMessage } from '../../domain/reports/run-reports.ts';
import { chatTarget, type CompanyAlert } from './target-type.ts';

/**
 * Microsoft Teams: department notifications, reports and alerts as Adaptive Cards, posted
 * to a Teams workflow ("When a Teams webhook request is received") or incoming webhook
 * whose URL is in the target's secret.
 */

/**
 * The Adaptive Card (1.4) of a notification. People with an e-mail address are @-mentioned
 * (`<at>Name</at>` with an `msteams.entities` mention by their user principal name).
 */
export function teamsCard(n: Notification): Record<string, unknown> {
  const mentioned = n.people.filter((p) => p.email);
  const body: unknown[] = [
    { type: 'TextBlock', text: n.title, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' },
    { type: 'TextBlock', text: n.summary, wrap: true },
  ];
  if (n.people.length > 0) {
    const names = n.people
      .map((p) => (p.email ? `<at>${p.name}</at> (${p.role})` : `${p.name} (${p.role})`))
      .join(', ');
    body.push({ type: 'TextBlock', text: `Attention: ${names}`, wrap: true });
  }
  const m = n.mention;
  if (m) {
    body.push(
      {
        type: 'TextBlock',
        text: `${mentionAuthor(m)} on ${m.platform}`,
        weight: 'Bolder',
        wrap: true,
        spacing: 'Medium',
      },
      // Container with emphasis: a quote that cannot be mistaken for our own words.
      { type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: m.text, wrap: true }] },
      {
        type: 'FactSet',
        facts: [
          { title: 'Category', value: label(m.category) },
          { title: 'Sentiment', value: m.sentiment },
          { title: 'Urgency', value: `${Math.round(m.urgency * 100)}%` },
          { title: 'Priority', value: n.priority },
          { title: 'Due', value: formatTime(n.dueAt, n.timezone) },
          { title: 'Case', value: n.caseId },
        ],
      },
    );
    if (m.reasons.length > 0) {
      body.push(
        { type: 'TextBlock', text: 'Why here', weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: m.reasons.map((r) => `- ${r}`).join('\n'), wrap: true },
      );
    }
    if (m.classifierReasons && m.classifierReasons.length > 0) {
      body.push(
        { type: 'TextBlock', text: 'What the classifier saw', weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: m.classifierReasons.map((r) => `- ${r}`).join('\n'), wrap: true },
      );
    }
  } else {
    body.push({
      type: 'FactSet',
      facts: [
        { title: 'Priority', value: n.priority },
        { title: 'Due', value: formatTime(n.dueAt, n.timezone) },
        { title: 'Case', value: n.caseId },
      ],
    });
  }
  const actions: unknown[] = [];
  if (n.caseUrl) actions.push({ type: 'Action.OpenUrl', title: 'Open case', url: n.caseUrl });
  if (m?.url) actions.push({ type: 'Action.OpenUrl', title: `Open on ${m.platform}`, url: m.url });
  return {
    ...adaptiveCard(body),
    ...(actions.length > 0 ? { actions } : {}),
    ...(mentioned.length > 0
      ? {
          msteams: {
            width: 'Full',
            entities: mentioned.map((p) => ({
              type: 'mention',
              text: `<at>${p.name}</at>`,
              mentioned: { id: p.email, name: p.name },
            })),
          },
        }
      : { msteams: { width: 'Full' } }),
  };
}

/** An Adaptive Card (schema 1.4) with these body elements. */
export function adaptiveCard(body: readonly unknown[]): Record<string, unknown> {
  return { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body };
}

/** The message envelope that Teams workflows ("When a Teams webhook request is received") and incoming webhooks accept, around one card. */
export function teamsCardMessage(card: Record<string, unknown>): {
  type: 'message';
  attachments: { contentType: string; contentUrl: null; content: Record<string, unknown> }[];
} {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}

/** The Teams message of a notification. */
export function teamsMessage(n: Notification): ReturnType<typeof teamsCardMessage> {
  return teamsCardMessage(teamsCard(n));
}

/** The Teams payload of a report: an Adaptive Card with the title and summary. */
export function teamsReportMessage(message: ReportMessage): ReturnType<typeof teamsCardMessage> {
  return teamsCardMessage(
    adaptiveCard([
      { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: message.title, wrap: true },
      ...message.summary.map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'Small' })),
    ]),
  );
}

/** The Teams message of an alert: an Adaptive Card with the title and the text. */
export function teamsAlertMessage({ alert, companyName }: CompanyAlert): ReturnType<typeof teamsCardMessage> {
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

export const teams = chatTarget({
  type: 'teams',
  schema: z.strictObject({
    type: z.literal('teams'),
    secretName: z.string().check(z.minLength(1), z.meta({ description: 'secret with the Teams workflow URL' })),
  }),
  secret: {
    platform: 'notify-teams',
    description:
      'Microsoft Teams workflow (or incoming webhook) URL for department notifications: the URL or {"webhookUrl": "https://..."}',
    nameOf: (_companyId, target) => target.secretName,
  },
  render: { notification: teamsMessage, report: teamsReportMessage, alert: teamsAlertMessage },
});
