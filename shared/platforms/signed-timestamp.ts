import { checkTimestamp, hmacSha256, verifyHexDigest } from './crypto.ts';

/**
 * The scheme TikTok and Backchannel's generic webhooks share: hex HMAC-SHA256 over
 * `<unix seconds> + "." + <raw body>`, the timestamp inside a 5-minute replay window.
 */
export function timestampedSignature(timestamp: string, body: string | Buffer, secret: string): string {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return hmacSha256(secret, Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), bytes])).toString('hex');
}

/**
 * Checks a timestamped signature: the timestamp first (a stale one is refused whatever
 * the signature), then the HMAC.
 * @throws SignatureError for a malformed or stale timestamp or signature;
 *   SignatureMismatchError when only the secret can explain the failure
 */
export function verifyTimestamped(options: {
  readonly timestamp: string;
  readonly signatureHex: string;
  readonly body: Buffer;
  readonly secret: string;
  readonly now: Date;
  /** The header named in reasons. */
  readonly header: string;
}): void {
  checkTimestamp(options.timestamp, options.now, `${options.header} timestamp`);
  const expected = Buffer.from(timestampedSignature(options.timestamp, options.body, options.secret), 'hex');
  verifyHexDigest(options.signatureHex, expected, options.header, `${options.header} signature`);
}
