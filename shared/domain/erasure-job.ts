import { randomUUID } from 'node:crypto';
import type { Actor } from './case.ts';
import {
  eraseAuthor,
  type AuthorDataStore,
  type AuthorRef,
  type EraseAuthorDeps,
  type EraseAuthorOutcome,
} from './erase-author.ts';
import { authorPseudonym } from './erasure.ts';
import { expiresAtEpochSeconds } from './time.ts';

/**
 * An erasure request run as a job (round w18): the author's items are found by a scan of the
 * company table, page by page across as many runs as it takes, not by an index and not inside
 * an API request. The request item holds the scan's cursor and what it found so far, so a run
 * that fails leaves it resumable, and a redelivered message repeats no page's effect (found ids
 * are sets; a page is saved only on the condition that the cursor is still where it started).
 */

/** `scanning` pages of the table, `erasing` what was found, `done` with its outcome. */
export type ErasureJobStatus = 'scanning' | 'erasing' | 'done';

/** What a scan found of an author: the keys the erasure reads and deletes by. */
export interface FoundOfAuthor {
  readonly mentionIds: readonly string[];
  /** Cases whose author is the author. */
  readonly caseIds: readonly string[];
  /** Corrections, by the id of the mention they label. */
  readonly correctionIds: readonly string[];
}

export const NOTHING_FOUND: FoundOfAuthor = { mentionIds: [], caseIds: [], correctionIds: [] };

/** An erasure request as it is stored and shown (without the author once it is done). */
export interface ErasureRequest {
  readonly id: string;
  /** Whom to erase; removed when the request is done, so only the audit's pseudonym remains. */
  readonly author?: AuthorRef;
  readonly subject: string;
  readonly actor: Actor;
  readonly dryRun: boolean;
  readonly status: ErasureJobStatus;
  readonly requestedAt: string;
  /** Where the scan goes on (opaque to the domain); absent before the first page and after the last. */
  readonly cursor?: string;
  /** Pages and items scanned so far. */
  readonly pages: number;
  readonly scannedItems: number;
  readonly found: FoundOfAuthor;
  readonly finishedAt?: string;
  readonly outcome?: Omit<EraseAuthorOutcome, 'subject' | 'dryRun'>;
  /**
   * When TTL deletes the request (epoch seconds): the company's retention after it was made.
   * It holds the author's id until it is done; one that never finishes (its messages in the
   * dead-letter queue) must not keep that id longer than the data it was to erase would live.
   */
  readonly expiresAt: number;
}

/** One page of the scan: what it found of the author and where the next one starts (absent: the scan is done). */
export interface ScanPage {
  readonly found: FoundOfAuthor;
  readonly scanned: number;
  readonly next?: string;
}

/** Port: a scan of the whole table for the items that hold an author. */
export interface AuthorScan {
  page(author: AuthorRef, cursor: string | undefined): Promise<ScanPage>;
}

/** Port: the stored erasure requests. */
export interface ErasureRequests {
  create(request: ErasureRequest): Promise<void>;
  get(id: string): Promise<ErasureRequest | undefined>;
  /**
   * Saves one scanned page (adds what it found, moves the cursor, counts the page; the last page
   * moves the request to `erasing`) on the condition that the stored cursor is still `from`.
   * @returns false when another run moved the request on first (a redelivered message)
   */
  advance(id: string, from: string | undefined, page: ScanPage): Promise<boolean>;
  /** Marks the request done with its outcome and forgets the author and what was found. */
  finish(id: string, at: string, outcome: ErasureRequest['outcome']): Promise<void>;
}

/**
 * Port: where a request goes to be run (functions/erase-author): the bus's `Erasure Requested`
 * event from the admin API, erase-author's continuation straight to its queue.
 */
export interface ErasureQueue {
  send(request: Pick<ErasureRequest, 'id' | 'subject' | 'dryRun'>): Promise<void>;
}

export interface ErasureJobDeps extends Omit<EraseAuthorDeps, 'store'> {
  readonly requests: ErasureRequests;
  readonly scan: AuthorScan;
  /** The author's data as the scan found it (the table's side of `eraseAuthor`). */
  readonly storeOf: (author: AuthorRef, found: FoundOfAuthor) => AuthorDataStore;
}

