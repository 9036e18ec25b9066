import * as z from '../domain/zod-mini.ts';
import { enabled, ids, secretName } from '../config/platform-fields.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { SignatureError, ValidationError } from '../domain/errors.ts';
import { bytesEqual, hmacSha256, randomSecret } from './crypto.ts';
import { X_CRC_TOKEN, tokenRejection } from './handshake-tokens.ts';
import { deletionOf, finishMention, idOf, ignored, isoTime, parseJsonBody, type MentionFields } from './normalize.ts';
import {
  jsonResponse,
  emptyParseResult,
  SignatureMismatchError,
  type ParseContext,
  type ParseResult,
  type PlatformAdapter,
  type WebhookRequest,
  type WebhookResponse,
  entryEnabled,
} from './platform-adapter.ts';
import {
  XAccountActivitySchema,
  XActivityEventSchema,
  XDirectMessageSchema,
  XTweetDeleteSchema,
  XTweetSchema,
  XUserEventSchema,
  XUserSchema,
  XV2PostSchema,
  type XAccountActivity,
  type XUser,
} from './x-payload.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

/** The header carrying X's signature of a POST body (lower case, as requests hold it). */
export const X_SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

const PREFIX = 'sha256=';
/** Base64 of 32 bytes: 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** X's secret: the app's consumer (API key) secret keys both the CRC and the signatures. */
export const XSecretSchema = z.object({ consumerSecret: z.string().check(z.minLength(1)) });
export type XSecret = z.infer<typeof XSecretSchema>;

/** `sha256=` + base64 HMAC-SHA256 of `data` with the consumer secret: X's CRC token and signature form. */
export function signX(data: string | Buffer, consumerSecret: string): string {
  return `${PREFIX}${hmacSha256(consumerSecret, data).toString('base64')}`;
}

/** Event arrays of the Account Activity API that never carry a mention. */
const HANDLED = new Set(['tweet_create_events', 'direct_message_events', 'tweet_delete_events']);

interface XContext {
  readonly forUserId: string | undefined;
  readonly own: ReadonlySet<string>;
  readonly receivedAt: Date;
}

/** The `platforms.x` entry of a company config. */
export const XPlatformSchema = z.strictObject({
  enabled,
  accountIds: ids.check(
    z.meta({ description: "X user ids of the company's accounts (the Account Activity `for_user_id`s)." }),
  ),
  secretName: secretName.check(
    z.meta({ description: 'Secret `{"consumerSecret": "..."}`: the X app\'s API key secret.' }),
  ),
});

/**
 * X: Account Activity API webhooks (CRC handshake, `x-twitter-webhooks-signature`,
 * `tweet_create_events`, `direct_message_events`, `tweet_delete_events`, `user_event`)
 * and the X Activity API's `post.mention.create` events.
 */
export const xAdapter: PlatformAdapter<XSecret, 'x', typeof XPlatformSchema> = {
  id: 'x',
  config: { schema: XPlatformSchema, description: 'X accounts (Account Activity webhooks)' },
  mentionPlatforms: MENTION_PLATFORMS_OF.x,
  secretShape: XSecretSchema,
  secretDescription: 'X app consumer secret (API key secret): {"consumerSecret": "..."}',
  generateSecret: () => ({ consumerSecret: randomSecret() }),

  isEnabled: entryEnabled('x'),

  isCompanyAccount(accountId: string, config: CompanyConfig): boolean {
    return (config.platforms.x?.accountIds ?? []).includes(accountId);
  },

  handshake(request: WebhookRequest, secret: XSecret): WebhookResponse {
    const token = request.query.crc_token;
    // The CRC signs with the key that signs bodies: only X's token format is answered, none
    // of which is an X body (see handshake-tokens.ts).
    const refused = tokenRejection(X_CRC_TOKEN, token);
    if (refused !== undefined || token === undefined) {
      const reason = refused ?? 'crc_token is missing';
      return jsonResponse(400, { message: reason }, reason);
    }
    return jsonResponse(200, { response_token: signX(token, secret.consumerSecret) });
  },

  verify(request: WebhookRequest, secret: XSecret): void {
    const header = request.headers[X_SIGNATURE_HEADER];
    if (!header) throw new SignatureError('missing x-twitter-webhooks-signature header');
    if (!header.startsWith(PREFIX))
      throw new SignatureError('x-twitter-webhooks-signature does not start with sha256=');
    const encoded = header.slice(PREFIX.length);
    if (!BASE64_SHA256.test(encoded))
      throw new SignatureError('x-twitter-webhooks-signature is not the base64 of 32 bytes');
    if (!bytesEqual(Buffer.from(encoded, 'base64'), hmacSha256(secret.consumerSecret, request.body))) {
      throw new SignatureMismatchError('x-twitter-webhooks-signature does not match the body');
    }
  },

  parse(body: Buffer, context: ParseContext): ParseResult {
    const json = parseJsonBody(body);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ValidationError('body is not an X webhook object');
    }
    const own = new Set(context.config.platforms.x?.accountIds ?? []);
    if ('data' in json) return activityEvents((json as { data: unknown }).data, own, context.receivedAt);
    const parsed = XAccountActivitySchema.safeParse(json);
    if (!parsed.success || (parsed.data.for_user_id === undefined && parsed.data.user_event === undefined)) {
      throw new ValidationError(
        'body is not an X Account Activity payload ({"for_user_id": ..., "<type>_events": [...]}) nor an X Activity event ({"data": ...})',
      );
    }
    return accountActivity(parsed.data, { forUserId: parsed.data.for_user_id, own, receivedAt: context.receivedAt });
  },

  sign(body, secret) {
    return { 'content-type': 'application/json', [X_SIGNATURE_HEADER]: signX(body, secret.consumerSecret) };
  },
};

