import type { CompanyConfig } from '../config/schema.ts';
import { SignatureError, ValidationError } from '../domain/errors.ts';
import { bytesEqual, hmacSha256, stringsEqual } from './crypto.ts';
import { normalizeMetaEnvelopes } from './meta-normalize.ts';
import { MetaBodySchema } from './meta-payload.ts';
import type { ParseContext, ParseResult, PlatformAdapter, WebhookRequest, WebhookResponse, WebhookSecret } from './platform-adapter.ts';

/** The header carrying Meta's signature of a POST body (lower case, as requests hold it). */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * The `X-Hub-Signature-256` value Meta sends with a body: `sha256=<hex HMAC-SHA256 of the
 * raw body bytes, keyed with the app secret>`. A string body is signed as UTF-8.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(envelope);
 * await fetch(url, { method: 'POST', body, headers: { 'X-Hub-Signature-256': signMetaBody(body, appSecret) } });
 * ```
 */
export function signMetaBody(body: string | Buffer, appSecret: string): string {
  return `${SIGNATURE_PREFIX}${hmacSha256(appSecret, body).toString('hex')}`;
}

/**
 * Meta Webhooks (Facebook Pages and Instagram professional accounts):
 * handshake, signature and normalization of `page` and `instagram` notifications.
 */
export const metaAdapter: PlatformAdapter = {
  id: 'meta',

  isEnabled(config: CompanyConfig): boolean {
    return config.platforms.meta?.enabled === true;
  },

  handshake(request: WebhookRequest, secret: WebhookSecret): WebhookResponse {
    const mode = request.query['hub.mode'];
    const token = request.query['hub.verify_token'];
    const challenge = request.query['hub.challenge'];
    if (mode !== 'subscribe') return forbidden(`hub.mode is ${mode === undefined ? 'missing' : `'${mode}'`}, not 'subscribe'`);
    if (token === undefined || !stringsEqual(token, secret.verifyToken)) {
      return forbidden('hub.verify_token does not match the verify token');
    }
    if (!challenge) return forbidden('hub.challenge is missing');
    return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: challenge };
  },

  verify(request: WebhookRequest, secret: WebhookSecret): void {
    const header = request.headers[META_SIGNATURE_HEADER];
    if (!header) throw new SignatureError('missing X-Hub-Signature-256 header');
    if (!header.startsWith(SIGNATURE_PREFIX)) throw new SignatureError('X-Hub-Signature-256 does not start with sha256=');
    const hex = header.slice(SIGNATURE_PREFIX.length);
    if (!HEX_SHA256.test(hex)) throw new SignatureError('X-Hub-Signature-256 is not 64 hex digits');
    // Over the raw bytes: Meta escapes non-ASCII as \uXXXX, so a re-serialized body would not match.
    if (!bytesEqual(Buffer.from(hex, 'hex'), hmacSha256(secret.appSecret, request.body))) {
      throw new SignatureError('X-Hub-Signature-256 does not match the body');
    }
  },

  parse(body: Buffer, context: ParseContext): ParseResult {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      // The parser's message quotes the body; it stays out of the error.
      throw new ValidationError('body is not JSON');
    }
    const parsed = MetaBodySchema.safeParse(json);
    if (!parsed.success) {
      throw new ValidationError(
        'body is not a Meta webhook envelope ({"object": ..., "entry": [...]})',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
      );
    }
    const meta = context.config.platforms.meta;
    return normalizeMetaEnvelopes(Array.isArray(parsed.data) ? parsed.data : [parsed.data], {
      ownAccountIds: new Set([...(meta?.pageIds ?? []), ...(meta?.instagramAccountIds ?? [])]),
      receivedAt: context.receivedAt,
    });
  },
};

function forbidden(rejection: string): WebhookResponse {
  return {
    statusCode: 403,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'verification failed' }),
    rejection,
  };
}
