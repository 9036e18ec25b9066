import * as z from '../domain/zod-mini.ts';
import { enabled, ids, secretName } from '../config/platform-fields.ts';
import type { CompanyConfig } from '../config/schema.ts';
import { SignatureError } from '../domain/errors.ts';
import type { MentionKind } from '../domain/mention.ts';
import { hmacSha256, randomSecret, verifyHexDigest } from './crypto.ts';
import { LINKEDIN_CHALLENGE_CODE, tokenRejection } from './handshake-tokens.ts';
import { deletionOf, finishMention, ignored, isoTime, parseEnvelope, parseJsonBody } from './normalize.ts';
import {
  jsonResponse,
  emptyParseResult,
  type ParseContext,
  type ParseResult,
  type PlatformAdapter,
  type WebhookRequest,
  type WebhookResponse,
  entryEnabled,
} from './platform-adapter.ts';
import { MENTION_PLATFORMS_OF } from './mention-platforms.ts';

/** The header carrying LinkedIn's signature of a POST body (lower case, as requests hold it). */
export const LINKEDIN_SIGNATURE_HEADER = 'x-li-signature';

/** LinkedIn's secret: the app's client secret keys the challenge and the signatures. */
export const LinkedInSecretSchema = z.object({ clientSecret: z.string().check(z.minLength(1)) });
export type LinkedInSecret = z.infer<typeof LinkedInSecretSchema>;

/** Hex HMAC-SHA256 of the challenge code with the client secret: LinkedIn's `challengeResponse`. */
export function linkedInChallengeResponse(challengeCode: string, clientSecret: string): string {
  return hmacSha256(clientSecret, challengeCode).toString('hex');
}

/** `X-LI-Signature`: hex HMAC-SHA256 of `"hmacsha256=" + body` with the client secret. */
export function signLinkedInBody(body: string | Buffer, clientSecret: string): string {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return hmacSha256(clientSecret, Buffer.concat([Buffer.from('hmacsha256=', 'utf8'), bytes])).toString('hex');
}

// The payload shapes are built at their first parse (z.lazy), as x-payload.ts's.
const urn = z.string().check(z.minLength(1));
const activity = z.lazy(() =>
  z.looseObject({
    owner: z.optional(urn),
    text: z.optional(z.string()),
    entity: z.optional(urn),
    object: z.optional(urn),
  }),
);

/** One element of `notifications[]` (OrganizationSocialActionNotification). */
export const LinkedInNotificationSchema = z.lazy(() =>
  z.looseObject({
    notificationId: z.pipe(z.union([z.number(), z.string()]), z.transform(String)),
    organizationalEntity: z.optional(urn),
    action: z.string(),
    sourcePost: z.optional(urn),
    decoratedSourcePost: z.optional(activity),
    lastModifiedAt: z.optional(z.union([z.number(), z.string()])),
    generatedActivity: z.optional(urn),
    decoratedGeneratedActivity: z.optional(
      z.looseObject({ comment: z.optional(activity), share: z.optional(activity), mention: z.optional(activity) }),
    ),
    subscriber: z.optional(urn),
  }),
);
type Notification = z.infer<typeof LinkedInNotificationSchema>;

/** The push body: `{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [...]}`. */
export const LinkedInEnvelopeSchema = z.lazy(() =>
  z.looseObject({
    type: z.optional(z.string()),
    notifications: z.array(z.unknown()),
  }),
);

const ORGANIZATION_URN = 'urn:li:organization:';

/** What each action means for Backchannel. */
const MENTION_ACTIONS: Readonly<Record<string, MentionKind>> = {
  COMMENT: 'comment',
  // An edit may change what the comment says; the first version dedupes it if already stored.
  COMMENT_EDIT: 'comment',
  ADMIN_COMMENT: 'comment',
  SHARE_MENTION: 'mention',
  SHARE: 'post',
};

/** The `platforms.linkedin` entry of a company config. */
export const LinkedInPlatformSchema = z.strictObject({
  enabled,
  organizationIds: ids.check(
    z.meta({
      description: "The company's organization URNs (`urn:li:organization:<id>`) or bare ids.",
    }),
  ),
  secretName: secretName.check(
    z.meta({ description: 'Secret `{"clientSecret": "..."}`: the LinkedIn app\'s client secret.' }),
  ),
});

/**
 * LinkedIn: webhook validation (`challengeCode`), `X-LI-Signature`, and organization
 * social action notifications (comments, mentions, shares; likes are ignored; comment
 * deletions erase the stored comment).
 */
