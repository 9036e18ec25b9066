import { z } from 'zod';

/** What a mention is about; each category is owned by at most one department. */
export const CATEGORIES = [
  'complaint',
  'question',
  'sales_lead',
  'press_inquiry',
  'product_idea',
  'praise',
  'community_project',
  'legal_risk',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Platforms whose mentions Backchannel understands. */
export const PLATFORMS = ['facebook', 'instagram'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const MENTION_KINDS = ['comment', 'post', 'mention', 'direct_message', 'rating'] as const;

/**
 * A normalized mention: what one person said about the company on one platform.
 * It is the body of every intake queue message.
 */
export const MentionSchema = z.strictObject({
  /** `<platform>:<externalId>`: the dedupe key and the mention's id. */
  id: z.string().min(3),
  platform: z.enum(PLATFORMS),
  kind: z.enum(MENTION_KINDS),
  /** The platform's id of the comment or post. */
  externalId: z.string().min(1),
  /** The conversation this mention belongs to (the post a comment is under). */
  threadId: z.string().min(1),
  parentId: z.string().min(1).optional(),
  /** The company's page or account the platform notified us for. */
  accountId: z.string().min(1),
  author: z.strictObject({
    id: z.string().min(1),
    name: z.string().optional(),
    handle: z.string().optional(),
  }),
  /** May be empty: Instagram mention notifications carry only ids, the text is fetched later. */
  text: z.string(),
  /** True when the company's own page or account wrote it (a reply, not a customer mention). */
  fromCompany: z.boolean(),
  createdAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  url: z.url().optional(),
});
export type Mention = z.infer<typeof MentionSchema>;

/** Builds the mention id that doubles as the dedupe key. */
export function mentionId(platform: Platform, externalId: string): string {
  return `${platform}:${externalId}`;
}
