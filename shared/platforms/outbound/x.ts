import type { HttpJsonClient } from '../../adapters/http-json.ts';
import type { OutgoingReply, PublishedReply, ReplyPublisher, ReplyTarget } from '../../domain/reply-publisher.ts';
import { field, idFrom, replyRequest, urlUnder, type ReplyToken } from './reply-http.ts';

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
  constructor(
    private readonly http: HttpJsonClient,
    private readonly options: { readonly baseUrl: string; readonly token: ReplyToken },
  ) {}

  async publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply> {
    const headers = { authorization: `Bearer ${await this.options.token.get()}` };
    const send = { token: this.options.token, idempotent: false };
    if (target.kind === 'message') {
      const operation = 'POST /2/dm_conversations/with/{participant_id}/messages';
      const { body } = await replyRequest(
        this.http,
        'x',
        {
          operation,
          method: 'POST',
          url: urlUnder(
            this.options.baseUrl,
            `2/dm_conversations/with/${encodeURIComponent(target.authorId)}/messages`,
          ),
          headers,
          json: { text: reply.text },
        },
        send,
      );
      return { platformPostId: idFrom('x', operation, field(body, 'data', 'dm_event_id')) };
    }
    const operation = 'POST /2/tweets';
    const { body } = await replyRequest(
      this.http,
      'x',
      {
        operation,
        method: 'POST',
        url: urlUnder(this.options.baseUrl, '2/tweets'),
        headers,
        json: { text: reply.text, reply: { in_reply_to_tweet_id: target.externalId } },
      },
      send,
    );
    const id = idFrom('x', operation, field(body, 'data', 'id'));
    return { platformPostId: id, url: `https://x.com/i/web/status/${id}` };
  }
}
