import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxEraser } from '../../../shared/adapters/notify/outbox.ts';
import type { AuthorTraces } from '../../../shared/domain/erasure.ts';

const traces: AuthorTraces = {
  platform: 'x',
  authorId: '98765',
  mentionIds: ['x:111'],
  externalIds: ['111'],
  words: ['Rita Beispiel', '@ritab', 'ritab'],
};
const line = (notification: unknown) => `${JSON.stringify({ writtenAt: '2026-11-28T10:00:00.000Z', notification })}\n`;
const about = line({ id: 'mention:x:111', mention: { id: 'x:111', authorId: '98765', authorName: 'Rita Beispiel' } });
const keyAccount = line({ id: 'key-account:x:111', title: 'Key account named' });
const other = line({ id: 'mention:x:222', mention: { id: 'x:222', authorId: '5550001' } });
const assigned = line({ id: 'api:req-1', title: 'Case assigned to Tim' });

describe('OutboxEraser', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bc-outbox-eraser-'));
    await writeFile(path.join(dir, 'service.jsonl'), about + other + keyAccount);
    await writeFile(path.join(dir, 'press.jsonl'), assigned);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes every line about the author or their mentions and keeps the others in order', async () => {
    // Act
    const removed = await new OutboxEraser(dir).erase(traces);

    // Assess
    expect(removed).toBe(2);
    expect(await readFile(path.join(dir, 'service.jsonl'), 'utf8')).toBe(other);
    expect(await readFile(path.join(dir, 'press.jsonl'), 'utf8')).toBe(assigned);
  });

  it('counts on a dry run and leaves the files as they are', async () => {
    // Act
    const removed = await new OutboxEraser(dir).erase(traces, { dryRun: true });

    // Assess
    expect(removed).toBe(2);
    expect(await readFile(path.join(dir, 'service.jsonl'), 'utf8')).toBe(about + other + keyAccount);
  });

  it('finds nothing to erase when there is no outbox yet', async () => {
    // Act
    const removed = await new OutboxEraser(path.join(dir, 'missing')).erase(traces);

    // Assess
    expect(removed).toBe(0);
  });
});
