import * as z from './zod-mini.ts';
import { MentionSchema, PlatformSchema, type Mention } from './mention.ts';

/**
 * A platform's notice that a mention was deleted by its author (X `tweet_delete_events`,
 * a deleted Instagram direct message, a YouTube `at:deleted-entry`). It travels on the
 * intake queue beside mentions: the stored mention's text and author are erased and its
 * case notes the deletion. Built at its first parse, like MentionSchema (mention.ts).
 */
export const MentionDeletionSchema = z.lazy(() =>
  z.strictObject({
    type: z.literal('deletion'),
    /** The id of the deleted mention: `<platform>:<externalId>`. */
    id: z.string().check(z.minLength(3)),
    platform: PlatformSchema,
    externalId: z.string().check(z.minLength(1)),
    /** The company's account the platform notified us for. */
    accountId: z.optional(z.string().check(z.minLength(1))),
    /** Who deleted it, when the platform says. */
    authorId: z.optional(z.string().check(z.minLength(1))),
    deletedAt: z.iso.datetime(),
    receivedAt: z.iso.datetime(),
    /** The platform's event type (`tweet_delete_events`, ...). */
    rawType: z.string().check(z.minLength(1)),
  }),
);
export type MentionDeletion = z.infer<typeof MentionDeletionSchema>;

/** What an intake queue message carries: a mention, or the notice that one was deleted. */
export const IntakeMessageSchema = z.lazy(() => z.union([MentionSchema, MentionDeletionSchema]));
export type IntakeMessage = Mention | MentionDeletion;

/** Whether an intake message is a deletion notice. */
export function isDeletion(message: IntakeMessage): message is MentionDeletion {
  return (message as Partial<MentionDeletion>).type === 'deletion';
}
