import type { Mention, Platform } from '../../../shared/domain/mention.ts';
import type { Clock, IntakeQueue } from '../../../shared/domain/ports.ts';
import type { PollFeedDeps } from '../../../shared/pollers/poll-feed.ts';
import type {
  CursorRepository,
  FeedItem,
  FeedPage,
  MentionFeed,
  PollCursor,
} from '../../../shared/domain/pollers/ports.ts';
import { mentionFactory } from '../../factories/mention.ts';

/** A clock that only moves when told to, or when a fake sleep or a fake request takes time. */
export class ManualClock implements Clock {
  constructor(private time: number) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export class InMemoryCursors implements CursorRepository {
  readonly items = new Map<string, PollCursor>();
  readonly writes: PollCursor[] = [];
  async get(platform: Platform, source: string): Promise<PollCursor | undefined> {
    return this.items.get(`${platform}#${source}`);
  }
  async put(platform: Platform, source: string, cursor: PollCursor): Promise<void> {
    this.items.set(`${platform}#${source}`, cursor);
    this.writes.push(cursor);
  }
}

export class RecordingQueue implements IntakeQueue {
  readonly batches: Mention[][] = [];
  failNext = false;
  get mentions(): Mention[] {
    return this.batches.flat();
  }
  async enqueue(mentions: readonly Mention[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('intake queue unavailable');
    }
    this.batches.push([...mentions]);
  }
}

/** A feed item at `at` with one mention whose external id is `id`. */
export function itemAt(at: string, id: string): FeedItem {
  return {
    position: { at, id },
    mentions: [mentionFactory({ platform: 'mastodon', externalId: id, id: `mastodon:${id}`, createdAt: at })],
  };
}

/**
 * A newest-first listing of `items` served `pageSize` at a time; page tokens are offsets.
 * `script` answers calls in order before the listing does (an error to throw, or nothing).
 * Each call takes `requestMs` on the clock.
 */
export class ScriptedFeed implements MentionFeed {
  readonly platform = 'mastodon' as const;
  readonly source = 'mastodon.social#1';
  readonly calls: (string | undefined)[] = [];
  readonly script: (Error | undefined)[] = [];

  constructor(
    public items: FeedItem[],
    private readonly pageSize: number,
    private readonly clock: ManualClock,
    private readonly requestMs = 100,
  ) {}

  async fetchPage(pageToken: string | undefined): Promise<FeedPage> {
    this.calls.push(pageToken);
    this.clock.advance(this.requestMs);
    const scripted = this.script.shift();
    if (scripted) throw scripted;
    const offset = pageToken ? Number(pageToken) : 0;
    const items = this.items.slice(offset, offset + this.pageSize);
    const next = offset + this.pageSize < this.items.length ? { nextPageToken: String(offset + this.pageSize) } : {};
    return { items, ...next };
  }
}

/** Deps of pollFeed around a manual clock; `sleep` moves the clock and records the waits. */
export function pollDeps(clock: ManualClock, overrides: Partial<PollFeedDeps> = {}) {
  const sleeps: number[] = [];
  const cursors = new InMemoryCursors();
  const queue = new RecordingQueue();
  const deps: PollFeedDeps = {
    queue,
    cursors,
    clock,
    deadline: clock.now().getTime() + 60_000,
    pageReserveMs: 1_000,
    backfillHours: 24,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    random: () => 0.5,
    ...overrides,
  };
  return { deps, sleeps, cursors, queue };
}
