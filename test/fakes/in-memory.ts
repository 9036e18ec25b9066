import { histogramBucketOf, HISTOGRAM_BUCKETS } from '../../shared/adapters/dynamodb/metric-repository.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { OPEN_STATES, waitingForApproval, type Case } from '../../shared/domain/case.ts';
import { isInTriage } from '../../shared/domain/triage.ts';
import type {
  GuardExample,
  GuardSample,
  ModelArtifact,
  ModelStore,
  ModelVersion,
  PromotionState,
} from '../../shared/domain/company-model.ts';
import type { Correction, CorrectionStore } from '../../shared/domain/corrections.ts';
import { StaleCaseError, ValidationError } from '../../shared/domain/errors.ts';
import type { CaseEvent, MentionRouted, MentionsRouted } from '../../shared/domain/events.ts';
import type {
  AssignmentCursor,
  CaseEventPublisher,
  CasePage,
  CaseQuery,
  CaseRepository,
  Clock,
  Counter,
  DailyReport,
  DeliveryClaim,
  DeliveryClaimRequest,
  DurationMetric,
  EventPublisher,
  Histogram,
  MentionRepository,
  MetricRepository,
  NotificationClaim,
  NotificationClaims,
  NotificationLog,
  NotificationSettlement,
  PublishOutcome,
  ReportRepository,
  StoredMention,
} from '../../shared/domain/ports.ts';
import type { ThemeDefect, ThemeKind } from '../../shared/domain/insights.ts';
import type { StoredTheme, ThemeCount, ThemeDayCount, ThemeRepository } from '../../shared/domain/themes/ports.ts';
import { openDayTotals } from '../../shared/domain/themes/theme-day.ts';
import { hourOf } from '../../shared/domain/spikes/detector.ts';
import { InMemoryRateStore } from './spikes.ts';

/** In-memory fakes of the domain's ports, with the same conditional semantics as the table. */
export class InMemoryMentions implements MentionRepository {
  readonly items = new Map<string, StoredMention>();

  async putIfAbsent(stored: StoredMention): Promise<{ created: boolean; stored: StoredMention }> {
    const existing = this.items.get(stored.mention.id);
    if (existing) return { created: false, stored: existing };
    this.items.set(stored.mention.id, stored);
    return { created: true, stored };
  }

  async markRouted(mentionId: string, routedAt: string, _expiresAt?: number): Promise<void> {
    const existing = this.items.get(mentionId);
    if (!existing) throw new Error(`no mention ${mentionId}`);
    this.items.set(mentionId, { ...existing, routedAt: existing.routedAt ?? routedAt });
  }

  async markRoutedTogether(
    _mark: string,
    mentionIds: readonly string[],
    routedAt: string,
    expiresAt?: number,
  ): Promise<void> {
    for (const id of mentionIds) await this.markRouted(id, routedAt, expiresAt);
  }

  async get(mentionId: string): Promise<StoredMention | undefined> {
    return this.items.get(mentionId);
  }
}

/**
 * Cases like the table keeps them: `ensure` stores version 1, `saveTransition` writes only
 * over the version it was given (else StaleCaseError), reads return copies. Set
 * `beforeSaveTransition` to let a concurrent writer act between a read and a write.
 */
export class InMemoryCases implements CaseRepository {
  readonly cases = new Map<string, Case>();
  readonly records = new Map<string, MentionRouted>();
  /** Runs before each saveTransition checks the version: a hook for staging lost races. */
  beforeSaveTransition?: (next: Case, expectedVersion: number) => Promise<void> | void;
  /** Every saveTransition call, with its outcome. */
  readonly saves: { readonly caseId: string; readonly expectedVersion: number; readonly stale: boolean }[] = [];

  async ensure(c: Case): Promise<Case> {
    const existing = this.cases.get(c.id);
    if (existing) return structuredClone(existing);
    const created: Case = { ...c, version: c.version ?? 1 };
    this.cases.set(c.id, structuredClone(created));
    return created;
  }

