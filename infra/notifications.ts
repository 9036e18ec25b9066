import type { CompanyConfig } from '../shared/config/schema.ts';
import { notificationSecretName } from '../shared/domain/notification.ts';
import type { EnvValue, Grant, SecretSpec } from './topology.ts';

/**
 * What handle-department needs to notify departments (shared/adapters/notify): a secret per
 * distinct Slack or Teams webhook secret of the departments' targets, their names in its
 * environment with read grants, the e-mail sender, and the right to send e-mail through
 * Amazon SES when a department has an e-mail target. buildTopology adds them.
 */
export interface NotificationTopology {
  readonly secrets: readonly SecretSpec[];
  readonly environment: Readonly<Record<string, EnvValue>>;
  readonly grants: readonly Grant[];
}

/** What a chat webhook secret holds, by secret platform. */
export const CHAT_SECRET_DESCRIPTIONS = {
  'notify-slack':
    'Slack incoming-webhook URL(s) for department notifications: the URL, {"webhookUrl": "https://hooks.slack.com/services/..."} or {"channels": {"#channel": "https://hooks.slack.com/services/..."}}',
  'notify-teams':
    'Microsoft Teams workflow (or incoming webhook) URL for department notifications: the URL or {"webhookUrl": "https://..."}',
} as const;

/** The secret id of a notification secret name: `notify-` and the name with every other character a dash. */
export function notificationSecretId(secretName: string): string {
  return `notify-${secretName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

export function notificationTopology(config: CompanyConfig): NotificationTopology {
  const secrets = new Map<string, SecretSpec>();
  let email = false;
  // Departments are told of cases and get their reports there; management reports go to reports.management.
  const targets = [...config.departments.flatMap((d) => d.notify ?? []), ...(config.reports.management ?? [])];
  for (const target of targets) {
    if (target.type === 'email') {
      email = true;
      continue;
    }
    const name = notificationSecretName(config.company.id, target);
    // A secret shared by a Slack and a Teams target keeps the first description.
    if (secrets.has(name)) continue;
    const platform = target.type === 'slack' ? 'notify-slack' : 'notify-teams';
    secrets.set(name, {
      id: notificationSecretId(name),
      name,
      platform,
      description: CHAT_SECRET_DESCRIPTIONS[platform],
    });
  }
  const specs = [...secrets.values()];
  const from = config.notifications?.from;
  return {
    secrets: specs,
    environment: {
      ...Object.fromEntries(
        specs.map((s) => [
          `${s.id.toUpperCase().replace(/-/g, '_')}_SECRET_NAME`,
          { kind: 'secretName', secret: s.id } as const,
        ]),
      ),
      ...(from ? { NOTIFY_FROM_EMAIL: { kind: 'literal', value: from } as const } : {}),
    },
    grants: [
      ...specs.map((s) => ({ resource: 'secret', secret: s.id, access: 'read' }) as const),
      ...(email ? [{ resource: 'email', access: 'send' } as const] : []),
    ],
  };
}
