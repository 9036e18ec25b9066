import type { Notification, NotificationTarget } from '../../domain/notification.ts';
import { postJsonWithRetry, type PostJsonOptions } from './http-retry.ts';
import type { ChatTarget, WebhookUrls } from './webhook-urls.ts';

/**
 * Posts a notification, rendered for one chat service, to the webhook URL that the
 * target's secret holds. Slack and Teams differ only in the rendering and the label.
 * `M` is what is rendered: a department's Notification, or another message such as an
 * alarm (functions/forward-alarm).
 */
export class ChatWebhookNotifier<T extends ChatTarget, M = Notification> {
  constructor(
    private readonly render: (message: M) => unknown,
    /** How the target is named in errors and logs; never the URL, which is a secret. */
    private readonly describe: (target: T) => string,
    private readonly urls: Pick<WebhookUrls, 'urlFor'>,
    private readonly http: Omit<PostJsonOptions, 'target'> = {},
  ) {}

  /** @throws WebhookDeliveryError, NotifierConfigError, SecretUnavailableError */
  async send(message: M, target: NotificationTarget): Promise<void> {
    const chat = target as T;
    const url = await this.urls.urlFor(chat);
    await postJsonWithRetry(url, this.render(message), { ...this.http, target: this.describe(chat) });
  }
}
