import { targetLabel, type NotificationTarget } from '../../domain/notification.ts';
import { postJsonWithRetry, type PostJsonOptions } from './http-retry.ts';
import type { SecretRef, WebhookUrls } from './webhook-urls.ts';

/**
 * Posts a message, rendered for one chat service, to the webhook URL that the target's
 * secret holds. Chat types differ only in the rendering and the secret (target-type.ts).
 * `M` is what is rendered: a department's Notification, a report, an alarm.
 */
export class ChatWebhookNotifier<T extends NotificationTarget, M> {
  constructor(
    private readonly render: (message: M) => unknown,
    /** The secret (and, in a shared secret, the entry) that holds the target's URL. */
    private readonly secretOf: (target: T) => SecretRef,
    private readonly urls: Pick<WebhookUrls, 'urlFor'>,
    private readonly http: Omit<PostJsonOptions, 'target'> = {},
  ) {}

  /** @throws WebhookDeliveryError, NotifierConfigError, SecretUnavailableError */
  async send(message: M, target: T): Promise<void> {
    // The label names the target in errors and logs; never the URL, which is a secret.
    const label = targetLabel(target);
    const url = await this.urls.urlFor(this.secretOf(target), label);
    await postJsonWithRetry(url, this.render(message), { ...this.http, target: label });
  }
}
