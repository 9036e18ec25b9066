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
 * consistent again. The batch's cases can be read together before its records run
 * (getMany: one BatchGetItem instead of a GetItem per thread); a case found missing then
 * answers the next `get` of it without a read (the same eventually consistent answer, a
 * moment earlier; a case created since is found by `ensure`'s conditional put as above).
 * Build one per batch: it holds the batch's cases until it is dropped.
 */
export class BatchCaseCache implements CaseRepository {
  private readonly known = new Map<string, Case | undefined>();
  /** Cases whose cached copy turned out stale: read strongly consistent from now on. */
  private readonly stale = new Set<string>();
  /** Cases getMany found missing: the next `get` of each answers so without reading (once). */
  private readonly missing = new Set<string>();

  constructor(private readonly cases: CaseRepository) {}

  /** `consistent: true` reads the table strongly consistent whatever the batch holds (and keeps what it read). */
  async get(caseId: string, options: { readonly consistent?: boolean } = {}): Promise<Case | undefined> {
    if (options.consistent !== true) {
      if (this.known.has(caseId)) return this.known.get(caseId);
      if (this.missing.delete(caseId)) return undefined;
    }
    this.missing.delete(caseId);
    const found = await this.cases.get(caseId, {
      consistent: options.consistent === true || this.stale.has(caseId),
    });
    // A miss is not kept: another writer may create the case before this batch asks again.
    if (found) this.known.set(caseId, found);
    return found;
  }

  /**
   * The cases of these ids, those the batch does not hold read together (eventually
   * consistent, one request per 100); what it finds is kept, and what it does not is
   * answered by the next `get` of that id without a read. A case whose copy turned out stale
   * is left to `get` (strongly consistent).
   */
  async getMany(caseIds: readonly string[]): Promise<Map<string, Case>> {
    const wanted = [...new Set(caseIds)].filter((id) => !this.known.has(id) && !this.stale.has(id));
    const found = wanted.length > 0 ? await this.cases.getMany(wanted) : new Map<string, Case>();
    for (const id of wanted) {
      const c = found.get(id);
      if (c) this.known.set(id, c);
      else this.missing.add(id);
    }
    const held = new Map<string, Case>();
    for (const id of caseIds) {
      const c = this.known.get(id);
      if (c) held.set(id, c);
    }
    return held;
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

  latestMentionOf(caseId: string): Promise<MentionRouted | undefined> {
    return this.cases.latestMentionOf(caseId);
  }

  openCasesOf(department: string, limit?: number): Promise<Case[]> {
    return this.cases.openCasesOf(department, limit);
  }

  listCases(query: CaseQuery): Promise<CasePage> {
    return this.cases.listCases(query);
  }
}
