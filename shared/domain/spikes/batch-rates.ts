import type { RateObservation } from '../insights.ts';
import type { RateCount } from './detector.ts';
import type { DimensionValue, RateClaim, RateMember, RateStore } from './ports.ts';

/**
 * The rates as one batch (one invocation of record-insights) sees them: an hour's claims are
 * read once per batch, not once per mention. A claim made by another batch meanwhile is not
 * seen here, which is safe: `countOnce` reads the hour's claims again before it claims, so a
 * mention is still counted once (only its theme is then chosen without the other's claim).
 *
 * Made per batch: nothing is kept between invocations.
 */
export class BatchRates implements RateStore {
  private readonly claims = new Map<string, Promise<ReadonlyMap<string, RateClaim>>>();

  constructor(private readonly table: RateStore) {}

  claimsOf(hour: string): Promise<ReadonlyMap<string, RateClaim>> {
    let claims = this.claims.get(hour);
    if (!claims) {
      claims = this.table.claimsOf(hour);
      // A failed read is not kept: the next mention of the hour reads again.
      claims.catch(() => this.claims.delete(hour));
      this.claims.set(hour, claims);
    }
    return claims;
  }

  legacyThemeOf(mentionId: string): Promise<string | undefined> {
    return this.table.legacyThemeOf(mentionId);
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
