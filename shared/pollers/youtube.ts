import { z } from 'zod';
import { mentionId, type Mention } from '../domain/mention.ts';
import type { Clock } from '../domain/ports.ts';
import { httpUrl, toUtcIso } from './html-text.ts';
import { parseResponse } from './parse-response.ts';
import type { FeedItem, FeedPage, MentionFeed } from '../domain/pollers/ports.ts';

/**
 * YouTube comments, read with the Data API v3 `commentThreads.list`
 * (https://developers.google.com/youtube/v3/docs/commentThreads/list) with
 * `allThreadsRelatedToChannelId`, `part=snippet,replies`, `order=time`, `textFormat=plainText`:
 * the comment threads on every video of a channel, newest first.
 */

/** Port: the Data API. */
export interface YouTubeApi {
  /**
   * One page of `commentThreads.list` for a channel, as the parsed JSON body.
   * @throws PlatformRequestError
   */
  listCommentThreads(request: {
    readonly channelId: string;
    readonly pageToken?: string;
    readonly maxResults: number;
  }): Promise<unknown>;
}

/** The `comment` resource (https://developers.google.com/youtube/v3/docs/comments#resource). */
const CommentSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({
    channelId: z.string().optional(),
    videoId: z.string().optional(),
    textDisplay: z.string().default(''),
    textOriginal: z.string().optional(),
    parentId: z.string().optional(),
    authorDisplayName: z.string().optional(),
    authorChannelUrl: z.string().optional(),
    authorChannelId: z.object({ value: z.string().min(1) }).optional(),
    publishedAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not an ISO 8601 time'),
    likeCount: z.number().int().nonnegative().optional(),
  }),
});
type Comment = z.infer<typeof CommentSchema>;

/** The `commentThread` resource (https://developers.google.com/youtube/v3/docs/commentThreads#resource). */
const CommentThreadSchema = z.object({
  kind: z.literal('youtube#commentThread'),
  id: z.string().min(1),
  snippet: z.object({
    channelId: z.string().optional(),
    videoId: z.string().optional(),
    topLevelComment: CommentSchema,
    totalReplyCount: z.number().int().nonnegative().optional(),
    isPublic: z.boolean().optional(),
  }),
  replies: z.object({ comments: z.array(CommentSchema).default([]) }).optional(),
});
type CommentThread = z.infer<typeof CommentThreadSchema>;

export const CommentThreadListResponseSchema = z.object({
  kind: z.literal('youtube#commentThreadListResponse'),
  nextPageToken: z.string().min(1).optional(),
  items: z.array(CommentThreadSchema).default([]),
});

export interface YouTubeNormalizeContext {
  /** The channel being polled. */
  readonly channelId: string;
  /** The company's channels: comments they wrote are the company's own replies. */
  readonly ownChannelIds: readonly string[];
  readonly receivedAt: Date;
}

/**
 * A comment thread as mentions: its top-level comment and the replies the API included
 * (`replies` holds a subset when a thread has many; later replies to an older thread are not
 * listed again).
 */
export function youtubeThreadMentions(thread: CommentThread, context: YouTubeNormalizeContext): Mention[] {
  const accountId = thread.snippet.channelId ?? context.channelId;
  const videoId = thread.snippet.videoId ?? thread.snippet.topLevelComment.snippet.videoId;
  // Comments of a video are one conversation, like the comments under a Facebook post.
  const threadId = videoId ?? thread.id;
  const toMention = (comment: Comment, rawType: string, inReplyTo: string | undefined): Mention => {
    const s = comment.snippet;
    const authorId = s.authorChannelId?.value ?? s.authorChannelUrl ?? s.authorDisplayName ?? 'unknown';
    const handle = handleOf(s.authorDisplayName, s.authorChannelUrl);
    const url = videoId
      ? httpUrl(`https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(comment.id)}`)
      : undefined;
    return {
      id: mentionId('youtube', comment.id),
      platform: 'youtube',
      kind: 'comment',
      externalId: comment.id,
      threadId,
      ...(inReplyTo ? { inReplyTo } : {}),
      accountId,
      author: {
        id: authorId,
        ...(s.authorDisplayName ? { name: s.authorDisplayName } : {}),
        ...(handle ? { handle } : {}),
      },
      text: s.textOriginal ?? s.textDisplay,
      isOwnAccount: s.authorChannelId !== undefined && context.ownChannelIds.includes(s.authorChannelId.value),
      rawType,
      createdAt: toUtcIso(s.publishedAt) as string,
      receivedAt: context.receivedAt.toISOString(),
      ...(url ? { url } : {}),
      ...(s.likeCount !== undefined ? { reactions: s.likeCount } : {}),
    };
  };
  const top = thread.snippet.topLevelComment;
  return [
    toMention(top, 'youtube.commentThread', videoId),
    ...(thread.replies?.comments ?? []).map((reply) =>
      toMention(reply, 'youtube.commentThread.reply', reply.snippet.parentId ?? top.id),
    ),
  ];
}

/** `@name` from a display name that is a handle, or from a channel URL `.../@name`. */
function handleOf(displayName: string | undefined, channelUrl: string | undefined): string | undefined {
  if (displayName?.startsWith('@')) return displayName;
  const match = channelUrl ? /\/(@[^/?#]+)/.exec(channelUrl) : null;
  return match ? decodeURIComponent(match[1] as string) : undefined;
}

/** One page of a channel's comment threads, normalized. */
export function youtubePage(body: unknown, context: YouTubeNormalizeContext): FeedPage {
  const response = parseResponse('youtube', 'commentThreads.list', CommentThreadListResponseSchema, body);
  const items: FeedItem[] = response.items.map((thread) => ({
    position: { at: toUtcIso(thread.snippet.topLevelComment.snippet.publishedAt) as string, id: thread.id },
    mentions: youtubeThreadMentions(thread, context),
  }));
  return { items, ...(response.nextPageToken ? { nextPageToken: response.nextPageToken } : {}) };
}

/** The comment threads of one channel as a listing for pollFeed. */
export function youtubeFeed(
  api: YouTubeApi,
  options: {
    readonly channelId: string;
    readonly ownChannelIds: readonly string[];
    readonly clock: Clock;
    readonly pageSize?: number;
  },
): MentionFeed {
  return {
    platform: 'youtube',
    source: options.channelId,
    fetchPage: async (pageToken) => {
      const body = await api.listCommentThreads({
        channelId: options.channelId,
        maxResults: options.pageSize ?? 100,
        ...(pageToken ? { pageToken } : {}),
      });
      return youtubePage(body, {
        channelId: options.channelId,
        ownChannelIds: options.ownChannelIds,
        receivedAt: options.clock.now(),
      });
    },
  };
}
