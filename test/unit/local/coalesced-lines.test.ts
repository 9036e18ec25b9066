import { describe, expect, it } from 'vitest';
import { coalescedLines } from '../../../infra/local/coalesced-lines.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('coalescedLines', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = [];
    const lines = coalescedLines((text) => writes.push(text));

    lines.line('POST /webhooks/meta -> 200, 1 mention');
    lines.line('case c_1 service: new -> assigned');
    const beforeTheTurnEnds = writes.length;
    await nextTurn();

    expect(beforeTheTurnEnds).toBe(0);
    expect(writes).toEqual(['POST /webhooks/meta -> 200, 1 mention\ncase c_1 service: new -> assigned\n']);
  });

  it('writes what is queued at once on flush, and nothing twice', async () => {
    const writes: string[] = [];
    const lines = coalescedLines((text) => writes.push(text));
    lines.line('SIGINT: stopping');

    lines.flush();
    lines.flush();
    await nextTurn();

    expect(writes).toEqual(['SIGINT: stopping\n']);
  });

  it('starts a new write for lines after the previous one', async () => {
    const writes: string[] = [];
    const lines = coalescedLines((text) => writes.push(text));

    lines.line('first');
    await nextTurn();
    lines.line('second');
    await nextTurn();

    expect(writes).toEqual(['first\n', 'second\n']);
  });
});
