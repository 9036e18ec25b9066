import { targetTypeOf } from '../shared/adapters/notify/registry.ts';
import type { CompanyConfig } from '../shared/config/schema.ts';
import type { NotificationTarget } from '../shared/domain/notification.ts';
import type { EnvValue, Grant, SecretSpec } from './topology.ts';

/**
 * What the functions that notify need (shared/adapters/notify): a secret per distinct
 * webhook secret of the departments' and management's chat targets with read grants (the
 * notifier derives each secret's name from the config, so no variable carries it), the
 * e-mail sender, and the right to send e-mail through Amazon SES when a target type sends
 * e-mail. Every part comes from the target's registered type (registry.ts); buildTopology adds them.
 */
export interface NotificationTopology {
  readonly secrets: readonly SecretSpec[];
  readonly environment: Readonly<Record<string, EnvValue>>;
  readonly grants: readonly Grant[];
}

/**
 * The secret of a chat target: its name from the config, its id, and the platform and
 * description its own type declares (never another type's).
 * @throws NotifierConfigError for a type that is not registered or posts to no webhook
 */
export function chatSecretSpec(companyId: string, target: NotificationTarget): SecretSpec {
  const { secret, type } = targetTypeOf(target);
  if (!secret) throw new Error(`${type} targets have no webhook secret`);
  const name = secret.nameOf(companyId, target);
  return { id: notificationSecretId(name), name, platform: secret.platform, description: secret.description };
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
    const type = targetTypeOf(target);
    if (type.sendsEmail) email = true;
    if (!type.secret) continue;
    const spec = chatSecretSpec(config.company.id, target);
    // A secret shared by targets of two types keeps the first description.
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