  async get(caseId: string): Promise<Case | undefined> {
    const c = this.cases.get(caseId);
    return c ? structuredClone(c) : undefined;
  }

  async getMany(caseIds: readonly string[]): Promise<Map<string, Case>> {
    const found = new Map<string, Case>();
    for (const id of caseIds) {
      const c = this.cases.get(id);
      if (c) found.set(id, structuredClone(c));
    }
    return found;
  }

  async saveTransition(next: Case, expectedVersion: number): Promise<void> {
    await this.beforeSaveTransition?.(next, expectedVersion);
    const stored = this.cases.get(next.id);
    const stale = !stored || (stored.version ?? 0) !== expectedVersion;
    this.saves.push({ caseId: next.id, expectedVersion, stale });
    if (stale)
      throw new StaleCaseError(`case ${next.id} was changed by someone else since version ${expectedVersion} was read`);
    this.cases.set(next.id, structuredClone(next));
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

  async latestMentionOf(caseId: string): Promise<MentionRouted | undefined> {
    return (await this.mentionsOf(caseId)).at(-1);
  }

  async openCasesOf(department: string, limit = 100): Promise<Case[]> {
    return [...this.cases.values()]
      .filter((c) => c.department === department && (OPEN_STATES as readonly string[]).includes(c.state))
      .sort(byDue)
      .slice(0, limit)
      .map((c) => structuredClone(c));
  }

  /** Same order as the index: state by state as asked, earliest due first; the cursor is an offset. */
  async listCases(query: CaseQuery): Promise<CasePage> {
    const states = query.states ?? OPEN_STATES;
    const limit = query.limit ?? 50;
    const offset = query.cursor === undefined ? 0 : Number(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('cursor is not a cursor of this listing');
    const dueBefore = query.dueBefore === undefined ? undefined : new Date(query.dueBefore).toISOString();
    const role = query.role ?? 'owner';
    // As the table lists them (case-refs.ts: the first cc on the case's GSI3 entry, the rest by refs): cc per state, approvals by draft time.
    const listed = (c: Case, state: string) =>
      role === 'owner'
        ? c.department === query.department && c.state === state
        : role === 'cc'
          ? c.cc.includes(query.department) && c.department !== query.department && c.state === state
          : waitingForApproval(c) && (c.approverDepartment ?? c.department) === query.department;
    const all =
      role === 'approver'
        ? [...this.cases.values()]
            .filter((c) => listed(c, c.state))
            .sort((a, b) => (a.reply?.draftedAt ?? '').localeCompare(b.reply?.draftedAt ?? ''))
        : states.flatMap((state) =>
            [...this.cases.values()]
              .filter((c) => listed(c, state) && (dueBefore === undefined || c.dueAt <= dueBefore))
              .sort(byDue),
          );
    const items = all.slice(offset, offset + limit).map((c) => structuredClone(c));
    const end = offset + items.length;
    return end < all.length ? { items, cursor: Buffer.from(String(end)).toString('base64url') } : { items };
  }
}

/** The index's order: cases in triage first, then by due time (keys.caseDue). */
function byDue(a: Case, b: Case): number {
  return keys.caseDue(a.dueAt, a.id, isInTriage(a)).localeCompare(keys.caseDue(b.dueAt, b.id, isInTriage(b)));
}

export class InMemoryMetrics implements MetricRepository {
  readonly counters = new Map<string, Counter>();
  readonly histograms = new Map<string, Histogram>();

  async increment(day: string, department: string, category: string, by: number): Promise<void> {
    const key = `${day}|${department}|${category}`;
    const count = (this.counters.get(key)?.count ?? 0) + by;
    this.counters.set(key, { day, department, category, count });
  }

  async countersOf(day: string): Promise<Counter[]> {
    return [...this.counters.values()].filter((c) => c.day === day);
  }

  async observe(day: string, department: string, metric: DurationMetric, minutes: number): Promise<void> {
    const bucket = histogramBucketOf(minutes);
    const key = `${day}|${department}|${metric}`;
    const before = this.histograms.get(key) ?? {
      day,
      department,
      metric,
      buckets: Object.fromEntries(HISTOGRAM_BUCKETS.map((b) => [b, 0])),
      count: 0,
      sumMinutes: 0,
    };
    this.histograms.set(key, {
      ...before,
      buckets: { ...before.buckets, [bucket]: (before.buckets[bucket] ?? 0) + 1 },
      count: before.count + 1,
      sumMinutes: before.sumMinutes + minutes,
    });
  }

  async histogramsOf(day: string): Promise<Histogram[]> {
    return [...this.histograms.values()].filter((h) => h.day === day);
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

/** A round-robin counter per department: 1, 2, 3, ... */
export class InMemoryAssignmentCursor implements AssignmentCursor {
  readonly positions = new Map<string, number>();

  async next(department: string): Promise<number> {
    const n = (this.positions.get(department) ?? 0) + 1;
    this.positions.set(department, n);
    return n;
  }
}

/**
 * Delivery claims and sent-markers per case and key, with the table's semantics: a claim
 * wins when there is no item or the sending claim's lease ran out. Each method decides
 * without awaiting in between, so concurrent callers see the check-and-set atomically.
 */
export class InMemoryNotificationLog implements NotificationLog {
  readonly items = new Map<
    string,
    { state: 'sending'; owner: string; leaseUntil: string } | { state: 'sent'; sentAt: string }
  >();
  /** Every claim with its answer, in call order. */
  readonly claims: { readonly key: string; readonly answer: DeliveryClaim }[] = [];

  /** The sent-markers: `<caseId>|<key>` -> sentAt. */
  get sent(): Map<string, string> {
    return new Map([...this.items].flatMap(([k, v]) => (v.state === 'sent' ? [[k, v.sentAt] as const] : [])));
  }

  async claim(caseId: string, key: string, request: DeliveryClaimRequest): Promise<DeliveryClaim> {
    const id = `${caseId}|${key}`;
    const item = this.items.get(id);
    let answer: DeliveryClaim;
    if (item?.state === 'sent') answer = 'sent';
    else if (item && item.leaseUntil >= request.at) answer = 'held';
    else {
      this.items.set(id, { state: 'sending', owner: request.owner, leaseUntil: request.leaseUntil });
      answer = 'claimed';
    }
    this.claims.push({ key: id, answer });
    return answer;
  }

  async markSent(caseId: string, key: string, sentAt: string): Promise<void> {
    this.items.set(`${caseId}|${key}`, { state: 'sent', sentAt });
  }

  async release(caseId: string, key: string, owner: string): Promise<void> {
    const id = `${caseId}|${key}`;
    const item = this.items.get(id);
    if (item?.state === 'sending' && item.owner === owner) this.items.delete(id);
  }
}

/** One claim per notification for all its targets, with the table's conditions (DynamoNotificationClaims). */
export class InMemoryNotificationClaims implements NotificationClaims {
  readonly items = new Map<
    string,
    { sent: Set<string>; complete: boolean; owner?: string; leaseUntil?: string; settledAt?: string }
  >();
  /** Every claim with its answer, in call order. */
  readonly claims: { readonly key: string; readonly answer: NotificationClaim['claim'] }[] = [];
  /** Writes made (claims that won, settlements). */
  writes = 0;

  /** The delivery keys sent: `<caseId>|<delivery key>` -> settledAt. */
  get sent(): Map<string, string> {
    return new Map(
      [...this.items].flatMap(([id, item]) =>
        [...item.sent].map((key) => [`${id.split('|')[0]}|${key}`, item.settledAt ?? ''] as const),
      ),
    );
  }

  async claimTargets(
    caseId: string,
    notificationId: string,
    request: DeliveryClaimRequest,
  ): Promise<NotificationClaim> {
    const id = `${caseId}|${notificationId}`;
    const item = this.items.get(id);
    let answer: NotificationClaim;
    if (item?.complete) answer = { claim: 'done', sent: [...item.sent] };
    else if (item?.leaseUntil !== undefined && item.leaseUntil >= request.at) answer = { claim: 'held' };
    else {
      this.writes++;
      this.items.set(id, {
        sent: item?.sent ?? new Set(),
        complete: false,
        owner: request.owner,
        leaseUntil: request.leaseUntil,
      });
      answer = { claim: 'claimed', sent: [...(item?.sent ?? [])] };
    }
    this.claims.push({ key: id, answer: answer.claim });
    return answer;
  }

  async renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    const item = this.items.get(`${caseId}|${notificationId}`);
    if (!item || item.complete || item.owner !== request.owner) return false;
    this.writes++;
    item.leaseUntil = request.leaseUntil;
    return true;
  }

  async settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    this.writes++;
    const item = this.items.get(`${caseId}|${notificationId}`);
    if (!item) throw new Error(`no claim of ${notificationId}`);
    for (const key of settlement.sent) item.sent.add(key);
    if (item.owner !== settlement.owner) return;
    item.complete = settlement.complete;
    item.settledAt = settlement.at;
    delete item.owner;
    delete item.leaseUntil;
  }
}

/** Records published events; `failNext` makes the next publish throw, like a bus outage. */
export class RecordingPublisher implements EventPublisher, CaseEventPublisher {
  /** Every routed mention published, one by one or in batches (flattened, in order). */
  readonly published: MentionRouted[] = [];
  /** The `Mentions Routed` details published. */
  readonly batches: MentionsRouted[] = [];
  /** What the bus would deliver, in order: each `Mention Routed` detail and each `Mentions Routed` batch. */
  readonly messages: (MentionRouted | MentionsRouted)[] = [];
  readonly caseEvents: CaseEvent[] = [];
  /** Calls of publishMentionsRouted (each a batch's publish). */
  calls = 0;
  failNext = false;

  async publishMentionRouted(events: readonly MentionRouted[]): Promise<void> {
    this.failIfAsked();
    this.published.push(...events);
    this.messages.push(...events);
  }

  /** `failNext` refuses every detail of this call (returned as failed, as the adapter does). */
  async publishMentionsRouted(
    batches: readonly MentionsRouted[],
    caseEvents: readonly CaseEvent[] = [],
  ): Promise<PublishOutcome<MentionsRouted> & { failedCaseEvents: readonly CaseEvent[] }> {
    this.calls += 1;
    if (this.failNext) {
      this.failNext = false;
      return { failed: [...batches], failedCaseEvents: [...caseEvents], cause: new Error('bus unavailable') };
    }
    this.caseEvents.push(...caseEvents);
    this.batches.push(...batches);
    this.messages.push(...batches);
    this.published.push(...batches.flatMap((b) => b.mentions));
    return { failed: [], failedCaseEvents: [] };
  }

  async publishCaseEvents(events: readonly CaseEvent[]): Promise<void> {
    this.failIfAsked();
    this.caseEvents.push(...events);
  }

  private failIfAsked(): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bus unavailable');
    }
  }
}

