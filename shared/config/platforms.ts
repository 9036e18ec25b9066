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
const enabled = z
  .boolean()
  .default(true)
  .meta({ description: 'false keeps the entry (and its secret) but takes no mentions from the platform' });

export const MetaPlatformSchema = z.strictObject({
  enabled,
  pageIds: ids.meta({
    description: "Facebook Page ids the company owns: comments written by these are the company's own.",
  }),
  instagramAccountIds: ids.meta({ description: 'Instagram professional account ids the company owns.' }),
  secretName: secretName.meta({ description: 'Secret `{"appSecret": "...", "verifyToken": "..."}`.' }),
});

export const XPlatformSchema = z.strictObject({
  enabled,
  accountIds: ids.meta({ description: "X user ids of the company's accounts (the Account Activity `for_user_id`s)." }),
  secretName: secretName.meta({ description: 'Secret `{"consumerSecret": "..."}`: the X app\'s API key secret.' }),
});

export const LinkedInPlatformSchema = z.strictObject({
  enabled,
  organizationIds: ids.meta({
    description: "The company's organization URNs (`urn:li:organization:<id>`) or bare ids.",
  }),
  secretName: secretName.meta({ description: 'Secret `{"clientSecret": "..."}`: the LinkedIn app\'s client secret.' }),
});

const pollSchedule = z
  .string()
  .regex(/^cron\(.+\)$/, 'use a cron(...) expression')
  .default('cron(0/5 * * * ? *)')
  .meta({
    description: "How often the poller runs: an EventBridge Scheduler cron expression in the company's timezone.",
  });
const backfillHours = z.number().int().min(0).max(720).default(24).meta({
  description: 'On its first run the poller reads back this many hours; later runs resume from the stored cursor.',
});

export const YouTubePlatformSchema = z.strictObject({
  enabled,
  channelIds: ids.meta({
    description: "The company's channel ids (`UC...`): the only WebSub topics the handshake accepts.",
  }),
  secretName: secretName.meta({
    description: 'Secret `{"hubSecret": "..."}` (optional key): the `hub.secret` of the subscription.',
  }),
  pollComments: z.boolean().default(false).meta({
    description:
      "Comments are not pushed by YouTube: with `pollComments` the poll-youtube function reads the comment threads of `channelIds` (`commentThreads.list`, `allThreadsRelatedToChannelId`) with the API key in the same secret's `apiKey`.",
  }),
  pollSchedule,
  backfillHours,
  apiBaseUrl: z
    .url()
    .default('https://www.googleapis.com/youtube/v3')
    .meta({ description: 'The Data API base URL; only tests point it elsewhere.' }),
});

/**
 * Mastodon (polled): poll-mastodon reads the mentions of the company's account
 * (`GET /api/v1/notifications?types[]=mention`) with the secret's `accessToken`
 * (scope `read:notifications`).
 */
export const MastodonPlatformSchema = z.strictObject({
  enabled,
  instanceUrl: z.url().meta({ description: "The company's instance, e.g. `https://mastodon.social`." }),
  accountId: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "The company's account id on that instance: statuses it wrote are its own." }),
  secretName: secretName.meta({ description: 'Secret `{"accessToken": "..."}`.' }),
  pollSchedule,
  backfillHours,
});

/**
 * Bluesky (polled): poll-bluesky signs in as `handle` with the secret's `appPassword`
 * (`com.atproto.server.createSession`) and reads `app.bsky.notification.listNotifications`
 * (reasons mention, reply, quote).
 */
export const BlueskyPlatformSchema = z.strictObject({
  enabled,
  handle: z.string().min(1).meta({ description: "The company's handle (`radwerk.bsky.social`), used to sign in." }),
  did: z
    .string()
    .startsWith('did:')
    .optional()
    .meta({ description: "The company's DID; defaults to the one the session reports. Posts by it are its own." }),
  serviceUrl: z
    .url()
    .default('https://bsky.social')
    .meta({ description: "The account's PDS (or entryway): it serves the session and proxies to the AppView." }),
  secretName: secretName.meta({ description: 'Secret `{"appPassword": "..."}`.' }),
  pollSchedule,
  backfillHours,
});

export const TikTokPlatformSchema = z.strictObject({
  enabled,
  accountOpenIds: ids.meta({ description: "The `user_openid`s of the company's TikTok accounts." }),
  secretName: secretName.meta({ description: 'Secret `{"clientSecret": "..."}`: the TikTok app\'s client secret.' }),
});

export const GenericSourceSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'use 1-40 lowercase letters, digits or dashes')
    .meta({ description: 'The `{source}` of `POST /webhooks/generic/{source}`.' }),
  name: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'A readable name of the source (reports show it); defaults to the id.' }),
});

export const GenericPlatformSchema = z.strictObject({
  enabled,
  sources: z
    .array(GenericSourceSchema)
    .default([])
    .meta({ description: "Review sites, forms and the company's own tools that POST signed mentions." }),
  secretName: secretName.meta({
    description: 'Secret `{"signingSecret": "...", "sources": {"<source>": "..."}}` (per-source keys optional).',
  }),
});

export const PlatformsSchema = z
  .strictObject({
    meta: MetaPlatformSchema.optional().meta({ description: 'Facebook Pages and Instagram accounts (Meta webhooks)' }),
    x: XPlatformSchema.optional().meta({ description: 'X accounts (Account Activity webhooks)' }),
    linkedin: LinkedInPlatformSchema.optional().meta({ description: 'LinkedIn organization pages (webhooks)' }),
    youtube: YouTubePlatformSchema.optional().meta({
      description: 'YouTube channels: new videos by WebSub, comments by polling',
    }),
    tiktok: TikTokPlatformSchema.optional().meta({ description: 'TikTok accounts (webhooks)' }),
    generic: GenericPlatformSchema.optional().meta({
      description: 'Signed JSON from review sites, forms and own tools (`POST /webhooks/generic/{source}`)',
    }),
    mastodon: MastodonPlatformSchema.optional().meta({ description: 'A Mastodon account (polled)' }),
    bluesky: BlueskyPlatformSchema.optional().meta({ description: 'A Bluesky account (polled)' }),
  })
  .default({})
  .meta({
    description: 'the platforms the company is on, one entry each; a platform without an entry is refused (404)',
  });
export type PlatformsConfig = z.infer<typeof PlatformsSchema>;
