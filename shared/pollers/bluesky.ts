import { z } from 'zod';
import { mentionId, type Mention } from '../domain/mention.ts';
import type { Clock } from '../domain/ports.ts';
import { httpUrl, toUtcIso } from './html-text.ts';
import { parseResponse } from './parse-response.ts';
import type { FeedItem, FeedPage, MentionFeed } from '../domain/pollers/ports.ts';

/**
 * Bluesky mentions, read with `app.bsky.notification.listNotifications`
 * (lexicon: github.com/bluesky-social/atproto lexicons/app/bsky/notification/listNotifications.json)
 * after signing in with `com.atproto.server.createSession`: the account's notifications,
 * newest first, older pages by `cursor`.
 */

/** The notification reasons that are mentions of the company. */
export const BLUESKY_REASONS = ['mention', 'reply', 'quote'] as const;

/** Port: the account's PDS (XRPC). */
export interface BlueskyApi {
  /**
   * Signs in (once per process; again when the session expired) and returns the account.
   * @throws PlatformRequestError (401 for a wrong app password)
   */
  session(): Promise<{ readonly did: string; readonly handle: string }>;
  /**
   * One page of notifications, as the parsed JSON body.
   * @throws PlatformRequestError
   */
  listNotifications(request: {
    readonly cursor?: string;
    readonly limit: number;
    readonly reasons: readonly string[];
  }): Promise<unknown>;
}

/** app.bsky.actor.defs#profileView, the fields used. */
const ProfileViewSchema = z.object({
  did: z.string().startsWith('did:'),
  handle: z.string().min(1),
  displayName: z.string().optional(),
});

/** com.atproto.repo.strongRef */
const StrongRefSchema = z.object({ uri: z.string().min(1), cid: z.string().optional() });

/** app.bsky.feed.post, the fields used (a record of another type is not parsed). */
const PostRecordSchema = z.object({
  $type: z.literal('app.bsky.feed.post'),
  text: z.string().default(''),
  langs: z.array(z.string()).optional(),
  reply: z.object({ root: StrongRefSchema, parent: StrongRefSchema }).optional(),
  createdAt: z.string(),
});

/** app.bsky.notification.listNotifications#notification */
const NotificationSchema = z.object({
  uri: z.string().startsWith('at://'),
  cid: z.string().min(1),
  author: ProfileViewSchema,
  reason: z.string().min(1),
  reasonSubject: z.string().optional(),
  record: z.unknown(),
  isRead: z.boolean(),
  indexedAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not an ISO 8601 time'),
});
type Notification = z.infer<typeof NotificationSchema>;

export const ListNotificationsOutputSchema = z.object({
  cursor: z.string().min(1).optional(),
  notifications: z.array(NotificationSchema),
});

export interface BlueskyNormalizeContext {
  /** The company's DID: posts by it are its own. */
  readonly ownDid: string;
  readonly receivedAt: Date;
}

/** A mention, reply or quote notification as a Mention; anything else as a reason. */
export function blueskyMention(
  notification: Notification,
  context: BlueskyNormalizeContext,
): Mention | { ignored: string } {
  const reason = notification.reason;
  if (!(BLUESKY_REASONS as readonly string[]).includes(reason))
    return { ignored: `reason "${reason}" is not a mention` };
  const record = PostRecordSchema.safeParse(notification.record);
  if (!record.success) return { ignored: `${reason} notification whose record is not an app.bsky.feed.post` };
  const post = record.data;
  const author = notification.author;
  const inReplyTo = post.reply?.parent.uri ?? (reason === 'quote' ? notification.reasonSubject : undefined);
  const rkey = notification.uri.split('/').at(-1) ?? '';
  const url = httpUrl(`https://bsky.app/profile/${encodeURIComponent(author.handle)}/post/${encodeURIComponent(rkey)}`);
  const language = post.langs?.find((l) => l.length >= 2);
  return {
    id: mentionId('bluesky', notification.uri),
    platform: 'bluesky',
    kind: reason === 'reply' ? 'comment' : 'mention',
    externalId: notification.uri,
    threadId: post.reply?.root.uri ?? notification.uri,
    ...(inReplyTo ? { inReplyTo } : {}),
    accountId: context.ownDid,
    author: { id: author.did, handle: author.handle, ...(author.displayName ? { name: author.displayName } : {}) },
    text: post.text,
    ...(language ? { language } : {}),
    isOwnAccount: author.did === context.ownDid,
    rawType: `bluesky.notification.${reason}`,
    createdAt: toUtcIso(post.createdAt) ?? (toUtcIso(notification.indexedAt) as string),
    receivedAt: context.receivedAt.toISOString(),
    ...(url ? { url } : {}),
  };
}

/** One page of notifications, normalized. */
export function blueskyPage(body: unknown, context: BlueskyNormalizeContext): FeedPage {
  const output = parseResponse(
    'bluesky',
    'app.bsky.notification.listNotifications',
    ListNotificationsOutputSchema,
    body,
  );
  const items: FeedItem[] = output.notifications.map((n) => {
    const result = blueskyMention(n, context);
    const position = { at: toUtcIso(n.indexedAt) as string, id: n.uri };
    return 'ignored' in result
      ? { position, mentions: [], ignoredReason: result.ignored }
      : { position, mentions: [result] };
  });
  // An empty page ends the listing even when a cursor came with it.
  return { items, ...(output.cursor && items.length > 0 ? { nextPageToken: output.cursor } : {}) };
}

/** The mention notifications of the company's account as a listing for pollFeed. */
export function blueskyFeed(
  api: BlueskyApi,
  options: { readonly handle: string; readonly did?: string; readonly clock: Clock; readonly pageSize?: number },
): MentionFeed {
  const limit = options.pageSize ?? 50;
  return {
    platform: 'bluesky',
    source: options.did ?? options.handle,
    fetchPage: async (pageToken) => {
      const ownDid = options.did ?? (await api.session()).did;
      const body = await api.listNotifications({
        limit,
        reasons: BLUESKY_REASONS,
        ...(pageToken ? { cursor: pageToken } : {}),
      });
      return blueskyPage(body, { ownDid, receivedAt: options.clock.now() });
    },
  };
}
