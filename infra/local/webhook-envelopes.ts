import { createHash, randomInt } from 'node:crypto';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { mentionId, type Platform } from '../../shared/domain/mention.ts';
import { platformRegistry } from '../../shared/platforms/registry.ts';
import { xTime } from './demo.ts';

/**
 * Test mentions as the platforms deliver them: the real webhook envelope of each platform
 * (the shapes of test/fixtures and companies/demo-webhooks, which the adapters in
 * shared/platforms parse), addressed to the company's first configured account. Used by
 * `backchannel send --text` and the tests; signing stays with each adapter's `sign`.
 */

/** A webhook that cannot be built for this company (not enabled, no account, no reply there). */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** The conversation a test mention answers: a case's platform and thread. */
export interface ReplyTarget {
  readonly platform: Platform;
  readonly threadId: string;
}

export interface EnvelopeInput {
  readonly config: CompanyConfig;
  /** What the person writes (YouTube: the video title; TikTok's events carry no text). */
  readonly text: string;
  /** `Name` or `@handle`; the author id is derived from it, so the same author gets the same id. */
  readonly author?: string;
  /** Makes the mention part of this conversation. */
  readonly replyTo?: ReplyTarget;
  /** The generic source (default: the first configured one). */
  readonly source?: string;
  /** Another account than the company's first one (a foreign Page in the tests). */
  readonly accountId?: string;
  readonly now: Date;
  /** The platform's id of the new item; default: unique from the clock. */
  readonly itemId?: string;
}

/** A built webhook: where it goes, its body, and the id its mention will have. */
export interface BuiltWebhook {
  /** The adapter id: `/webhooks/<platform>` (generic: `/webhooks/generic/<source>`). */
  readonly platform: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly body: string;
  readonly mentionId: string;
}

/** The webhook platform (adapter id) of a stored mention's platform. */
export function webhookPlatformOf(platform: Platform): string {
  return platform === 'facebook' || platform === 'instagram' ? 'meta' : platform;
}

/**
 * Builds the platform's webhook for one new mention.
 * @throws EnvelopeError when the platform is unknown or not enabled, the company has no
 *   account for it in its config, or a reply is asked where the platform has none
 */
export function buildWebhook(platform: string, input: EnvelopeInput): BuiltWebhook {
  const adapter = platformRegistry.get(platform);
  if (!adapter)
    throw new EnvelopeError(`unknown platform "${platform}"; webhook platforms: ${platformRegistry.ids.join(', ')}`);
  if (!adapter.isEnabled(input.config)) {
    const enabled = platformRegistry.adapters.filter((a) => a.isEnabled(input.config)).map((a) => a.id);
    throw new EnvelopeError(
      `${platform} is not enabled for ${input.config.company.id}; enabled: ${enabled.join(', ') || 'none'}`,
    );
  }
  if (input.replyTo && webhookPlatformOf(input.replyTo.platform) !== platform) {
    throw new EnvelopeError(
      `the case is on ${input.replyTo.platform}, not ${platform}: a reply goes to the case's platform`,
    );
  }
  const itemId = input.itemId ?? `${input.now.getTime()}${String(randomInt(1000)).padStart(3, '0')}`;
  const author = authorOf(input.author, platform);
  const builder = BUILDERS[platform];
  if (!builder) throw new EnvelopeError(`no envelope builder for ${platform}`);
  return builder({ ...input, itemId }, author);
}

interface Author {
  readonly id: string;
  readonly name?: string;
  readonly handle?: string;
}

/** `@handle` or a name; a stable numeric id from it (platforms use digit ids). */
function authorOf(given: string | undefined, platform: string): Author {
  const value = given?.trim() || 'Test Person';
  const digits = BigInt(`0x${createHash('sha256').update(`${platform}:${value}`).digest('hex').slice(0, 15)}`)
    .toString()
    .slice(0, 15);
  return value.startsWith('@') ? { id: digits, handle: value.slice(1) } : { id: digits, name: value };
}

type Builder = (input: EnvelopeInput & { readonly itemId: string }, author: Author) => BuiltWebhook;

