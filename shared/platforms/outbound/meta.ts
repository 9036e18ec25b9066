import type { HttpJsonClient } from '../../adapters/http-json.ts';
import type { OutgoingReply, PublishedReply, ReplyPublisher, ReplyTarget } from '../../domain/reply-publisher.ts';
import { BearerReplyApi, field, idFrom, type ReplyToken } from './reply-http.ts';

export const GRAPH_API_BASE_URL = 'https://graph.facebook.com/v21.0';

/**
 * Replies on Facebook and Instagram through the Graph API with the Page access token
 * (secret field `pageAccessToken`):
 * - a Facebook comment or post: `POST /{comment-or-post-id}/comments` (`message`) -> `{ "id" }`;
 * - an Instagram comment: `POST /{ig-comment-id}/replies` (`message`) -> `{ "id" }`;
 * - a Messenger or Instagram message: `POST /me/messages` with `recipient.id` (the sender's
 *   page-scoped id), `messaging_type: RESPONSE` -> `{ "recipient_id", "message_id" }`.
 * The Graph API takes no idempotency key.
 */
export class MetaReplyPublisher implements ReplyPublisher {
  private readonly api: BearerReplyApi;

  constructor(http: HttpJsonClient, options: { readonly baseUrl: string; readonly token: ReplyToken }) {
    this.api = new BearerReplyApi(http, 'meta', options);
  }

  async publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply> {
    const platform = target.platform;
    if (target.kind === 'message') {
      const operation = 'POST /me/messages';
      const { body } = await this.api.post({
        platform,
        operation,
        path: 'me/messages',
        json: { recipient: { id: target.authorId }, messaging_type: 'RESPONSE', message: { text: reply.text } },
      });
      return { platformPostId: idFrom(platform, operation, field(body, 'message_id')) };
    }
    const edge = platform === 'instagram' ? 'replies' : 'comments';
    // An Instagram reply answers a comment; a Facebook one the comment, or the post itself.
    const operation = `POST /{id}/${edge}`;
    const { body } = await this.api.post({
      platform,
      operation,
      path: `${encodeURIComponent(target.externalId)}/${edge}`,
      form: { message: reply.text },
    });
    const id = idFrom(platform, operation, field(body, 'id'));
    return { platformPostId: id, ...(platform === 'facebook' ? { url: `https://www.facebook.com/${id}` } : {}) };
  }
}
