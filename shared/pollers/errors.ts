import { DomainError } from '../domain/errors.ts';

/**
 * A platform API answered with an error or could not be reached.
 *
 * `transient` errors (429, 5xx, timeouts, network failures) are retried with backoff;
 * any other error (401 bad token, 403, 404 unknown channel, a body that is not the
 * documented shape) fails the run without moving its cursor. The message names the
 * platform, the operation and the status, never a token or a full URL with a key.
 */
export class PlatformRequestError extends DomainError {
  override readonly expose = false;

  constructor(
    readonly platform: string,
    message: string,
    readonly details: {
      /** HTTP status, absent when no response arrived. */
      readonly status?: number;
      readonly transient: boolean;
      /** The server's `Retry-After` (or rate-limit reset), in milliseconds. */
      readonly retryAfterMs?: number;
      /** The API's own error code when it gives one (`ExpiredToken`, `quotaExceeded`). */
      readonly code?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(`${platform}: ${message}`, options);
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get transient(): boolean {
    return this.details.transient;
  }
}

/** Retries of a transient error were used up; the cursor stays at the last fully enqueued page. */
export class PlatformUnavailableError extends DomainError {
  override readonly expose = false;

  constructor(
    readonly platform: string,
    readonly attempts: number,
    options: { cause: PlatformRequestError },
  ) {
    super(`${platform} is still failing after ${attempts} attempt(s): ${options.cause.message}`, options);
  }
}

/** A poller's credentials or settings are unusable (a missing API key, an unreadable secret). */
export class PollerConfigError extends DomainError {
  override readonly expose = false;
}
