import type { HttpJsonClient } from '../../adapters/http-json.ts';
import type { OutgoingReply, PublishedReply, ReplyPublisher, ReplyTarget } from '../../domain/reply-publisher.ts';
import { BearerReplyApi, field, idFrom, type ReplyToken } from './reply-http.ts';

export const X_API_BASE_URL = 'https://api.x.com';

/**
 * Replies on X through API v2 with an OAuth 2.0 user access token of the company account
 * (scopes tweet.read tweet.write users.read dm.write; secret field `userAccessToken`):
 * - a post: `POST /2/tweets` `{ text, reply: { in_reply_to_tweet_id } }` -> `{ data: { id, text } }`;
 * - a direct message: `POST /2/dm_conversations/with/{participant_id}/messages` `{ text }`
 *   -> `{ data: { dm_conversation_id, dm_event_id } }`.
 * 429 answers carry `x-rate-limit-reset` (epoch seconds). X takes no idempotency key.
 */
export class XReplyPublisher implements ReplyPublisher {
  private readonly api: BearerReplyApi;

  constructor(http: HttpJsonClient, options: { readonly baseUrl: string; readonly token: ReplyToken }) {
    this.api = new BearerReplyApi(http, 'x', options);
  }

  async publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply> {
    if (target.kind === 'message') {
      const operation = 'POST /2/dm_conversations/with/{participant_id}/messages';
      const { body } = await this.api.post({
        operation,
        path: `2/dm_conversations/with/${encodeURIComponent(target.authorId)}/messages`,
        json: { text: reply.text },
      });
      return { platformPostId: idFrom('x', operation, field(body, 'data', 'dm_event_id')) };
    }
    const operation = 'POST /2/tweets';
    const { body } = await this.api.post({
      operation,
      path: '2/tweets',
      json: { text: reply.text, reply: { in_reply_to_tweet_id: target.externalId } },
    });
    const id = idFrom('x', operation, field(body, 'data', 'id'));
    return { platformPostId: id, url: `https://x.com/i/web/status/${id}` };
  }
}
