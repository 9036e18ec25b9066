import type { Case } from './case.ts';
import { StaleCaseError } from './errors.ts';
import type { MentionRouted } from './events.ts';
import type { CasePage, CaseQuery, CaseRepository, DeliveryClaimRequest } from './ports.ts';

/**
 * The cases one intake batch read or wrote, in front of the case repository: a case the
 * batch wrote is not read again (two mentions of one thread in a batch read it once), and
 * the first read of a case is eventually consistent (half a read unit). That is safe here:
 * a case missed by a stale read is found by `ensure`'s conditional put, and a stale version
 * is refused by the versioned write (StaleCaseError), after which the case is read strongly
 * consistent again. Build one per batch: it holds the batch's cases until it is dropped.
 * `prefetch` reads the cases a batch will need in one request instead of one each.
 */
export class BatchCaseCache implements CaseRepository {
  private readonly known = new Map<string, Case | undefined>();
  /** Cases whose cached copy turned out stale: read strongly consistent from now on. */
  private readonly stale = new Set<string>();

  constructor(private readonly cases: CaseRepository) {}

  /** `consistent: true` reads the table strongly consistent whatever the batch holds (and keeps what it read). */
  async get(caseId: string, options: { readonly consistent?: boolean } = {}): Promise<Case | undefined> {
    if (this.known.has(caseId) && options.consistent !== true) return this.known.get(caseId);
    const found = await this.cases.get(caseId, {
      consistent: options.consistent === true || this.stale.has(caseId),
    });
    // A miss is not kept: another writer may create the case before this batch asks again.
    if (found) this.known.set(caseId, found);
    return found;
  }

  /**
   * Reads the cases the batch will need, not yet known, in one request where the repository
   * can (`getMany`; else nothing: each is read at its first `get`). Eventually consistent, as
   * a first `get` is; a case not found is read again at its `get`.
   */
  async prefetch(caseIds: Iterable<string>): Promise<void> {
    const wanted = [...new Set(caseIds)].filter((id) => !this.known.has(id));
    if (wanted.length === 0 || !this.cases.getMany) return;
    for (const found of await this.cases.getMany(wanted))
      if (!this.known.has(found.id)) this.known.set(found.id, found);
  }

  async ensure(c: Case, expiresAt: number): Promise<Case> {
    const stored = await this.cases.ensure(c, expiresAt);
    this.known.set(c.id, stored);
    return stored;
  }

  async saveTransition(next: Case, expectedVersion: number, expiresAt: number, previous?: Case): Promise<void> {
    try {
      await this.cases.saveTransition(next, expectedVersion, expiresAt, previous);
    } catch (error) {
      if (error instanceof StaleCaseError) {
        this.known.delete(next.id);
        this.stale.add(next.id);
      }
      throw error;
    }
    this.known.set(next.id, next);
  }

  recordMention(event: MentionRouted, expiresAt: number, claim?: DeliveryClaimRequest): Promise<boolean> {
    return this.cases.recordMention(event, expiresAt, claim);
  }

  mentionsOf(caseId: string): Promise<MentionRouted[]> {
    return this.cases.mentionsOf(caseId);
  }

  openCasesOf(department: string, limit?: number): Promise<Case[]> {
    return this.cases.openCasesOf(department, limit);
  }

  listCases(query: CaseQuery): Promise<CasePage> {
    return this.cases.listCases(query);
  }
}
