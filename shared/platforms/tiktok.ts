import * as z from '../domain/zod-mini.ts';
import { enabled, ids, secretName } from '../config/platform-fields.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { SignatureError } from '../domain/errors.ts';
import { randomSecret } from './crypto.ts';
import { deletionOf, finishMention, ignored, isoTime, parseEnvelope, parseJsonBody } from './normalize.ts';
import {
  emptyParseResult,
  noHandshake,
  type AdapterContext,
  type ParseContext,
  type ParseResult,
  type PlatformAdapter,
  type WebhookRequest,
  type WebhookResponse,
  entryEnabled,
} from './platform-adapter.ts';
import { timestampedSignature, verifyTimestamped } from './signed-timestamp.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

/** The header carrying TikTok's signature (lower case, as requests hold it). */
export const TIKTOK_SIGNATURE_HEADER = 'tiktok-signature';

/** TikTok's secret: the app's client secret. */
export const TikTokSecretSchema = z.object({ clientSecret: z.string().check(z.minLength(1)) });
export type TikTokSecret = z.infer<typeof TikTokSecretSchema>;

/** `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256 of t + "." + body>`. */
export function signTikTokBody(body: string | Buffer, clientSecret: string, now: Date): string {
  const t = String(Math.floor(now.getTime() / 1000));
  return `t=${t},s=${timestampedSignature(t, body, clientSecret)}`;
}

/** The webhook body; `content` is a JSON string of the event's own fields. Built at first parse, as x-payload.ts's. */
export const TikTokEventSchema = z.lazy(() =>
  z.looseObject({
    client_key: z.optional(z.string()),
    event: z.string().check(z.minLength(1)),
    create_time: z.optional(z.union([z.number(), z.string()])),
    user_openid: z.string().check(z.minLength(1)),
    content: z.optional(z.string()),
  }),
);

const PublishContentSchema = z.lazy(() =>
  z.looseObject({
    publish_id: z.optional(z.string()),
    post_id: z.optional(z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String))),
  }),
);

/** The `platforms.tiktok` entry of a company config. */
export const TikTokPlatformSchema = z.strictObject({
  enabled,
  accountOpenIds: ids.check(z.meta({ description: "The `user_openid`s of the company's TikTok accounts." })),
  secretName: secretName.check(
    z.meta({ description: 'Secret `{"clientSecret": "..."}`: the TikTok app\'s client secret.' }),
  ),
});

/**
 * TikTok (developer webhooks): `TikTok-Signature` with its 5-minute replay window;
 * `authorization.removed` is a revocation, a post that became publicly available is the
 * company's own video (the thread its comments belong to) and one that no longer is, a
 * deletion. TikTok has no verification handshake.
 */
export const tikTokAdapter: PlatformAdapter<TikTokSecret, 'tiktok', typeof TikTokPlatformSchema> = {
  id: 'tiktok',
  config: { schema: TikTokPlatformSchema, description: 'TikTok accounts (webhooks)' },
  mentionPlatforms: MENTION_PLATFORMS_OF.tiktok,
  secretShape: TikTokSecretSchema,
  secretDescription: 'TikTok app client secret: {"clientSecret": "..."}',
  generateSecret: () => ({ clientSecret: randomSecret() }),

  isEnabled: entryEnabled('tiktok'),

  isCompanyAccount(accountId: string, config: CompanyConfig): boolean {
    return (config.platforms.tiktok?.accountOpenIds ?? []).includes(accountId);
  },

  handshake(): WebhookResponse {
    return noHandshake('TikTok has no GET verification; webhooks are POSTed');
  },

  verify(request: WebhookRequest, secret: TikTokSecret, context: AdapterContext): void {
    const header = request.headers[TIKTOK_SIGNATURE_HEADER];
    if (!header) throw new SignatureError('missing TikTok-Signature header');
    const parts = new Map(
      header.split(',').map((part) => {
        const at = part.indexOf('=');
        return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
      }),
    );
    const t = parts.get('t');
    const s = parts.get('s');
    if (!t || !s) throw new SignatureError('TikTok-Signature is not t=<timestamp>,s=<signature>');
    verifyTimestamped({
      timestamp: t,
      signatureHex: s,
      body: request.body,
      secret: secret.clientSecret,
      now: context.now,
      header: 'TikTok-Signature',
    });
  },

  parse(body: Buffer, context: ParseContext): ParseResult {
    const event = parseEnvelope(
      TikTokEventSchema,
      parseJsonBody(body),
      'a TikTok webhook event ({"event": ..., "user_openid": ..., "content": "..."})',
    );
    const { receivedAt } = context;
    const result = emptyParseResult();
    const where = { event: event.event, user_openid: event.user_openid };
    const at = isoTime(event.create_time);
    if (event.event === 'authorization.removed') {
      result.revocations.push({
        platform: 'tiktok',
        userId: event.user_openid,
        rawType: event.event,
        ...(at ? { at } : {}),
      });
      return result;
    }
    if (
      event.event !== 'post.publish.publicly_available' &&
      event.event !== 'post.publish.no_longer_publicly_available'
    ) {
      result.ignored.push(ignored(`event '${event.event}' is not a mention`, where));
      return result;
    }
    let content: unknown;
    try {
      content = JSON.parse(event.content ?? '');
    } catch {
      result.ignored.push(ignored('content is not JSON', where));
      return result;
    }
    const parsed = PublishContentSchema.safeParse(content);
    const postId = parsed.success ? parsed.data.post_id : undefined;
    if (!postId) {
      result.ignored.push(ignored(`${event.event} without post_id`, where));
      return result;
    }
    if (event.event === 'post.publish.no_longer_publicly_available') {
      const deletion = deletionOf(
        {
          platform: 'tiktok',
          externalId: postId,
          accountId: event.user_openid,
          deletedAt: at ?? receivedAt.toISOString(),
          rawType: event.event,
        },
        receivedAt,
      );
      if (deletion) result.deletions.push(deletion);
      return result;
    }
    const outcome = finishMention(
      {
        platform: 'tiktok',
        kind: 'video',
        externalId: postId,
        threadId: postId,
        accountId: event.user_openid,
        author: { id: event.user_openid },
        text: '',
        // The app is authorized by the company's own account: what it publishes is the company's.
        isOwnAccount: true,
        rawType: event.event,
        createdAt: at ?? receivedAt.toISOString(),
      },
      receivedAt,
      where,
    );
    if ('mention' in outcome) result.mentions.push(outcome.mention);
    else result.ignored.push(outcome.ignored);
    return result;
  },

  sign(body, secret, options) {
    return {
      'content-type': 'application/json',
      [TIKTOK_SIGNATURE_HEADER]: signTikTokBody(body, secret.clientSecret, options.now),
    };
  },
};
