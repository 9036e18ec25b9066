import { DomainError } from './errors.ts';
import type { MentionKind, Platform } from './mention.ts';

/**
 * The port through which an approved reply is posted on the platform where the customer
 * wrote. One adapter per platform lives beside its webhook adapter
 * (shared/platforms/outbound/); the send use case (send-reply.ts) decides when to call it.
 */

/** What the reply answers: the customer's mention on the platform, as it was stored. */
export interface ReplyTarget {
  readonly platform: Platform;
  readonly kind: MentionKind;
  /** The platform's id of the mention answered (comment id, tweet id, status id, at:// URI, ...). */
  readonly externalId: string;
  /** The conversation: the post a comment is under, the video, the root post. */
  readonly threadId: string;
  /** The company's page or account the mention came in for. */
  readonly accountId: string;
  /** The platform's id of the author (a Messenger PSID, an X user id). */
  readonly authorId: string;
  readonly authorHandle?: string;
}

/** One reply to post: its text, and the key the platform (where it takes one) dedupes on. */
export interface OutgoingReply {
  readonly replyId: string;
  readonly text: string;
  /** The same for every attempt of the same reply: the reply id. */
  readonly idempotencyKey: string;
}

/** A reply the platform accepted. */
export interface PublishedReply {
  /** The platform's id of our reply, in the form its webhook or poller later reports it (the echo's external id). */
  readonly platformPostId: string;
  readonly url?: string;
}

/** Port: posts one reply on one platform. */
export interface ReplyPublisher {
  /**
   * Posts the reply once (no retries: the caller retries transient failures with backoff).
   * @throws ReplyPublishError
   */
  publish(target: ReplyTarget, reply: OutgoingReply): Promise<PublishedReply>;
}

/** Port: the publisher of each platform; undefined where the company cannot reply through the platform's API. */
export type ReplyPublishers = (platform: Platform) => ReplyPublisher | undefined;

/**
 * A platform did not take a reply.
 *
 * `transient` (429, 5xx, timeouts, network): worth trying again after `retryAfterMs`.
 * Otherwise permanent: an expired or revoked token (401/403: `credentials`), a comment that
 * was deleted, a text the platform refuses. Messages name the platform, the call and the
 * status, never a token.
 */
export class ReplyPublishError extends DomainError {
  override readonly expose = true;

  constructor(
    readonly platform: string,
    message: string,
    readonly details: {
      readonly transient: boolean;
      readonly status?: number;
      readonly retryAfterMs?: number;
      /** 401/403: the token in the platform secret is expired, revoked or lacks the scope. */
      readonly credentials?: boolean;
      /**
       * The request may have reached the platform (no answer came in time) and the platform
       * takes no idempotency key: posting again could post twice.
       */
      readonly outcomeUnknown?: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(`${platform}: ${message}`, options);
  }

  get transient(): boolean {
    return this.details.transient;
  }
}
