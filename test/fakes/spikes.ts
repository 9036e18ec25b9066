import type { RateObservation, Period, SpikeSummary } from '../../shared/domain/insights.ts';
import type { SpikeDetected } from '../../shared/domain/events.ts';
import type { RateCount } from '../../shared/domain/spikes/detector.ts';
import type {
  DimensionCount,
  DimensionValue,
  RateClaim,
  RateMember,
  RateStore,
  SpikeEventPublisher,
  SpikeRepository,
  StoredSpike,
} from '../../shared/domain/spikes/ports.ts';

/** Hourly counters and noted mentions in memory, with the table adapter's semantics. */
export class InMemoryRateStore implements RateStore {
  /** `<hour>|<mentionId>` -> the observation (with the theme recorded for it). */
  readonly noted = new Map<string, RateObservation>();
  /** Released notes (`<hour>|<mentionId>`): kept with their themes, not counted, not members. */
  readonly uncounted = new Set<string>();
  /** `<hour>|<dimension>|<value>` -> count. */
  readonly counters = new Map<string, number>();
  writes = 0;
  /** Makes the next addToCounters throw, like a refused write. */
  failNextAdd = false;

  async claimMention(hour: string, observation: RateObservation): Promise<RateClaim> {
    this.writes++;
    const key = `${hour}|${observation.mentionId}`;
    const before = this.noted.get(key);
    if (!before) {
      this.noted.set(key, observation);
      return { noted: true, ...(observation.themeId ? { themeId: observation.themeId } : {}) };
    }
    const themeId = before.themeId ?? observation.themeId;
    if (themeId !== before.themeId) this.noted.set(key, { ...before, themeId });
    const noted = this.uncounted.delete(key);
    return { noted, ...(themeId ? { themeId } : {}) };
  }

  async releaseMention(hour: string, mentionId: string): Promise<void> {
    this.writes++;
    const key = `${hour}|${mentionId}`;
    if (this.noted.has(key)) this.uncounted.add(key);
  }

  /** The theme recorded on a mention's note in its hour, if any. */
  themeOf(hour: string, mentionId: string): string | undefined {
    return this.noted.get(`${hour}|${mentionId}`)?.themeId;
  }

  async addToCounters(hour: string, values: readonly DimensionCount[]): Promise<void> {
    this.writes++;
    if (this.failNextAdd) {
      this.failNextAdd = false;
      throw new Error('counter write refused');
    }
    for (const v of values) this.add(hour, v, v.count ?? 1);
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
      if (!key.startsWith(`${hour}|`) || this.uncounted.has(key)) continue;
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
