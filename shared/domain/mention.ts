import * as z from './zod-mini.ts';

import { CATEGORIES, PRIORITIES, SENTIMENTS } from './vocabulary.ts';

export { CATEGORIES, PRIORITIES, SENTIMENTS };
export type Category = (typeof CATEGORIES)[number];
export type Sentiment = (typeof SENTIMENTS)[number];
export type Priority = (typeof PRIORITIES)[number];

/**
 * The platform a mention was written on (`facebook`, `x`, `generic`: any signed JSON
 * source, ...). Each platform file declares the values its mentions carry and the edges
 * (config, API, CLI) check them against `MENTION_PLATFORMS` (shared/platforms/registry.ts);
 * the domain, which imports no platform, checks the form only. Nothing in the domain
 * switches over platforms.
 */
export const PlatformSchema = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'a platform is 1-40 lowercase letters, digits or dashes'));
export type Platform = string;

export const MENTION_KINDS = ['comment', 'post', 'mention', 'message', 'review', 'video'] as const;
export type MentionKind = (typeof MENTION_KINDS)[number];

/**
 * A normalized mention: what one person said about the company on one platform.
 * It is the body of every intake queue message. Built at its first parse (z.lazy), not at
 * import: every function imports this file, few parse a mention, and building it cost every
 * cold import 2-5 ms (issue 12). It checks exactly what the schema inside does.
 */
export const MentionSchema = z.lazy(() =>
  z.strictObject({
    /** `<platform>:<externalId>`: the dedupe key and the mention's id. */
    id: z.string().check(z.minLength(3)),
    platform: PlatformSchema,
    kind: z.enum(MENTION_KINDS),
    /** The platform's id of the comment or post. */
    externalId: z.string().check(z.minLength(1)),
    /** The conversation this mention belongs to (the post a comment is under). */
    threadId: z.string().check(z.minLength(1)),
    inReplyTo: z.optional(z.string().check(z.minLength(1))),
    /** The company's page or account the platform notified us for. */
    accountId: z.string().check(z.minLength(1)),
    author: z.strictObject({
      id: z.string().check(z.minLength(1)),
      /** Display name. */
      name: z.optional(z.string()),
      handle: z.optional(z.string()),
      /** Follower count, when the platform gives it. */
      followers: z.optional(z.int().check(z.nonnegative())),
    }),
    /** May be empty: Instagram mention notifications carry only ids, the text is fetched later. */
    text: z.string(),
    /** Language code when the platform says (e.g. X's `lang`); the classifier detects its own. */
    language: z.optional(z.string().check(z.minLength(2))),
    /** True when the company's own page or account wrote it (a reply, not a customer mention). */
    isOwnAccount: z.boolean(),
    /** The platform's event type this came from (`page.feed.comment`, `tweet_create_events`, ...). */
    rawType: z.string().check(z.minLength(1)),
    createdAt: z.iso.datetime(),
    receivedAt: z.iso.datetime(),
    url: z.optional(z.url()),
    /** Likes, shares and replies the platform reported with the mention (Mastodon favourites + reblogs + replies, YouTube likes); absent where it reports none. */
    reactions: z.optional(z.int().check(z.nonnegative())),
    /** For `generic` mentions: the configured source that sent it (`POST /webhooks/generic/<source>`). */
    source: z.optional(z.string().check(z.minLength(1))),
    /**
     * Fields cut (text, names, raw type) or dropped (url, language) at ingest to fit what can be
     * stored and published (mention-limits.ts), each with its original length in characters.
     */
    truncated: z.optional(
      z.strictObject({
        text: z.optional(z.int().check(z.nonnegative())),
        authorName: z.optional(z.int().check(z.nonnegative())),
        authorHandle: z.optional(z.int().check(z.nonnegative())),
        rawType: z.optional(z.int().check(z.nonnegative())),
        url: z.optional(z.int().check(z.nonnegative())),
        language: z.optional(z.int().check(z.nonnegative())),
      }),
    ),
  }),
);
export type Mention = z.infer<typeof MentionSchema>;

/** Builds the mention id that doubles as the dedupe key. */
export function mentionId(platform: Platform, externalId: string): string {
  return `${platform}:${externalId}`;
}
