import * as z from '../domain/zod-mini.ts';
import { enabled, ids, secretName } from '../config/platform-fields.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { SignatureError } from '../domain/errors.ts';
import { hmacSha256, randomSecret, stringsEqual, verifyHexDigest } from './crypto.ts';
import { echoChallenge, META_CHALLENGE } from './handshake-tokens.ts';
import { normalizeMetaEnvelopes } from './meta-normalize.ts';
import { MetaBodySchema } from './meta-payload.ts';
import { parseEnvelope, parseJsonBody } from './normalize.ts';
import {
  jsonResponse,
  type ParseContext,
  type ParseResult,
  type PlatformAdapter,
  type WebhookRequest,
  type WebhookResponse,
  entryEnabled,
} from './platform-adapter.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

/** The header carrying Meta's signature of a POST body (lower case, as requests hold it). */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PREFIX = 'sha256=';

/** Meta's secret: the app secret signs bodies, the verify token answers the handshake. */
export const MetaSecretSchema = z.object({
  appSecret: z.string().check(z.minLength(1)),
  verifyToken: z.string().check(z.minLength(1)),
});
export type MetaSecret = z.infer<typeof MetaSecretSchema>;

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

/** The `platforms.meta` entry of a company config. */
export const MetaPlatformSchema = z.strictObject({
  enabled,
  pageIds: ids.check(
    z.meta({
      description: "Facebook Page ids the company owns: comments written by these are the company's own.",
    }),
  ),
  instagramAccountIds: ids.check(z.meta({ description: 'Instagram professional account ids the company owns.' })),
  secretName: secretName.check(z.meta({ description: 'Secret `{"appSecret": "...", "verifyToken": "..."}`.' })),
});

/**
 * Meta Webhooks (Facebook Pages, Instagram professional accounts, Messenger and Instagram
 * direct messages): handshake, signature and normalization of `page` and `instagram`
 * notifications.
 */
export const metaAdapter: PlatformAdapter<MetaSecret, 'meta', typeof MetaPlatformSchema> = {
  id: 'meta',
  config: { schema: MetaPlatformSchema, description: 'Facebook Pages and Instagram accounts (Meta webhooks)' },
  mentionPlatforms: MENTION_PLATFORMS_OF.meta,
  secretShape: MetaSecretSchema,
  secretDescription: 'Meta app secret and webhook verify token: {"appSecret": "...", "verifyToken": "..."}',

  generateSecret: () => ({ appSecret: randomSecret(16), verifyToken: randomSecret(18) }),
  generatedSecretKey: 'verifyToken',

  isEnabled: entryEnabled('meta'),

  isCompanyAccount(accountId: string, config: CompanyConfig): boolean {
    const meta = config.platforms.meta;
    return (meta?.pageIds ?? []).includes(accountId) || (meta?.instagramAccountIds ?? []).includes(accountId);
  },

  handshake(request: WebhookRequest, secret: MetaSecret): WebhookResponse {
    const mode = request.query['hub.mode'];
    const token = request.query['hub.verify_token'];
    const challenge = request.query['hub.challenge'];
    if (mode !== 'subscribe')
      return forbidden(`hub.mode is ${mode === undefined ? 'missing' : `'${mode}'`}, not 'subscribe'`);
    if (token === undefined || !stringsEqual(token, secret.verifyToken)) {
      return forbidden('hub.verify_token does not match the verify token');
    }
    if (!challenge) return forbidden('hub.challenge is missing');
    // Meta's challenge is an int: nothing else is echoed (see handshake-tokens.ts).
    return echoChallenge(META_CHALLENGE, challenge);
  },

  verify(request: WebhookRequest, secret: MetaSecret): void {
    const header = request.headers[META_SIGNATURE_HEADER];
    if (!header) throw new SignatureError('missing X-Hub-Signature-256 header');
    if (!header.startsWith(SIGNATURE_PREFIX))
      throw new SignatureError('X-Hub-Signature-256 does not start with sha256=');
    // Over the raw bytes: Meta escapes non-ASCII as \uXXXX, so a re-serialized body would not match.
    const expected = hmacSha256(secret.appSecret, request.body);
    verifyHexDigest(header.slice(SIGNATURE_PREFIX.length), expected, 'X-Hub-Signature-256');
  },

  parse(body: Buffer, context: ParseContext): ParseResult {
    const envelope = parseEnvelope(
      MetaBodySchema,
      parseJsonBody(body),
      'a Meta webhook envelope ({"object": ..., "entry": [...]})',
    );
    const meta = context.config.platforms.meta;
    return normalizeMetaEnvelopes(Array.isArray(envelope) ? envelope : [envelope], {
      ownAccountIds: new Set([...(meta?.pageIds ?? []), ...(meta?.instagramAccountIds ?? [])]),
      receivedAt: context.receivedAt,
    });
  },

  sign(body, secret) {
    return { 'content-type': 'application/json', [META_SIGNATURE_HEADER]: signMetaBody(body, secret.appSecret) };
  },
};

function forbidden(rejection: string): WebhookResponse {
  return jsonResponse(403, { message: 'verification failed' }, rejection);
}
