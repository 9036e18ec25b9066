import { z } from 'zod';
import { mentionId, type Mention } from '../domain/mention.ts';
import type { Clock } from '../domain/ports.ts';
import { htmlToText, httpUrl, toUtcIso } from './html-text.ts';
import { parseResponse } from './parse-response.ts';
import type { FeedItem, FeedPage, MentionFeed } from '../domain/pollers/ports.ts';

/**
 * Mastodon mentions, read with `GET /api/v1/notifications?types[]=mention`
 * (https://docs.joinmastodon.org/methods/notifications/#get): the account's notifications,
 * newest first; an older page is asked for with `max_id` = the oldest id of the last page.
 */

/** Port: the instance's REST API. */
export interface MastodonApi {
  /**
   * One page of the account's mention notifications, as the parsed JSON body (an array).
   * @throws PlatformRequestError
   */
  listMentionNotifications(request: { readonly maxId?: string; readonly limit: number }): Promise<unknown>;
}

/** The Account entity, the fields used (https://docs.joinmastodon.org/entities/Account/). */
const AccountSchema = z.object({
  id: z.string().min(1),
  username: z.string().optional(),
  acct: z.string().min(1),
  display_name: z.string().optional(),
  url: z.string().optional(),
  followers_count: z.number().int().nonnegative().optional(),
});

/** The Status entity, the fields used (https://docs.joinmastodon.org/entities/Status/). */
const StatusSchema = z.object({
  id: z.string().min(1),
  created_at: z.string(),
  in_reply_to_id: z.string().nullish(),
  in_reply_to_account_id: z.string().nullish(),
  spoiler_text: z.string().default(''),
  content: z.string().default(''),
  language: z.string().nullish(),
  uri: z.string().optional(),
  url: z.string().nullish(),
  favourites_count: z.number().int().nonnegative().optional(),
  reblogs_count: z.number().int().nonnegative().optional(),
  replies_count: z.number().int().nonnegative().optional(),
  account: AccountSchema,
});

/** The Notification entity (https://docs.joinmastodon.org/entities/Notification/). */
const NotificationSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created_at: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not an ISO 8601 time'),
  account: AccountSchema,
  status: StatusSchema.nullish(),
});
type Notification = z.infer<typeof NotificationSchema>;

export const NotificationListSchema = z.array(NotificationSchema);

export interface MastodonNormalizeContext {
  /** The company's account id on the instance: statuses it wrote are its own. */
  readonly ownAccountId: string | undefined;
  /** The account the notifications belong to, as the Mention's `accountId`. */
  readonly accountId: string;
  readonly receivedAt: Date;
}

/** A mention notification as a Mention; other types, or a mention whose status is gone, as a reason. */
export function mastodonMention(
  notification: Notification,
  context: MastodonNormalizeContext,
): Mention | { ignored: string } {
  if (notification.type !== 'mention') return { ignored: `notification type "${notification.type}" is not a mention` };
  const status = notification.status;
  if (!status) return { ignored: 'mention without its status (deleted or not visible)' };
  const body = htmlToText(status.content);
  // A content warning is part of what the author said.
  const text = status.spoiler_text ? `${status.spoiler_text}\n\n${body}` : body;
  const author = status.account;
  const url = httpUrl(status.url) ?? httpUrl(status.uri);
  return {
    id: mentionId('mastodon', status.id),
    platform: 'mastodon',
    kind: 'mention',
    externalId: status.id,
    threadId: status.in_reply_to_id ?? status.id,
    ...(status.in_reply_to_id ? { inReplyTo: status.in_reply_to_id } : {}),
    accountId: context.accountId,
    author: {
      id: author.id,
      handle: author.acct,
      ...(author.display_name ? { name: author.display_name } : {}),
      ...(author.followers_count !== undefined ? { followers: author.followers_count } : {}),
    },
    text,
    ...(status.language && status.language.length >= 2 ? { language: status.language } : {}),
    isOwnAccount: context.ownAccountId !== undefined && author.id === context.ownAccountId,
    rawType: 'mastodon.notification.mention',
    createdAt: toUtcIso(status.created_at) ?? (toUtcIso(notification.created_at) as string),
    receivedAt: context.receivedAt.toISOString(),
    ...(url ? { url } : {}),
    ...reactionsOf(status),
  };
}

/** Favourites, reblogs and replies of a status, when Mastodon gave any of them. */
function reactionsOf(status: z.infer<typeof StatusSchema>): { reactions?: number } {
  const counts = [status.favourites_count, status.reblogs_count, status.replies_count].filter(
    (n): n is number => n !== undefined,
  );
  return counts.length > 0 ? { reactions: counts.reduce((a, b) => a + b, 0) } : {};
}

/** One page of notifications, normalized; the next (older) page starts below its oldest id. */
export function mastodonPage(body: unknown, context: MastodonNormalizeContext): FeedPage {
  const notifications = parseResponse('mastodon', 'GET /api/v1/notifications', NotificationListSchema, body);
  const items: FeedItem[] = notifications.map((n) => {
    const result = mastodonMention(n, context);
    const position = { at: toUtcIso(n.created_at) as string, id: n.id };
    return 'ignored' in result
      ? { position, mentions: [], ignoredReason: result.ignored }
      : { position, mentions: [result] };
  });
  const oldest = notifications.at(-1);
  // The docs build the next page's link from max_id = the oldest id. A short page is not
  // taken as the last: an instance may cap `limit` below what was asked; an empty page ends.
  return { items, ...(oldest ? { nextPageToken: oldest.id } : {}) };
}

/** The mention notifications of the company's account as a listing for pollFeed. */
export function mastodonFeed(
  api: MastodonApi,
  options: {
    readonly instanceUrl: string;
    readonly ownAccountId?: string;
    readonly clock: Clock;
    readonly pageSize?: number;
  },
): MentionFeed {
  const limit = options.pageSize ?? 40;
  const host = new URL(options.instanceUrl).host;
  const accountId = options.ownAccountId ?? host;
  return {
    platform: 'mastodon',
    // One cursor per instance and account.
    source: options.ownAccountId ? `${host}#${options.ownAccountId}` : host,
    fetchPage: async (pageToken) => {
      const body = await api.listMentionNotifications({ limit, ...(pageToken ? { maxId: pageToken } : {}) });
      return mastodonPage(body, { ownAccountId: options.ownAccountId, accountId, receivedAt: options.clock.now() });
    },
  };
}
