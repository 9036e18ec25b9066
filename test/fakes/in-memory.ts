import type { Case } from '../../shared/domain/case.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import type {
  CaseRepository,
  Clock,
  Counter,
  DailyReport,
  EventPublisher,
  MentionRepository,
  MetricRepository,
  ReportRepository,
  StoredMention,
} from '../../shared/domain/ports.ts';

/** In-memory fakes of the domain's ports, with the same conditional semantics as the table. */
export class InMemoryMentions implements MentionRepository {
  readonly items = new Map<string, StoredMention>();

  async putIfAbsent(stored: StoredMention): Promise<{ created: boolean; stored: StoredMention }> {
    const existing = this.items.get(stored.mention.id);
    if (existing) return { created: false, stored: existing };
    this.items.set(stored.mention.id, stored);
    return { created: true, stored };
  }

  async markRouted(mentionId: string, routedAt: string): Promise<void> {
    const existing = this.items.get(mentionId);
    if (!existing) throw new Error(`no mention ${mentionId}`);
    this.items.set(mentionId, { ...existing, routedAt: existing.routedAt ?? routedAt });
  }

  async get(mentionId: string): Promise<StoredMention | undefined> {
    return this.items.get(mentionId);
  }
}

export class InMemoryCases implements CaseRepository {
  readonly cases = new Map<string, Case>();
  readonly records = new Map<string, MentionRouted>();

  async ensure(c: Case): Promise<Case> {
    const existing = this.cases.get(c.id);
    if (existing) return existing;
    this.cases.set(c.id, c);
    return c;
  }

  async get(caseId: string): Promise<Case | undefined> {
    return this.cases.get(caseId);
  }

  async recordMention(event: MentionRouted): Promise<boolean> {
    const key = `${event.caseId}|${event.mentionId}|${event.department}`;
    if (this.records.has(key)) return false;
    this.records.set(key, event);
    return true;
  }

  async mentionsOf(caseId: string): Promise<MentionRouted[]> {
    return [...this.records.values()].filter((e) => e.caseId === caseId);
  }

  async openCasesOf(department: string): Promise<Case[]> {
    return [...this.cases.values()].filter((c) => c.department === department).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }
}

export class InMemoryMetrics implements MetricRepository {
  readonly counters = new Map<string, Counter>();

  async increment(day: string, department: string, category: string, by: number): Promise<void> {
    const key = `${day}|${department}|${category}`;
    const count = (this.counters.get(key)?.count ?? 0) + by;
    this.counters.set(key, { day, department, category, count });
  }

  async countersOf(day: string): Promise<Counter[]> {
    return [...this.counters.values()].filter((c) => c.day === day);
  }
}

export class InMemoryReports implements ReportRepository {
  readonly reports = new Map<string, DailyReport>();

  async put(report: DailyReport): Promise<void> {
    this.reports.set(`${report.day}|${report.department}`, report);
  }

  async dailyReports(day: string): Promise<DailyReport[]> {
    return [...this.reports.values()].filter((r) => r.day === day);
  }
}

/** Records published events; `failNext` makes the next publish throw, like a bus outage. */
export class RecordingPublisher implements EventPublisher {
  readonly published: MentionRouted[] = [];
  failNext = false;

  async publishMentionRouted(events: readonly MentionRouted[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bus unavailable');
    }
    this.published.push(...events);
  }
}

export function fixedClock(iso: string): Clock {
  return { now: () => new Date(iso) };
}
