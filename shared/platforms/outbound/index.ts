import { HttpJsonClient } from '../../adapters/http-json.ts';
import type { CompanyConfig } from '../../config/schema.ts';
import type { Platform } from '../../domain/mention.ts';
import type { ReplyPublisher, ReplyPublishers } from '../../domain/reply-publisher.ts';
import { BlueskyReplyPublisher } from './bluesky.ts';
import { LinkedInReplyPublisher, LINKEDIN_API_BASE_URL } from './linkedin.ts';
import { MastodonReplyPublisher } from './mastodon.ts';
import { GRAPH_API_BASE_URL, MetaReplyPublisher } from './meta.ts';
import type { ReplyToken } from './reply-http.ts';
import { XReplyPublisher, X_API_BASE_URL } from './x.ts';
import { YouTubeReplyPublisher } from './youtube.ts';

export { BlueskyReplyPublisher, LinkedInReplyPublisher, MastodonReplyPublisher, MetaReplyPublisher, XReplyPublisher };
export { YouTubeReplyPublisher };
export type { ReplyToken };

import { REPLY_SECRET_FIELDS, type ReplySecretPlatform } from './secret-fields.ts';

export { REPLY_SECRET_FIELDS, type ReplySecretPlatform };

/** Wait for a platform's answer to a reply (the send retries transient failures around it). */
export const REPLY_TIMEOUT_MS = 3_000;

export interface ReplyPublishersOptions {
  /** The credential of a platform (its secret's field in REPLY_SECRET_FIELDS). */
  readonly tokenOf: (platform: ReplySecretPlatform) => ReplyToken;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/**
 * The reply publisher of each platform the company config enables: Facebook and Instagram
 * through Meta's Graph API, X, LinkedIn, YouTube, Mastodon and Bluesky. TikTok and generic
 * sources have no reply API here: their replies are marked sent elsewhere. `replies.apiBaseUrl`
 * points every client at one server (a local replay server in tests and the local runtime).
 */
export function replyPublishersFor(config: CompanyConfig, options: ReplyPublishersOptions): ReplyPublishers {
  const { meta, x, linkedin, youtube, mastodon, bluesky } = config.platforms;
  const override = config.replies?.apiBaseUrl;
  const http = (platform: string) =>
    new HttpJsonClient({
      platform,
      timeoutMs: options.timeoutMs ?? REPLY_TIMEOUT_MS,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  const made = new Map<Platform, ReplyPublisher | undefined>();
  const build = (platform: Platform): ReplyPublisher | undefined => {
    switch (platform) {
      case 'facebook':
      case 'instagram':
        return meta?.enabled
          ? new MetaReplyPublisher(http(platform), {
              baseUrl: override ?? GRAPH_API_BASE_URL,
              token: options.tokenOf('meta'),
            })
          : undefined;
      case 'x':
        return x?.enabled
          ? new XReplyPublisher(http('x'), { baseUrl: override ?? X_API_BASE_URL, token: options.tokenOf('x') })
          : undefined;
      case 'linkedin':
        return linkedin?.enabled
          ? new LinkedInReplyPublisher(http('linkedin'), {
              baseUrl: override ?? LINKEDIN_API_BASE_URL,
              token: options.tokenOf('linkedin'),
            })
          : undefined;
      case 'youtube':
        return youtube?.enabled
          ? new YouTubeReplyPublisher(http('youtube'), {
              baseUrl: override ?? youtube.apiBaseUrl,
              token: options.tokenOf('youtube'),
            })
          : undefined;
      case 'mastodon':
        return mastodon?.enabled
          ? new MastodonReplyPublisher(http('mastodon'), {
              instanceUrl: override ?? mastodon.instanceUrl,
              token: options.tokenOf('mastodon'),
            })
          : undefined;
      case 'bluesky':
        return bluesky?.enabled
          ? new BlueskyReplyPublisher(http('bluesky'), {
              serviceUrl: override ?? bluesky.serviceUrl,
              identifier: bluesky.handle,
              appPassword: options.tokenOf('bluesky'),
            })
          : undefined;
      default:
        return undefined;
    }
  };
  return (platform) => {
    if (!made.has(platform)) made.set(platform, build(platform));
    return made.get(platform);
  };
}