function firstAccount(ids: readonly string[] | undefined, what: string, input: EnvelopeInput): string {
  const id = input.accountId ?? ids?.[0];
  if (!id) throw new EnvelopeError(`${input.config.company.id} has no ${what} in its config: add one under platforms`);
  return id;
}

const BUILDERS: Readonly<Record<string, Builder>> = {
  meta(input, author) {
    const meta = input.config.platforms.meta;
    const seconds = Math.floor(input.now.getTime() / 1000);
    if (input.replyTo?.platform === 'instagram') {
      // An Instagram comment under the media the case's conversation is about.
      const account = firstAccount(meta?.instagramAccountIds, 'platforms.meta.instagramAccountIds', input);
      const value = {
        from: { id: author.id, username: author.handle ?? author.name ?? author.id },
        media: { id: input.replyTo.threadId },
        id: input.itemId,
        text: input.text,
      };
      const body = {
        object: 'instagram',
        entry: [{ id: account, time: seconds, changes: [{ field: 'comments', value }] }],
      };
      return { platform: 'meta', body: JSON.stringify(body), mentionId: mentionId('instagram', input.itemId) };
    }
    // A Facebook comment under a post of the Page (by default a new post, so a new conversation).
    const page = firstAccount(meta?.pageIds, 'platforms.meta.pageIds', input);
    const postId = input.replyTo?.threadId ?? `${page}_${input.itemId}0`;
    const commentId = `${postId.split('_').pop()}_${input.itemId}`;
    const value = {
      from: { id: author.id, name: author.name ?? author.handle },
      post: { status_type: 'mobile_status_update', is_published: true, id: postId },
      message: input.text,
      post_id: postId,
      comment_id: commentId,
      created_time: seconds,
      item: 'comment',
      parent_id: postId,
      verb: 'add',
    };
    const body = { object: 'page', entry: [{ id: page, time: seconds, changes: [{ field: 'feed', value }] }] };
    return { platform: 'meta', body: JSON.stringify(body), mentionId: mentionId('facebook', commentId) };
  },

  x(input, author) {
    const account = firstAccount(input.config.platforms.x?.accountIds, 'platforms.x.accountIds', input);
    const tweet = {
      created_at: xTime(input.now),
      id_str: input.itemId,
      text: input.text,
      truncated: false,
      in_reply_to_status_id_str: input.replyTo?.threadId ?? null,
      in_reply_to_user_id_str: account,
      user: {
        id_str: author.id,
        name: author.name ?? author.handle,
        screen_name: author.handle ?? `user${author.id.slice(0, 8)}`,
        followers_count: 0,
      },
      timestamp_ms: String(input.now.getTime()),
    };
    return {
      platform: 'x',
      body: JSON.stringify({ for_user_id: account, tweet_create_events: [tweet] }),
      mentionId: mentionId('x', input.itemId),
    };
  },

  linkedin(input, author) {
    const id = firstAccount(
      input.config.platforms.linkedin?.organizationIds,
      'platforms.linkedin.organizationIds',
      input,
    );
    const organization = id.startsWith('urn:') ? id : `urn:li:organization:${id}`;
    const owner = `urn:li:person:${author.id}`;
    const base = {
      notificationId: Number(input.itemId.slice(-9)),
      organizationalEntity: organization,
      lastModifiedAt: input.now.getTime(),
    };
    const notification = input.replyTo
      ? (() => {
          // A comment under the post the case's conversation is about.
          const entity = `urn:li:comment:(${input.replyTo.threadId},${input.itemId})`;
          const comment = { owner, text: input.text, entity, object: input.replyTo.threadId };
          return {
            ...base,
            action: 'COMMENT',
            sourcePost: input.replyTo.threadId,
            generatedActivity: entity,
            decoratedGeneratedActivity: { comment },
          };
        })()
      : (() => {
          const entity = `urn:li:share:${input.itemId}`;
          const share = { owner, mediaCategory: 'NONE', text: input.text, entity };
          return {
            ...base,
            action: 'SHARE_MENTION',
            sourcePost: entity,
            decoratedSourcePost: share,
            generatedActivity: entity,
            decoratedGeneratedActivity: { share },
          };
        })();
    const body = { type: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS', notifications: [notification] };
    return {
      platform: 'linkedin',
      body: JSON.stringify(body),
      mentionId: mentionId('linkedin', notification.generatedActivity),
    };
  },

  youtube(input, author) {
    if (input.replyTo)
      throw new EnvelopeError('YouTube pushes new videos only (comments are polled): --reply-to does not apply');
    const channel = firstAccount(input.config.platforms.youtube?.channelIds, 'platforms.youtube.channelIds', input);
    const videoId = `v${input.itemId.slice(-10)}`;
    const iso = input.now.toISOString();
    const body = `<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
  <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
  <link rel="self" href="https://www.youtube.com/xml/feeds/videos.xml?channel_id=${xml(channel)}"/>
  <title>YouTube video feed</title>
  <updated>${iso}</updated>
  <entry>
    <id>yt:video:${videoId}</id>
    <yt:videoId>${videoId}</yt:videoId>
    <yt:channelId>${xml(channel)}</yt:channelId>
    <title>${xml(input.text)}</title>
    <link rel="alternate" href="http://www.youtube.com/watch?v=${videoId}"/>
    <author>
     <name>${xml(author.name ?? author.handle ?? channel)}</name>
     <uri>http://www.youtube.com/channel/${xml(channel)}</uri>
    </author>
    <published>${iso}</published>
    <updated>${iso}</updated>
  </entry>
</feed>
`;
    return { platform: 'youtube', body, mentionId: mentionId('youtube', videoId) };
  },

  tiktok(input) {
    if (input.replyTo)
      throw new EnvelopeError("TikTok's webhooks report the company's own posts only: --reply-to does not apply");
    const account = firstAccount(
      input.config.platforms.tiktok?.accountOpenIds,
      'platforms.tiktok.accountOpenIds',
      input,
    );
    // TikTok's post.publish events carry ids only: the text of the post is not in the webhook.
    const content = JSON.stringify({
      publish_id: `v_pub_url~v2-1.${input.itemId}`,
      publish_type: 'DIRECT_PUBLISH',
      post_id: input.itemId,
    });
    const body = {
      client_key: 'backchannel-send',
      event: 'post.publish.publicly_available',
      create_time: Math.floor(input.now.getTime() / 1000),
      user_openid: account,
      content,
    };
    return { platform: 'tiktok', body: JSON.stringify(body), mentionId: mentionId('tiktok', input.itemId) };
  },

  generic(input, author) {
    const sources = (input.config.platforms.generic?.sources ?? []).map((s) => s.id);
    const fromCase = input.replyTo ? sources.find((s) => input.replyTo?.threadId.startsWith(`${s}:`)) : undefined;
    const source = input.source ?? fromCase ?? sources[0];
    if (!source)
      throw new EnvelopeError(
        `${input.config.company.id} has no generic source in its config: add one under platforms.generic.sources`,
      );
    if (!sources.includes(source))
      throw new EnvelopeError(
        `"${source}" is not a generic source of ${input.config.company.id}; its sources: ${sources.join(', ')}`,
      );
    // Generic ids are scoped by source in the stored mention; the body names them unscoped.
    const thread = input.replyTo?.threadId.startsWith(`${source}:`)
      ? input.replyTo.threadId.slice(source.length + 1)
      : input.replyTo?.threadId;
    const body = {
      id: input.itemId,
      kind: 'mention',
      ...(thread ? { threadId: thread, inReplyTo: thread } : {}),
      author: {
        id: author.id,
        ...(author.name ? { name: author.name } : {}),
        ...(author.handle ? { handle: author.handle } : {}),
      },
      text: input.text,
      createdAt: input.now.toISOString(),
    };
    return {
      platform: 'generic',
      params: { source },
      body: JSON.stringify(body),
      mentionId: mentionId('generic', `${source}:${input.itemId}`),
    };
  },
};

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
