import { z } from 'zod';

/**
 * The shapes of Meta's Webhooks payloads that Backchannel reads. Objects are loose:
 * Meta adds fields without notice and an unknown field must never fail a delivery.
 */

/** Meta sends ids as strings; a number is accepted and made a string. */
const id = z.union([z.string().min(1), z.number()]).transform(String);

/** Unix seconds (feed), milliseconds (Messenger) or an ISO string. */
export const metaTime = z.union([z.number(), z.string()]);

const change = z.looseObject({ field: z.string(), value: z.unknown() });

const entry = z.looseObject({
  id,
  time: metaTime.optional(),
  changes: z.array(change).optional(),
  messaging: z.array(z.unknown()).optional(),
});

const envelope = z.looseObject({ object: z.string(), entry: z.array(entry) });

/**
 * A webhook body: one envelope, as Meta sends it, or a list of envelopes, as the examples
 * of Meta's Instagram documentation show it.
 */
export const MetaBodySchema = z.union([envelope, z.array(envelope).min(1)]);
export type MetaEnvelope = z.infer<typeof envelope>;
export type MetaEntry = z.infer<typeof entry>;
export type MetaChange = z.infer<typeof change>;

const actor = z.looseObject({ id: id.optional(), name: z.string().optional() });

/** `value` of a Page's `feed` and `mention` changes. */
export const PageChangeValueSchema = z.looseObject({
  item: z.string(),
  verb: z.string(),
  from: actor.optional(),
  /** Who mentioned the Page (`mention` field). */
  sender_id: id.optional(),
  sender_name: z.string().optional(),
  post_id: id.optional(),
  comment_id: id.optional(),
  parent_id: id.optional(),
  message: z.string().optional(),
  created_time: metaTime.optional(),
});
export type PageChangeValue = z.infer<typeof PageChangeValueSchema>;

/** `value` of a Page's `ratings` change (a review). */
export const PageRatingValueSchema = z.looseObject({
  item: z.string(),
  verb: z.string(),
  reviewer_id: id.optional(),
  reviewer_name: z.string().optional(),
  review_text: z.string().optional(),
  rating: z.number().optional(),
  recommendation_type: z.string().optional(),
  open_graph_story_id: id.optional(),
  created_time: metaTime.optional(),
});
export type PageRatingValue = z.infer<typeof PageRatingValueSchema>;

/**
 * `value` of an Instagram `comments` change. Business Login for Instagram sends the
 * comment's id as `id`, Facebook Login for Business as `comment_id`.
 */
export const InstagramCommentValueSchema = z.looseObject({
  id: id.optional(),
  comment_id: id.optional(),
  from: z.looseObject({ id: id.optional(), username: z.string().optional() }).optional(),
  text: z.string().optional(),
  parent_id: id.optional(),
  media: z.looseObject({ id: id.optional() }).optional(),
});
export type InstagramCommentValue = z.infer<typeof InstagramCommentValueSchema>;

/** `value` of an Instagram `mentions` change: only ids, no text and no author. */
export const InstagramMentionValueSchema = z.looseObject({
  media_id: id,
  comment_id: id.optional(),
});
export type InstagramMentionValue = z.infer<typeof InstagramMentionValueSchema>;

/**
 * One Messenger or Instagram direct-message event of `entry[].messaging[]`. Only
 * `message` events are mentions; deliveries, reads, reactions and postbacks are not.
 */
export const MessagingEventSchema = z.looseObject({
  sender: z.looseObject({ id: id.optional() }).optional(),
  recipient: z.looseObject({ id: id.optional() }).optional(),
  timestamp: metaTime.optional(),
  message: z
    .looseObject({
      mid: id.optional(),
      text: z.string().optional(),
      /** The Page's or account's own message, echoed back. */
      is_echo: z.boolean().optional(),
      /** Instagram: the sender deleted the message. */
      is_deleted: z.boolean().optional(),
      reply_to: z.looseObject({ mid: id.optional() }).optional(),
    })
    .optional(),
});
export type MessagingEvent = z.infer<typeof MessagingEventSchema>;
