/**
 * The platform secret (by its config key: meta, x, ...) and the field in it that holds the
 * credential replies are posted with (docs/replies.md). The topology grants the admin API
 * read access to these secrets.
 */
export const REPLY_SECRET_FIELDS = {
  meta: 'pageAccessToken',
  x: 'userAccessToken',
  linkedin: 'accessToken',
  youtube: 'oauthAccessToken',
  mastodon: 'accessToken',
  bluesky: 'appPassword',
} as const;
export type ReplySecretPlatform = keyof typeof REPLY_SECRET_FIELDS;
