import { z } from 'zod';

/**
 * The `platforms` section of a company config: one entry per platform the company uses,
 * each with its own schema const. Adding a platform adds its schema here (and its adapter
 * under shared/platforms, or its poller).
 *
 * Every entry may name its secret (`secretName`); it defaults to
 * `backchannel/<company>/<platform>`.
 */
const secretName = z.string().min(1).optional();
const ids = z.array(z.string().min(1)).default([]);

export const MetaPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Facebook Page ids the company owns: comments written by these are the company's own. */
  pageIds: ids,
  /** Instagram professional account ids the company owns. */
  instagramAccountIds: ids,
  /** Secret `{"appSecret": "...", "verifyToken": "..."}`. */
  secretName,
});

export const XPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** X user ids of the company's accounts (the Account Activity `for_user_id`s). */
  accountIds: ids,
  /** Secret `{"consumerSecret": "..."}`: the X app's API key secret. */
  secretName,
});

export const LinkedInPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The company's organization URNs (`urn:li:organization:<id>`) or bare ids. */
  organizationIds: ids,
  /** Secret `{"clientSecret": "..."}`: the LinkedIn app's client secret. */
  secretName,
});

/** How often a poller runs: an EventBridge Scheduler cron expression in the company's timezone. */
const pollSchedule = z
  .string()
  .regex(/^cron\(.+\)$/, 'use a cron(...) expression')
  .default('cron(0/5 * * * ? *)');
/** On its first run a poller reads back this many hours; later runs resume from the stored cursor. */
const backfillHours = z.number().int().min(0).max(720).default(24);

export const YouTubePlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The company's channel ids (`UC...`): the only WebSub topics the handshake accepts. */
  channelIds: ids,
  /** Secret `{"hubSecret": "..."}` (optional key): the `hub.secret` of the subscription. */
  secretName,
  /**
   * Comments are not pushed by YouTube: with `pollComments` the poll-youtube function reads
   * the comment threads of `channelIds` (`commentThreads.list`, `allThreadsRelatedToChannelId`)
   * with the API key in the same secret's `apiKey`.
   */
  pollComments: z.boolean().default(false),
  pollSchedule,
  backfillHours,
  /** The Data API base URL; only tests point it elsewhere. */
  apiBaseUrl: z.url().default('https://www.googleapis.com/youtube/v3'),
});

/**
 * Mastodon (polled): poll-mastodon reads the mentions of the company's account
 * (`GET /api/v1/notifications?types[]=mention`) with the secret's `accessToken`
 * (scope `read:notifications`).
 */
export const MastodonPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The company's instance, e.g. `https://mastodon.social`. */
  instanceUrl: z.url(),
  /** The company's account id on that instance: statuses it wrote are its own. */
  accountId: z.string().min(1).optional(),
  /** Secret `{"accessToken": "..."}`. */
  secretName,
  pollSchedule,
  backfillHours,
});

/**
 * Bluesky (polled): poll-bluesky signs in as `handle` with the secret's `appPassword`
 * (`com.atproto.server.createSession`) and reads `app.bsky.notification.listNotifications`
 * (reasons mention, reply, quote).
 */
export const BlueskyPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The company's handle (`radwerk.bsky.social`), used to sign in. */
  handle: z.string().min(1),
  /** The company's DID; defaults to the one the session reports. Posts by it are its own. */
  did: z.string().startsWith('did:').optional(),
  /** The account's PDS (or entryway): it serves the session and proxies to the AppView. */
  serviceUrl: z.url().default('https://bsky.social'),
  /** Secret `{"appPassword": "..."}`. */
  secretName,
  pollSchedule,
  backfillHours,
});

export const TikTokPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The `user_openid`s of the company's TikTok accounts. */
  accountOpenIds: ids,
  /** Secret `{"clientSecret": "..."}`: the TikTok app's client secret. */
  secretName,
});

export const GenericSourceSchema = z.strictObject({
  /** The `{source}` of `POST /webhooks/generic/{source}`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'use 1-40 lowercase letters, digits or dashes'),
  name: z.string().min(1).optional(),
});

export const GenericPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Review sites, forms and the company's own tools that POST signed mentions. */
  sources: z.array(GenericSourceSchema).default([]),
  /** Secret `{"signingSecret": "...", "sources": {"<source>": "..."}}` (per-source keys optional). */
  secretName,
});

export const PlatformsSchema = z
  .strictObject({
    meta: MetaPlatformSchema.optional(),
    x: XPlatformSchema.optional(),
    linkedin: LinkedInPlatformSchema.optional(),
    youtube: YouTubePlatformSchema.optional(),
    tiktok: TikTokPlatformSchema.optional(),
    generic: GenericPlatformSchema.optional(),
    mastodon: MastodonPlatformSchema.optional(),
    bluesky: BlueskyPlatformSchema.optional(),
  })
  .default({});
export type PlatformsConfig = z.infer<typeof PlatformsSchema>;
