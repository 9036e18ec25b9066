import type { RateObservation, Period, SpikeSummary } from '../../shared/domain/insights.ts';
import type { SpikeDetected } from '../../shared/domain/events.ts';
import type { RateCount } from '../../shared/domain/spikes/detector.ts';
import { dimensionValuesOf } from '../../shared/domain/spikes/record-mention-rates.ts';
import type {
  DimensionValue,
  RateClaim,
  RateMember,
  RateStore,
  SpikeEventPublisher,
  SpikeRepository,
  StoredSpike,
} from '../../shared/domain/spikes/ports.ts';

/** Hourly counters and claimed mentions in memory, with the table adapter's semantics. */
export class InMemoryRateStore implements RateStore {
  /** `<hour>|<mentionId>` -> the observation as claimed (with the theme recorded for it). */
  readonly noted = new Map<string, RateObservation>();
  /** Claims not added to the counters yet (`<hour>|<mentionId>`): their batch's counter write failed. */
  readonly uncounted = new Set<string>();
  /** `<hour>|<dimension>|<value>` -> count. */
  readonly counters = new Map<string, number>();
  /** Themes an earlier release claimed in items of their own, by mention id. */
  readonly legacyThemes = new Map<string, string>();
  writes = 0;
  /** Makes the next counter write throw, like a refused write (the claim stays). */
  failNextAdd = false;

  async claimsOf(hour: string, mentionIds: readonly string[]): Promise<ReadonlyMap<string, RateClaim>> {
    const claims = new Map<string, RateClaim>();
    for (const id of mentionIds) {
      const o = this.noted.get(`${hour}|${id}`);
      if (o) claims.set(id, { counted: true, ...(o.themeId ? { themeId: o.themeId } : {}) });
    }
    return claims;
  }

  async legacyThemesOf(mentionIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return new Map(
      mentionIds.flatMap((id) => {
        const themeId = this.legacyThemes.get(id);
        return themeId === undefined ? [] : [[id, themeId] as const];
      }),
    );
  }

  async countOnce(hour: string, observations: readonly RateObservation[]): Promise<RateObservation[]> {
    const fresh = observations.filter(
      (o, i) =>
        !this.noted.has(`${hour}|${o.mentionId}`) && observations.findIndex((x) => x.mentionId === o.mentionId) === i,
    );
    if (fresh.length > 0) {
      this.writes++;
      for (const o of fresh) {
        this.noted.set(`${hour}|${o.mentionId}`, o);
        this.uncounted.add(`${hour}|${o.mentionId}`);
      }
    }
    const pending = [...this.uncounted].filter((k) => k.startsWith(`${hour}|`));
    if (pending.length === 0) return fresh;
    this.writes++;
    if (this.failNextAdd) {
      this.failNextAdd = false;
      throw new Error('counter write refused');
    }
    for (const key of pending) {
      const o = this.noted.get(key) as RateObservation;
      for (const v of dimensionValuesOf(o)) this.add(hour, v, 1);
      this.uncounted.delete(key);
    }
    return fresh;
  }

  /** The theme recorded with a mention's claim in its hour, if any. */
  themeOf(hour: string, mentionId: string): string | undefined {
    return this.noted.get(`${hour}|${mentionId}`)?.themeId;
  }

  /** Sets counts directly, for histories too long to play mention by mention. */
  add(hour: string, value: DimensionValue, count: number): void {
    const key = `${hour}|${value.dimension}|${value.value}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + count);
  }

  async counts(fromHour: string, toHour: string): Promise<RateCount[]> {
    const result: RateCount[] = [];
    for (const [key, count] of this.counters) {
      const [hour, dimension, value] = key.split('|') as [string, RateCount['dimension'], string];
      if (hour >= fromHour && hour <= toHour) result.push({ hour, dimension, value, count });
    }
    return result;
  }

  async membersOf(hour: string, value: DimensionValue, limit: number): Promise<RateMember[]> {
    const members: RateMember[] = [];
    const cases = new Set<string>();
    for (const [key, o] of this.noted) {
      if (!key.startsWith(`${hour}|`)) continue;
      const matches =
        value.dimension === 'category'
          ? o.category === value.value
          : value.dimension === 'platform'
            ? o.platform === value.value
            : o.themeId === value.value;
      if (!matches) continue;
      if (!cases.has(o.caseId) && cases.size >= limit) continue;
      cases.add(o.caseId);
      members.push({ mentionId: o.mentionId, caseId: o.caseId, department: o.department });
    }
    return members;
  }
}

/** Spikes and the cursor in memory; `failNextMark` makes the next markPublished throw, like a crash. */
export class InMemorySpikeRepository implements SpikeRepository {
  readonly items = new Map<string, StoredSpike>();
  lastHour: string | undefined;
  readonly cursorMoves: string[] = [];

  async cursor(): Promise<string | undefined> {
    return this.lastHour;
  }

  async advanceCursor(hour: string): Promise<void> {
    this.cursorMoves.push(hour);
    if (!this.lastHour || hour > this.lastHour) this.lastHour = hour;
  }

  async putIfAbsent(spike: StoredSpike): Promise<{ created: boolean; stored: StoredSpike }> {
    const existing = this.items.get(spike.id);
    if (existing) return { created: false, stored: existing };
    this.items.set(spike.id, spike);
    return { created: true, stored: spike };
  }

  async extend(spike: StoredSpike, hour: string, observed: number, caseIds: readonly string[]): Promise<boolean> {
    const current = this.items.get(spike.id);
    if (!current || current.lastHour >= hour) return false;
    this.items.set(spike.id, {
      ...current,
      lastHour: hour,
      hours: current.hours + 1,
      totalObserved: current.totalObserved + observed,
      caseIds: [...new Set([...current.caseIds, ...caseIds])].slice(0, 200),
    });
    return true;
  }

  async markPublished(spike: StoredSpike, at: string): Promise<void> {
    const current = this.items.get(spike.id) ?? spike;
    this.items.set(spike.id, { ...current, publishedAt: at });
  }

  async spikesBetween(fromHour: string, toHour: string): Promise<StoredSpike[]> {
    return [...this.items.values()]
      .filter((s) => s.hour >= fromHour && s.hour <= toHour)
      .sort((a, b) => a.hour.localeCompare(b.hour));
  }

  async spikes(period: Period): Promise<SpikeSummary[]> {
    return [...this.items.values()].filter(
      (s) => s.hour.slice(0, 10) >= period.from && s.hour.slice(0, 10) <= period.to,
    );
  }
}

/** Records `Spike Detected` events. */
export class RecordingSpikeEvents implements SpikeEventPublisher {
  readonly published: SpikeDetected[] = [];
  failNext = false;

  async publishSpikeDetected(events: readonly SpikeDetected[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bus unavailable');
    }
    this.published.push(...events);
  }
}