/** Records published case events; `failNext` makes the next publish throw, like a bus outage. */
export class InMemoryCaseEvents implements CaseEventPublisher {
  readonly published: CaseEvent[] = [];
  failNext = false;

  async publishCaseEvents(events: readonly CaseEvent[]): Promise<void> {
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

/** A clock `ms` ahead of the real one: a redelivery after a dead sender's lease ran out. */
export function clockAhead(ms: number): Clock {
  return { now: () => new Date(Date.now() + ms) };
}

/** Corrections by mention id. */
export class InMemoryCorrections implements CorrectionStore {
  readonly items = new Map<string, Correction>();
  async get(mentionId: string): Promise<Correction | undefined> {
    return this.items.get(mentionId);
  }
  async put(correction: Correction): Promise<void> {
    this.items.set(correction.mentionId, correction);
  }
  async list(): Promise<Correction[]> {
    return [...this.items.values()];
  }
}

/** A guard sample of the texts given; `reads` counts the calls. */
export class InMemoryGuardSample implements GuardSample {
  reads = 0;
  constructor(readonly items: readonly GuardExample[]) {}
  async examples(): Promise<readonly GuardExample[]> {
    this.reads++;
    return this.items;
  }
}

/** Model versions, artifacts and the promotion state in maps. */
export class InMemoryModelStore implements ModelStore {
  readonly records = new Map<string, ModelVersion>();
  readonly artifacts = new Map<string, ModelArtifact>();
  state: PromotionState = { previous: [] };
  async versions(): Promise<ModelVersion[]> {
    return [...this.records.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  async save(version: ModelVersion, artifact?: ModelArtifact): Promise<void> {
    this.records.set(version.id, version);
    if (artifact && !this.artifacts.has(version.id)) this.artifacts.set(version.id, artifact);
  }
  async artifact(id: string): Promise<ModelArtifact | undefined> {
    return this.artifacts.get(id);
  }
  async promotion(): Promise<PromotionState> {
    return this.state;
  }
  async setPromotion(state: PromotionState): Promise<void> {
    this.state = state;
  }
}

/**
 * Themes in memory, with the table's conditions: a claimed assignment stays, a theme is
 * written only at its expected version, a day counts a mention once. `conflictsBeforeSave`
 * makes the next saves fail as if another writer came first.
 */
export class InMemoryThemes implements ThemeRepository {
  readonly stored = new Map<string, StoredTheme>();
  /** Theme claims as an earlier release kept them, apart from the rate notes: read, never written. */
  readonly assignments = new Map<string, string>();
  readonly days = new Map<
    string,
    { count: number; reactions: number; mentionIds: Set<string>; departments: Set<string> }
  >();
  readonly authors = new Map<string, Set<string>>();
  readonly defectMarks = new Map<string, ThemeDefect>();
  conflictsBeforeSave = 0;
  /** The open-day notes written, `<day>#<theme id>` each. */
  readonly openDayNotes = new Set<string>();
  /** The id of each theme write that succeeded, in order. */
  readonly themeWrites: string[] = [];

  async themesOf(kind: ThemeKind, language: string): Promise<StoredTheme[]> {
    return [...this.stored.values()]
      .filter((t) => t.kind === kind && t.language === language)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
  async theme(id: string): Promise<StoredTheme | undefined> {
    return this.stored.get(id);
  }
  /** @param rates where recordInsight's claims (the rate notes with their themes) go: pass it as `rates`. */
  constructor(readonly rates = new InMemoryRateStore()) {}
  async assignmentOf(mentionId: string, createdAt: string): Promise<string | undefined> {
    return this.rates.themeOf(hourOf(createdAt), mentionId) ?? this.assignments.get(mentionId);
  }
  async createTheme(theme: StoredTheme): Promise<boolean> {
    if (this.stored.has(theme.id)) return false;
    this.stored.set(theme.id, theme);
    this.themeWrites.push(theme.id);
    return true;
  }
  async saveTheme(theme: StoredTheme, expectedVersion: number): Promise<boolean> {
    if (this.conflictsBeforeSave > 0) {
      this.conflictsBeforeSave--;
      return false;
    }
    if (this.stored.get(theme.id)?.version !== expectedVersion) return false;
    this.stored.set(theme.id, theme);
    this.themeWrites.push(theme.id);
    return true;
  }
  async countMentions(counts: readonly ThemeCount[]): Promise<Set<string>> {
    const counted = new Set<string>();
    for (const count of counts) if (this.countOne(count)) counted.add(count.mentionId);
    return counted;
  }
  async countedOnDays(counts: readonly ThemeCount[]): Promise<Set<string>> {
    return new Set(
      counts.filter((c) => this.days.get(`${c.day}#${c.themeId}`)?.mentionIds.has(c.mentionId)).map((c) => c.mentionId),
    );
  }
  private countOne(count: ThemeCount): boolean {
    const key = `${count.day}#${count.themeId}`;
    const day = this.days.get(key) ?? {
      count: 0,
      reactions: 0,
      mentionIds: new Set<string>(),
      departments: new Set<string>(),
    };
    this.days.set(key, day);
    if (day.mentionIds.has(count.mentionId)) return false;
    day.mentionIds.add(count.mentionId);
    day.count++;
    day.reactions += count.reactions;
    day.departments.add(count.department);
    const authors = this.authors.get(count.themeId) ?? new Set<string>();
    authors.add(`${count.day}#${count.authorHash}`);
    this.authors.set(count.themeId, authors);
    return true;
  }
  async noteOpenDays(day: string, themeIds: readonly string[]): Promise<void> {
    for (const id of themeIds) this.openDayNotes.add(`${day}#${id}`);
  }
  /** `<day>#<themeId>` of every moved-on note: a reader of the day does not read the theme. */
  readonly movedOn = new Set<string>();
  async noteMovedOn(day: string, themeId: string): Promise<void> {
    this.movedOn.add(`${day}#${themeId}`);
  }
  /** A theme's open day, as a reader finds it (through its note), without what its day item counts already. */
  private openTotals(themeId: string, day: string) {
    const open = this.stored.get(themeId)?.openDay;
    const noted = this.openDayNotes.has(`${day}#${themeId}`) && !this.movedOn.has(`${day}#${themeId}`);
    if (!open || open.day !== day || !noted) return undefined;
    return openDayTotals(open, this.days.get(`${day}#${themeId}`)?.mentionIds);
  }
  async removeAuthorMarks(themeId: string, authorHash: string, createdAt: string): Promise<void> {
    const utc = Date.parse(createdAt.slice(0, 10));
    const around = [-1, 0, 1].map((d) => new Date(utc + d * 86_400_000).toISOString().slice(0, 10));
    for (const mark of [...(this.authors.get(themeId) ?? [])])
      if (mark.endsWith(`#${authorHash}`) && around.includes(mark.slice(0, 10)))
        this.authors.get(themeId)?.delete(mark);
  }
  async authorsOf(themeId: string, from: string, to: string): Promise<number> {
    const marks = [...(this.authors.get(themeId) ?? [])].filter((m) => m.slice(0, 10) >= from && m.slice(0, 10) <= to);
    const authors = new Set(marks.map((m) => m.slice(11)));
    const open = this.stored.get(themeId)?.openDay;
    if (open && open.day >= from && open.day <= to) for (const a of openDayTotals(open).authors) authors.add(a);
    return authors.size;
  }
  async dayCounts(days: readonly string[]): Promise<ThemeDayCount[]> {
    const counts = new Map<string, ThemeDayCount>();
    for (const [key, d] of this.days)
      counts.set(key, {
        day: key.slice(0, 10),
        themeId: key.slice(11),
        count: d.count,
        reactions: d.reactions,
        departments: [...d.departments].sort(),
      });
    for (const theme of this.stored.values()) {
      const open = theme.openDay && this.openTotals(theme.id, theme.openDay.day);
      if (!theme.openDay || !open || open.count === 0) continue;
      const key = `${theme.openDay.day}#${theme.id}`;
      const closed = counts.get(key);
      counts.set(key, {
        day: theme.openDay.day,
        themeId: theme.id,
        count: (closed?.count ?? 0) + open.count,
        reactions: (closed?.reactions ?? 0) + open.reactions,
        departments: [...new Set([...(closed?.departments ?? []), ...open.departments])].sort(),
      });
    }
    return [...counts.values()].filter((d) => days.includes(d.day));
  }
  async themeDays(themeId: string, days: readonly string[]): Promise<Map<string, number>> {
    return new Map(
      days.map((day) => [
        day,
        (this.days.get(`${day}#${themeId}`)?.count ?? 0) + (this.openTotals(themeId, day)?.count ?? 0),
      ]),
    );
  }
  async markDefect(themeId: string, defect: ThemeDefect): Promise<void> {
    this.defectMarks.set(themeId, defect);
  }
  async defects(): Promise<Map<string, ThemeDefect>> {
    return new Map(this.defectMarks);
  }
}
