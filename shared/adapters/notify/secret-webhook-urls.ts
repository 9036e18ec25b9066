import type { FunctionEnv } from '../../config/runtime-env.ts';
import { createSecretsClient } from '../secrets-client.ts';
import { SecretsManagerWebhookSecrets } from '../secrets-store.ts';
import { WebhookUrls } from './webhook-urls.ts';

/**
 * The webhook URLs of chat targets from Secrets Manager in AWS: read on first use, cached,
 * the secret's name taken as given (each type's `secret.nameOf` derives it from the config).
 */
export function secretsManagerWebhookUrls(env: FunctionEnv): WebhookUrls {
  return new WebhookUrls(
    new SecretsManagerWebhookSecrets({
      client: createSecretsClient(env),
      secretNameOf: (name) => name,
      allowPlainText: true,
    }),
  );
}
