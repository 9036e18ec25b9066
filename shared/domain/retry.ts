/**
 * The one retry loop of the project. What differs between callers is the policy: how many
 * tries, which errors are worth another, and how long to wait (exponential backoff with
 * jitter from `backoffDelayMs`, a fixed list of pauses, or a wait that must fit a budget).
 * Pure: the wait is injected, so tests pass a recording sleep instead of a clock.
 */

export interface RetryPolicy {
  /** Tries, the first included (at least 1). */
  readonly maxAttempts: number;
  /**
   * The pause after failed try `attempt` (1-based) with `error`, in milliseconds; undefined
   * gives up at once (no time left, no pause left) and throws that error.
   */
  readonly delayMs: (attempt: number, error: unknown) => number | undefined;
  /** Whether an error is worth another try; the others are thrown at once. Default: all are. */
  readonly retryable?: (error: unknown) => boolean;
  /** Called before each pause (logs, counters). */
  readonly onRetry?: (info: { readonly attempt: number; readonly delayMs: number; readonly error: unknown }) => void;
  /** How to wait; default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Waits `ms` milliseconds on a timer. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `work` until it resolves, pausing between tries as the policy says.
 *
 * @example
 *   await retry(() => log.markSent(caseId, key), { maxAttempts: 4, delayMs: (n) => [200, 1_000, 3_000][n - 1] });
 * @returns what the successful try resolved with
 * @throws the error of the last try: after `maxAttempts`, for an error that is not retryable,
 *   or when `delayMs` gives up
 */
export async function retry<T>(work: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const wait = policy.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !(policy.retryable?.(error) ?? true)) throw error;
      const delayMs = policy.delayMs(attempt, error);
      if (delayMs === undefined) throw error;
      policy.onRetry?.({ attempt, delayMs, error });
      await wait(delayMs);
    }
  }
}
