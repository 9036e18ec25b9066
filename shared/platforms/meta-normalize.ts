import type * as z from '../domain/zod-mini.ts';
import { MentionSchema, mentionId, type Mention, type Platform } from '../domain/mention.ts';
import type { MentionDeletion } from '../domain/mention-deletion.ts';
import {
  InstagramCommentValueSchema,
  InstagramMentionValueSchema,
  MessagingEventSchema,
  PageChangeValueSchema,
  PageRatingValueSchema,
  type MetaEnvelope,
} from './meta-payload.ts';
import { deletionOf, isoTime } from './normalize.ts';
import { emptyParseResult, type IgnoredEvent, type ParseResult } from './platform-adapter.ts';

export { isoTime } from './normalize.ts';

/**
 * Author id of a mention whose notification does not name its author (Instagram mention
 * notifications carry only ids; Meta omits `from` when the app may not see the person).
 */
export const UNKNOWN_AUTHOR_ID = 'unknown';

/** What Meta tells about the company when it normalizes a body. */
export interface MetaNormalizeContext {
  /** The company's Page and Instagram account ids: what they write is `isOwnAccount`. */
  readonly ownAccountIds: ReadonlySet<string>;
  readonly receivedAt: Date;
}

/** Verbs of a new or changed text: an edit may change what the mention says. */
const TEXT_VERBS = new Set(['add', 'edit', 'edited']);
/** Feed items that are a post on the Page (visitor posts, the Page's own). */
const POST_ITEMS = new Set(['post', 'status', 'photo', 'video']);

/** Where a change sits in the body; every mention and every ignored event is located by it. */
interface Located {
  readonly object: string;
  readonly entryId: string;
  readonly entryTime: unknown;
  readonly field: string;
}

type Outcome =
  | { readonly mention: Mention }
  | { readonly ignored: IgnoredEvent }
  | { readonly deletion: MentionDeletion };

type MentionDraft = Omit<
  Mention,
  'id' | 'platform' | 'accountId' | 'isOwnAccount' | 'receivedAt' | 'createdAt' | 'rawType'
> & {
  readonly createdTime?: unknown;
};

/**
 * Normalizes validated Meta envelopes: every change of every entry becomes exactly one
 * mention or one ignored event, in body order.
 */
export function normalizeMetaEnvelopes(envelopes: readonly MetaEnvelope[], context: MetaNormalizeContext): ParseResult {
  const result = emptyParseResult();
  for (const envelope of envelopes) {
    for (const entry of envelope.entry) {
      const outcomes = normalizeEntry(envelope.object, entry, context);
      for (const outcome of outcomes) {
        if ('mention' in outcome) result.mentions.push(outcome.mention);
        else if ('deletion' in outcome) result.deletions.push(outcome.deletion);
        else result.ignored.push(outcome.ignored);
      }
    }
  }
  return result;
}

function normalizeEntry(
  object: string,
  entry: MetaEnvelope['entry'][number],
  context: MetaNormalizeContext,
): Outcome[] {
  const base = { object, entryId: entry.id, entryTime: entry.time };
  if (entry.changes && entry.changes.length > 0) {
    return entry.changes.map((change) => normalizeChange({ ...base, field: change.field }, change.value, context));
  }
  if (entry.messaging && entry.messaging.length > 0) {
    return entry.messaging.map((event) => normalizeMessaging({ ...base, field: 'messaging' }, event, context));
  }
  return [ignore({ ...base, field: '' }, 'entry carries no changes')];
}

function normalizeChange(at: Located, value: unknown, context: MetaNormalizeContext): Outcome {
  if (at.object === 'page') {
    switch (at.field) {
      case 'feed':
        return withValue(at, PageChangeValueSchema, value, (v) => pageFeed(at, v, context));
      case 'mention':
        return withValue(at, PageChangeValueSchema, value, (v) => pageMention(at, v, context));
      case 'ratings':
        return withValue(at, PageRatingValueSchema, value, (v) => pageRating(at, v, context));
      default:
        return ignore(at, `page field '${at.field}' is not handled`);
    }
  }
  if (at.object === 'instagram') {
    switch (at.field) {
      case 'comments':
      case 'live_comments':
        return withValue(at, InstagramCommentValueSchema, value, (v) => instagramComment(at, v, context));
      case 'mentions':
        return withValue(at, InstagramMentionValueSchema, value, (v) => instagramMention(at, v, context));
      default:
        return ignore(at, `instagram field '${at.field}' is not handled`);
    }
  }
  return ignore(at, `object '${at.object}' is not handled`);
}

