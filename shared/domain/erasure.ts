import { createHash } from 'node:crypto';
import type { Case } from './case.ts';
import { StaleCaseError } from './errors.ts';
import type { Platform } from './mention.ts';
import type { CaseRepository, StoredMention } from './ports.ts';

/**
 * What erasure shares between a platform's deletion of one mention
 * (erase-deleted-mention.ts) and an erasure request for a whole author (erase-author.ts):
 * the traces that identify a person, their removal from a case, the outbox port and the
 * counts.
 */

/** The value an erased author id, first mention id or thread id is replaced with; free text gets `[erased]`. */
export const ERASED = 'erased';
const ERASED_TEXT = '[erased]';
/** Shorter traces are replaced only where a whole field equals them: `42` must not blank every timestamp. */
const MIN_SUBSTRING_TRACE = 4;

/** An author on a platform, as an erasure request names them: `x:12345`. */
export interface AuthorRef {
  readonly platform: Platform;
  readonly authorId: string;
}

/** Every string that identifies an author in stored items: ids, names, handles, links, the ids of their mentions. */
export interface AuthorTraces {
  readonly platform: Platform;
  /** Absent for one deleted mention whose case another author opened. */
  readonly authorId?: string;
  readonly mentionIds: readonly string[];
  readonly externalIds: readonly string[];
  /** Display names, handles (with and without `@`) and URLs. */
  readonly words: readonly string[];
}

/** The traces an author leaves in their stored mentions. */
export function tracesOf(
  author: AuthorRef | { readonly platform: Platform; readonly authorId?: string },
  mentions: readonly StoredMention[],
): AuthorTraces {
  const words = new Set<string>();
  for (const { mention } of mentions) {
    if (mention.author.name) words.add(mention.author.name);
    if (mention.author.handle) {
      words.add(mention.author.handle);
      words.add(mention.author.handle.replace(/^@/, ''));
    }
    if (mention.url) words.add(mention.url);
  }
  return {
    platform: author.platform,
    ...(author.authorId !== undefined ? { authorId: author.authorId } : {}),
    mentionIds: mentions.map((m) => m.mention.id),
    externalIds: mentions.map((m) => m.mention.externalId),
    words: [...words].filter((w) => w.trim() !== ''),
  };
}

/**
 * The pseudonym under which an audit entry names an erased author: a SHA-256 of
 * `<platform>:<authorId>`, so a second request for the same person can be matched to the
 * first without storing who they are. It is a pseudonym, not anonymous: whoever knows an
 * id can compute it.
 */
export function authorPseudonym(author: AuthorRef): string {
  return `sha256:${createHash('sha256').update(`${author.platform}:${author.authorId}`).digest('hex')}`;
}

/**
 * The case without the author's traces, or undefined when it holds none.
 *
 * - `authorId`, `firstMentionId` and `threadId` that are the author's (their id, one of
 *   their mentions, a thread they started) become `erased`.
 * - Free text on the case (reply drafts, history details, transition ids and actors,
 *   correction and assignment reasons) loses every name, handle, link and id of the
 *   author and of their mentions.
 */
export function eraseFromCase(kase: Case, traces: AuthorTraces): Case | undefined {
  const isTrace = (value: string) =>
    (traces.authorId !== undefined && value === traces.authorId) ||
    traces.mentionIds.includes(value) ||
    traces.externalIds.includes(value) ||
    containsTrace(value, traces);
  const isAuthor =
    kase.platform === traces.platform && traces.authorId !== undefined && kase.authorId === traces.authorId;
  const next: Case = {
    ...kase,
    ...(isAuthor || (traces.authorId === undefined && traces.mentionIds.includes(kase.firstMentionId))
      ? { authorId: ERASED }
      : {}),
    ...(traces.mentionIds.includes(kase.firstMentionId) ? { firstMentionId: ERASED } : {}),
    ...(isTrace(kase.threadId) ? { threadId: ERASED } : {}),
    ...(kase.assignedReason !== undefined ? { assignedReason: scrub(kase.assignedReason, traces) } : {}),
    // The title quotes the first mention: gone with it, else without the author's traces.
    ...(kase.title !== undefined
      ? { title: traces.mentionIds.includes(kase.firstMentionId) ? ERASED_TEXT : scrub(kase.title, traces) }
      : {}),
    ...(kase.reply ? { reply: { ...kase.reply, text: scrub(kase.reply.text, traces) } } : {}),
    ...(kase.corrections
      ? { corrections: kase.corrections.map((c) => ({ ...c, reason: scrub(c.reason, traces) })) }
      : {}),
    ...(kase.history
      ? {
          // Transition ids and actors name mentions (`assign:<mentionId>`, `platform:<mentionId>`).
          history: kase.history.map((entry) => ({
            ...entry,
            transitionId: scrub(entry.transitionId, traces),
            actor: scrub(entry.actor, traces),
            ...(entry.detail
              ? { detail: Object.fromEntries(Object.entries(entry.detail).map(([k, v]) => [k, scrub(v, traces)])) }
              : {}),
          })),
        }
      : {}),
  };
  return JSON.stringify(next) === JSON.stringify(kase) ? undefined : next;
}

