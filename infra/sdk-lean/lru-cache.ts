/**
 * The LRU cache of DynamoDB's endpoint discovery, in the Lambda bundles in place of
 * `mnemonist/lru-cache` (esbuild alias, infra/bundling.ts): `@aws-sdk/endpoint-cache` builds
 * one in every DynamoDB client, endpoint discovery on or off, and mnemonist's brings its
 * typed-array and iterator helpers and obliterator, 7.5 KB of every bundle with a DynamoDB
 * client (issue 12). A Map keeps insertion order, so the least recently used key is the first
 * one. Only what EndpointCache calls: get, peek, set, has, clear. Tests and `npm start` use
 * mnemonist itself.
 */
export default class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`LRUCache: capacity must be a positive number, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value of `key` without making it the most recently used. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Stores `value` as the most recently used; the least recently used goes when the cache is full. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
