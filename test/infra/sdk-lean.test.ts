import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import LRUCache from '../../infra/sdk-lean/lru-cache.ts';

/** What the endpoint cache calls, on either cache. */
type Cache = Pick<LRUCache<string, number>, 'get' | 'peek' | 'set' | 'has' | 'clear' | 'size'>;
// mnemonist/lru-cache is CommonJS whose typings claim a default export.
const MnemonistLRUCache = createRequire(import.meta.url)('mnemonist/lru-cache') as new (capacity: number) => Cache;

/*
 * The Lambda bundles alias `mnemonist/lru-cache` to infra/sdk-lean/lru-cache.ts (DynamoDB's
 * endpoint cache): it must answer what @aws-sdk/endpoint-cache asks (get, peek, set, has,
 * clear) as mnemonist's does.
 */
describe('the bundles’ LRU cache (in place of mnemonist/lru-cache)', () => {
  it('answers a sequence of the endpoint cache’s calls as mnemonist does', () => {
    // Arrange
    const lean = new LRUCache<string, number>(3);
    const mnemonist = new MnemonistLRUCache(3);
    const calls: ((cache: Cache) => unknown)[] = [
      (c) => c.set('a', 1),
      (c) => c.set('b', 2),
      (c) => c.set('c', 3),
      (c) => c.get('a'),
      (c) => c.set('d', 4),
      (c) => c.has('b'),
      (c) => c.peek('c'),
      (c) => c.set('e', 5),
      (c) => c.has('c'),
      (c) => c.get('a'),
      (c) => c.set('a', 6),
      (c) => c.get('a'),
      (c) => c.get('missing'),
      (c) => c.size,
      (c) => c.clear(),
      (c) => c.has('a'),
      (c) => c.size,
    ];

    // Act
    const answers = (cache: Cache) => calls.map((call) => call(cache));

    // Assess
    const expected = answers(mnemonist);
    expect(answers(lean)).toEqual(expected);
    expect(expected).toEqual([
      undefined,
      undefined,
      undefined,
      1,
      undefined,
      false,
      3,
      undefined,
      false,
      1,
      undefined,
      6,
      undefined,
      3,
      undefined,
      false,
      0,
    ]);
  });

  it('evicts the least recently used key, not the least recently peeked', () => {
    // Arrange
    const cache = new LRUCache<string, string>(2);
    cache.set('old', 'x');
    cache.set('new', 'y');

    // Act
    cache.peek('old');
    cache.set('newest', 'z');

    // Assess
    expect([cache.has('old'), cache.has('new'), cache.has('newest')]).toEqual([false, true, true]);
  });

  it('refuses a capacity that holds nothing', () => {
    // Act / Assess
    expect(() => new LRUCache(0)).toThrow(RangeError);
  });
});