/** Starts an erasure request: stored `scanning`, to be run by `runErasureJob`. */
export async function requestErasure(
  author: AuthorRef,
  actor: Actor,
  options: { readonly dryRun?: boolean },
  deps: Pick<ErasureJobDeps, 'requests' | 'clock' | 'retentionDays'>,
): Promise<ErasureRequest> {
  const now = deps.clock.now();
  const request: ErasureRequest = {
    id: `erasure_${randomUUID()}`,
    author,
    subject: authorPseudonym(author),
    actor,
    dryRun: options.dryRun === true,
    status: 'scanning',
    requestedAt: now.toISOString(),
    pages: 0,
    scannedItems: 0,
    found: NOTHING_FOUND,
    expiresAt: expiresAtEpochSeconds(now, deps.retentionDays),
  };
  await deps.requests.create(request);
  return request;
}

/** How a run of the job ended: `continue` when it stopped for time with pages left (send the next message). */
export type ErasureJobRun =
  | { readonly state: 'continue'; readonly request: ErasureRequest }
  | { readonly state: 'done'; readonly request: ErasureRequest }
  /** Unknown request, or another run moved it on first: nothing to do. */
  | { readonly state: 'stale' };

/**
 * Runs an erasure request as far as it goes in one invocation.
 *
 * 1. scan the table page by page from the saved cursor, saving each page's finds and cursor
 *    (a failure resumes from the last saved page), until the scan is done or `shouldStop` says
 *    the invocation's time is up (then: `continue`)
 * 2. erase what was found with `eraseAuthor` (idempotent: a rerun after a failure erases the
 *    rest), which writes the audit entry unless dry
 * 3. mark the request done with the outcome, without the author
 */
export async function runErasureJob(
  id: string,
  deps: ErasureJobDeps,
  options: {
    readonly shouldStop?: () => boolean;
    readonly onPage?: (request: ErasureRequest) => void;
  } = {},
): Promise<ErasureJobRun> {
  let request = await deps.requests.get(id);
  if (!request || request.status === 'done' || !request.author) return { state: 'stale' };
  const author = request.author;
  while (request.status === 'scanning') {
    if (options.shouldStop?.()) return { state: 'continue', request };
    const page = await deps.scan.page(author, request.cursor);
    if (!(await deps.requests.advance(id, request.cursor, page))) return { state: 'stale' };
    request = withPage(request, page);
    options.onPage?.(request);
  }

  const outcome = await eraseAuthor(
    author,
    request.actor,
    { ...deps, store: deps.storeOf(author, request.found) },
    // The request names the audit entry: a rerun after a crash before `finish` finds the first one.
    { dryRun: request.dryRun, audit: { id: request.id, at: request.requestedAt } },
  );
  const finishedAt = deps.clock.now().toISOString();
  const result = {
    erased: outcome.erased,
    counts: outcome.counts,
    ...(outcome.auditId ? { auditId: outcome.auditId } : {}),
  };
  await deps.requests.finish(id, finishedAt, result);
  const { author: _author, ...rest } = request;
  return { state: 'done', request: { ...rest, status: 'done', finishedAt, found: NOTHING_FOUND, outcome: result } };
}

/** The request after one saved page (what `ErasureRequests.advance` stores). */
export function withPage(request: ErasureRequest, page: ScanPage): ErasureRequest {
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  const { cursor: _cursor, ...rest } = request;
  return {
    ...rest,
    ...(page.next !== undefined ? { cursor: page.next } : {}),
    status: page.next !== undefined ? 'scanning' : 'erasing',
    pages: request.pages + 1,
    scannedItems: request.scannedItems + page.scanned,
    found: {
      mentionIds: union(request.found.mentionIds, page.found.mentionIds),
      caseIds: union(request.found.caseIds, page.found.caseIds),
      correctionIds: union(request.found.correctionIds, page.found.correctionIds),
    },
  };
}

/** The outcome as `eraseAuthor` gives it, from a request that is done. */
export function outcomeOf(request: ErasureRequest): EraseAuthorOutcome | undefined {
  if (request.status !== 'done' || !request.outcome) return undefined;
  return { subject: request.subject, dryRun: request.dryRun, ...request.outcome };
}