function pageFeed(at: Located, v: z.infer<typeof PageChangeValueSchema>, context: MetaNormalizeContext): Outcome {
  const where = { ...at, item: v.item, verb: v.verb };
  if (v.item === 'comment' && TEXT_VERBS.has(v.verb)) {
    if (!v.comment_id || !v.post_id) return ignore(where, 'feed comment without comment_id or post_id');
    return mention('facebook', at, context, {
      kind: 'comment',
      externalId: v.comment_id,
      // The conversation is the post the comment is under, whether it answers the post or a comment.
      threadId: v.post_id,
      inReplyTo: v.parent_id ?? v.post_id,
      author: author(v.from?.id, v.from?.name),
      text: v.message ?? '',
      createdTime: v.created_time,
    });
  }
  if (POST_ITEMS.has(v.item) && v.verb === 'add') {
    if (!v.post_id) return ignore(where, `feed ${v.item} without post_id`);
    return mention('facebook', at, context, {
      kind: 'post',
      externalId: v.post_id,
      threadId: v.post_id,
      author: author(v.from?.id, v.from?.name),
      text: v.message ?? '',
      createdTime: v.created_time,
    });
  }
  return ignore(where, `feed ${v.item} with verb '${v.verb}' is not a mention`);
}

function pageMention(at: Located, v: z.infer<typeof PageChangeValueSchema>, context: MetaNormalizeContext): Outcome {
  const where = { ...at, item: v.item, verb: v.verb };
  if (!TEXT_VERBS.has(v.verb)) return ignore(where, `mention with verb '${v.verb}' is not a mention`);
  const by = author(v.sender_id ?? v.from?.id, v.sender_name ?? v.from?.name);
  if (v.item === 'post') {
    if (!v.post_id) return ignore(where, 'mention in a post without post_id');
    return mention('facebook', at, context, {
      kind: 'mention',
      externalId: v.post_id,
      threadId: v.post_id,
      author: by,
      text: v.message ?? '',
      createdTime: v.created_time,
    });
  }
  if (v.item === 'comment') {
    if (!v.comment_id) return ignore(where, 'mention in a comment without comment_id');
    return mention('facebook', at, context, {
      kind: 'mention',
      externalId: v.comment_id,
      threadId: v.post_id ?? v.comment_id,
      ...(v.post_id ? { inReplyTo: v.parent_id ?? v.post_id } : {}),
      author: by,
      text: v.message ?? '',
      createdTime: v.created_time,
    });
  }
  return ignore(where, `mention in a ${v.item} is not handled`);
}

function pageRating(at: Located, v: z.infer<typeof PageRatingValueSchema>, context: MetaNormalizeContext): Outcome {
  const where = { ...at, item: v.item, verb: v.verb };
  if (v.item !== 'rating') return ignore(where, `ratings ${v.item} is not a review`);
  if (!TEXT_VERBS.has(v.verb)) return ignore(where, `rating with verb '${v.verb}' is not a mention`);
  if (!v.review_text) return ignore(where, 'rating without review text');
  if (!v.open_graph_story_id) return ignore(where, 'rating without open_graph_story_id');
  return mention('facebook', at, context, {
    kind: 'review',
    externalId: v.open_graph_story_id,
    threadId: v.open_graph_story_id,
    author: author(v.reviewer_id, v.reviewer_name),
    text: v.review_text,
    createdTime: v.created_time,
  });
}

function instagramComment(
  at: Located,
  v: z.infer<typeof InstagramCommentValueSchema>,
  context: MetaNormalizeContext,
): Outcome {
  const externalId = v.id ?? v.comment_id;
  if (!externalId) return ignore(at, 'instagram comment without id');
  const mediaId = v.media?.id;
  const handle = v.from?.username;
  // A reply sits under its parent comment, a top-level comment under the media.
  const inReplyTo = v.parent_id ?? mediaId;
  return mention('instagram', at, context, {
    kind: 'comment',
    externalId,
    threadId: mediaId ?? externalId,
    ...(inReplyTo ? { inReplyTo } : {}),
    author: { id: v.from?.id ?? UNKNOWN_AUTHOR_ID, ...(handle ? { handle } : {}) },
    text: v.text ?? '',
  });
}

