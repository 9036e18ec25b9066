import { parseRetryAfter } from '../domain/backoff.ts';
import { PlatformRequestError } from '../pollers/errors.ts';

/** Wait for a platform's answer before giving up on a request (transient: retried). */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

export interface HttpJsonClientOptions {
  /** Names the platform in errors. */
  readonly platform: string;
  readonly timeoutMs?: number;
  /** For tests; default the global fetch of Node 20+. */
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
}

export interface HttpJsonRequest {
  /** Names the call in errors (`commentThreads.list`); the URL is not logged, it may carry ids. */
  readonly operation: string;
  readonly url: URL;
  readonly method?: 'GET' | 'POST';
  /** A form-encoded request body (the Graph API's parameters), instead of `json`. */
  readonly form?: Readonly<Record<string, string>>;
  /** Sent as they are; credentials belong here, never in the URL. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON request body. */
  readonly json?: unknown;
}

/**
 * A small JSON-over-HTTPS client on fetch, with a timeout per request. It sorts failures
 * for the pollers' backoff: 429, 5xx, timeouts and network errors are transient
 * PlatformRequestErrors (with the server's `Retry-After`, or Bluesky's `ratelimit-reset`);
 * any other status is permanent. Error messages carry the operation, status and the API's
 * short error text, never a header or the URL.
 */
export class HttpJsonClient {
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => Date;

  constructor(private readonly options: HttpJsonClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Sends the request and returns the parsed JSON body of a 2xx answer.
   * @throws PlatformRequestError
   */
  async request(request: HttpJsonRequest): Promise<unknown> {
    return (await this.exchange(request)).body;
  }

  /**
   * Like {@link request}, with the answer's status and headers (LinkedIn names a created
   * comment in `x-restli-id`).
   * @throws PlatformRequestError
   */
  async exchange(request: HttpJsonRequest): Promise<{ status: number; headers: Headers; body: unknown }> {
    const { platform } = this.options;
    let response: Response;
    try {
      response = await this.fetch(request.url, {
        method: request.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(request.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...request.headers,
        },
        ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
        ...(request.form !== undefined ? { body: new URLSearchParams(request.form).toString() } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const reason = timedOut
        ? `no answer within ${this.timeoutMs} ms`
        : `could not be sent (${error instanceof Error ? error.name : 'unknown error'})`;
      throw new PlatformRequestError(platform, `${request.operation} ${reason}`, { transient: true }, { cause: error });
    }

    const text = await response.text().catch(() => '');
    let body: unknown;
    let isJson = true;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      isJson = false;
    }

    if (!response.ok) {
      const status = response.status;
      const transient = status === 429 || status >= 500;
      const retryAfterMs = transient ? this.retryAfterOf(response.headers) : undefined;
      const { code, message } = apiError(body);
      throw new PlatformRequestError(
        platform,
        `${request.operation} answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
        { status, transient, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(code ? { code } : {}) },
      );
    }
    if (!isJson)
      throw new PlatformRequestError(
        platform,
        `${request.operation} answered ${response.status} with a body that is not JSON`,
        { status: response.status, transient: false },
      );
    return { status: response.status, headers: response.headers, body };
  }

  private retryAfterOf(headers: Headers): number | undefined {
    const now = this.now();
    const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
    if (retryAfter !== undefined) return retryAfter;
    // Bluesky's ratelimit-reset and X's x-rate-limit-reset: the epoch second the window resets.
    const reset = headers.get('ratelimit-reset') ?? headers.get('x-rate-limit-reset');
    if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now.getTime());
    return undefined;
  }
}

/** The short error code and message of the documented error bodies (Google, Mastodon, XRPC). */
function apiError(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const clip = (s: unknown) => (typeof s === 'string' && s.length > 0 ? s.slice(0, 200) : undefined);
  // Google: {"error": {"code": 403, "message": "...", "errors": [{"reason": "quotaExceeded"}]}}
  if (typeof b.error === 'object' && b.error !== null) {
    const e = b.error as Record<string, unknown>;
    const reason = Array.isArray(e.errors) ? (e.errors[0] as Record<string, unknown> | undefined)?.reason : undefined;
    return {
      ...(clip(reason) ? { code: clip(reason) } : {}),
      ...(clip(e.message) ? { message: clip(e.message) } : {}),
    };
  }
  // XRPC: {"error": "ExpiredToken", "message": "..."}; Mastodon: {"error": "The access token is invalid"}
  if (typeof b.error === 'string') {
    const isCode = /^[A-Za-z]+$/.test(b.error);
    return isCode
      ? { code: b.error, ...(clip(b.message) ? { message: clip(b.message) } : {}) }
      : { message: clip(b.error) as string };
  }
  // LinkedIn: {"status": 401, "code": "REVOKED_ACCESS_TOKEN", "message": "..."}
  if (typeof b.code === 'string' && /^[A-Z_]+$/.test(b.code))
    return { code: b.code, ...(clip(b.message) ? { message: clip(b.message) } : {}) };
  // X API v2 problems: {"title": "Unauthorized", "detail": "...", "status": 401}
  if (typeof b.title === 'string')
    return { code: b.title.replace(/\s+/g, ''), ...(clip(b.detail) ? { message: clip(b.detail) } : {}) };
  return {};
}
