import * as z from '../domain/zod-mini.ts';

/**
 * The shapes of X's webhook payloads that Backchannel reads: Account Activity API (v1.1
 * objects) and the X Activity API's event envelope (v2 objects). Objects are loose: X adds
 * fields without notice. Each schema is built at its first parse (z.lazy), not at import:
 * ingest-webhook bundles every enabled platform's shapes and a request reads one
 * platform's (issue 12, cold import).
 */

const idString = z.lazy(() => z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String)));
const nullableString = z.optional(z.nullable(z.string()));

export const XUserSchema = z.lazy(() =>
  z.looseObject({
    id_str: z.optional(z.string()),
    id: z.optional(idString),
    screen_name: z.optional(z.string()),
    name: z.optional(z.string()),
    followers_count: z.optional(z.number().check(z.int(), z.nonnegative())),
  }),
);
export type XUser = z.infer<typeof XUserSchema>;

/** A v1.1 Tweet object as `tweet_create_events` carries it. */
export const XTweetSchema = z.lazy(() =>
  z.looseObject({
    /** Prefer this: `id` is a number that JavaScript rounds. */
    id_str: z.optional(z.string().check(z.minLength(1))),
    id: z.optional(idString),
    text: z.optional(z.string()),
    full_text: z.optional(z.string()),
    truncated: z.optional(z.boolean()),
    extended_tweet: z.optional(z.looseObject({ full_text: z.optional(z.string()) })),
    user: z.optional(XUserSchema),
    created_at: z.optional(z.string()),
    timestamp_ms: z.optional(z.union([z.string(), z.number()])),
    in_reply_to_status_id_str: nullableString,
    lang: nullableString,
    retweeted_status: z.optional(z.unknown()),
  }),
);
export type XTweet = z.infer<typeof XTweetSchema>;

/** One `direct_message_events[]` element. */
export const XDirectMessageSchema = z.lazy(() =>
  z.looseObject({
    type: z.string(),
    id: idString,
    created_timestamp: z.optional(z.union([z.string(), z.number()])),
    message_create: z.optional(
      z.looseObject({
        target: z.optional(z.looseObject({ recipient_id: z.optional(idString) })),
        sender_id: z.optional(idString),
        message_data: z.optional(z.looseObject({ text: z.optional(z.string()) })),
      }),
    ),
  }),
);

/** One `tweet_delete_events[]` element. */
export const XTweetDeleteSchema = z.lazy(() =>
  z.looseObject({
    status: z.looseObject({ id: idString, user_id: z.optional(idString) }),
    timestamp_ms: z.optional(z.union([z.string(), z.number()])),
  }),
);

/** `user_event`: a user revoked the app's access. */
export const XUserEventSchema = z.lazy(() =>
  z.looseObject({
    revoke: z.optional(
      z.looseObject({
        date_time: z.optional(z.string()),
        target: z.optional(z.looseObject({ app_id: z.optional(idString) })),
        source: z.optional(z.looseObject({ user_id: z.optional(idString) })),
      }),
    ),
  }),
);

/** The Account Activity envelope: one subscribed user, arrays of events by type. */
export const XAccountActivitySchema = z.lazy(() =>
  z.looseObject({
    for_user_id: z.optional(idString),
    tweet_create_events: z.optional(z.array(z.unknown())),
    direct_message_events: z.optional(z.array(z.unknown())),
    tweet_delete_events: z.optional(z.array(z.unknown())),
    user_event: z.optional(z.unknown()),
    users: z.optional(z.record(z.string(), z.unknown())),
  }),
);
export type XAccountActivity = z.infer<typeof XAccountActivitySchema>;

/** A v2 user of an Activity API event's `includes.users`. */
const XV2UserSchema = z.lazy(() =>
  z.looseObject({
    id: idString,
    username: z.optional(z.string()),
    name: z.optional(z.string()),
    public_metrics: z.optional(
      z.looseObject({ followers_count: z.optional(z.number().check(z.int(), z.nonnegative())) }),
    ),
  }),
);

/** A v2 post of an Activity API event's `payload`. */
export const XV2PostSchema = z.lazy(() =>
  z.looseObject({
    id: idString,
    text: z.optional(z.string()),
    author_id: z.optional(idString),
    created_at: z.optional(z.string()),
    conversation_id: z.optional(idString),
    lang: z.optional(z.string()),
    referenced_tweets: z.optional(z.array(z.looseObject({ type: z.string(), id: idString }))),
  }),
);

/** The X Activity API's event: `{"data": {"event_type": ..., "payload": ..., "includes": ...}}`. */
export const XActivityEventSchema = z.lazy(() =>
  z.looseObject({
    event_type: z.string(),
    event_uuid: z.optional(z.string()),
    filter: z.optional(z.looseObject({ user_id: z.optional(idString) })),
    payload: z.unknown(),
    includes: z.optional(z.looseObject({ users: z.optional(z.array(XV2UserSchema)) })),
  }),
);
export type XActivityEvent = z.infer<typeof XActivityEventSchema>;

export const XActivityEnvelopeSchema = z.lazy(() =>
  z.looseObject({
    data: z.union([z.unknown().check(z.refine((v) => !Array.isArray(v))), z.array(z.unknown())]),
  }),
);
