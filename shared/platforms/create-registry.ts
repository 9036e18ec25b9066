import type { PlatformAdapter, PlatformRegistry } from './platform-adapter.ts';

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
