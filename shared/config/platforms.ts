import { z } from 'zod';

/**
 * The `platforms` section of a company config: one entry per platform the company uses.
 * Adding a platform adds its schema here (and its adapter under shared/platforms).
 */
export const MetaPlatformSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Facebook Page ids the company owns: comments written by these are the company's own. */
  pageIds: z.array(z.string().min(1)).default([]),
  /** Instagram professional account ids the company owns. */
  instagramAccountIds: z.array(z.string().min(1)).default([]),
  /**
   * Name of the secret holding `{"appSecret": "...", "verifyToken": "..."}`.
   * Defaults to `backchannel/<company>/meta`.
   */
  secretName: z.string().min(1).optional(),
});

export const PlatformsSchema = z.strictObject({ meta: MetaPlatformSchema.optional() }).default({});
export type PlatformsConfig = z.infer<typeof PlatformsSchema>;
