/** How a poller waits after a transient error (429, 5xx, timeout). */
export interface BackoffOptions {
  /** Requests per page, the first included. Default 5. */
  readonly maxAttempts: number;
  /** The cap of the first wait; doubled each further attempt. Default 500 ms. */
  readonly baseMs: number;
  /** No computed wait exceeds this (a server's Retry-After may). Default 30 s. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { maxAttempts: 5, baseMs: 500, maxMs: 30_000 };

/**
 * The wait before attempt `attempt + 1`, after `attempt` failed.
 *
 * Without a server hint: "full jitter", a uniform wait in [0, min(maxMs, baseMs * 2^(attempt-1))),
 * so pollers of many companies that failed together do not retry together. With a
 * `Retry-After`: that long, plus up to `baseMs` of jitter, because retrying earlier only
 * earns another 429.
 *
 * @param random a number in [0, 1), `Math.random` in production
 */
export function backoffDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.ceil(retryAfterMs + random() * options.baseMs);
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * Reads an HTTP `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * @returns milliseconds from `now`, never negative; undefined when absent or unreadable
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
