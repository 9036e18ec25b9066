import * as z from '../domain/zod-mini.ts';
import { backfillHours, enabled, pollSchedule, secretName } from '../config/platform-fields.ts';
import type { PlatformDefinition } from './platform-adapter.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

/**
 * Mastodon (polled): poll-mastodon reads the mentions of the company's account
 * (`GET /api/v1/notifications?types[]=mention`) with the secret's `accessToken`
 * (scope `read:notifications`).
 */
export const MastodonPlatformSchema = z.strictObject({
  enabled,
  instanceUrl: z.url().check(z.meta({ description: "The company's instance, e.g. `https://mastodon.social`." })),
  accountId: z
    .optional(z.string().check(z.minLength(1)))
    .check(z.meta({ description: "The company's account id on that instance: statuses it wrote are its own." })),
  secretName: secretName.check(z.meta({ description: 'Secret `{"accessToken": "..."}`.' })),
  pollSchedule,
  backfillHours,
});

/** Mastodon account: no webhooks; its poller (functions/poll-mastodon, infra/pollers.ts) and reply client (outbound/mastodon.ts) are capabilities of their own. */
export const mastodonPlatform: PlatformDefinition<'mastodon', typeof MastodonPlatformSchema> = {
  id: 'mastodon',
  config: { schema: MastodonPlatformSchema, description: 'A Mastodon account (polled)' },
  mentionPlatforms: MENTION_PLATFORMS_OF.mastodon,
};