function accountActivity(envelope: XAccountActivity, context: XContext): ParseResult {
  const result = emptyParseResult();
  const forUser = { for_user_id: context.forUserId };
  (envelope.tweet_create_events ?? []).forEach((event, index) => {
    const where = { ...forUser, type: 'tweet_create_events', index };
    const tweet = XTweetSchema.safeParse(event);
    if (!tweet.success) {
      result.ignored.push(ignored('unexpected tweet object', where));
      return;
    }
    const t = tweet.data;
    const id = t.id_str ?? t.id;
    if (!id) {
      result.ignored.push(ignored('tweet without id', where));
      return;
    }
    if (t.retweeted_status !== undefined) {
      result.ignored.push(ignored('a retweet is not a mention', { ...where, id }));
      return;
    }
    const user = t.user;
    const authorId = user ? (user.id_str ?? user.id) : undefined;
    if (!authorId) {
      result.ignored.push(ignored('tweet without user', { ...where, id }));
      return;
    }
    const replyTo = t.in_reply_to_status_id_str ?? undefined;
    const text =
      t.truncated && t.extended_tweet?.full_text ? t.extended_tweet.full_text : (t.full_text ?? t.text ?? '');
    const outcome = finishMention(
      {
        platform: 'x',
        // A reply belongs to the conversation of the post it answers; v1.1 gives only the parent.
        kind: replyTo ? 'comment' : 'mention',
        externalId: id,
        threadId: replyTo ?? id,
        ...(replyTo ? { inReplyTo: replyTo } : {}),
        accountId: context.forUserId ?? authorId,
        author: authorOf(authorId, user),
        text,
        ...(t.lang && t.lang !== 'und' ? { language: t.lang } : {}),
        isOwnAccount: isOwn(authorId, context),
        rawType: 'tweet_create_events',
        createdAt: isoTime(t.created_at) ?? isoTime(t.timestamp_ms) ?? context.receivedAt.toISOString(),
        url: `https://x.com/${user?.screen_name ?? 'i/web'}/status/${id}`,
      },
      context.receivedAt,
      where,
    );
    push(result, outcome);
  });

  (envelope.direct_message_events ?? []).forEach((event, index) => {
    const where = { ...forUser, type: 'direct_message_events', index };
    const dm = XDirectMessageSchema.safeParse(event);
    if (!dm.success) {
      result.ignored.push(ignored('unexpected direct message event', where));
      return;
    }
    const m = dm.data;
    if (m.type !== 'message_create' || !m.message_create) {
      result.ignored.push(ignored(`direct message event '${m.type}' is not a message`, where));
      return;
    }
    const senderId = m.message_create.sender_id;
    const recipientId = m.message_create.target?.recipient_id;
    if (!senderId) {
      result.ignored.push(ignored('direct message without sender_id', { ...where, id: m.id }));
      return;
    }
    const own = isOwn(senderId, context);
    const customerId = own ? recipientId : senderId;
    if (!customerId) {
      result.ignored.push(ignored('direct message without recipient_id', { ...where, id: m.id }));
      return;
    }
    const sender = XUserSchema.safeParse(envelope.users?.[senderId]);
    push(
      result,
      finishMention(
        {
          platform: 'x',
          kind: 'message',
          externalId: m.id,
          threadId: `dm:${customerId}`,
          accountId: context.forUserId ?? (own ? senderId : (recipientId ?? senderId)),
          author: authorOf(senderId, sender.success ? sender.data : undefined),
          text: m.message_create.message_data?.text ?? '',
          isOwnAccount: own,
          rawType: 'direct_message_events',
          createdAt: isoTime(m.created_timestamp) ?? context.receivedAt.toISOString(),
        },
        context.receivedAt,
        where,
      ),
    );
  });

  (envelope.tweet_delete_events ?? []).forEach((event, index) => {
    const where = { ...forUser, type: 'tweet_delete_events', index };
    const parsed = XTweetDeleteSchema.safeParse(event);
    if (!parsed.success) {
      result.ignored.push(ignored('unexpected tweet delete event', where));
      return;
    }
    const d = parsed.data;
    const deletion = deletionOf(
      {
        platform: 'x',
        externalId: d.status.id,
        accountId: context.forUserId,
        authorId: d.status.user_id,
        deletedAt: isoTime(d.timestamp_ms) ?? context.receivedAt.toISOString(),
        rawType: 'tweet_delete_events',
      },
      context.receivedAt,
    );
    if (deletion) result.deletions.push(deletion);
    else result.ignored.push(ignored('tweet delete event without a usable id', where));
  });

  if (envelope.user_event !== undefined) {
    const parsed = XUserEventSchema.safeParse(envelope.user_event);
    const revoke = parsed.success ? parsed.data.revoke : undefined;
    const userId = revoke?.source?.user_id;
    if (revoke && userId) {
      const at = isoTime(revoke.date_time);
      result.revocations.push({ platform: 'x', userId, rawType: 'user_event.revoke', ...(at ? { at } : {}) });
    } else {
      result.ignored.push(ignored('user_event is not a revocation', { type: 'user_event' }));
    }
  }

  for (const [key, value] of Object.entries(envelope)) {
    if (!key.endsWith('_events') || HANDLED.has(key)) continue;
    const count = Array.isArray(value) ? value.length : 1;
    for (let index = 0; index < count; index++)
      result.ignored.push(ignored(`${key} are not mentions`, { ...forUser, type: key, index }));
  }
  return result;
}

