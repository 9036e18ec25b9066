import type { HttpJsonClient } from '../../adapters/http-json.ts';
import type { OutgoingReply, PublishedReply, ReplyPublisher, ReplyTarget } from '../../domain/reply-publisher.ts';
import { ReplyPublishError } from '../../domain/reply-publisher.ts';
import { BearerReplyApi, field, idFrom, type ReplyToken } from './reply-http.ts';

export const LINKEDIN_API_BASE_URL = 'https://api.linkedin.com/rest';
/** The Marketing API version the requests name (`LinkedIn-Version`, YYYYMM). */
export const LINKEDIN_VERSION = '202510';

/**
 * Comments on LinkedIn as the organization, through the Community Management API with a
 * token of scope `w_organization_social` (secret field `accessToken`):
 * `POST /rest/socialActions/{urn}/comments` `{ actor, object, message: { text }, parentComment? }`
 * -> 201 with the comment's URN in `x-restli-id` (and the comment in the body).
 * The reply goes under the post the customer commented on, nested under their comment.
 * LinkedIn takes no idempotency key.
 */
export class LinkedInReplyPublisher implements ReplyPublisher {
  private readonly api: BearerReplyApi;

  constructor(http: HttpJsonClient, options: { readonly baseUrl: string; readonly token: ReplyToken }) {
    this.api = new BearerReplyApi(http, 'linkedin', options);
  }

  async publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply> {
    const organization = target.accountId.startsWith('urn:li:')
      ? target.accountId
      : `urn:li:organization:${target.accountId}`;
    const onComment = target.externalId.startsWith('urn:li:comment:');
    if (!target.threadId.startsWith('urn:li:'))
      throw new ReplyPublishError('linkedin', `the thread ${target.threadId} is no LinkedIn URN`, { transient: false });
    const operation = 'POST /rest/socialActions/{urn}/comments';
    const { headers, body } = await this.api.post({
      operation,
      path: `socialActions/${encodeURIComponent(target.threadId)}/comments`,
      headers: { 'linkedin-version': LINKEDIN_VERSION, 'x-restli-protocol-version': '2.0.0' },
      json: {
        actor: organization,
        object: target.threadId,
        message: { text: reply.text },
        ...(onComment ? { parentComment: target.externalId } : {}),
      },
    });
    const urn = idFrom('linkedin', operation, headers.get('x-restli-id') ?? field(body, '$URN'));
    return { platformPostId: urn, url: `https://www.linkedin.com/feed/update/${target.threadId}/` };
  }
}
