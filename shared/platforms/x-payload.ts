import { z } from 'zod';

/**
 * The shapes of X's webhook payloads that Backchannel reads: Account Activity API (v1.1
 * objects) and the X Activity API's event envelope (v2 objects). Objects are loose: X adds
 * fields without notice.
 */

const idString = z.union([z.string().min(1), z.number()]).transform(String);
const nullableString = z.string().nullable().optional();

export const XUserSchema = z.looseObject({
  id_str: z.string().optional(),
  id: idString.optional(),
  screen_name: z.string().optional(),
  name: z.string().optional(),
  followers_count: z.number().int().nonnegative().optional(),
});
export type XUser = z.infer<typeof XUserSchema>;

/** A v1.1 Tweet object as `tweet_create_events` carries it. */
export const XTweetSchema = z.looseObject({
  /** Prefer this: `id` is a number that JavaScript rounds. */
  id_str: z.string().min(1).optional(),
  id: idString.optional(),
  text: z.string().optional(),
  full_text: z.string().optional(),
  truncated: z.boolean().optional(),
  extended_tweet: z.looseObject({ full_text: z.string().optional() }).optional(),
  user: XUserSchema.optional(),
  created_at: z.string().optional(),
  timestamp_ms: z.union([z.string(), z.number()]).optional(),
  in_reply_to_status_id_str: nullableString,
  lang: nullableString,
  retweeted_status: z.unknown().optional(),
});
export type XTweet = z.infer<typeof XTweetSchema>;

/** One `direct_message_events[]` element. */
export const XDirectMessageSchema = z.looseObject({
  type: z.string(),
  id: idString,
  created_timestamp: z.union([z.string(), z.number()]).optional(),
  message_create: z
    .looseObject({
      target: z.looseObject({ recipient_id: idString.optional() }).optional(),
      sender_id: idString.optional(),
      message_data: z.looseObject({ text: z.string().optional() }).optional(),
    })
    .optional(),
});

/** One `tweet_delete_events[]` element. */
export const XTweetDeleteSchema = z.looseObject({
  status: z.looseObject({ id: idString, user_id: idString.optional() }),
  timestamp_ms: z.union([z.string(), z.number()]).optional(),
});

/** `user_event`: a user revoked the app's access. */
export const XUserEventSchema = z.looseObject({
  revoke: z
    .looseObject({
      date_time: z.string().optional(),
      target: z.looseObject({ app_id: idString.optional() }).optional(),
      source: z.looseObject({ user_id: idString.optional() }).optional(),
    })
    .optional(),
});

/** The Account Activity envelope: one subscribed user, arrays of events by type. */
export const XAccountActivitySchema = z.looseObject({
  for_user_id: idString.optional(),
  tweet_create_events: z.array(z.unknown()).optional(),
  direct_message_events: z.array(z.unknown()).optional(),
  tweet_delete_events: z.array(z.unknown()).optional(),
  user_event: z.unknown().optional(),
  users: z.record(z.string(), z.unknown()).optional(),
});
export type XAccountActivity = z.infer<typeof XAccountActivitySchema>;

/** A v2 user of an Activity API event's `includes.users`. */
const XV2UserSchema = z.looseObject({
  id: idString,
  username: z.string().optional(),
  name: z.string().optional(),
  public_metrics: z.looseObject({ followers_count: z.number().int().nonnegative().optional() }).optional(),
});

/** A v2 post of an Activity API event's `payload`. */
export const XV2PostSchema = z.looseObject({
  id: idString,
  text: z.string().optional(),
  author_id: idString.optional(),
  created_at: z.string().optional(),
  conversation_id: idString.optional(),
  lang: z.string().optional(),
  referenced_tweets: z.array(z.looseObject({ type: z.string(), id: idString })).optional(),
});

/** The X Activity API's event: `{"data": {"event_type": ..., "payload": ..., "includes": ...}}`. */
export const XActivityEventSchema = z.looseObject({
  event_type: z.string(),
  event_uuid: z.string().optional(),
  filter: z.looseObject({ user_id: idString.optional() }).optional(),
  payload: z.unknown(),
  includes: z.looseObject({ users: z.array(XV2UserSchema).optional() }).optional(),
});
export type XActivityEvent = z.infer<typeof XActivityEventSchema>;

export const XActivityEnvelopeSchema = z.looseObject({
  data: z.union([z.unknown().refine((v) => !Array.isArray(v)), z.array(z.unknown())]),
});
