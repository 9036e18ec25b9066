import type { CompanyConfig } from '../shared/config/schema.ts';
import { notificationSecretName, type NotificationTarget } from '../shared/domain/notification.ts';
import type { EnvValue, Grant, SecretSpec } from './topology.ts';

/**
 * What handle-department needs to notify departments (shared/adapters/notify): a secret per
 * distinct Slack or Teams webhook secret of the departments' targets with read grants (the
 * notifier derives each secret's name from the config, so no variable carries it), the e-mail sender, and the right to send e-mail through
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

/** A notification target that posts to a chat webhook (everything but e-mail). */
export type ChatTargetType = Exclude<NotificationTarget['type'], 'email'>;

/**
 * The secret platform of each chat target type, spelt out: a new chat type must be listed
 * here (the compiler says so) instead of being taken for Teams.
 */
export const CHAT_SECRET_PLATFORMS = {
  slack: 'notify-slack',
  teams: 'notify-teams',
} as const satisfies Record<ChatTargetType, keyof typeof CHAT_SECRET_DESCRIPTIONS>;

/** The secret of a chat target: its name from the config, its id, platform and description. */
export function chatSecretSpec(
  companyId: string,
  target: Extract<NotificationTarget, { type: ChatTargetType }>,
): SecretSpec {
  const name = notificationSecretName(companyId, target);
  const platform = CHAT_SECRET_PLATFORMS[target.type];
  return { id: notificationSecretId(name), name, platform, description: CHAT_SECRET_DESCRIPTIONS[platform] };
}

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
    const spec = chatSecretSpec(config.company.id, target);
    // A secret shared by a Slack and a Teams target keeps the first description.
    if (!secrets.has(spec.name)) secrets.set(spec.name, spec);
  }
  const specs = [...secrets.values()];
  const from = config.notifications?.from;
  return {
    secrets: specs,
    environment: from ? { NOTIFY_FROM_EMAIL: { kind: 'literal', value: from } as const } : {},
    grants: [
      ...specs.map((s) => ({ resource: 'secret', secret: s.id, access: 'read' }) as const),
      ...(email ? [{ resource: 'email', access: 'send' } as const] : []),
    ],
  };
}
