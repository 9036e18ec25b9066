import type { BlueskyApi } from '../../pollers/bluesky.ts';
import { PlatformRequestError } from '../../pollers/errors.ts';
import type { MastodonApi } from '../../pollers/mastodon.ts';
import type { YouTubeApi } from '../../pollers/youtube.ts';
import type { HttpJsonClient } from '../http-json.ts';
import { z } from 'zod';

/**
 * The platforms' HTTP APIs behind the pollers' ports. Credentials travel in headers only,
 * so no URL (which a proxy or an error may log) carries a key or token.
 */

/** A URL under a base that may have a path (`https://www.googleapis.com/youtube/v3`). */
function urlUnder(
  base: string,
  path: string,
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
): URL {
  const url = new URL(`${base.replace(/\/+$/, '')}/${path}`);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(name, v);
  }
  return url;
}

/** YouTube Data API v3 with an API key (`X-Goog-Api-Key`). */
export class HttpYouTubeApi implements YouTubeApi {
  constructor(
    private readonly http: HttpJsonClient,
    private readonly options: { readonly baseUrl: string; readonly apiKey: () => Promise<string> },
  ) {}

  async listCommentThreads(request: { channelId: string; pageToken?: string; maxResults: number }): Promise<unknown> {
    return this.http.request({
      operation: 'commentThreads.list',
      url: urlUnder(this.options.baseUrl, 'commentThreads', {
        part: 'snippet,replies',
        allThreadsRelatedToChannelId: request.channelId,
        maxResults: String(request.maxResults),
        order: 'time',
        textFormat: 'plainText',
        pageToken: request.pageToken,
      }),
      headers: { 'x-goog-api-key': await this.options.apiKey() },
    });
  }
}

/** A Mastodon instance's REST API with a user access token (scope `read:notifications`). */
export class HttpMastodonApi implements MastodonApi {
  constructor(
    private readonly http: HttpJsonClient,
    private readonly options: { readonly instanceUrl: string; readonly accessToken: () => Promise<string> },
  ) {}

  async listMentionNotifications(request: { maxId?: string; limit: number }): Promise<unknown> {
    return this.http.request({
      operation: 'GET /api/v1/notifications',
      url: urlUnder(this.options.instanceUrl, 'api/v1/notifications', {
        'types[]': 'mention',
        limit: String(request.limit),
        max_id: request.maxId,
      }),
      headers: { authorization: `Bearer ${await this.options.accessToken()}` },
    });
  }
}

const SessionSchema = z.object({
  accessJwt: z.string().min(1),
  did: z.string().startsWith('did:'),
  handle: z.string().min(1),
});
type Session = z.infer<typeof SessionSchema>;

/**
 * Bluesky over XRPC: a session from `com.atproto.server.createSession` with the account's
 * app password, kept per process and created again once when the PDS says it expired.
 */
export class HttpBlueskyApi implements BlueskyApi {
  private current: Promise<Session> | undefined;

  constructor(
    private readonly http: HttpJsonClient,
    private readonly options: {
      readonly serviceUrl: string;
      readonly identifier: string;
      readonly appPassword: () => Promise<string>;
    },
  ) {}

  async session(): Promise<{ did: string; handle: string }> {
    const { did, handle } = await this.ensureSession();
    return { did, handle };
  }

  async listNotifications(request: { cursor?: string; limit: number; reasons: readonly string[] }): Promise<unknown> {
    const call = async (session: Session) =>
      this.http.request({
        operation: 'app.bsky.notification.listNotifications',
        url: urlUnder(this.options.serviceUrl, 'xrpc/app.bsky.notification.listNotifications', {
          limit: String(request.limit),
          reasons: request.reasons,
          cursor: request.cursor,
        }),
        headers: { authorization: `Bearer ${session.accessJwt}` },
      });
    try {
      return await call(await this.ensureSession());
    } catch (error) {
      if (!(error instanceof PlatformRequestError) || !isExpiredSession(error)) throw error;
      this.current = undefined;
      return call(await this.ensureSession());
    }
  }

  private ensureSession(): Promise<Session> {
    if (!this.current) {
      const created = this.createSession();
      this.current = created;
      // A failed sign-in is not kept: the next call tries again.
      created.catch(() => {
        if (this.current === created) this.current = undefined;
      });
    }
    return this.current;
  }

  private async createSession(): Promise<Session> {
    const body = await this.http.request({
      operation: 'com.atproto.server.createSession',
      method: 'POST',
      url: urlUnder(this.options.serviceUrl, 'xrpc/com.atproto.server.createSession', {}),
      json: { identifier: this.options.identifier, password: await this.options.appPassword() },
    });
    const parsed = SessionSchema.safeParse(body);
    if (!parsed.success) {
      throw new PlatformRequestError(
        'bluesky',
        'com.atproto.server.createSession answered without accessJwt, did and handle',
        { transient: false },
      );
    }
    return parsed.data;
  }
}

/** An access token the PDS no longer accepts (it expires after a few hours). */
function isExpiredSession(error: PlatformRequestError): boolean {
  return (
    (error.status === 400 || error.status === 401) &&
    (error.details.code === 'ExpiredToken' || error.details.code === 'InvalidToken')
  );
}
