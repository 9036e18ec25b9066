import { Sha256 as SdkSha256, Sha256Js } from '@smithy/core/checksum';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleAlias, SDK_CHECKSUM } from '../../infra/bundling.ts';
import LRUCache from '../../infra/sdk-lean/lru-cache.ts';
import { Sha1, Sha256 } from '../../infra/sdk-lean/sha256.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

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

/*
 * The Lambda bundles alias `@smithy/core/checksum` to infra/sdk-lean/checksum.ts, whose Sha256
 * (infra/sdk-lean/sha256.ts) signs every SDK request: its digests must be node:crypto's and
 * the SDK's own, for the SDK's input types, in pieces, and as an HMAC (SigV4's signing key).
 */
describe('the bundles’ SHA-256 (in place of @smithy/core/checksum’s, without its JavaScript fallback)', () => {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  const payload = randomBytes(1000);

  it('computes the digest node:crypto and the SDK’s classes compute, fed in pieces (views into a larger buffer)', async () => {
    // Arrange
    const hashes = [new Sha256(), new SdkSha256(), new Sha256Js()];
    const text = new TextEncoder().encode('Grüße, ');

    // Act
    for (const hash of hashes) {
      hash.update(text);
      hash.update(payload.subarray(0, 500));
      hash.update(payload.subarray(500));
    }
    const digests = await Promise.all(hashes.map(async (h) => hex(await h.digest())));

    // Assess
    const expected = createHash('sha256').update('Grüße, ').update(payload).digest('hex');
    expect(digests).toEqual([expected, expected, expected]);
  });

  it('takes the strings and buffers SigV4 hands it as node:crypto does', async () => {
    // Arrange
    const hash = new Sha256();

    // Act
    hash.update('GET\n/\n');
    hash.update(new Uint8Array(payload).buffer);

    // Assess
    expect(hex(await hash.digest())).toBe(createHash('sha256').update('GET\n/\n').update(payload).digest('hex'));
  });

  it('computes an HMAC with the secret as node:crypto and the SDK do, and refuses input after its digest', async () => {
    // Arrange
    const secret = randomBytes(32);
    const lean = new Sha256(secret);
    const sdk = new Sha256Js(secret);
    lean.update('AWS4-HMAC-SHA256');
    sdk.update('AWS4-HMAC-SHA256');

    // Act
    const [leanDigest, sdkDigest] = [hex(await lean.digest()), hex(await sdk.digest())];

    // Assess
    const expected = createHmac('sha256', secret).update('AWS4-HMAC-SHA256').digest('hex');
    expect([leanDigest, sdkDigest]).toEqual([expected, expected]);
    expect(() => lean.update('more')).toThrow(/already finished/);
  });

  it('digests again with more input, and starts over after reset', async () => {
    // Arrange
    const hash = new Sha256();
    hash.update('a');

    // Act
    const first = hex(await hash.digest());
    hash.update('b');
    const second = hex(await hash.digest());
    hash.reset();
    const empty = hex(await hash.digest());

    // Assess
    expect([first, second, empty]).toEqual([
      createHash('sha256').update('a').digest('hex'),
      createHash('sha256').update('ab').digest('hex'),
      createHash('sha256').digest('hex'),
    ]);
  });

  it('is what the functions’ bundles take for the SDK’s checksum module, and not the benches’ baseline', () => {
    // Act
    const functions = bundleAlias(ROOT, {});
    const baseline = bundleAlias(ROOT, {}, [SDK_CHECKSUM]);

    // Assess
    expect(functions[SDK_CHECKSUM]).toBe(path.join(ROOT, 'infra/sdk-lean/checksum.ts'));
    expect(baseline[SDK_CHECKSUM]).toBeUndefined();
  });
});

describe('the bundles’ SHA-1 (in place of @aws-sdk/checksums/sha’s, without its JavaScript fallback)', () => {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

  it('computes node:crypto’s SHA-1 and HMAC-SHA-1, 20 bytes, and starts over after reset', async () => {
    // Arrange
    const payload = randomBytes(700);
    const hash = new Sha1();
    const hmac = new Sha1('key');

    // Act
    hash.update('Grüße, ');
    hash.update(payload.subarray(0, 300));
    hash.update(payload.subarray(300));
    const digest = await hash.digest();
    hash.reset();
    hash.update('again');
    const again = hex(await hash.digest());
    hmac.update(payload);

    // Assess
    expect(hash.digestLength).toBe(20);
    expect(hex(digest)).toBe(createHash('sha1').update('Grüße, ').update(payload).digest('hex'));
    expect(again).toBe(createHash('sha1').update('again').digest('hex'));
    expect(hex(await hmac.digest())).toBe(createHmac('sha1', 'key').update(payload).digest('hex'));
  });

  it('is what the functions’ bundles take for the SDK’s SHA module', () => {
    // Act
    const functions = bundleAlias(ROOT, {});

    // Assess
    expect(functions['@aws-sdk/checksums/sha']).toBe(path.join(ROOT, 'infra/sdk-lean/checksums-sha.ts'));
  });
});
