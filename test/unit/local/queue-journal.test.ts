import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, QueueJournal, type JournaledMessage } from '../../../infra/local/queue-journal.ts';

/** A message on the intake queue; `n` makes its id unique. */
function journaledMessage(n: number, overrides: Partial<JournaledMessage> = {}): JournaledMessage {
  return {
    queue: 'bc-demo-intake',
    id: `msg-${n}`,
    body: JSON.stringify({ mentionId: `meta:${n}` }),
    sentAt: 1_764_320_400_000 + n,
    receiveCount: 0,
    ...overrides,
  };
}

describe('QueueJournal', () => {
  let dir: string;
  const opened: QueueJournal[] = [];
  const open = async (options: { compactAfterEntries?: number } = {}) => {
    const result = await QueueJournal.open({ dir, ...options });
    opened.push(result.journal);
    return result;
  };
  const fileLines = async () =>
    (await readFile(path.join(dir, JOURNAL_FILE), 'utf8')).split('\n').filter((line) => line !== '');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bc-journal-'));
  });

  afterEach(async () => {
    for (const journal of opened.splice(0)) await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a put message across a reopen, and drops a deleted one', async () => {
    // Arrange
    const { journal } = await open();
    journal.put(journaledMessage(1));
    journal.put(journaledMessage(2));
    journal.delete('bc-demo-intake', 'msg-1');
    await journal.close();

    // Act
    const { journal: reopened, opened: found } = await open();

    // Assess
    expect(reopened.messages()).toEqual([journaledMessage(2)]);
    expect(found).toEqual({ entries: 3, live: 1, skipped: 0 });
  });

  it('has the put in the file when durable() resolves, not before', async () => {
    // Arrange
    const { journal } = await open();

    // Act
    journal.put(journaledMessage(1));
    const file = path.join(dir, JOURNAL_FILE);
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    await journal.durable();

    // Assess
    expect(before).toBe('');
    expect((await fileLines()).map((line) => JSON.parse(line))).toEqual([{ op: 'put', ...journaledMessage(1) }]);
  });

  it('commits puts of the same moment with one fsync', async () => {
    // Arrange
    const { journal } = await open();

    // Act
    for (let n = 0; n < 100; n++) journal.put(journaledMessage(n));
    await Promise.all(Array.from({ length: 100 }, () => journal.durable()));

    // Assess
    expect(journal.stats().syncs).toBe(1);
    expect(await fileLines()).toHaveLength(100);
  });

  it('resolves durable() at once when nothing waits to be fsynced', async () => {
    // Arrange
    const { journal } = await open();
    journal.delete('bc-demo-intake', 'msg-unknown');

    // Act
    await journal.durable();

    // Assess
    expect(journal.stats().syncs).toBe(0);
  });

  it('skips a torn last line, as a kill in the middle of a write leaves it, and keeps the entries before it', async () => {
    // Arrange
    const whole = `${JSON.stringify({ op: 'put', ...journaledMessage(1) })}\n`;
    await writeFile(
      path.join(dir, JOURNAL_FILE),
      `${whole}${JSON.stringify({ op: 'put', ...journaledMessage(2) }).slice(0, 40)}`,
    );

    // Act
    const { journal, opened: found } = await open();

    // Assess
    expect(journal.messages()).toEqual([journaledMessage(1)]);
    expect(found).toEqual({ entries: 1, live: 1, skipped: 1 });
  });

  it('moves a message that is put again on another queue (the DLQ), where a delete on the old queue no longer reaches it', async () => {
    // Arrange
    const { journal } = await open();
    journal.put(journaledMessage(1));

    // Act
    journal.put(journaledMessage(1, { queue: 'bc-demo-intake-dlq' }));
    journal.delete('bc-demo-intake', 'msg-1');
    await journal.close();

    // Assess
    const { journal: reopened } = await open();
    expect(reopened.messages()).toEqual([journaledMessage(1, { queue: 'bc-demo-intake-dlq' })]);
  });

  it('keeps the receive count of a message across a reopen', async () => {
    // Arrange
    const { journal } = await open();
    journal.put(journaledMessage(1));
    journal.receive('bc-demo-intake', 'msg-1', 1);
    journal.receive('bc-demo-intake', 'msg-1', 2);
    await journal.close();

    // Act
    const { journal: reopened } = await open();

    // Assess
    expect(reopened.messages()).toEqual([journaledMessage(1, { receiveCount: 2 })]);
  });

  it('purges the messages of one queue only', async () => {
    // Arrange
    const { journal } = await open();
    journal.put(journaledMessage(1));
    journal.put(journaledMessage(2, { queue: 'bc-demo-dept-press' }));

    // Act
    journal.purge('bc-demo-intake');
    await journal.close();

    // Assess
    const { journal: reopened } = await open();
    expect(reopened.messages()).toEqual([journaledMessage(2, { queue: 'bc-demo-dept-press' })]);
  });

  it('rewrites the file at open with only the live messages', async () => {
    // Arrange
    const { journal } = await open();
    for (let n = 0; n < 10; n++) journal.put(journaledMessage(n));
    for (let n = 0; n < 8; n++) journal.delete('bc-demo-intake', `msg-${n}`);
    await journal.close();

    // Act
    await open();

    // Assess
    expect((await fileLines()).map((line) => JSON.parse(line).id)).toEqual(['msg-8', 'msg-9']);
  });

  it('compacts while running once the file holds far more entries than live messages', async () => {
    // Arrange
    const { journal } = await open({ compactAfterEntries: 20 });

    // Act
    for (let n = 0; n < 30; n++) {
      journal.put(journaledMessage(n));
      journal.delete('bc-demo-intake', `msg-${n}`);
      await journal.durable();
    }
    journal.put(journaledMessage(99));
    await journal.durable();

    // Assess
    expect(journal.stats().compactions).toBeGreaterThanOrEqual(2);
    expect((await fileLines()).length).toBeLessThan(20);
    await journal.close();
    const { journal: reopened } = await open();
    expect(reopened.messages()).toEqual([journaledMessage(99)]);
  });

  it('records nothing after close, and close is safe to repeat', async () => {
    // Arrange
    const { journal } = await open();
    journal.put(journaledMessage(1));
    await journal.close();

    // Act
    journal.put(journaledMessage(2));
    await journal.close();

    // Assess
    expect((await fileLines()).map((line) => JSON.parse(line).id)).toEqual(['msg-1']);
  });

  it('skips a line that is not a journal entry', async () => {
    // Arrange
    await writeFile(path.join(dir, JOURNAL_FILE), `${JSON.stringify({ op: 'put', ...journaledMessage(1) })}\n`);
    await appendFile(path.join(dir, JOURNAL_FILE), `${JSON.stringify({ op: 'teleport', queue: 'x' })}\n`);

    // Act
    const { journal, opened: found } = await open();

    // Assess
    expect(journal.messages()).toEqual([journaledMessage(1)]);
    expect(found.skipped).toBe(1);
  });
});
