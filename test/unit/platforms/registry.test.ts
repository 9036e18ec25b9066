import { describe, expect, it } from 'vitest';
import { metaAdapter } from '../../../shared/platforms/meta.ts';
import { createPlatformRegistry, platformRegistry } from '../../../shared/platforms/registry.ts';

describe('platformRegistry', () => {
  it('maps the webhook platform id meta to the Meta adapter', () => {
    // Act
    const adapter = platformRegistry.get('meta');

    // Assess
    expect(adapter).toBe(metaAdapter);
  });

  it('registers every webhook platform, each once', () => {
    // Act
    const ids = platformRegistry.ids;

    // Assess
    expect(ids).toEqual(expect.arrayContaining(['generic', 'linkedin', 'meta', 'tiktok', 'x', 'youtube']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(['mastodon', 'META', '__proto__', 'constructor', ''])('knows no platform %j', (id) => {
    // Act
    const adapter = platformRegistry.get(id);

    // Assess
    expect(adapter).toBeUndefined();
  });

  it('refuses two adapters with the same id', () => {
    // Act
    const run = () => createPlatformRegistry([metaAdapter, { ...metaAdapter }]);

    // Assess
    expect(run).toThrow('two platform adapters claim the id "meta"');
  });
});
