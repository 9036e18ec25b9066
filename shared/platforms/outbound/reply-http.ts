import type { HttpJsonClient, HttpJsonRequest } from '../../adapters/http-json.ts';
import { ReplyPublishError } from '../../domain/reply-publisher.ts';
import { PlatformRequestError } from '../../pollers/errors.ts';

/**
 * What the outbound reply clients share: one request to a platform, its failures sorted for
 * the send's retry (send-reply.ts), and URLs under a base that may have a path.
 */

/** The token a reply client sends, read from the platform's secret when needed; `invalidate` after a 401/403. */
export interface ReplyToken {
  get(): Promise<string>;
  invalidate(): void;
}

/**
 * Sends one request of a reply.
 *
 * - 401/403: a permanent ReplyPublishError marked `credentials` (the token is expired, revoked
 *   or lacks the scope), and the cached token is dropped so a rotated secret is read next time;
 * - 429/5xx and refused connections: transient, with the platform's Retry-After or rate limit reset;
 * - no answer in time: on a platform that takes no idempotency key (`idempotent` false) the
 *   post may have been made, so the error says the outcome is unknown instead of transient.
 *
 * @throws ReplyPublishError
 */
export async function replyRequest(
  http: HttpJsonClient,
  platform: string,
  request: HttpJsonRequest,
  options: { readonly token?: ReplyToken; readonly idempotent: boolean },
): Promise<{ status: number; headers: Headers; body: unknown }> {
  try {
    return await http.exchange(request);
  } catch (error) {
    if (!(error instanceof PlatformRequestError)) throw error;
    const status = error.status;
    const message = error.message.replace(`${error.platform}: `, '');
    if (status === 401 || status === 403) {
      options.token?.invalidate();
      throw new ReplyPublishError(
        platform,
        `${message} (the token in the ${platform} secret is expired, revoked or lacks the permission to reply; renew it, then send again)`,
        { transient: false, status, credentials: true },
        { cause: error },
      );
    }
    const noAnswer = status === undefined && isTimeout(error.cause);
    if (noAnswer && !options.idempotent) {
      throw new ReplyPublishError(
        platform,
        `${message}: the reply may have been posted; check the platform before sending again`,
        { transient: false, outcomeUnknown: true },
        { cause: error },
      );
    }
    throw new ReplyPublishError(
      platform,
      message,
      {
        transient: error.transient,
        ...(status !== undefined ? { status } : {}),
        ...(error.details.retryAfterMs !== undefined ? { retryAfterMs: error.details.retryAfterMs } : {}),
      },
      { cause: error },
    );
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** A URL under a base that may have a path (`https://www.googleapis.com/youtube/v3`). */
export function urlUnder(base: string, path: string, query: Readonly<Record<string, string>> = {}): URL {
  const url = new URL(`${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

/**
 * The id a platform answered with, or a permanent error: the reply was taken (2xx) but the
 * answer is not the documented shape, so its id is unknown and sending again could post twice.
 * @throws ReplyPublishError (outcome unknown)
 */
export function idFrom(platform: string, operation: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw new ReplyPublishError(
    platform,
    `${operation} answered without the id of the reply; check the platform before sending again`,
    { transient: false, outcomeUnknown: true },
  );
}

/** A string field of a JSON object, if it has one. */
export function field(body: unknown, ...path: string[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** One POST of a reply client, under its API's base URL. */
export interface ReplyPost {
  /** Names the call in errors and in `idFrom` (`POST /2/tweets`). */
  readonly operation: string;
  /** The path under the base URL, its ids already encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Headers besides the bearer token (an API version, an idempotency key). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  /** The platform named in errors, when one client answers for several (Meta: facebook, instagram). */
  readonly platform?: string;
}

/**
 * A platform's reply API at a base URL, posting with the bearer token of the platform's
 * secret through {@link replyRequest} (its failures sorted the same way for every client).
 *
 * @example
 * ```ts
 * const api = new BearerReplyApi(http, 'x', { baseUrl, token });
 * const { body } = await api.post({ operation: 'POST /2/tweets', path: '2/tweets', json: { text } });
 * ```
 */
export class BearerReplyApi {
  constructor(
    private readonly http: HttpJsonClient,
    private readonly platform: string,
    private readonly options: {
      readonly baseUrl: string;
      readonly token: ReplyToken;
      /** Whether a repeated post is harmless (the platform takes an idempotency key). */
      readonly idempotent?: boolean;
    },
  ) {}

  /** @throws ReplyPublishError */
  async post(post: ReplyPost): Promise<{ headers: Headers; body: unknown }> {
    const { headers, body } = await replyRequest(
      this.http,
      post.platform ?? this.platform,
      {
        operation: post.operation,
        method: 'POST',
        url: urlUnder(this.options.baseUrl, post.path, post.query),
        headers: { authorization: `Bearer ${await this.options.token.get()}`, ...post.headers },
        ...(post.json === undefined ? {} : { json: post.json }),
        ...(post.form ? { form: post.form } : {}),
      },
      { token: this.options.token, idempotent: this.options.idempotent ?? false },
    );
    return { headers, body };
  }
}
