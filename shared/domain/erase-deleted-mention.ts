import { eraseTracesFromCase, tracesOf, type NotificationOutbox } from './erasure.ts';
import type { MentionDeletion } from './mention-deletion.ts';
import type { CaseJournal, CaseRepository, Clock, MentionErasure } from './ports.ts';
import { expiresAtEpochSeconds } from './time.ts';

export interface EraseDeletedMentionDeps {
  readonly mentions: MentionErasure;
  readonly journal: CaseJournal;
  readonly clock: Clock;
  readonly retentionDays: number;
  /** The cases, to erase the fields the mention left there (its author, a thread it started, its author's name in free text). */
  readonly cases?: Pick<CaseRepository, 'get' | 'saveTransition'>;
  /** The local outbox, whose lines about the mention go too; absent in AWS. */
  readonly outbox?: NotificationOutbox;
}

export type EraseOutcome =
  | {
      readonly status: 'erased';
      readonly mentionId: string;
      readonly caseId: string;
      /** Whether the case held fields of the mention (and now holds `erased` there). */
      readonly caseErased?: boolean;
      readonly outboxLines?: number;
    }
  | { readonly status: 'not-stored'; readonly mentionId: string };

/**
 * Handles a platform's notice that an author deleted a mention.
 *
 * 1. erase the stored mention's text, author, link and the reasons that quote its words
 *    (and the same on its case records); it stays as a tombstone so a redelivery is
 *    still recognised as a duplicate
 * 2. erase what the case took from it: the author when this mention opened the case, the
 *    thread id when it started the thread, the author's name, handle and link in free text
 * 3. remove the outbox lines about it (locally)
 * 4. note the deletion on the mention's case, once
 *
 * A mention that was never stored (filtered, or its notice came first) leaves nothing to
 * erase; the outcome says so. Every step is idempotent.
 */
export async function eraseDeletedMention(
  deletion: MentionDeletion,
  deps: EraseDeletedMentionDeps,
): Promise<EraseOutcome> {
  const now = deps.clock.now();
  const expiresAt = expiresAtEpochSeconds(now, deps.retentionDays);
  const before = await deps.mentions.erase(deletion.id, now.toISOString());
  if (!before) return { status: 'not-stored', mentionId: deletion.id };
  // Only this mention's traces: the author's other mentions on the case are theirs to keep.
  const traces = tracesOf({ platform: before.mention.platform }, [before]);
  const caseErased = deps.cases
    ? await eraseTracesFromCase(before.caseId, traces, { cases: deps.cases, expiresAt })
    : undefined;
  const outboxLines = deps.outbox ? await deps.outbox.erase(traces) : undefined;
  await deps.journal.addNote(
    before.caseId,
    { kind: 'mention-deleted', mentionId: deletion.id, at: deletion.deletedAt },
    expiresAt,
  );
  return {
    status: 'erased',
    mentionId: deletion.id,
    caseId: before.caseId,
    ...(caseErased !== undefined ? { caseErased } : {}),
    ...(outboxLines !== undefined ? { outboxLines } : {}),
  };
}
