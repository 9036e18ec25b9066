import type { RateObservation } from '../insights.ts';
import type { RateCount } from './detector.ts';
import type { DimensionValue, RateClaim, RateMember, RateStore } from './ports.ts';

/** What one batch asked of an hour's rates: the mention ids, and the answer. */
interface AskedHour {
  readonly ids: ReadonlySet<string>;
  readonly claims: Promise<ReadonlyMap<string, RateClaim>>;
}

/**
 * The rates as one batch (one invocation of record-insights) sees them: an hour's claims (and
 * the notes of the batch's mentions) are read once per batch, not once per mention: the first
 * mention of an hour asks for every mention of the batch in that hour (`expected`). A claim
 * made by another batch meanwhile is not seen here, which is safe: `countOnce` reads the
 * hour's claims again before it claims, so a mention is still counted once (only its theme is
 * then chosen without the other's claim).
 *
 * Made per batch: nothing is kept between invocations.
 */
export class BatchRates implements RateStore {
  private readonly asked = new Map<string, AskedHour[]>();
  /** The legacy theme claims of the batch's mentions, read once (legacyThemesOf). */
  private legacy: Promise<ReadonlyMap<string, string>> | undefined;

  /**
   * @param expected the batch's mention ids by hour (read together on the hour's first ask);
   *   a mention not listed is read when it is asked for
   * @param legacyExpected the batch's mentions whose earlier theme claims may be asked for (read
   *   together on the first ask; default: every mention of `expected`): those that can feed a
   *   theme, so no other mention's key is read
   */
  constructor(
    private readonly table: RateStore,
    private readonly expected: ReadonlyMap<string, readonly string[]> = new Map(),
    private readonly legacyExpected: readonly string[] = [...expected.values()].flat(),
  ) {}

  async claimsOf(hour: string, mentionIds: readonly string[]): Promise<ReadonlyMap<string, RateClaim>> {
    const asked = this.asked.get(hour) ?? [];
    this.asked.set(hour, asked);
    const missing = mentionIds.filter((id) => !asked.some((a) => a.ids.has(id)));
    if (missing.length > 0) {
      const ids = new Set(asked.length === 0 ? [...(this.expected.get(hour) ?? []), ...missing] : missing);
      const entry: AskedHour = { ids, claims: this.table.claimsOf(hour, [...ids]) };
      asked.push(entry);
      // A failed read is not kept: the next mention of the hour reads again.
      entry.claims.catch(() => {
        const at = asked.indexOf(entry);
        if (at >= 0) asked.splice(at, 1);
      });
    }
    const result = new Map<string, RateClaim>();
    for (const a of asked) {
      if (!mentionIds.some((id) => a.ids.has(id))) continue;
      const claims = await a.claims;
      for (const id of mentionIds) {
        const claim = claims.get(id);
        if (claim && !result.has(id)) result.set(id, claim);
      }
    }
    return result;
  }

  /**
   * On the first ask, the legacy theme claims of the batch's mentions (`legacyExpected`) are read
   * together (one batched read instead of one read per mention); a mention not listed is read
   * when it is asked for.
   */
  async legacyThemesOf(mentionIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const batch = [...new Set(this.legacyExpected)];
    if (!this.legacy) {
      const read = this.table.legacyThemesOf(batch);
      this.legacy = read;
      // A failed read is not kept: the next mention reads again.
      read.catch(() => {
        if (this.legacy === read) this.legacy = undefined;
      });
    }
    const listed = new Set(batch);
    const unlisted = mentionIds.filter((id) => !listed.has(id));
    const [ofBatch, ofOthers] = await Promise.all([
      this.legacy,
      unlisted.length > 0 ? this.table.legacyThemesOf(unlisted) : new Map<string, string>(),
    ]);
    const result = new Map<string, string>();
    for (const id of mentionIds) {
      const themeId = ofBatch.get(id) ?? ofOthers.get(id);
      if (themeId !== undefined) result.set(id, themeId);
    }
    return result;
  }

  countOnce(
    hour: string,
    observations: readonly RateObservation[],
    expiresAt: number,
    claimsExpireAt?: number,
  ): Promise<RateObservation[]> {
    return this.table.countOnce(hour, observations, expiresAt, claimsExpireAt);
  }

  counts(fromHour: string, toHour: string): Promise<RateCount[]> {
    return this.table.counts(fromHour, toHour);
  }

  membersOf(hour: string, value: DimensionValue, limit: number): Promise<RateMember[]> {
    return this.table.membersOf(hour, value, limit);
  }
}
