import type { Actor } from './case.ts';
import {
  ERASED,
  authorPseudonym,
  eraseTracesFromCase,
  tracesOf,
  type AuthorRef,
  type NotificationOutbox,
} from './erasure.ts';
import { ValidationError } from './errors.ts';
import type { Platform } from './mention.ts';
import type { CaseRepository, Clock, StoredMention } from './ports.ts';
import { expiresAtEpochSeconds } from './time.ts';
import { eraseThemeTraces } from './themes/erase-theme-traces.ts';
import type { ThemeRepository } from './themes/ports.ts';

export type { AuthorRef };

/** The kinds of stored items that hold a mention's words or its author. */
export const PERSONAL_ITEM_KINDS = [
  'mention',
  /** The mark that a mention was routed: only its id (the platform's post id), erased with it. */
  'mention-mark',
  'case-mention',
  'case-note',
  'notification-marker',
  'correction',
] as const;
export type PersonalItemKind = (typeof PERSONAL_ITEM_KINDS)[number];

/** A stored item of a mention, by its kind and the store's key. */
export interface PersonalItem {
  readonly kind: PersonalItemKind;
  readonly key: Readonly<Record<string, string>>;
}

/** Port: what the store holds of an author (found by the erasure job's scan, erasure-job.ts), and its removal. */
export interface AuthorDataStore {
  /** The author's stored mentions. */
  mentionsOfAuthor(author: AuthorRef): Promise<StoredMention[]>;
  /** The ids of the cases the author opened. */
  caseIdsOfAuthor(author: AuthorRef): Promise<string[]>;
  /** The items of one mention: its own, and on its case its records, notes and sent-markers. */
  itemsOfMention(stored: StoredMention): Promise<PersonalItem[]>;
  /** The author's corrections (labelled examples of their mentions, corrections.ts); absent: the store keeps none. */
  correctionsOfAuthor?(author: AuthorRef): Promise<PersonalItem[]>;
  /** Deletes the items (an item already gone is no error). */
  remove(items: readonly PersonalItem[]): Promise<void>;
}

/** What an erasure removed (or, dry, would remove), per kind. */
export interface ErasureCounts {
  readonly mentions: number;
  readonly caseMentions: number;
  readonly caseNotes: number;
  readonly notificationMarkers: number;
  /** Cases whose author fields or free text held the author, now pseudonymized. */
  readonly cases: number;
  /** Corrections (labelled examples of the author's mentions); present when there were any. */
  readonly corrections?: number;
  /** Lines of the local outbox; absent where there is no outbox (AWS). */
  readonly outboxLines?: number;
  /** Examples quoted by themes; absent where the erasure was built without themes. */
  readonly themeExamples?: number;
}

/** The audit entry of an erasure: who asked, when, what was erased. It names the author only by pseudonym. */
export interface ErasureAuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: Actor;
  /** authorPseudonym() of the erased author. */
  readonly subject: string;
  readonly platform: Platform;
  readonly counts: ErasureCounts;
}

/** Port: the audit trail of erasures. Entries hold no personal data of the author and outlive the retention. */
export interface ErasureAudit {
  /**
   * Records the entry unless one of the same id and time is there already (a rerun of the
   * same erasure after a crash).
   * @returns the entry that stands: this one, or the one recorded first
   */
  record(entry: ErasureAuditEntry): Promise<ErasureAuditEntry>;
}

export interface EraseAuthorDeps {
  readonly store: AuthorDataStore;
  readonly cases: Pick<CaseRepository, 'get' | 'saveTransition'>;
  readonly audit: ErasureAudit;
  /** The local outbox; absent in AWS. */
  readonly outbox?: NotificationOutbox;
  /** The themes, whose examples quote mentions and whose author marks are pseudonyms. */
  readonly themes?: ThemeRepository;
  readonly clock: Clock;
  readonly retentionDays: number;
}

export interface EraseAuthorOutcome {
  readonly subject: string;
  readonly dryRun: boolean;
  /** Whether anything of the author was found (and, unless dry, erased). */
  readonly erased: boolean;
  readonly counts: ErasureCounts;
  /** The audit entry's id; a dry run writes none. */
  readonly auditId?: string;
}

/**
 * Erases an author on request (GDPR art. 17): their mentions go, their cases stay as
 * pseudonymized work records.
 *
 * 1. read the author's mentions and cases the store holds (what the erasure job's scan found)
 * 2. scrub every case they opened or wrote on: author id, first mention, a thread they
 *    started, and their name, handle and links in reply drafts, history and reasons
 * 3. remove the outbox lines that name them (locally), the examples themes quote from their
 *    mentions and their author marks on themes
 * 4. delete each mention with its case records (text, name, handle, link, reasons), its
 *    notes, its notification markers and the corrections of the author's mentions; they go
 *    last, so a crash midway leaves everything for the next run (the job keeps what it found)
 * 5. write the audit entry (pseudonym and counts, no personal data)
 *
 * Idempotent: a second run finds nothing and says so with zero counts, unless it is the same
 * erasure run again (`options.audit`), which reports what the first run's audit entry says.
 * @throws ValidationError when the author reference is not `<platform>:<id>`
 */