function instagramMention(
  at: Located,
  v: z.infer<typeof InstagramMentionValueSchema>,
  context: MetaNormalizeContext,
): Outcome {
  // The notification carries only ids: the text and the author are fetched later by id.
  return mention('instagram', at, context, {
    kind: 'mention',
    externalId: v.comment_id ?? v.media_id,
    threadId: v.media_id,
    ...(v.comment_id ? { inReplyTo: v.media_id } : {}),
    author: { id: UNKNOWN_AUTHOR_ID },
    text: '',
  });
}

function mention(
  platform: Platform,
  at: Located,
  context: MetaNormalizeContext,
  draft: MentionDraft,
  own?: boolean,
): Outcome {
  const { createdTime, ...fields } = draft;
  const candidate: Mention = {
    ...fields,
    id: mentionId(platform, fields.externalId),
    platform,
    rawType: `${at.object}.${at.field}`,
    accountId: at.entryId,
    isOwnAccount:
      own ??
      (fields.author.id !== UNKNOWN_AUTHOR_ID &&
        (fields.author.id === at.entryId || context.ownAccountIds.has(fields.author.id))),
    createdAt: isoTime(createdTime) ?? isoTime(at.entryTime) ?? context.receivedAt.toISOString(),
    receivedAt: context.receivedAt.toISOString(),
  };
  const checked = MentionSchema.safeParse(candidate);
  if (!checked.success) {
    return ignore(
      at,
      `not a valid mention: ${checked.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  return { mention: checked.data };
}

function withValue<S extends z.ZodMiniType>(
  at: Located,
  schema: S,
  value: unknown,
  then: (v: z.infer<S>) => Outcome,
): Outcome {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // One odd change must not fail the delivery of the others: it is ignored with its reason.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ');
    return ignore(at, `unexpected ${at.object} ${at.field} value: ${issues}`);
  }
  return then(parsed.data);
}

function author(id: string | undefined, name: string | undefined): Mention['author'] {
  return { id: id ?? UNKNOWN_AUTHOR_ID, ...(name ? { name } : {}) };
}

function ignore(at: Partial<Located> & { item?: string; verb?: string }, reason: string): Outcome {
  const { entryTime: _time, ...where } = at;
  const details = Object.fromEntries(Object.entries(where).filter(([, v]) => typeof v === 'string' && v !== ''));
  return { ignored: { reason, ...details } };
}

/** Messenger (`page`) and Instagram direct messages: one `entry[].messaging[]` event. */
function normalizeMessaging(at: Located, value: unknown, context: MetaNormalizeContext): Outcome {
  const platform: Platform | undefined =
    at.object === 'page' ? 'facebook' : at.object === 'instagram' ? 'instagram' : undefined;
  if (!platform) return ignore(at, `messaging of object '${at.object}' is not handled`);
  return withValue(at, MessagingEventSchema, value, (v) => {
    const message = v.message;
    if (!message) {
      const kind = Object.keys(v).find((k) => !['sender', 'recipient', 'timestamp'].includes(k)) ?? 'unknown';
      return ignore({ ...at, item: kind }, `messaging event '${kind}' is not a message`);
    }
    if (!message.mid) return ignore(at, 'message without mid');
    const sentAt = isoTime(v.timestamp) ?? isoTime(at.entryTime) ?? context.receivedAt.toISOString();
    if (message.is_deleted === true) {
      const deletion = deletionOf(
        {
          platform,
          externalId: message.mid,
          accountId: at.entryId,
          authorId: v.sender?.id,
          deletedAt: sentAt,
          rawType: `${at.object}.messaging.message_deleted`,
        },
        context.receivedAt,
      );
      return deletion ? { deletion } : ignore(at, 'deleted message without a usable id or time');
    }
    const senderId = v.sender?.id;
    if (!senderId) return ignore(at, 'message without sender');
    const own = message.is_echo === true || senderId === at.entryId || context.ownAccountIds.has(senderId);
    // The conversation is the customer's: the company's echo is addressed to them.
    const customerId = own ? v.recipient?.id : senderId;
    if (!customerId) return ignore(at, 'echo without recipient');
    const replyTo = message.reply_to?.mid;
    return mention(
      platform,
      { ...at, field: 'messaging' },
      context,
      {
        kind: 'message',
        externalId: message.mid,
        threadId: `dm:${customerId}`,
        ...(replyTo ? { inReplyTo: replyTo } : {}),
        author: { id: senderId },
        text: message.text ?? '',
        createdTime: v.timestamp,
      },
      own,
    );
  });
}
