import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF, parseRetryAfter } from '../../../shared/domain/backoff.ts';
import { blueskyPage } from '../../../shared/pollers/bluesky.ts';
import { PlatformRequestError } from '../../../shared/pollers/errors.ts';
import { mastodonPage } from '../../../shared/pollers/mastodon.ts';
import { youtubePage } from '../../../shared/pollers/youtube.ts';

const now = new Date('2025-11-28T12:00:00Z');

describe('backoffDelayMs', () => {
  it('stays below the doubled cap and maxMs for any attempt and jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const delay = backoffDelayMs(attempt, undefined, DEFAULT_BACKOFF, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.baseMs * 2 ** (attempt - 1)));
      }),
    );
  });

  it('waits at least a Retry-After, with at most baseMs of jitter on top', () => {
    // Act
    const delays = [0, 0.999].map((r) => backoffDelayMs(1, 5_000, DEFAULT_BACKOFF, () => r));

    // Assess
    expect(delays).toEqual([5_000, 5_500]);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    ['Fri, 28 Nov 2025 12:00:30 GMT', 30_000],
    ['Fri, 28 Nov 2025 11:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('reads %s as %s ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('normalizers on arbitrary input', () => {
  const contexts = {
    youtube: (body: unknown) => youtubePage(body, { channelId: 'UC1', ownChannelIds: ['UC1'], receivedAt: now }),
    mastodon: (body: unknown) => mastodonPage(body, { ownAccountId: '1', accountId: '1', receivedAt: now }),
    bluesky: (body: unknown) => blueskyPage(body, { ownDid: 'did:plc:x', receivedAt: now }),
  };

  it.each(Object.entries(contexts))(
    '%s yields a page or a PlatformRequestError for any JSON value, never another exception',
    (_, parse) => {
      fc.assert(
        fc.property(fc.jsonValue(), (body) => {
          try {
            const page = parse(body);
            expect(Array.isArray(page.items)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(PlatformRequestError);
          }
        }),
        { numRuns: 300 },
      );
    },
  );
});
