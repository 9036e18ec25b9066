import * as z from '../domain/zod-mini.ts';

/**
 * The shapes of Meta's Webhooks payloads that Backchannel reads. Objects are loose:
 * Meta adds fields without notice and an unknown field must never fail a delivery.
 * Built at first parse (z.lazy), as x-payload.ts's.
 */

/** Meta sends ids as strings; a number is accepted and made a string. */
const id = z.lazy(() => z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String)));

/** Unix seconds (feed), milliseconds (Messenger) or an ISO string. */
export const metaTime = z.lazy(() => z.union([z.number(), z.string()]));

const change = z.lazy(() => z.looseObject({ field: z.string(), value: z.unknown() }));

const entry = z.lazy(() =>
  z.looseObject({
    id,
    time: z.optional(metaTime),
    changes: z.optional(z.array(change)),
    messaging: z.optional(z.array(z.unknown())),
  }),
);

const envelope = z.lazy(() => z.looseObject({ object: z.string(), entry: z.array(entry) }));

/**
 * A webhook body: one envelope, as Meta sends it, or a list of envelopes, as the examples
 * of Meta's Instagram documentation show it.
 */
export const MetaBodySchema = z.lazy(() => z.union([envelope, z.array(envelope).check(z.minLength(1))]));
export type MetaEnvelope = z.infer<typeof envelope>;
export type MetaEntry = z.infer<typeof entry>;
export type MetaChange = z.infer<typeof change>;

const actor = z.lazy(() => z.looseObject({ id: z.optional(id), name: z.optional(z.string()) }));

/** `value` of a Page's `feed` and `mention` changes. */
export const PageChangeValueSchema = z.lazy(() =>
  z.looseObject({
    item: z.string(),
    verb: z.string(),
    from: z.optional(actor),
    /** Who mentioned the Page (`mention` field). */
    sender_id: z.optional(id),
    sender_name: z.optional(z.string()),
    post_id: z.optional(id),
    comment_id: z.optional(id),
    parent_id: z.optional(id),
    message: z.optional(z.string()),
    created_time: z.optional(metaTime),
  }),
);
export type PageChangeValue = z.infer<typeof PageChangeValueSchema>;

/** `value` of a Page's `ratings` change (a review). */
export const PageRatingValueSchema = z.lazy(() =>
  z.looseObject({
    item: z.string(),
    verb: z.string(),
    reviewer_id: z.optional(id),
    reviewer_name: z.optional(z.string()),
    review_text: z.optional(z.string()),
    rating: z.optional(z.number()),
    recommendation_type: z.optional(z.string()),
    open_graph_story_id: z.optional(id),
    created_time: z.optional(metaTime),
  }),
);
export type PageRatingValue = z.infer<typeof PageRatingValueSchema>;

/**
 * `value` of an Instagram `comments` change. Business Login for Instagram sends the
 * comment's id as `id`, Facebook Login for Business as `comment_id`.
 */
export const InstagramCommentValueSchema = z.lazy(() =>
  z.looseObject({
    id: z.optional(id),
    comment_id: z.optional(id),
    from: z.optional(z.looseObject({ id: z.optional(id), username: z.optional(z.string()) })),
    text: z.optional(z.string()),
    parent_id: z.optional(id),
    media: z.optional(z.looseObject({ id: z.optional(id) })),
  }),
);
export type InstagramCommentValue = z.infer<typeof InstagramCommentValueSchema>;

/** `value` of an Instagram `mentions` change: only ids, no text and no author. */
export const InstagramMentionValueSchema = z.lazy(() =>
  z.looseObject({
    media_id: id,
    comment_id: z.optional(id),
  }),
);
export type InstagramMentionValue = z.infer<typeof InstagramMentionValueSchema>;

/**
 * One Messenger or Instagram direct-message event of `entry[].messaging[]`. Only
 * `message` events are mentions; deliveries, reads, reactions and postbacks are not.
 */
export const MessagingEventSchema = z.lazy(() =>
  z.looseObject({
    sender: z.optional(z.looseObject({ id: z.optional(id) })),
    recipient: z.optional(z.looseObject({ id: z.optional(id) })),
    timestamp: z.optional(metaTime),
    message: z.optional(
      z.looseObject({
        mid: z.optional(id),
        text: z.optional(z.string()),
        /** The Page's or account's own message, echoed back. */
        is_echo: z.optional(z.boolean()),
        /** Instagram: the sender deleted the message. */
        is_deleted: z.optional(z.boolean()),
        reply_to: z.optional(z.looseObject({ mid: z.optional(id) })),
      }),
    ),
  }),
);
export type MessagingEvent = z.infer<typeof MessagingEventSchema>;