/** X Activity API events: `post.mention.create` is a mention; other event types are ignored. */
function activityEvents(data: unknown, own: ReadonlySet<string>, receivedAt: Date): ParseResult {
  const result = emptyParseResult();
  const events = Array.isArray(data) ? data : [data];
  events.forEach((raw, index) => {
    const parsed = XActivityEventSchema.safeParse(raw);
    if (!parsed.success) {
      result.ignored.push(ignored('not an X Activity event', { index }));
      return;
    }
    const event = parsed.data;
    const where = { type: event.event_type, index, event_uuid: event.event_uuid };
    if (event.event_type !== 'post.mention.create') {
      result.ignored.push(ignored(`X Activity event '${event.event_type}' is not handled`, where));
      return;
    }
    const post = XV2PostSchema.safeParse(event.payload);
    if (!post.success || !post.data.author_id) {
      result.ignored.push(ignored('post.mention.create without a post and its author', where));
      return;
    }
    const p = post.data;
    const authorId = p.author_id as string;
    const user = event.includes?.users?.find((u) => u.id === authorId);
    const followers = user?.public_metrics?.followers_count;
    const replyTo = p.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
    const subscribed = event.filter?.user_id;
    push(
      result,
      finishMention(
        {
          platform: 'x',
          kind: 'mention',
          externalId: p.id,
          threadId: p.conversation_id ?? p.id,
          ...(replyTo ? { inReplyTo: replyTo } : {}),
          accountId: subscribed ?? authorId,
          author: {
            id: authorId,
            ...(user?.username ? { handle: user.username } : {}),
            ...(user?.name ? { name: user.name } : {}),
            ...(followers !== undefined ? { followers } : {}),
          },
          text: p.text ?? '',
          ...(p.lang && p.lang !== 'und' ? { language: p.lang } : {}),
          isOwnAccount: authorId === subscribed || own.has(authorId),
          rawType: 'post.mention.create',
          createdAt: isoTime(p.created_at) ?? receivedAt.toISOString(),
          url: `https://x.com/${user?.username ?? 'i/web'}/status/${p.id}`,
        },
        receivedAt,
        where,
      ),
    );
  });
  return result;
}

function authorOf(id: string, user: XUser | undefined): MentionFields['author'] {
  return {
    id,
    ...(user?.screen_name ? { handle: user.screen_name } : {}),
    ...(user?.name ? { name: user.name } : {}),
    ...(user?.followers_count !== undefined ? { followers: user.followers_count } : {}),
  };
}

function isOwn(userId: string, context: XContext): boolean {
  return userId === context.forUserId || context.own.has(userId);
}

function push(result: ParseResult, outcome: ReturnType<typeof finishMention>): void {
  if ('mention' in outcome) result.mentions.push(outcome.mention);
  else result.ignored.push(outcome.ignored);
}

export { idOf };
