import { describe, expect, it } from 'vitest';
import { PlatformRequestError, PlatformUnavailableError } from '../../../shared/pollers/errors.ts';
import { pollFeed } from '../../../shared/pollers/poll-feed.ts';
import { itemAt, ManualClock, pollDeps, ScriptedFeed } from './fakes.ts';

const NOW = Date.parse('2025-11-28T12:00:00Z');

/** Six items, newest first, one every hour before NOW (ids i1..i6). */
const sixItems = () => [1, 2, 3, 4, 5, 6].map((h) => itemAt(new Date(NOW - h * 3_600_000).toISOString(), `i${h}`));
const ids = (mentions: { externalId: string }[]) => mentions.map((m) => m.externalId);

describe('pollFeed', () => {
  it('follows pages on the first run back to the backfill floor and stores the newest item as the cursor', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const items = [...sixItems(), itemAt('2025-11-26T00:00:00.000Z', 'too-old')];
    const feed = new ScriptedFeed(items, 2, clock);
    const { deps, queue, cursors } = pollDeps(clock, { backfillHours: 24 });

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess
    expect(ids(queue.mentions)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
    expect(feed.calls).toEqual([undefined, '2', '4', '6']);
    expect(outcome).toMatchObject({ stoppedBy: 'caught-up', pages: 4, enqueued: 6 });
    expect(outcome.enqueuedIds).toEqual(queue.mentions.map((mention) => mention.id));
    expect(await cursors.get('mastodon', feed.source)).toEqual({
      newest: { at: new Date(NOW - 3_600_000).toISOString(), ids: ['i1'] },
      updatedAt: expect.any(String),
    });
  });

  it('resumes from the stored cursor: only newer items are enqueued and the run stops at the old newest', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 2, clock);
    const { deps, queue } = pollDeps(clock);
    await pollFeed(feed, deps);
    queue.batches.length = 0;
    feed.calls.length = 0;
    feed.items = [
      itemAt('2025-11-28T11:40:00.000Z', 'new2'),
      itemAt('2025-11-28T11:20:00.000Z', 'new1'),
      ...sixItems(),
    ];

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess
    expect(ids(queue.mentions)).toEqual(['new2', 'new1']);
    expect(feed.calls).toEqual([undefined, '2']);
    expect(outcome.cursor.newest).toEqual({ at: '2025-11-28T11:40:00.000Z', ids: ['new2'] });
  });

  it('enqueues an item listed at the same instant as the cursor once, and a different one at that instant too', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const at = '2025-11-28T11:00:00.000Z';
    const feed = new ScriptedFeed([itemAt(at, 'a')], 10, clock);
    const { deps, queue } = pollDeps(clock);
    await pollFeed(feed, deps);
    feed.items = [itemAt(at, 'b'), itemAt(at, 'a')];

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess
    expect(ids(queue.mentions)).toEqual(['a', 'b']);
    expect(outcome.cursor.newest).toEqual({ at, ids: ['b', 'a'] });
  });

  it('stops before the time budget with the cursor after the last fully enqueued page, and the next run completes the sweep', async () => {
    // Arrange: each request takes 10 s; 25 s of budget and a 10 s reserve allow two pages.
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 2, clock, 10_000);
    const { deps, queue, cursors } = pollDeps(clock, { deadline: NOW + 25_000, pageReserveMs: 10_000 });

    // Act
    const first = await pollFeed(feed, deps);
    const stored = await cursors.get('mastodon', feed.source);
    const second = await pollFeed(feed, { ...deps, deadline: clock.now().getTime() + 60_000 });

    // Assess
    expect(first).toMatchObject({ stoppedBy: 'time', pages: 2, enqueued: 4 });
    expect(stored?.sweep).toEqual({
      pageToken: '4',
      top: { at: new Date(NOW - 3_600_000).toISOString(), ids: ['i1'] },
    });
    expect(second).toMatchObject({ stoppedBy: 'caught-up', pages: 1, enqueued: 2 });
    expect(ids(queue.mentions)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
    expect(second.cursor).toEqual({
      newest: { at: new Date(NOW - 3_600_000).toISOString(), ids: ['i1'] },
      updatedAt: expect.any(String),
    });
  });

  it('waits the Retry-After of a 429 plus jitter, then reads the page', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 10, clock);
    feed.script.push(
      new PlatformRequestError('mastodon', 'GET /api/v1/notifications answered 429', {
        status: 429,
        transient: true,
        retryAfterMs: 3_000,
      }),
    );
    const { deps, sleeps, queue } = pollDeps(clock, { backoff: { baseMs: 400 }, random: () => 0.5 });

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess
    expect(sleeps).toEqual([3_200]);
    expect(outcome).toMatchObject({ stoppedBy: 'caught-up', retries: 1, enqueued: 6 });
    expect(queue.mentions).toHaveLength(6);
  });

  it('backs off exponentially with full jitter on 5xx and timeouts, then succeeds', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 10, clock);
    feed.script.push(
      new PlatformRequestError('mastodon', 'answered 500', { status: 500, transient: true }),
      new PlatformRequestError('mastodon', 'answered 503', { status: 503, transient: true }),
      new PlatformRequestError('mastodon', 'no answer within 10000 ms', { transient: true }),
    );
    const { deps, sleeps } = pollDeps(clock, { backoff: { baseMs: 1_000, maxMs: 3_000 }, random: () => 0.99 });

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess: caps 1 s, 2 s, then 4 s capped at 3 s, each times the jitter 0.99.
    expect(sleeps).toEqual([990, 1_980, 2_970]);
    expect(outcome).toMatchObject({ stoppedBy: 'caught-up', retries: 3, enqueued: 6 });
  });

  it('does not wait a backoff that would end past the time budget: it stops and keeps the cursor', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 2, clock);
    feed.script.push(
      undefined,
      new PlatformRequestError('mastodon', 'answered 429', { status: 429, transient: true, retryAfterMs: 120_000 }),
    );
    const { deps, sleeps, cursors } = pollDeps(clock, { deadline: NOW + 30_000 });

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess
    expect(sleeps).toEqual([]);
    expect(outcome).toMatchObject({ stoppedBy: 'time', pages: 1, enqueued: 2 });
    expect((await cursors.get('mastodon', feed.source))?.sweep?.pageToken).toBe('2');
  });

  it('fails on a permanent error (bad token) without moving the cursor', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 2, clock);
    const { deps, queue, cursors } = pollDeps(clock);
    await cursors.put('mastodon', feed.source, {
      newest: { at: '2025-11-28T05:00:00.000Z', ids: ['x'] },
      updatedAt: '2025-11-28T05:00:00.000Z',
    });
    const before = await cursors.get('mastodon', feed.source);
    feed.script.push(
      new PlatformRequestError('mastodon', 'GET /api/v1/notifications answered 401: The access token is invalid', {
        status: 401,
        transient: false,
      }),
    );

    // Act
    const run = pollFeed(feed, deps);

    // Assess
    await expect(run).rejects.toThrow('mastodon: GET /api/v1/notifications answered 401: The access token is invalid');
    expect(await cursors.get('mastodon', feed.source)).toEqual(before);
    expect(queue.mentions).toEqual([]);
    expect(feed.calls).toHaveLength(1);
  });

  it('gives up after the last attempt with PlatformUnavailableError, the cursor at the last fully enqueued page', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 2, clock);
    const unavailable = () => new PlatformRequestError('mastodon', 'answered 502', { status: 502, transient: true });
    feed.script.push(undefined, unavailable(), unavailable(), unavailable());
    const { deps, cursors, queue } = pollDeps(clock, { backoff: { maxAttempts: 3, baseMs: 10 } });

    // Act
    const run = pollFeed(feed, deps);

    // Assess
    await expect(run).rejects.toBeInstanceOf(PlatformUnavailableError);
    expect(ids(queue.mentions)).toEqual(['i1', 'i2']);
    expect((await cursors.get('mastodon', feed.source))?.sweep?.pageToken).toBe('2');
  });

  it('keeps the cursor before a page whose mentions could not be enqueued, so the next run reads it again', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 2, clock);
    const { deps, cursors, queue } = pollDeps(clock);
    queue.failNext = true;

    // Act
    const failed = await pollFeed(feed, deps).catch((error: unknown) => error);
    const retried = await pollFeed(feed, deps);

    // Assess
    expect(failed).toEqual(new Error('intake queue unavailable'));
    expect(cursors.writes.length).toBe(3);
    expect(retried).toMatchObject({ stoppedBy: 'caught-up', enqueued: 6 });
    expect(ids(queue.mentions)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
  });

  it('counts items that are not mentions by reason and enqueues nothing for them', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const like = {
      position: { at: '2025-11-28T11:30:00.000Z', id: 'like1' },
      mentions: [],
      ignoredReason: 'reason "like" is not a mention',
    };
    const feed = new ScriptedFeed([like, ...sixItems()], 10, clock);
    const { deps, queue } = pollDeps(clock);

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess
    expect(outcome.ignored).toEqual({ 'reason "like" is not a mention': 1 });
    expect(queue.mentions).toHaveLength(6);
  });

  it('counts a mention whose id could never be a key as ignored with its reason, and enqueues the rest', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const tooLong = itemAt('2025-11-28T11:30:00.000Z', 'x'.repeat(600));
    const feed = new ScriptedFeed([tooLong, ...sixItems()], 10, clock);
    const { deps, queue } = pollDeps(clock);

    // Act
    const outcome = await pollFeed(feed, deps);

    // Assess
    expect(outcome.ignored).toEqual({
      'externalId of 600 bytes is over the limit of 512 bytes, so the mention could never be stored': 1,
    });
    expect(ids(queue.mentions)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
  });

  it('stops at maxPages and resumes there on the next run', async () => {
    // Arrange
    const clock = new ManualClock(NOW);
    const feed = new ScriptedFeed(sixItems(), 1, clock);
    const { deps, queue } = pollDeps(clock, { maxPages: 4 });

    // Act
    const first = await pollFeed(feed, deps);
    const second = await pollFeed(feed, deps);

    // Assess
    expect(first).toMatchObject({ stoppedBy: 'page-limit', pages: 4 });
    expect(second).toMatchObject({ stoppedBy: 'caught-up', pages: 2 });
    expect(ids(queue.mentions)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
  });
});
