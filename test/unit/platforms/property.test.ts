import fc from 'fast-check';
import { describe, it } from 'vitest';
import { genericAdapter } from '../../../shared/platforms/generic.ts';
import { linkedInAdapter } from '../../../shared/platforms/linkedin.ts';
import { metaAdapter } from '../../../shared/platforms/meta.ts';
import type { PlatformAdapter } from '../../../shared/platforms/platform-adapter.ts';
import { tikTokAdapter } from '../../../shared/platforms/tiktok.ts';
import { xAdapter } from '../../../shared/platforms/x.ts';
import { youTubeAdapter } from '../../../shared/platforms/youtube.ts';
import { anyBody, assertParsesOrThrowsTyped, envelopeLike, parseContext } from './support.ts';

/** Each adapter with bodies shaped like its envelope, so the properties reach past the first check. */
const cases: readonly [PlatformAdapter, fc.Arbitrary<Buffer>][] = [
  [metaAdapter as PlatformAdapter, envelopeLike(['object', 'entry', 'changes', 'messaging', 'id', 'time'])],
  [
    xAdapter as PlatformAdapter,
    envelopeLike([
      'for_user_id',
      'tweet_create_events',
      'direct_message_events',
      'tweet_delete_events',
      'user_event',
      'users',
      'data',
      'favorite_events',
    ]),
  ],
  [linkedInAdapter as PlatformAdapter, envelopeLike(['type', 'notifications'])],
  [tikTokAdapter as PlatformAdapter, envelopeLike(['event', 'user_openid', 'content', 'create_time', 'client_key'])],
  [
    genericAdapter as PlatformAdapter,
    envelopeLike(['id', 'kind', 'author', 'text', 'createdAt', 'threadId', 'isOwnAccount']),
  ],
  [
    youTubeAdapter as PlatformAdapter,
    fc
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
  ],
];

describe.each(cases.map(([adapter, shaped]) => [adapter.id, adapter, shaped] as const))(
  '%s adapter: parse on any input',
  (_id, adapter, shaped) => {
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
  },
);
