/**
 * What DynamoDB's batch calls leave unprocessed (BatchGetItem's `UnprocessedKeys`,
 * BatchWriteItem's `UnprocessedItems`) comes back when the table throttles: AWS asks callers
 * to send it again after an exponential backoff, not at once (an immediate resend meets the
 * same throttle and spends the partition's capacity again).
 */

/** Rounds of a batch call (the first one included) before the rest counts as failed. */
export const MAX_BATCH_ROUNDS = 8;
/** The first backoff's ceiling; each round doubles it, up to {@link MAX_BACKOFF_MS}. */
const BASE_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 1_000;

/**
 * Sends `pending` with `send` until it leaves nothing unprocessed, waiting a random time up to
 * 25 ms x 2^round (at most 1 s) before each resend ("full jitter").
 * @param send one batch call; resolves to what it left unprocessed
 * @param what names the requests in the error, e.g. "erasure deletes"
 * @throws Error when something is still unprocessed after {@link MAX_BATCH_ROUNDS} rounds
 */
export async function untilProcessed<T>(
  pending: readonly T[],
  send: (requests: readonly T[]) => Promise<readonly T[]>,
  what: string,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<void> {
  let requests = pending;
  for (let round = 1; requests.length > 0; round++) {
    if (round > MAX_BATCH_ROUNDS)
      throw new Error(`${what}: ${requests.length} stayed unprocessed after ${MAX_BATCH_ROUNDS} rounds`);
    if (round > 1) await wait(Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (round - 1)));
    requests = await send(requests);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
