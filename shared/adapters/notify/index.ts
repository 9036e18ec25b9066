import type { CompanyConfig } from '../../config/schema.ts';
import type { FunctionEnv } from '../../config/runtime-env.ts';
import type { Notifier } from '../../domain/notify-department.ts';
import type { ReportSender } from '../../domain/reports/run-reports.ts';
import { createSesClient } from '../aws-clients.ts';
import { NOTIFY_OUTBOX_DIR_ENV, OutboxNotifier } from './outbox.ts';
import { OutboxReportSender } from './report-senders.ts';
import { registrySenders, type RegistrySenders } from './senders.ts';
import { secretsManagerWebhookUrls } from './secret-webhook-urls.ts';
import { SesMailTransport } from './ses-email.ts';

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
export { createAlertSender } from './alert-senders.ts';
export { emailHtml } from './email.ts';
export { registrySenders, type RegistrySenders } from './senders.ts';
export { SesMailTransport, type SesMailTransportOptions } from './ses-email.ts';
export { slackMessage } from './slack.ts';
export { teamsCard, teamsMessage } from './teams.ts';
export { WebhookUrls } from './webhook-urls.ts';

/** The e-mail sender (the topology sets it from `notifications.from`). */
export const NOTIFY_FROM_EMAIL_ENV = 'NOTIFY_FROM_EMAIL';

/**
 * The senders of every registered target type in AWS: webhook URLs from Secrets Manager
 * (read on first use, cached), e-mail through Amazon SES.
 */
function awsSenders(env: FunctionEnv, config: CompanyConfig): RegistrySenders {
  return registrySenders({
    companyId: config.company.id,
    companyName: config.company.name,
    urls: secretsManagerWebhookUrls(env),
    mail: new SesMailTransport({
      client: createSesClient(env),
      from: env[NOTIFY_FROM_EMAIL_ENV] ?? config.notifications?.from,
    }),
  });
}

/**
 * The notifier of a function, built once per cold start: the local outbox when
 * NOTIFY_OUTBOX_DIR is set (`npm start`: nothing leaves the machine), else the registered
 * target types (registry.ts).
 */
export function createNotifier(env: FunctionEnv, config: CompanyConfig): Notifier {
  const outboxDir = env[NOTIFY_OUTBOX_DIR_ENV];
  return outboxDir ? new OutboxNotifier({ dir: outboxDir }) : awsSenders(env, config).notifier;
}

/** Where reports go: the local outbox under `npm start`, else the registered target types. */
export function createReportSender(env: FunctionEnv, config: CompanyConfig): ReportSender {
  const outboxDir = env[NOTIFY_OUTBOX_DIR_ENV];
  return outboxDir ? new OutboxReportSender({ dir: outboxDir }) : awsSenders(env, config).reports;
}
