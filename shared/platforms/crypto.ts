import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../domain/errors.ts';
import { SignatureMismatchError } from '../domain/platform-adapter.ts';

/** HMAC-SHA256 of raw bytes (a string is taken as UTF-8). */
export function hmacSha256(key: string, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** HMAC of raw bytes with a named digest (`sha1`, `sha256`). */
export function hmac(algorithm: 'sha1' | 'sha256', key: string, ...parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
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

/** A random secret for the local runtime: 32 bytes, base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** How far a signed timestamp may be from now, either way: five minutes. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

/**
 * Checks a signed unix-seconds timestamp against the clock.
 * @throws SignatureError when it is not a number of seconds, or further than
 *   {@link REPLAY_WINDOW_SECONDS} from `now` (a replay, or a sender's clock far off)
 */
export function checkTimestamp(value: string, now: Date, what: string): void {
  if (!/^\d{1,12}$/.test(value)) throw new SignatureError(`${what} is not a unix timestamp in seconds`);
  const ageSeconds = Math.floor(now.getTime() / 1000) - Number(value);
  if (Math.abs(ageSeconds) > REPLAY_WINDOW_SECONDS) {
    throw new SignatureError(
      `${what} is ${Math.abs(ageSeconds)} s ${ageSeconds > 0 ? 'old' : 'in the future'}, outside the ${REPLAY_WINDOW_SECONDS} s replay window`,
    );
  }
}

/** Decodes lower- or upper-case hex of an exact byte length, or undefined. */
export function hexBytes(value: string, length: number): Buffer | undefined {
  return new RegExp(`^[0-9a-fA-F]{${length * 2}}$`).test(value) ? Buffer.from(value, 'hex') : undefined;
}

/**
 * Checks a hex signature against the digest computed over the raw body, in constant time:
 * the one comparison Meta, YouTube, LinkedIn, TikTok and generic signatures share.
 * @param header - the header named in the reasons
 * @param what - what the "not hex" reason names; defaults to the header
 * @throws SignatureError when it is not hex of the digest's length; SignatureMismatchError
 *   when it differs (only the secret can explain that)
 */
export function verifyHexDigest(hex: string, expected: Buffer, header: string, what = header): void {
  const signature = hexBytes(hex, expected.length);
  if (!signature) throw new SignatureError(`${what} is not ${expected.length * 2} hex digits`);
  if (!bytesEqual(signature, expected)) throw new SignatureMismatchError(`${header} does not match the body`);
}
