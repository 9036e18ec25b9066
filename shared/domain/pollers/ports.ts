import type { Mention, Platform } from '../mention.ts';

/**
 * Ports of the pollers: a platform's listing as pages of normalized items, and the store
 * of each listing's cursor. The use case (poll-feed.ts) knows nothing of HTTP or DynamoDB.
 */

/**
 * The position of an item in a newest-first listing: its time (ISO 8601, UTC) and its id.
 * Items are listed by `at`, newest first; `id` tells apart items of the same instant.
 */
export interface FeedPosition {
  readonly at: string;
  readonly id: string;
}

/** One listed item, normalized: zero or more mentions (a thread holds replies), or why it is skipped. */
export interface FeedItem {
  readonly position: FeedPosition;
  readonly mentions: readonly Mention[];
  /** Set when the item is not a mention (a like, a follow): counted and logged, never enqueued. */
  readonly ignoredReason?: string;
}

/** One page of a newest-first listing. */
export interface FeedPage {
  /** Newest first. */
  readonly items: readonly FeedItem[];
  /** The token of the next (older) page; absent on the last page. */
  readonly nextPageToken?: string;
}

/**
 * Port: one newest-first listing of a platform (the comment threads of one channel, the
 * mention notifications of one account).
 */
export interface MentionFeed {
  readonly platform: Platform;
  /** Names the listing in the cursor store (a channel id, an account). */
  readonly source: string;
  /**
   * Fetches one page: the newest without a token, an older one with a token from
   * `nextPageToken`.
   * @throws PlatformRequestError; `transient` ones are retried by the caller
   */
  fetchPage(pageToken: string | undefined): Promise<FeedPage>;
}

/**
 * Where a listing was read up to.
 *
 * - `newest`: the high-water mark of the last complete sweep: items at or before it were
 *   enqueued (`ids` are the items exactly at `newest.at`, which are not enqueued again).
 * - `sweep`: a sweep that stopped (time budget, retries used up) after fully enqueueing
 *   the page before `pageToken`; the next run continues there, then moves `newest` to `top`.
 */
export interface PollCursor {
  readonly newest?: { readonly at: string; readonly ids: readonly string[] };
  readonly sweep?: {
    readonly pageToken: string;
    /** The newest item of the sweep: `newest` once the sweep is complete. */
    readonly top: { readonly at: string; readonly ids: readonly string[] };
  };
  /** When the cursor was written. */
  readonly updatedAt: string;
}

/** Port: the cursor of each listing. */
export interface CursorRepository {
  get(platform: Platform, source: string): Promise<PollCursor | undefined>;
  /** Stores the cursor (last writer wins: one schedule runs one poller at a time). */
  put(platform: Platform, source: string, cursor: PollCursor): Promise<void>;
}
