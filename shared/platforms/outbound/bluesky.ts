import type { HttpJsonClient } from '../../adapters/http-json.ts';
import {
  ReplyPublishError,
  type OutgoingReply,
  type PublishedReply,
  type ReplyPublisher,
  type ReplyTarget,
} from '../../domain/reply-publisher.ts';
import { field, idFrom, replyRequest, urlUnder, type ReplyToken } from './reply-http.ts';

interface StrongRef {
  readonly uri: string;
  readonly cid: string;
}

/**
 * Replies on Bluesky as the company account, signed in with its app password (secret field
 * `appPassword`) through `com.atproto.server.createSession`:
 * 1. `app.bsky.feed.getPosts?uris=<the mention>` for its `cid` and its thread root (`record.reply.root`);
 * 2. `com.atproto.repo.createRecord` `{ repo: <did>, collection: app.bsky.feed.post,
 *    record: { $type, text, createdAt, reply: { root, parent } } }` -> `{ uri, cid }`.
 * The session is made for each send (sends are rare; a kept one would expire). No idempotency key.
 */
export class BlueskyReplyPublisher implements ReplyPublisher {
  constructor(
    private readonly http: HttpJsonClient,
    private readonly options: {
      readonly serviceUrl: string;
      readonly identifier: string;
      readonly appPassword: ReplyToken;
      /** The time of the record (`createdAt`). */
      readonly now?: () => Date;
    },
  ) {}

  async publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply> {
    const session = await this.session();
    const headers = { authorization: `Bearer ${session.accessJwt}` };
    const send = { token: this.options.appPassword, idempotent: false };
    const { body: posts } = await replyRequest(
      this.http,
      'bluesky',
      {
        operation: 'app.bsky.feed.getPosts',
        url: urlUnder(this.options.serviceUrl, 'xrpc/app.bsky.feed.getPosts', { uris: target.externalId }),
        headers,
      },
      send,
    );
    const post = (field(posts, 'posts') as unknown[] | undefined)?.[0];
    const parent = strongRef(field(post, 'uri'), field(post, 'cid'));
    if (!parent)
      throw new ReplyPublishError('bluesky', `the post ${target.externalId} is gone (deleted or blocked)`, {
        transient: false,
      });
    const root = strongRef(
      field(post, 'record', 'reply', 'root', 'uri'),
      field(post, 'record', 'reply', 'root', 'cid'),
    );
    const operation = 'com.atproto.repo.createRecord';
    const { body } = await replyRequest(
      this.http,
      'bluesky',
      {
        operation,
        method: 'POST',
        url: urlUnder(this.options.serviceUrl, 'xrpc/com.atproto.repo.createRecord'),
        headers,
        json: {
          repo: session.did,
          collection: 'app.bsky.feed.post',
          record: {
            $type: 'app.bsky.feed.post',
            text: reply.text,
            createdAt: (this.options.now?.() ?? new Date()).toISOString(),
            reply: { root: root ?? parent, parent },
          },
        },
      },
      send,
    );
    const uri = idFrom('bluesky', operation, field(body, 'uri'));
    const rkey = uri.split('/').at(-1) ?? '';
    return { platformPostId: uri, url: `https://bsky.app/profile/${session.did}/post/${rkey}` };
  }

  private async session(): Promise<{ accessJwt: string; did: string }> {
    const operation = 'com.atproto.server.createSession';
    const { body } = await replyRequest(
      this.http,
      'bluesky',
      {
        operation,
        method: 'POST',
        url: urlUnder(this.options.serviceUrl, 'xrpc/com.atproto.server.createSession'),
        json: { identifier: this.options.identifier, password: await this.options.appPassword.get() },
      },
      { token: this.options.appPassword, idempotent: true },
    );
    const accessJwt = field(body, 'accessJwt');
    const did = field(body, 'did');
    if (typeof accessJwt !== 'string' || typeof did !== 'string')
      throw new ReplyPublishError('bluesky', `${operation} answered without accessJwt and did`, { transient: false });
    return { accessJwt, did };
  }
}

function strongRef(uri: unknown, cid: unknown): StrongRef | undefined {
  return typeof uri === 'string' && typeof cid === 'string' ? { uri, cid } : undefined;
}
