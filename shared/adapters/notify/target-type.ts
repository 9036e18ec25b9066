import type * as z from 'zod/v4/core';
import type { AlarmAlert } from '../../domain/alarm-alert.ts';
import type { Notification, NotificationTarget } from '../../domain/notification.ts';
import type { ReportMessage } from '../../domain/reports/run-reports.ts';
import { ChatWebhookNotifier } from './chat-webhook-notifier.ts';
import type { PostJsonOptions } from './http-retry.ts';
import type { WebhookUrls } from './webhook-urls.ts';

/**
 * The shape of one notification target type (a chat service, e-mail): everything the
 * config schema, the topology and the senders need of it, in one module per type, listed
 * once in registry.ts. See CONTRIBUTING.md, "Add a notifier".
 */

/** An alert with the company it belongs to, as the chat renderers need it. */
export interface CompanyAlert {
  readonly alert: AlarmAlert;
  readonly companyName: string;
}

/** An image shown inline in an e-mail's HTML as `<img src="cid:<contentId>">`. */
export interface InlineImage {
  readonly contentId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly description: string;
  readonly content: Uint8Array;
}

/** One e-mail with a text and an HTML part, as the e-mail target type sends it. */
export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly inlineImages?: readonly InlineImage[];
  /** Message tags (SES EmailTags): kind, department or audience. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Sends e-mail: Amazon SES in AWS (ses-email.ts). */
export interface MailTransport {
  /** @throws NotifierConfigError without a sender address; the transport's error when it refuses */
  send(message: MailMessage): Promise<void>;
}

/** What a type's senders are built from, once per cold start (index.ts). */
export interface SenderContext {
  readonly companyId: string;
  readonly companyName: string;
  readonly urls: Pick<WebhookUrls, 'urlFor'>;
  readonly mail: MailTransport;
  /** Retry budget and, in tests, the fetch and the clock of webhook posts. */
  readonly http?: Omit<PostJsonOptions, 'target'>;
}

/** How a type delivers each kind of message to one of its targets. */
export interface TargetSenders<T> {
  notification(notification: Notification, target: T): Promise<void>;
  report(message: ReportMessage, target: T): Promise<void>;
  /** Only for types that `alerts.chat` accepts. */
  alert?(alert: AlarmAlert, target: T): Promise<void>;
}

/**
 * The Secrets Manager secret that holds a chat target's webhook URL. Each type names its own
 * secret platform and description: a type never uses another type's secret.
 */
export interface WebhookSecret<T> {
  /** The topology's secret platform, `notify-<type>`. */
  readonly platform: `notify-${string}`;
  /** What the secret holds, shown on the secret in AWS and in docs. */
  readonly description: string;
  /** The secret's name for a target: its `secretName`, or the type's default. */
  nameOf(companyId: string, target: T): string;
  /** For one secret shared by several destinations (`{"channels": {...}}`): this target's entry. */
  channelOf?(target: T): string;
}

/**
 * One target type. `S` is its config schema, a strict object with `type: z.literal(<type>)`,
 * declared with zod/mini (shared/domain/zod-mini.ts) so that the functions that send carry no
 * classic zod; the classic company-config schema takes it as one of its options.
 */
export interface TargetType<Id extends string = string, S extends z.$ZodObject = z.$ZodObject> {
  readonly type: Id;
  /** The target's config fields, each with `.check(z.meta({ description }))` (they become the config reference). */
  readonly schema: S;
  /** Set for types whose targets post to a webhook whose URL is in a secret. */
  readonly secret?: WebhookSecret<z.output<S>>;
  /** The type sends e-mail: the function gets the right to send through Amazon SES. */
  readonly sendsEmail?: boolean;
  /** `alerts.chat` accepts this type (it has an alert sender). */
  readonly alerts: boolean;
  senders(context: SenderContext): TargetSenders<z.output<S>>;
}

/** How a chat type lays out each kind of message as its webhook's JSON body. */
export interface ChatRenderers {
  notification(notification: Notification): unknown;
  report(message: ReportMessage): unknown;
  alert(alert: CompanyAlert): unknown;
}

/**
 * A chat target type that posts JSON to a webhook whose URL is in a secret: a new chat
 * service is its schema, its secret and its three renderers; posting, retries and the URL
 * lookup are shared.
 *
 * @example
 * export const webex = chatTarget({ type: 'webex', schema, secret, render: { notification, report, alert } });
 */
export function chatTarget<const Id extends string, S extends z.$ZodObject>(spec: {
  readonly type: Id;
  readonly schema: S;
  readonly secret: WebhookSecret<z.output<S>>;
  readonly render: ChatRenderers;
}): TargetType<Id, S> & { readonly secret: WebhookSecret<z.output<S>>; readonly alerts: true } {
  const { type, schema, secret, render } = spec;
  return {
    type,
    schema,
    secret,
    alerts: true,
    senders(context) {
      // Targets reach here through the registry's dispatch, parsed by this type's schema.
      const post = <M>(renderMessage: (message: M) => unknown) =>
        new ChatWebhookNotifier<NotificationTarget, M>(
          renderMessage,
          (target) => ({
            name: secret.nameOf(context.companyId, target as z.output<S>),
            ...(secret.channelOf ? { channel: secret.channelOf(target as z.output<S>) } : {}),
          }),
          context.urls,
          context.http,
        );
      const notifications = post(render.notification);
      const reports = post(render.report);
      const alerts = post(render.alert);
      const chat = (target: z.output<S>) => target as NotificationTarget;
      return {
        notification: (n, target) => notifications.send(n, chat(target)),
        report: (m, target) => reports.send(m, chat(target)),
        alert: (alert, target) => alerts.send({ alert, companyName: context.companyName }, chat(target)),
      };
    },
  };
}
