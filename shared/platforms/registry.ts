import { genericAdapter } from './generic.ts';
import { linkedInAdapter } from './linkedin.ts';
import { metaAdapter } from './meta.ts';
import type { PlatformAdapter, PlatformRegistry } from './platform-adapter.ts';
import { tikTokAdapter } from './tiktok.ts';
import { xAdapter } from './x.ts';
import { youTubeAdapter } from './youtube.ts';

/**
 * Builds a registry of webhook platforms.
 * @throws Error when two adapters claim the same id
 */
export function createPlatformRegistry(adapters: readonly PlatformAdapter[]): PlatformRegistry {
  const byId = new Map<string, PlatformAdapter>();
  for (const adapter of adapters) {
    if (byId.has(adapter.id)) throw new Error(`two platform adapters claim the id "${adapter.id}"`);
    byId.set(adapter.id, adapter);
  }
  return {
    get: (platformId) => byId.get(platformId),
    ids: [...byId.keys()],
    adapters: [...byId.values()],
  };
}

/** Every platform Backchannel receives webhooks from. Register a new adapter here. */
export const platformRegistry: PlatformRegistry = createPlatformRegistry([
  metaAdapter,
  xAdapter,
  linkedInAdapter,
  youTubeAdapter,
  tikTokAdapter,
  genericAdapter,
] as readonly PlatformAdapter[]);
