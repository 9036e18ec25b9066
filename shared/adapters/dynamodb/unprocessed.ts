import { backoffDelayMs, type BackoffOptions } from '../../domain/backoff.ts';
import { retry } from '../../domain/retry.ts';

/**
 * What DynamoDB's batch calls leave unprocessed (BatchGetItem's `UnprocessedKeys`,
 * BatchWriteItem's `UnprocessedItems`) comes back when the table throttles: AWS asks callers
 * to send it again after an exponential backoff, not at once (an immediate resend meets the
 * same throttle and spends the partition's capacity again).
 */

/** Rounds of a batch call (the first included), the cap of the first wait, the largest wait. */
export const UNPROCESSED_BACKOFF: BackoffOptions = { maxAttempts: 8, baseMs: 25, maxMs: 1_000 };

/** A round that left requests unprocessed: the signal to `retry` to pause and send them again. */
class Unprocessed extends Error {}

/**
 * Sends `pending` with `send` until it leaves nothing unprocessed, on the project's retry loop
 * with full-jitter backoff ({@link UNPROCESSED_BACKOFF}).
 * @param send one batch call; resolves to what it left unprocessed
 * @param what names the requests in the error, e.g. "erasure deletes"
 * @throws Error when something is still unprocessed after the last round; an error of `send` itself at once
 */
export async function untilProcessed<T>(
  pending: readonly T[],
  send: (requests: readonly T[]) => Promise<readonly T[]>,
  what: string,
  sleep?: (ms: number) => Promise<void>,
): Promise<void> {
  let requests = pending;
  if (requests.length === 0) return;
  await retry(
    async () => {
      requests = await send(requests);
      if (requests.length > 0) throw new Unprocessed();
    },
    {
      maxAttempts: UNPROCESSED_BACKOFF.maxAttempts,
      retryable: (error) => error instanceof Unprocessed,
      delayMs: (attempt) => backoffDelayMs(attempt, undefined, UNPROCESSED_BACKOFF, Math.random),
      ...(sleep ? { sleep } : {}),
    },
  ).catch((error: unknown) => {
    if (!(error instanceof Unprocessed)) throw error;
    throw new Error(`${what}: ${requests.length} stayed unprocessed after ${UNPROCESSED_BACKOFF.maxAttempts} rounds`);
  });
}
