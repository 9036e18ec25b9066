import * as z from '../domain/zod-mini.ts';
import { backfillHours, enabled, pollSchedule, secretName } from '../config/platform-fields.ts';
import type { PlatformDefinition } from './platform-adapter.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

/**
 * Bluesky (polled): poll-bluesky signs in as `handle` with the secret's `appPassword`
 * (`com.atproto.server.createSession`) and reads `app.bsky.notification.listNotifications`
 * (reasons mention, reply, quote).
 */
export const BlueskyPlatformSchema = z.strictObject({
  enabled,
  handle: z
    .string()
    .check(z.minLength(1))
    .check(z.meta({ description: "The company's handle (`radwerk.bsky.social`), used to sign in." })),
  did: z
    .optional(z.string().check(z.startsWith('did:')))
    .check(
      z.meta({ description: "The company's DID; defaults to the one the session reports. Posts by it are its own." }),
    ),
  serviceUrl: z
    ._default(z.url(), 'https://bsky.social')
    .check(
      z.meta({ description: "The account's PDS (or entryway): it serves the session and proxies to the AppView." }),
    ),
  secretName: secretName.check(z.meta({ description: 'Secret `{"appPassword": "..."}`.' })),
  pollSchedule,
  backfillHours,
});

/** Bluesky account: no webhooks; its poller (functions/poll-bluesky, infra/pollers.ts) and reply client (outbound/bluesky.ts) are capabilities of their own. */
export const blueskyPlatform: PlatformDefinition<'bluesky', typeof BlueskyPlatformSchema> = {
  id: 'bluesky',
  config: { schema: BlueskyPlatformSchema, description: 'A Bluesky account (polled)' },
  mentionPlatforms: MENTION_PLATFORMS_OF.bluesky,
};
