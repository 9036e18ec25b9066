import { blueskyPlatform } from './bluesky.ts';
import { genericAdapter } from './generic.ts';
import { linkedInAdapter } from './linkedin.ts';
import { mastodonPlatform } from './mastodon.ts';
import { metaAdapter } from './meta.ts';
import { createPlatformRegistry } from './create-registry.ts';
import type { PlatformAdapter, PlatformDefinition, PlatformRegistry } from './platform-adapter.ts';
import { tikTokAdapter } from './tiktok.ts';
import { xAdapter } from './x.ts';
import { youTubeAdapter } from './youtube.ts';

/**
 * Every platform, one line each: a webhook adapter (`PlatformAdapter`) or a platform
 * without webhooks (`PlatformDefinition`, polled). The company config's `platforms`
 * section and `MENTION_PLATFORMS` are built from this list, the webhook routes, secrets
 * and grants from the adapters among them. Register a new platform here.
 */
export const platformDefinitions = [
  metaAdapter,
  xAdapter,
  linkedInAdapter,
  youTubeAdapter,
  tikTokAdapter,
  genericAdapter,
  mastodonPlatform,
  blueskyPlatform,
] as const;

function isWebhookAdapter(definition: PlatformDefinition): definition is PlatformAdapter {
  return 'parse' in definition;
}

/** Every platform Backchannel receives webhooks from: the adapters of `platformDefinitions`. */
export const platformRegistry: PlatformRegistry = createPlatformRegistry(
  (platformDefinitions as readonly PlatformDefinition[]).filter(isWebhookAdapter),
);

/** Builds a registry of webhook platforms (shared/platforms/create-registry.ts, which imports no adapter). */
export { createPlatformRegistry } from './create-registry.ts';

/** The `platform` values mentions carry (shared/platforms/mention-platforms.ts, which needs no adapter). */
export { MENTION_PLATFORMS, mentionPlatformsOf } from './mention-platforms.ts';
