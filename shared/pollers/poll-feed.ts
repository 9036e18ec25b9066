import type { Mention } from '../domain/mention.ts';
import { limitMention } from '../domain/mention-limits.ts';
import type { Clock, IntakeQueue } from '../domain/ports.ts';
import { retry } from '../domain/retry.ts';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from '../domain/backoff.ts';
import { PlatformRequestError, PlatformUnavailableError } from './errors.ts';
import type { CursorRepository, FeedItem, FeedPage, MentionFeed, PollCursor } from '../domain/pollers/ports.ts';

export interface PollFeedDeps {
  readonly queue: IntakeQueue;
  readonly cursors: CursorRepository;
  readonly clock: Clock;
  /** Epoch milliseconds by which the run must be done, its cursor stored. */
  readonly deadline: number;
  /**
   * Time one more page needs (request timeout + enqueue + cursor write). A page is only
   * started, and a backoff only waited, when this much time is left after it.
   */
  readonly pageReserveMs: number;
  /** On the first run (no cursor), how far back to read. */
  readonly backfillHours: number;
  /** Pages per run at most, a guard against a listing that never ends. Default 100. */
  readonly maxPages?: number;
  readonly backoff?: Partial<BackoffOptions>;
  readonly sleep: (ms: number) => Promise<void>;
  /** [0, 1): the jitter of backoffs. */
  readonly random: () => number;
  /** Told about each transient error before its backoff (for logs). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: PlatformRequestError }) => void;
}

/** Why a run ended without an error. */
export type PollStop =
  /** Reached the items of the last run (or the listing's end): the cursor is the newest item. */
  | 'caught-up'
  /** Too little time for another page or backoff: the next run resumes the sweep. */
  | 'time'
  /** `maxPages` pages read: the next run resumes the sweep. */
  | 'page-limit';

export interface PollOutcome {
  readonly platform: string;
  readonly source: string;
  readonly stoppedBy: PollStop;
  readonly pages: number;
  readonly enqueued: number;
  /** The ids of the mentions enqueued, in order: the run's log line names them. */
  readonly enqueuedIds: readonly string[];
  /** Items that are not mentions, counted by reason. */
  readonly ignored: Readonly<Record<string, number>>;
  /** Transient errors that were retried. */
  readonly retries: number;
  readonly cursor: PollCursor;
}

const OUT_OF_TIME = Symbol('out of time');

/**
 * Reads one newest-first listing from its stored cursor and enqueues its new mentions.
 *
 * A run is part of a *sweep* from the newest item back to the stored high-water mark:
 * 1. load the cursor: continue a stopped sweep at its page token, or start a new one at the
 *    newest page (first run ever: the floor is `backfillHours` back)
 * 2. fetch a page (transient errors: backoff with jitter, bounded by the time left)
 * 3. keep the items newer than the floor, skip those already enqueued at the floor's instant
 * 4. enqueue their mentions exactly like ingest does (the queue's own retries included)
 * 5. store the cursor: the next page's token while older pages remain, the sweep's newest
 *    item once the floor or the listing's end is reached
 * 6. repeat until caught up, out of time or at `maxPages`
 *
 * A page's cursor is written only after all its mentions were enqueued, so a run that stops
 * or fails anywhere loses nothing and skips nothing: at worst a page is enqueued twice,
 * which classify-mention deduplicates by `(platform, externalId)`.
 *
 * @throws PlatformRequestError for a permanent error (a bad token: the cursor does not move)
 * @throws PlatformUnavailableError when a transient error outlasts every attempt
 * @throws what the queue or the cursor store throws (the cursor stays at the last stored page)
 */
export async function pollFeed(feed: MentionFeed, deps: PollFeedDeps): Promise<PollOutcome> {
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...deps.backoff };
  const maxPages = deps.maxPages ?? 100;
  const stored = await deps.cursors.get(feed.platform, feed.source);
  const floor = stored?.newest ?? {
    at: new Date(deps.clock.now().getTime() - deps.backfillHours * 3_600_000).toISOString(),
    ids: [],
  };
  let pageToken = stored?.sweep?.pageToken;
  let top = stored?.sweep?.top;
  let cursor: PollCursor = stored ?? { newest: floor, updatedAt: deps.clock.now().toISOString() };
  let pages = 0;
  let enqueued = 0;
  const enqueuedIds: string[] = [];
  let retries = 0;
  const ignored: Record<string, number> = {};

