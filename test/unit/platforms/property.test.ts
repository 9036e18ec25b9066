import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { PlatformAdapter } from '../../../shared/platforms/platform-adapter.ts';
import { platformRegistry } from '../../../shared/platforms/registry.ts';
import { anyBody, assertParsesOrThrowsTyped, envelopeLike, parseContext } from './support.ts';

/**
 * Bodies shaped like each adapter's envelope, so the properties reach past the first check.
 * Every registered adapter is tested; one without an entry here gets arbitrary bodies twice.
 */
const shapedBodies: Readonly<Record<string, fc.Arbitrary<Buffer>>> = {
  meta: envelopeLike(['object', 'entry', 'changes', 'messaging', 'id', 'time']),
  x: envelopeLike([
    'for_user_id',
    'tweet_create_events',
    'direct_message_events',
    'tweet_delete_events',
    'user_event',
    'users',
    'data',
    'favorite_events',
  ]),
  linkedin: envelopeLike(['type', 'notifications']),
  tiktok: envelopeLike(['event', 'user_openid', 'content', 'create_time', 'client_key']),
  generic: envelopeLike(['id', 'kind', 'author', 'text', 'createdAt', 'threadId', 'isOwnAccount']),
  youtube: fc
    .array(
      fc.constantFrom(
        '<feed>',
        '</feed>',
        '<entry>',
        '</entry>',
        '<yt:videoId>',
        '</yt:videoId>',
        'abc',
        '&amp;',
        '<link rel="alternate" href="x"/>',
        '<at:deleted-entry ref="yt:video:1"/>',
      ),
      { maxLength: 12 },
    )
    .map((parts) => Buffer.from(parts.join(''))),
};

describe.each(
  platformRegistry.adapters.map(
    (adapter) => [adapter.id, adapter as PlatformAdapter, shapedBodies[adapter.id] ?? anyBody] as const,
  ),
)('%s adapter: parse on any input', (_id, adapter, shaped) => {
  const context = parseContext({ params: { source: 'trustpilot' } });

  it('yields valid mentions or a typed error for any bytes and any JSON value', () => {
    // Act + Assess: the property holds for every generated body
    fc.assert(
      fc.property(anyBody, (body) => assertParsesOrThrowsTyped(adapter, body, context)),
      { numRuns: 300 },
    );
  });

  it('yields valid mentions or a typed error for bodies shaped like its envelope', () => {
    // Act + Assess
    fc.assert(
      fc.property(shaped, (body) => assertParsesOrThrowsTyped(adapter, body, context)),
      { numRuns: 300 },
    );
  });
});