export const linkedInAdapter: PlatformAdapter<LinkedInSecret, 'linkedin', typeof LinkedInPlatformSchema> = {
  id: 'linkedin',
  config: { schema: LinkedInPlatformSchema, description: 'LinkedIn organization pages (webhooks)' },
  mentionPlatforms: MENTION_PLATFORMS_OF.linkedin,
  secretShape: LinkedInSecretSchema,
  secretDescription: 'LinkedIn app client secret: {"clientSecret": "..."}',
  generateSecret: () => ({ clientSecret: randomSecret() }),

  isEnabled: entryEnabled('linkedin'),

  isCompanyAccount(accountId: string, config: CompanyConfig): boolean {
    // The config may give bare ids; the notifications name URNs.
    return (config.platforms.linkedin?.organizationIds ?? []).some(
      (id) => organizationUrn(id) === organizationUrn(accountId),
    );
  },

  handshake(request: WebhookRequest, secret: LinkedInSecret): WebhookResponse {
    const challengeCode = request.query.challengeCode;
    // Only LinkedIn's UUID is answered: a UUID never begins with the `hmacsha256=` that every
    // signed body begins with, so no answer is a body's signature (see handshake-tokens.ts).
    const refused = tokenRejection(LINKEDIN_CHALLENGE_CODE, challengeCode);
    if (refused !== undefined || challengeCode === undefined) {
      const reason = refused ?? 'challengeCode is missing';
      return jsonResponse(400, { message: reason }, reason);
    }
    return jsonResponse(200, {
      challengeCode,
      challengeResponse: linkedInChallengeResponse(challengeCode, secret.clientSecret),
    });
  },

  verify(request: WebhookRequest, secret: LinkedInSecret): void {
    const header = request.headers[LINKEDIN_SIGNATURE_HEADER];
    if (!header) throw new SignatureError('missing X-LI-Signature header');
    const expected = Buffer.from(signLinkedInBody(request.body, secret.clientSecret), 'hex');
    verifyHexDigest(header.trim(), expected, 'X-LI-Signature');
  },

  parse(body: Buffer, context: ParseContext): ParseResult {
    const envelope = parseEnvelope(
      LinkedInEnvelopeSchema,
      parseJsonBody(body),
      'a LinkedIn notification body ({"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [...]})',
    );
    const own = new Set((context.config.platforms.linkedin?.organizationIds ?? []).map(organizationUrn));
    const result = emptyParseResult();
    envelope.notifications.forEach((raw, index) => {
      const parsed = LinkedInNotificationSchema.safeParse(raw);
      if (!parsed.success) {
        result.ignored.push(ignored('unexpected LinkedIn notification', { type: envelope.type, index }));
        return;
      }
      normalize(parsed.data, index, own, context.receivedAt, result);
    });
    return result;
  },

  sign(body, secret) {
    return {
      'content-type': 'application/json',
      [LINKEDIN_SIGNATURE_HEADER]: signLinkedInBody(body, secret.clientSecret),
    };
  },
};

function normalize(
  n: Notification,
  index: number,
  own: ReadonlySet<string>,
  receivedAt: Date,
  result: ParseResult,
): void {
  const where = { action: n.action, notificationId: n.notificationId, index };
  const decorated = n.decoratedGeneratedActivity;
  if (n.action === 'COMMENT_DELETE') {
    const externalId = decorated?.comment?.entity ?? n.generatedActivity;
    const deletion = externalId
      ? deletionOf(
          {
            platform: 'linkedin',
            externalId,
            accountId: n.organizationalEntity,
            authorId: decorated?.comment?.owner,
            deletedAt: isoTime(n.lastModifiedAt) ?? receivedAt.toISOString(),
            rawType: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS.COMMENT_DELETE',
          },
          receivedAt,
        )
      : undefined;
    if (deletion) result.deletions.push(deletion);
    else result.ignored.push(ignored('COMMENT_DELETE without the deleted comment', where));
    return;
  }
  const kind = MENTION_ACTIONS[n.action];
  if (!kind) {
    result.ignored.push(
      ignored(n.action === 'LIKE' ? 'a like is not a mention' : `action '${n.action}' is not handled`, where),
    );
    return;
  }
  const item = kind === 'comment' ? decorated?.comment : (decorated?.share ?? decorated?.mention);
  const externalId = item?.entity ?? n.generatedActivity;
  const authorId = item?.owner;
  if (!externalId || !authorId) {
    result.ignored.push(ignored(`${n.action} without the generated activity and its owner`, where));
    return;
  }
  const post = n.sourcePost;
  // A comment is part of the post's conversation; a mention or a reshare starts its own.
  const threadId = kind === 'comment' ? (post ?? externalId) : externalId;
  const inReplyTo = kind === 'comment' ? (item?.object ?? post) : post;
  const url = `https://www.linkedin.com/feed/update/${kind === 'comment' && post ? post : externalId}/`;
  const outcome = finishMention(
    {
      platform: 'linkedin',
      kind,
      externalId,
      threadId,
      ...(inReplyTo && inReplyTo !== externalId ? { inReplyTo } : {}),
      accountId: n.organizationalEntity ?? n.subscriber ?? authorId,
      author: { id: authorId },
      text: item?.text ?? '',
      isOwnAccount: n.action === 'ADMIN_COMMENT' || own.has(authorId) || authorId === n.organizationalEntity,
      rawType: `ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS.${n.action}`,
      createdAt: isoTime(n.lastModifiedAt) ?? receivedAt.toISOString(),
      url,
    },
    receivedAt,
    where,
  );
  if ('mention' in outcome) result.mentions.push(outcome.mention);
  else result.ignored.push(outcome.ignored);
}

function organizationUrn(id: string): string {
  return id.startsWith('urn:') ? id : `${ORGANIZATION_URN}${id}`;
}
