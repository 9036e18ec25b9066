import { describe, expect, it } from 'vitest';
import { runSigkill } from '../../bench/chaos/sigkill.ts';

/**
 * Finding 4: with persisted storage, webhooks answered 200 were lost when `npm start` was
 * killed (SIGKILL) or stopped (Ctrl-C) midway through a burst, because the intake queue
 * lived only in memory. The attack: make the runtime die while the queue holds
 * acknowledged mentions. The runtime runs as a child process (`backchannel start`) on a
 * temporary data directory; after the signal it restarts on the same directory, the
 * webhooks without a 200 are sent again as platforms retry, and the table is counted.
 * `npm run chaos:sigkill` runs the same with 2,000 mentions and a baseline.
 */
describe('finding 4: a mention answered 200 survives the death of npm start', () => {
  const MENTIONS = 120;

  it('stores every acknowledged mention exactly once after a SIGKILL midway through a burst', async () => {
    // Arrange + Act: a burst, SIGKILL after half of it is acknowledged, a restart
    // (the wait for idle covers a queue's visibility timeout: a notification the killed sender
    // had claimed is held until its lease ends, and its message comes back only after 180 s)
    const [row] = await runSigkill({ mentions: MENTIONS, concurrency: 8, signal: 'SIGKILL' });

    // Assess
    expect(row?.acknowledged).toBeGreaterThanOrEqual(MENTIONS / 2);
    // The kill hit queued, unprocessed mentions: the restart had to put them back.
    expect(row?.replayed).toBeGreaterThan(0);
    expect(row).toMatchObject({
      lost: 0,
      stored: row?.acknowledged,
      storedAtEnd: MENTIONS,
      unrouted: 0,
      duplicateCases: 0,
      duplicateMentions: 0,
    });
  }, 600_000);

  it('stores every acknowledged mention exactly once after a Ctrl-C (SIGINT) midway through a burst', async () => {
    // Arrange + Act
    const [row] = await runSigkill({ mentions: MENTIONS, concurrency: 8, signal: 'SIGINT' });

    // Assess: no replay count is asserted here. A Ctrl-C lets running batches finish, and on a
    // run where processing keeps up with the burst the queues are empty when it stops (CI's
    // Node 22 run once replayed 0); what must hold is that nothing acknowledged is lost or doubled.
    expect(row?.acknowledged).toBeGreaterThanOrEqual(MENTIONS / 2);
    expect(row).toMatchObject({
      lost: 0,
      stored: row?.acknowledged,
      storedAtEnd: MENTIONS,
      unrouted: 0,
      duplicateCases: 0,
      duplicateMentions: 0,
    });
  }, 600_000);
});
