import { retry, sleep as timerSleep } from '../../domain/retry.ts';
import { backoffDelayMs, parseRetryAfter } from '../../domain/backoff.ts';

/**
 * POSTing JSON to a chat webhook (Slack, Teams) with retries inside a time budget. What
 * does not get through within the budget fails the queue message, and SQS redelivers it
 * later: the budget keeps one slow webhook from eating the function's timeout.
 */

export interface PostJsonOptions {
  /** Names the target in errors (`slack #presse`); the URL never appears, its path is the secret. */
  readonly target: string;
  /** All attempts and waits together stay within this (default 10 s). */
  readonly budgetMs?: number;
  /** Requests, the first included (default 5). */
  readonly maxAttempts?: number;
  /** Cap of the first backoff wait, doubled per attempt (default 250 ms). */
  readonly baseMs?: number;
  /** A server's Retry-After is honoured up to this (default 5 s). */
  readonly maxRetryAfterMs?: number;
  /** Wait for one answer (default 5 s, never beyond the budget). */
  readonly timeoutMs?: number;
  /** For tests: the fetch, the clock (epoch ms), the wait and the jitter. */
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_POST_BUDGET_MS = 10_000;

/** A webhook did not accept a message. */
export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** The last HTTP status; absent when no answer came. */
      readonly status?: number;
      /** 429, 5xx, timeouts and network errors: worth trying again later. */
      readonly transient: boolean;
      readonly attempts: number;
    },
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/**
 * POSTs `body` as JSON to `url`. 429 (after its Retry-After, capped) and 5xx, timeouts and
 * network errors are retried with exponential backoff and jitter while the budget lasts;
 * any other 4xx fails at once.
 *
 * @returns the status of the accepting answer (2xx) and the attempts it took
 * @throws WebhookDeliveryError naming the target and the status, never the URL
 */
export async function postJsonWithRetry(
  url: string,
  body: unknown,
  options: PostJsonOptions,
): Promise<{ status: number; attempts: number }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? timerSleep;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? globalThis.fetch;
  const budgetMs = options.budgetMs ?? DEFAULT_POST_BUDGET_MS;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = { maxAttempts, baseMs: options.baseMs ?? 250, maxMs: budgetMs };
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
  const deadline = now() + budgetMs;
  const payload = JSON.stringify(body);

  try {
    return await retry(
      async (attempt) => {
        const remaining = deadline - now();
        const timeoutMs = Math.max(1, Math.min(options.timeoutMs ?? 5_000, remaining));
        const outcome = await postOnce(doFetch, url, payload, timeoutMs);
        if (outcome.ok) return { status: outcome.status, attempts: attempt };
        throw new AttemptFailedError(outcome, attempt);
      },
      {
        maxAttempts,
        retryable: (error) => error instanceof AttemptFailedError && error.outcome.transient,
        delayMs: (attempt, error) => {
          const { retryAfterMs } = (error as AttemptFailedError).outcome;
          const retryAfter = retryAfterMs !== undefined ? Math.min(retryAfterMs, maxRetryAfterMs) : undefined;
          const wait = backoffDelayMs(attempt, retryAfter, backoff, random);
          return now() + wait >= deadline ? undefined : wait;
        },
        sleep,
      },
    );
  } catch (error) {
    if (!(error instanceof AttemptFailedError)) throw error;
    const { outcome, attempt } = error;
    const failure = `${options.target}: ${outcome.reason}`;
    const details = { ...statusOf(outcome), transient: outcome.transient, attempts: attempt };
    throw new WebhookDeliveryError(
      outcome.transient ? `${failure} (gave up after ${attempt} attempt(s) within ${budgetMs} ms)` : failure,
      details,
    );
  }
}

/** One failed POST, carried from a try to the retry policy and the final error. */
class AttemptFailedError extends Error {
  constructor(
    readonly outcome: Extract<Outcome, { ok: false }>,
    readonly attempt: number,
  ) {
    super(outcome.reason);
    this.name = 'AttemptFailedError';
  }
}

type Outcome =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      readonly transient: boolean;
      readonly reason: string;
      readonly status?: number;
      readonly retryAfterMs?: number;
    };

async function postOnce(doFetch: typeof fetch, url: string, payload: string, timeoutMs: number): Promise<Outcome> {
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    // Only a code (ECONNREFUSED), never the error's message or cause: they can quote the URL.
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return {
      ok: false,
      transient: true,
      reason: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `could not be sent${typeof code === 'string' ? ` (${code})` : ''}`,
    };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return { ok: true, status: response.status };
  const status = response.status;
  const transient = status === 429 || status >= 500;
  const retryAfterMs =
    status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), new Date()) : undefined;
  return {
    ok: false,
    transient,
    status,
    reason: `answered ${status}${shortReason(text)}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** Slack answers errors with a short code (`invalid_payload`, `channel_not_found`): worth showing; anything long or odd is not. */
function shortReason(text: string): string {
  const trimmed = text.trim();
  return /^[\w .:,'-]{1,120}$/.test(trimmed) && !trimmed.includes('http') ? ` ${trimmed}` : '';
}

function statusOf(outcome: { readonly status?: number }): { status?: number } {
  return outcome.status !== undefined ? { status: outcome.status } : {};
}
