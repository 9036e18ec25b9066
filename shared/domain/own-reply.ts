import type { Mention } from './mention.ts';
import type { CaseJournal } from './ports.ts';

export type OwnReplyOutcome =
  | { readonly status: 'recorded'; readonly caseId: string; readonly firstResponseAt: string }
  | { readonly status: 'no-case'; readonly caseId: string };

/**
 * Records the company's own reply (a comment, tweet or message written by its page or
 * account) on the case of its thread.
 *
 * 1. record the reply on the thread's case: the first reply sets the case's first
 *    response time, later ones keep it
 * 2. note the reply on the case (once per mention, so a redelivery notes nothing new)
 *
 * A reply in a thread without a case (the company wrote first, or on its own video) is
 * nobody's work and changes nothing.
 */
export async function recordOwnReply(
  mention: Mention,
  caseId: string,
  deps: { readonly journal: CaseJournal; readonly expiresAt: number },
): Promise<OwnReplyOutcome> {
  const firstResponseAt = await deps.journal.recordResponse(
    caseId,
    { mentionId: mention.id, at: mention.createdAt },
    deps.expiresAt,
  );
  if (firstResponseAt === undefined) return { status: 'no-case', caseId };
  await deps.journal.addNote(
    caseId,
    { kind: 'own-reply', mentionId: mention.id, at: mention.createdAt },
    deps.expiresAt,
  );
  return { status: 'recorded', caseId, firstResponseAt };
}
