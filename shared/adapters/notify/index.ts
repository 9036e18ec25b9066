import type { CompanyConfig } from '../../config/schema.ts';
import type { FunctionEnv } from '../../config/runtime-env.ts';
import type { Notifier } from '../../domain/notify-department.ts';
import { createSecretsClient, createSesClient } from '../aws-clients.ts';
import { SecretsManagerWebhookSecrets } from '../secrets-store.ts';
import { CompositeNotifier } from './composite.ts';
import { NOTIFY_OUTBOX_DIR_ENV, OutboxNotifier } from './outbox.ts';
import { SesEmailNotifier } from './ses-email.ts';
import { SlackNotifier } from './slack.ts';
import { TeamsNotifier } from './teams.ts';
import { WebhookUrls } from './webhook-urls.ts';

export { CompositeNotifier, type NotifiersByType } from './composite.ts';
export { NotifierConfigError } from './errors.ts';
export { DEFAULT_POST_BUDGET_MS, postJsonWithRetry, WebhookDeliveryError, type PostJsonOptions } from './http-retry.ts';
export {
  NOTIFY_OUTBOX_DIR_ENV,
  OutboxEraser,
  OutboxNotifier,
  createOutboxEraser,
  type OutboxLine,
  type OutboxNotifierOptions,
} from './outbox.ts';
export { emailHtml, SesEmailNotifier, type SesEmailNotifierOptions } from './ses-email.ts';
export { slackMessage, SlackNotifier } from './slack.ts';
export { teamsCard, teamsMessage, TeamsNotifier } from './teams.ts';
export { WebhookUrls, type ChatTarget } from './webhook-urls.ts';

/** The e-mail sender (the topology sets it from `notifications.from`). */
export const NOTIFY_FROM_EMAIL_ENV = 'NOTIFY_FROM_EMAIL';

/**
 * The notifier of a function, built once per cold start: the local outbox when
 * NOTIFY_OUTBOX_DIR is set (`npm start`: nothing leaves the machine), else Slack and Teams
 * webhooks (URLs from Secrets Manager) and Amazon SES.
 */
export function createNotifier(env: FunctionEnv, config: CompanyConfig): Notifier {
  const outboxDir = env[NOTIFY_OUTBOX_DIR_ENV];
  if (outboxDir) return new OutboxNotifier({ dir: outboxDir });
  const urls = new WebhookUrls(
    new SecretsManagerWebhookSecrets({
      client: createSecretsClient(env),
      secretNameOf: (name) => name,
      allowPlainText: true,
    }),
    config.company.id,
  );
  return new CompositeNotifier({
    slack: new SlackNotifier(urls),
    teams: new TeamsNotifier(urls),
    email: new SesEmailNotifier({
      client: createSesClient(env),
      from: env[NOTIFY_FROM_EMAIL_ENV] ?? config.notifications?.from,
    }),
  });
}