  const outcome = (stoppedBy: PollStop): PollOutcome => ({
    platform: feed.platform,
    source: feed.source,
    stoppedBy,
    pages,
    enqueued,
    enqueuedIds,
    ignored,
    retries,
    cursor,
  });
  const store = async (next: Omit<PollCursor, 'updatedAt'>) => {
    cursor = { ...next, updatedAt: deps.clock.now().toISOString() };
    await deps.cursors.put(feed.platform, feed.source, cursor);
  };
  const timeLeft = () => deps.deadline - deps.clock.now().getTime();

  const fetchPage = async (): Promise<FeedPage | typeof OUT_OF_TIME> => {
    let outOfTime = false;
    let attempts = 0;
    try {
      return await retry(
        (attempt) => {
          attempts = attempt;
          if (timeLeft() < deps.pageReserveMs) {
            outOfTime = true;
            throw new Error('out of time');
          }
          return feed.fetchPage(pageToken);
        },
        {
          maxAttempts: backoff.maxAttempts,
          retryable: (error) => !outOfTime && error instanceof PlatformRequestError && error.transient,
          delayMs: (attempt, error) => {
            const delayMs = backoffDelayMs(
              attempt,
              (error as PlatformRequestError).details.retryAfterMs,
              backoff,
              deps.random,
            );
            // Waiting past the budget would leave no time to use the answer: stop, resume next run.
            outOfTime = timeLeft() - delayMs < deps.pageReserveMs;
            return outOfTime ? undefined : delayMs;
          },
          onRetry: ({ attempt, delayMs, error }) => {
            deps.onRetry?.({ attempt, delayMs, error: error as PlatformRequestError });
            retries++;
          },
          sleep: deps.sleep,
        },
      );
    } catch (error) {
      if (outOfTime) return OUT_OF_TIME;
      if (error instanceof PlatformRequestError && error.transient)
        throw new PlatformUnavailableError(feed.platform, attempts, { cause: error });
      throw error;
    }
  };

  for (;;) {
    if (pages >= maxPages) return outcome('page-limit');
    const page = await fetchPage();
    if (page === OUT_OF_TIME) return outcome('time');
    pages++;

    const fresh: FeedItem[] = [];
    let reachedFloor = false;
    for (const item of page.items) {
      const order = compareAt(item.position.at, floor.at);
      if (order < 0) {
        reachedFloor = true;
        break;
      }
      if (order === 0 && floor.ids.includes(item.position.id)) continue;
      fresh.push(item);
    }
    // The first page of a new sweep holds its newest item.
    top ??= newestOf(page.items);

    const mentions: Mention[] = [];
    const count = (reason: string) => (ignored[reason] = (ignored[reason] ?? 0) + 1);
    for (const item of fresh) {
      if (item.ignoredReason) count(item.ignoredReason);
      // The same limits as webhooks: what could never be stored is counted, not enqueued.
      for (const limited of item.mentions.map(limitMention)) {
        if ('rejected' in limited) count(limited.rejected);
        else mentions.push(limited.mention);
      }
    }
    if (mentions.length > 0) await deps.queue.enqueue(mentions);
    enqueued += mentions.length;
    enqueuedIds.push(...mentions.map((mention) => mention.id));

    if (reachedFloor || !page.nextPageToken || page.items.length === 0) {
      await store({ newest: top ? later(top, floor) : floor });
      return outcome('caught-up');
    }
    pageToken = page.nextPageToken;
    await store({ newest: floor, sweep: { pageToken, top: top ?? floor } });
  }
}

function compareAt(a: string, b: string): number {
  return Math.sign(Date.parse(a) - Date.parse(b));
}

/** The newest instant of a page and the ids listed at it. */
function newestOf(items: readonly FeedItem[]): { at: string; ids: string[] } | undefined {
  let newest: string | undefined;
  for (const item of items)
    if (newest === undefined || compareAt(item.position.at, newest) > 0) newest = item.position.at;
  if (newest === undefined) return undefined;
  const at = newest;
  return { at, ids: items.filter((i) => compareAt(i.position.at, at) === 0).map((i) => i.position.id) };
}

type Mark = { readonly at: string; readonly ids: readonly string[] };

/** The later of two high-water marks; at the same instant, both id lists. */
function later(a: Mark, b: Mark): Mark {
  const order = compareAt(a.at, b.at);
  if (order === 0) return { at: a.at, ids: [...new Set([...a.ids, ...b.ids])] };
  return order > 0 ? a : b;
}