/** Replaces every trace in a text people wrote. */
function scrub(text: string, traces: AuthorTraces): string {
  let result = text;
  for (const trace of substringTraces(traces)) result = result.split(trace).join(ERASED_TEXT);
  if (traces.authorId !== undefined && result === traces.authorId) return ERASED_TEXT;
  return result;
}

function containsTrace(value: string, traces: AuthorTraces): boolean {
  return substringTraces(traces).some((trace) => value.includes(trace));
}

/** Longest first, so a URL is replaced whole before the handle inside it. */
function substringTraces(traces: AuthorTraces): string[] {
  return [...traces.words, ...traces.mentionIds, ...(traces.authorId !== undefined ? [traces.authorId] : [])]
    .filter((t) => t.length >= MIN_SUBSTRING_TRACE)
    .sort((a, b) => b.length - a.length);
}

/** Attempts at writing a scrubbed case before giving up: each one rereads the case another writer changed. */
const CASE_WRITE_ATTEMPTS = 5;

/**
 * Removes the author's traces from a stored case, under the case's optimistic lock (a
 * concurrent transition makes it read the case again).
 * @returns whether the case held traces (with `dryRun`: whether it would change)
 */
export async function eraseTracesFromCase(
  caseId: string,
  traces: AuthorTraces,
  deps: {
    readonly cases: Pick<CaseRepository, 'get' | 'saveTransition'>;
    readonly expiresAt: number;
    readonly dryRun?: boolean;
  },
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const kase = await deps.cases.get(caseId);
    if (!kase) return false;
    const next = eraseFromCase(kase, traces);
    if (!next) return false;
    if (deps.dryRun) return true;
    const version = kase.version ?? 0;
    try {
      await deps.cases.saveTransition({ ...next, version: version + 1 }, version, deps.expiresAt);
      return true;
    } catch (error) {
      if (!(error instanceof StaleCaseError) || attempt >= CASE_WRITE_ATTEMPTS) throw error;
    }
  }
}

/** Port: the local notification outbox (`<outbox>/<department>.jsonl`). In AWS there is none: sent messages are in Slack, Teams and mailboxes. */
export interface NotificationOutbox {
  /**
   * Removes every outbox line that names one of the mentions or the author.
   * @returns the lines removed (with `dryRun`: the lines that would be)
   */
  erase(traces: AuthorTraces, options?: { readonly dryRun?: boolean }): Promise<number>;
}

/** Whether an outbox line (its JSON text) names the author or one of their mentions. */
export function outboxLineNames(line: string, traces: AuthorTraces): boolean {
  // The mention's id as a JSON string, or ending one (`"mention:<id>"`, `"key-account:<id>"`).
  if (
    traces.mentionIds.some(
      (id) => line.includes(JSON.stringify(id)) || line.includes(`:${JSON.stringify(id).slice(1)}`),
    )
  )
    return true;
  if (traces.authorId !== undefined && line.includes(`"authorId":${JSON.stringify(traces.authorId)}`)) return true;
  return traces.words.some(
    (word) => word.length >= MIN_SUBSTRING_TRACE && line.includes(JSON.stringify(word).slice(1, -1)),
  );
}
