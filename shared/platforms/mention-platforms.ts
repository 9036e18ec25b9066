import type { PlatformDefinition } from './platform-adapter.ts';

/**
 * The `platform` values each platform's mentions carry, by platform id, in the registry's
 * order (shared/platforms/registry.ts). Every platform's declaration takes its
 * `mentionPlatforms` from its entry here, so that the list of values comes without the
 * adapters that parse webhooks: admin-api and the CLI check values against it and parse none
 * (the adapters bring fast-xml-parser and every payload schema). Register a new platform here
 * and in the registry; test/unit/platforms/declarations.test.ts holds the two to each other.
 */
export const MENTION_PLATFORMS_OF = {
  meta: ['facebook', 'instagram'],
  x: ['x'],
  linkedin: ['linkedin'],
  youtube: ['youtube'],
  tiktok: ['tiktok'],
  generic: ['generic'],
  mastodon: ['mastodon'],
  bluesky: ['bluesky'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/**
 * The `platform` values the mentions of `definitions` carry, in their order.
 * @throws Error when two platforms declare the same value, or none is given
 */
export function mentionPlatformsOf(
  definitions: readonly Pick<PlatformDefinition, 'mentionPlatforms'>[],
): readonly [string, ...string[]] {
  const values = definitions.flatMap((definition) => definition.mentionPlatforms);
  const repeated = values.find((value, index) => values.indexOf(value) !== index);
  if (repeated !== undefined) throw new Error(`two platforms declare the mention platform "${repeated}"`);
  const [first, ...rest] = values;
  if (first === undefined) throw new Error('no platform is registered');
  return [first, ...rest];
}

/**
 * The `platform` values mentions carry, from every platform's declaration: the edges
 * (config, API, CLI) check values against this list; the domain checks the form only.
 */
export const MENTION_PLATFORMS = mentionPlatformsOf(
  Object.values(MENTION_PLATFORMS_OF).map((mentionPlatforms) => ({ mentionPlatforms })),
);
