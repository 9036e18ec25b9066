import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of raw bytes (a string is taken as UTF-8). */
export function hmacSha256(key: string, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * Compares two byte strings in constant time. Unequal lengths return false without
 * calling timingSafeEqual, which would throw.
 */
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Compares two strings in constant time, whatever their lengths: both are hashed first,
 * so neither the content nor the length of the expected value leaks through timing.
 */
export function stringsEqual(actual: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(actual), digest(expected));
}
