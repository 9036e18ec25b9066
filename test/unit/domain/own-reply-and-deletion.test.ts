import { describe, expect, it } from 'vitest';
import { eraseDeletedMention } from '../../../shared/domain/erase-deleted-mention.ts';
import type { MentionDeletion } from '../../../shared/domain/mention-deletion.ts';
import { recordOwnReply } from '../../../shared/domain/own-reply.ts';
import type { CaseJournal, CaseNote, MentionErasure, StoredMention } from '../../../shared/domain/ports.ts';
import { fixedClock, InMemoryCases } from '../../fakes/in-memory.ts';
import { caseFactory } from '../../factories/case.ts';
import { mentionFactory } from '../../factories/mention.ts';

/** A journal over a set of existing case ids. */
class InMemoryJournal implements CaseJournal {
  readonly first = new Map<string, string>();
  readonly notes = new Map<string, CaseNote[]>();
  constructor(private readonly existing: ReadonlySet<string>) {}

  async recordResponse(caseId: string, reply: { mentionId: string; at: string }): Promise<string | undefined> {
    if (!this.existing.has(caseId)) return undefined;
    const current = this.first.get(caseId);
    if (!current || reply.at < current) this.first.set(caseId, reply.at);
    return this.first.get(caseId);
  }

  async addNote(caseId: string, note: CaseNote): Promise<boolean> {
    const list = this.notes.get(caseId) ?? [];
    if (list.some((n) => n.kind === note.kind && n.mentionId === note.mentionId)) return false;
    this.notes.set(caseId, [...list, note]);
    return true;
  }

  async notesOf(caseId: string): Promise<CaseNote[]> {
    return this.notes.get(caseId) ?? [];
  }

  async firstResponseAt(caseId: string): Promise<string | undefined> {
    return this.first.get(caseId);
  }
}

class InMemoryErasure implements MentionErasure {
  readonly erased: string[] = [];
  constructor(private readonly stored: Map<string, StoredMention>) {}

  async erase(mentionId: string): Promise<StoredMention | undefined> {
    const before = this.stored.get(mentionId);
    if (before) this.erased.push(mentionId);
    return before;
  }
}

const deletion = (id: string): MentionDeletion => ({
  type: 'deletion',
  id: `x:${id}`,
  platform: 'x',
  externalId: id,
  deletedAt: '2026-11-28T12:00:00.000Z',
  receivedAt: '2026-11-28T12:00:01.000Z',
  rawType: 'tweet_delete_events',
});

describe('recordOwnReply', () => {
  it("sets the case's first response time from the reply and notes it", async () => {
    // Arrange
    const journal = new InMemoryJournal(new Set(['case_1']));
    const reply = mentionFactory({ isOwnAccount: true, createdAt: '2026-11-28T09:40:00.000Z' });

    // Act
    const outcome = await recordOwnReply(reply, 'case_1', { journal, expiresAt: 1 });

    // Assess
    expect(outcome).toEqual({ status: 'recorded', caseId: 'case_1', firstResponseAt: '2026-11-28T09:40:00.000Z' });
    expect(await journal.notesOf('case_1')).toEqual([{ kind: 'own-reply', mentionId: reply.id, at: reply.createdAt }]);
  });

  it('changes nothing when the thread has no case', async () => {
    // Arrange
    const journal = new InMemoryJournal(new Set());

    // Act
    const outcome = await recordOwnReply(mentionFactory({ isOwnAccount: true }), 'case_none', {
      journal,
      expiresAt: 1,
    });

    // Assess
    expect(outcome).toEqual({ status: 'no-case', caseId: 'case_none' });
    expect(journal.notes.size).toBe(0);
  });
});

describe('eraseDeletedMention', () => {
  it('erases the stored mention and notes the deletion on its case', async () => {
    // Arrange
    const stored = { mention: mentionFactory({ platform: 'x', externalId: 't1' }), caseId: 'case_7' } as StoredMention;
    const mentions = new InMemoryErasure(new Map([['x:t1', stored]]));
    const journal = new InMemoryJournal(new Set(['case_7']));

    // Act
    const outcome = await eraseDeletedMention(deletion('t1'), {
      mentions,
      journal,
      clock: fixedClock('2026-11-28T12:00:02.000Z'),
      retentionDays: 365,
    });

    // Assess
    expect(outcome).toEqual({ status: 'erased', mentionId: 'x:t1', caseId: 'case_7' });
    expect(mentions.erased).toEqual(['x:t1']);
    expect(await journal.notesOf('case_7')).toEqual([
      { kind: 'mention-deleted', mentionId: 'x:t1', at: '2026-11-28T12:00:00.000Z' },
    ]);
  });

  it('erases the case fields the deleted mention left: its author when it opened the case, and its first-mention id', async () => {
    // Arrange
    const stored = {
      mention: mentionFactory({ platform: 'x', externalId: 't1', author: { id: 'u77', name: 'Uwe Beispiel' } }),
      caseId: 'case_7',
    } as StoredMention;
    const cases = new InMemoryCases();
    cases.cases.set('case_7', caseFactory({ id: 'case_7', platform: 'x', authorId: 'u77', firstMentionId: 'x:t1' }));
    cases.cases.set('case_8', caseFactory({ id: 'case_8', platform: 'x', authorId: 'u77', firstMentionId: 'x:t2' }));

    // Act
    const outcome = await eraseDeletedMention(deletion('t1'), {
      mentions: new InMemoryErasure(new Map([['x:t1', stored]])),
      journal: new InMemoryJournal(new Set(['case_7'])),
      cases,
      clock: fixedClock('2026-11-28T12:00:02.000Z'),
      retentionDays: 365,
    });

    // Assess
    expect(outcome).toMatchObject({ status: 'erased', caseErased: true });
    expect(await cases.get('case_7')).toMatchObject({ authorId: 'erased', firstMentionId: 'erased' });
    // The author's other case was opened by a mention they did not delete: it stays theirs.
    expect(await cases.get('case_8')).toMatchObject({ authorId: 'u77', firstMentionId: 'x:t2' });
  });

  it('reports a mention that was never stored', async () => {
    // Act
    const outcome = await eraseDeletedMention(deletion('t9'), {
      mentions: new InMemoryErasure(new Map()),
      journal: new InMemoryJournal(new Set()),
      clock: fixedClock('2026-11-28T12:00:02.000Z'),
      retentionDays: 365,
    });

    // Assess
    expect(outcome).toEqual({ status: 'not-stored', mentionId: 'x:t9' });
  });
});
