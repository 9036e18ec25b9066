import * as z from '../../domain/zod-mini.ts';
import type { WebhookSecretProvider } from '../../domain/receive-webhook.ts';
import { NotifierConfigError } from './errors.ts';

/**
 * Where the webhook URLs of chat targets come from: Secrets Manager, through the cached
 * secret store. A secret holds the plain URL, `{"webhookUrl": "https://..."}`, or (for one
 * secret shared by several channels, as the default `backchannel/<company>/slack` is)
 * `{"channels": {"#presse": "https://...", ...}}` with an optional `webhookUrl` for the
 * other channels: a Slack incoming webhook posts to the one channel it was created for.
 */

/** A secret's name and, for a secret shared by several destinations, the entry of one. */
export interface SecretRef {
  readonly name: string;
  readonly channel?: string;
}

const url = z.url({ protocol: /^https?$/ });
const SecretShape = z.union([
  url,
  z.object({ webhookUrl: z.optional(url), channels: z.optional(z.record(z.string(), url)) }),
]);

export class WebhookUrls {
  constructor(private readonly secrets: Pick<WebhookSecretProvider, 'secretFor'>) {}

  /**
   * The URL to post a target's messages to.
   * @param label names the target in errors (`slack #presse`)
   * @throws NotifierConfigError when the secret has no usable URL for the target (the message names the secret, not its value)
   * @throws SecretUnavailableError when the secret cannot be read
   */
  async urlFor(secret: SecretRef, label: string): Promise<string> {
    const { name, channel } = secret;
    const parsed = SecretShape.safeParse(await this.secrets.secretFor(name));
    if (!parsed.success) {
      throw new NotifierConfigError(
        `secret "${name}" holds no webhook URL: store the URL, {"webhookUrl": "https://..."} or {"channels": {"#channel": "https://..."}}`,
      );
    }
    const value = parsed.data;
    if (typeof value === 'string') return value;
    const found = (channel !== undefined ? value.channels?.[channel] : undefined) ?? value.webhookUrl;
    if (!found) {
      throw new NotifierConfigError(
        `secret "${name}" has no webhook URL for ${label}: add it ${channel !== undefined ? 'under "channels" or ' : ''}as "webhookUrl"`,
      );
    }
    return found;
  }
}
