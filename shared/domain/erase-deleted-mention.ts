import type { MentionDeletion } from './mention-deletion.ts';
import type { CaseJournal, Clock, MentionErasure } from './ports.ts';
import { expiresAtEpochSeconds } from './time.ts';

export interface EraseDeletedMentionDeps {
  readonly mentions: MentionErasure;
  readonly journal: CaseJournal;
  readonly clock: Clock;
  readonly retentionDays: number;
}

export type EraseOutcome =
  | { readonly status: 'erased'; readonly mentionId: string; readonly caseId: string }
  | { readonly status: 'not-stored'; readonly mentionId: string };

/**
 * Handles a platform's notice that an author deleted a mention.
 *
 * 1. erase the stored mention's text and author (and their copies on its case records)
 * 2. note the deletion on the mention's case, once
 *
 * A mention that was never stored (filtered, or its notice came first) leaves nothing to
 * erase; the outcome says so. Both steps are idempotent.
 */
export async function eraseDeletedMention(deletion: MentionDeletion, deps: EraseDeletedMentionDeps): Promise<EraseOutcome> {
  const now = deps.clock.now();
  const before = await deps.mentions.erase(deletion.id, now.toISOString());
  if (!before) return { status: 'not-stored', mentionId: deletion.id };
  await deps.journal.addNote(
    before.caseId,
    { kind: 'mention-deleted', mentionId: deletion.id, at: deletion.deletedAt },
    expiresAtEpochSeconds(now, deps.retentionDays),
  );
  return { status: 'erased', mentionId: deletion.id, caseId: before.caseId };
}
