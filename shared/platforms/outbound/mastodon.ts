import type { HttpJsonClient } from '../../adapters/http-json.ts';
import type { OutgoingReply, PublishedReply, ReplyPublisher, ReplyTarget } from '../../domain/reply-publisher.ts';
import { BearerReplyApi, field, idFrom, type ReplyToken } from './reply-http.ts';

/**
 * Replies on Mastodon with the account's access token (scope `write:statuses`; secret field
 * `accessToken`): `POST /api/v1/statuses` `{ status, in_reply_to_id, visibility }` with an
 * `Idempotency-Key` header (the reply id: the instance answers a repeated key with the status
 * it made the first time, for an hour) -> the Status (`id`, `url`). The status starts with
 * the author's `@handle`, or it would not reach them. The visibility follows the mention's:
 * a direct message is answered directly, anything else unlisted (in the thread, not on the
 * public timelines).
 */
export class MastodonReplyPublisher implements ReplyPublisher {
  private readonly api: BearerReplyApi;

  constructor(http: HttpJsonClient, options: { readonly instanceUrl: string; readonly token: ReplyToken }) {
    // The key makes a repeated post after a lost answer return the same status.
    this.api = new BearerReplyApi(http, 'mastodon', {
      baseUrl: options.instanceUrl,
      token: options.token,
      idempotent: true,
    });
  }

  async publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply> {
    const handle = target.authorHandle ? `@${target.authorHandle.replace(/^@/, '')}` : undefined;
    const status = handle && !reply.text.includes(handle) ? `${handle} ${reply.text}` : reply.text;
    const operation = 'POST /api/v1/statuses';
    const { body } = await this.api.post({
      operation,
      path: 'api/v1/statuses',
      headers: { 'idempotency-key': reply.idempotencyKey },
      json: {
        status,
        in_reply_to_id: target.externalId,
        visibility: target.kind === 'message' ? 'direct' : 'unlisted',
      },
    });
    const url = field(body, 'url');
    return {
      platformPostId: idFrom('mastodon', operation, field(body, 'id')),
      ...(typeof url === 'string' ? { url } : {}),
    };
  }
}
