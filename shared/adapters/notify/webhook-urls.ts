import { z } from 'zod';
import { notificationSecretName, type NotificationTarget } from '../../domain/notification.ts';
import type { WebhookSecretProvider } from '../../domain/receive-webhook.ts';
import { NotifierConfigError } from './errors.ts';

/**
 * Where the webhook URLs of Slack and Teams targets come from: Secrets Manager, through the
 * cached secret store. A secret holds the plain URL, `{"webhookUrl": "https://..."}`, or
 * (for one Slack secret shared by several channels, as the default
 * `backchannel/<company>/slack` is) `{"channels": {"#presse": "https://...", ...}}` with an
 * optional `webhookUrl` for the other channels: a Slack incoming webhook posts to the one
 * channel it was created for.
 */

export type ChatTarget = Exclude<NotificationTarget, { type: 'email' }>;

const url = z.url({ protocol: /^https?$/ });
const SecretShape = z.union([
  url,
  z.object({ webhookUrl: url.optional(), channels: z.record(z.string(), url).optional() }),
]);

export class WebhookUrls {
  constructor(
    private readonly secrets: Pick<WebhookSecretProvider, 'secretFor'>,
    private readonly companyId: string,
  ) {}

  /**
   * The URL to post a target's messages to.
   * @throws NotifierConfigError when the secret has no usable URL for the target (the message names the secret, not its value)
   * @throws SecretUnavailableError when the secret cannot be read
   */
  async urlFor(target: ChatTarget): Promise<string> {
    const name = notificationSecretName(this.companyId, target);
    const parsed = SecretShape.safeParse(await this.secrets.secretFor(name));
    if (!parsed.success) {
      throw new NotifierConfigError(
        `secret "${name}" holds no webhook URL: store the URL, {"webhookUrl": "https://..."} or {"channels": {"#channel": "https://..."}}`,
      );
    }
    const value = parsed.data;
    if (typeof value === 'string') return value;
    const byChannel = target.type === 'slack' ? value.channels?.[target.channel] : undefined;
    const found = byChannel ?? value.webhookUrl;
    if (!found) {
      const what = target.type === 'slack' ? `channel ${target.channel}` : 'the Teams workflow';
      throw new NotifierConfigError(
        `secret "${name}" has no webhook URL for ${what}: add it under "channels" or as "webhookUrl"`,
      );
    }
    return found;
  }
}