export async function eraseAuthor(
  author: AuthorRef,
  actor: Actor,
  deps: EraseAuthorDeps,
  options: {
    readonly dryRun?: boolean;
    /**
     * The audit entry's id and time, fixed by the caller so that a rerun of the same erasure
     * (the job's request, redelivered after a crash before it was marked done) finds the entry
     * of the first run instead of writing one with zero counts. Default: this run's time.
     */
    readonly audit?: { readonly id: string; readonly at: string };
  } = {},
): Promise<EraseAuthorOutcome> {
  const dryRun = options.dryRun === true;
  const now = deps.clock.now();
  const mentions = await deps.store.mentionsOfAuthor(author);
  const traces = tracesOf(author, mentions);
  const caseIds = [...new Set([...(await deps.store.caseIdsOfAuthor(author)), ...mentions.map((m) => m.caseId)])];

  let cases = 0;
  const expiresAt = expiresAtEpochSeconds(now, deps.retentionDays);
  for (const caseId of caseIds) {
    if (await eraseTracesFromCase(caseId, traces, { cases: deps.cases, expiresAt, dryRun })) cases++;
  }
  const outboxLines = deps.outbox ? await deps.outbox.erase(traces, { dryRun }) : undefined;
  // Before the mentions go: a mention's theme is found through its record, and a crash
  // midway leaves the mentions findable for the next run.
  const themeExamples = deps.themes ? await eraseThemeTraces(mentions, deps.themes, { dryRun }) : undefined;

  // Corrections are found on their own: they may outlive the mention.
  const corrections = deps.store.correctionsOfAuthor ? await deps.store.correctionsOfAuthor(author) : [];
  const items = [...(await Promise.all(mentions.map((m) => deps.store.itemsOfMention(m)))).flat(), ...corrections];
  if (!dryRun) await deps.store.remove(items);
  const count = (kind: PersonalItemKind) => items.filter((i) => i.kind === kind).length;
  const counts: ErasureCounts = {
    mentions: count('mention'),
    caseMentions: count('case-mention'),
    caseNotes: count('case-note'),
    notificationMarkers: count('notification-marker'),
    cases,
    ...(corrections.length > 0 ? { corrections: corrections.length } : {}),
    ...(outboxLines !== undefined ? { outboxLines } : {}),
    ...(themeExamples !== undefined ? { themeExamples } : {}),
  };
  const subject = authorPseudonym(author);
  const erased = Object.values(counts).some((n) => n > 0);
  if (dryRun) return { subject, dryRun, erased, counts };

  const recorded = await deps.audit.record({
    id: options.audit?.id ?? `erasure_${now.getTime().toString(36)}_${subject.slice(7, 19)}`,
    at: options.audit?.at ?? now.toISOString(),
    actor,
    subject,
    platform: author.platform,
    counts,
  });
  // The entry that stands says what was erased: this run's, or (a rerun finds nothing left) the first run's.
  const erasedAtAll = Object.values(recorded.counts).some((n) => n > 0);
  return { subject, dryRun, erased: erasedAtAll, counts: recorded.counts, auditId: recorded.id };
}

/**
 * Reads `<platform>:<authorId>` (the author id as the platform gives it, e.g. X's numeric
 * user id, a Bluesky DID, a YouTube channel id), with a platform of `platforms` (the
 * callers pass `MENTION_PLATFORMS`, which the domain cannot import).
 * @throws ValidationError for an unknown platform or an empty or erased id
 */
export function parseAuthorRef(text: string, platforms: readonly Platform[]): AuthorRef {
  const colon = text.indexOf(':');
  const platform = colon < 0 ? '' : text.slice(0, colon);
  const authorId = colon < 0 ? '' : text.slice(colon + 1);
  if (!platforms.includes(platform)) {
    throw new ValidationError(
      `not an author: "${text}"; use <platform>:<authorId> with a platform of ${platforms.join(', ')}`,
    );
  }
  if (authorId.trim() === '' || authorId.length > 512)
    throw new ValidationError('the author id is empty or longer than 512 characters');
  if (authorId === ERASED) throw new ValidationError(`"${ERASED}" is what erasure leaves, not an author`);
  return { platform, authorId };
}
