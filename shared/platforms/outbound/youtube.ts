import type { HttpJsonClient } from '../../adapters/http-json.ts';
import type { OutgoingReply, PublishedReply, ReplyPublisher, ReplyTarget } from '../../domain/reply-publisher.ts';
import { BearerReplyApi, field, idFrom, type ReplyToken } from './reply-http.ts';

/**
 * Replies on YouTube through the Data API v3 with an OAuth access token of the channel
 * (scope youtube.force-ssl; secret field `oauthAccessToken`: an API key cannot write):
 * - a comment: `POST /comments?part=snippet` `{ snippet: { parentId, textOriginal } }` -> the comment (`id`);
 * - a video: `POST /commentThreads?part=snippet` `{ snippet: { videoId, topLevelComment: { snippet: { textOriginal } } } }`
 *   -> the thread, whose `snippet.topLevelComment.id` is the comment.
 * Replies nest under the top-level comment (YouTube threads are one level deep). No idempotency key.
 */
export class YouTubeReplyPublisher implements ReplyPublisher {
  private readonly api: BearerReplyApi;

  constructor(http: HttpJsonClient, options: { readonly baseUrl: string; readonly token: ReplyToken }) {
    this.api = new BearerReplyApi(http, 'youtube', options);
  }

  async publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply> {
    const videoId = target.threadId;
    if (target.kind === 'video') {
      const operation = 'commentThreads.insert';
      const { body } = await this.api.post({
        operation,
        path: 'commentThreads',
        query: { part: 'snippet' },
        json: { snippet: { videoId, topLevelComment: { snippet: { textOriginal: reply.text } } } },
      });
      const id = idFrom('youtube', operation, field(body, 'snippet', 'topLevelComment', 'id') ?? field(body, 'id'));
      return { platformPostId: id, url: commentUrl(videoId, id) };
    }
    const operation = 'comments.insert';
    // A reply's id is `<parent>.<reply>`: the top-level comment is the part before the dot.
    const parentId = target.externalId.split('.')[0] ?? target.externalId;
    const { body } = await this.api.post({
      operation,
      path: 'comments',
      query: { part: 'snippet' },
      json: { snippet: { parentId, textOriginal: reply.text } },
    });
    const id = idFrom('youtube', operation, field(body, 'id'));
    return { platformPostId: id, url: commentUrl(videoId, id) };
  }
}

function commentUrl(videoId: string, commentId: string): string {
  return `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(commentId)}`;
}
