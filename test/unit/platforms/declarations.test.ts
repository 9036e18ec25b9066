import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PlatformsSchema } from '../../../shared/config/platforms.ts';
import { PlatformSchema } from '../../../shared/domain/mention.ts';
import { metaAdapter } from '../../../shared/platforms/meta.ts';
import { MENTION_PLATFORMS_OF } from '../../../shared/platforms/mention-platforms.ts';
import type { PlatformDefinition } from '../../../shared/platforms/platform-adapter.ts';
import {
  MENTION_PLATFORMS,
  mentionPlatformsOf,
  platformDefinitions,
  platformRegistry,
} from '../../../shared/platforms/registry.ts';
import { fixture, parseContext } from './support.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The mentions an adapter reads from the fixtures of its folder (the ones that parse). */
function fixtureMentions(platformId: string): { platform: string }[] {
  const adapter = platformRegistry.get(platformId);
  if (!adapter) throw new Error(`no webhook adapter ${platformId}`);
  const context = parseContext({ params: { source: 'trustpilot' } });
  return readdirSync(`${FIXTURES}${platformId}`).flatMap((name) => {
    try {
      return adapter.parse(fixture(platformId, name), context).mentions;
    } catch {
      return []; // API answers and error bodies of pollers share the folder; they are not webhooks
    }
  });
}

describe('platform declarations', () => {
  it('give the config one platforms entry per registered platform, with the description the platform declares', () => {
    // Act
    const entries = PlatformsSchema.unwrap().shape;

    // Assess
    expect(Object.keys(entries)).toEqual(platformDefinitions.map((definition) => definition.id));
    for (const definition of platformDefinitions as readonly PlatformDefinition[]) {
      const entry = entries[definition.id as keyof typeof entries];
      expect(entry.meta()?.description).toBe(definition.config.description);
      expect(entry.unwrap()).toBe(definition.config.schema);
    }
  });

  it('serve webhooks only for the platforms that have an adapter: mastodon and bluesky are polled', () => {
    // Act
    const polled = platformDefinitions.map((definition) => definition.id).filter((id) => !platformRegistry.get(id));

    // Assess
    expect(polled).toEqual(['mastodon', 'bluesky']);
  });

  it('list every mention platform once, each of a form the domain accepts', () => {
    // Assess
    expect(MENTION_PLATFORMS).toEqual(
      expect.arrayContaining(['bluesky', 'facebook', 'generic', 'instagram', 'linkedin', 'mastodon', 'tiktok', 'x']),
    );
    expect(new Set(MENTION_PLATFORMS).size).toBe(MENTION_PLATFORMS.length);
    for (const platform of MENTION_PLATFORMS) expect(PlatformSchema.safeParse(platform).success).toBe(true);
  });

  it('take their mention platforms from the adapter-free list, one entry per registered platform in registry order', () => {
    // Act
    const declared = platformDefinitions.map((definition) => [definition.id, definition.mentionPlatforms]);

    // Assess
    expect(declared).toEqual(Object.entries(MENTION_PLATFORMS_OF));
    expect(MENTION_PLATFORMS).toEqual(mentionPlatformsOf(platformDefinitions));
  });

  it('refuse two platforms declaring the same mention platform', () => {
    // Arrange
    const copy: PlatformDefinition = { ...metaAdapter, id: 'meta-copy', mentionPlatforms: ['instagram'] };

    // Act
    const run = () => mentionPlatformsOf([metaAdapter, copy]);

    // Assess
    expect(run).toThrow('two platforms declare the mention platform "instagram"');
  });

  it.each(platformRegistry.ids)('%s: the mentions its fixtures yield carry only platforms it declares', (id) => {
    // Arrange
    const declared = (platformDefinitions as readonly PlatformDefinition[]).find((definition) => definition.id === id);

    // Act
    const platforms = new Set(fixtureMentions(id).map((mention) => mention.platform));

    // Assess
    expect(platforms.size).toBeGreaterThan(0);
    expect([...platforms].filter((platform) => !declared?.mentionPlatforms.includes(platform))).toEqual([]);
  });
});
