import { dependenciesFrom as adminDependencies } from '../../../functions/admin-api/handler.ts';
import { dependenciesFrom as checkSlaDependencies } from '../../../functions/check-sla/handler.ts';
import { dependenciesFrom as classifyDependencies } from '../../../functions/classify-mention/handler.ts';
import { dependenciesFrom as departmentDependencies } from '../../../functions/handle-department/handler.ts';
import { DynamoCaseRepository, DynamoMentionRepository } from '../../../shared/adapters/dynamodb/index.ts';
import { createDocumentClient } from '../../../shared/adapters/aws-clients.ts';
import { departmentQueueUrlEnv } from '../../topology-constants.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import type { FunctionEnv } from '../../../shared/config/runtime-env.ts';
import {
  approveReply,
  draftReply,
  markReplySent,
  transitionCase,
  type AdminUser,
  type CaseAdminDeps,
} from '../../../shared/domain/case-admin.ts';
import { AWAITING_RESPONSE_STATES, type Case } from '../../../shared/domain/case.ts';
import { isAllowed } from '../../../shared/domain/case-lifecycle.ts';
import { checkSla, type CheckSlaDeps } from '../../../shared/domain/check-sla.ts';
import { classifyMention, type ClassifyMentionDeps } from '../../../shared/domain/classify-mention.ts';
import { receiveRoutedMention, type DepartmentInboxDeps } from '../../../shared/domain/department-inbox.ts';
import { ConflictError } from '../../../shared/domain/errors.ts';
import type { CaseEvent, MentionRouted, MentionsRouted } from '../../../shared/domain/events.ts';
import type { CaseEventPublisher, Clock, EventPublisher, PublishOutcome } from '../../../shared/domain/ports.ts';
import { instantOf } from '../../../shared/domain/business-time.ts';
import type { History, HistoryEvent, HistoryMentionEvent } from './generate.ts';
import type { HistoryHooks, HookContext, PlayTotals } from './hooks.ts';

/**
 * Plays a history (generate.ts) into a company's table through the domain code the
 * functions run, with a clock that walks through the history:
 *
 * - a customer's mention: classify-mention's use case (classify, route, thread into a case,
 *   store), then each `Mention Routed` event through handle-department's use case (record on
 *   the case, count, reopen, assign), then the hooks;
 * - a reply: on a case that needs approval, the admin API's use cases draft it, a member of
 *   the approving department approves it and it is marked sent; then the company's own reply
 *   goes through classify-mention as it arrives from the platform (it marks the case
 *   responded, with its response time in the department's business minutes);
 * - a resolution: the admin API's transition, by the case's assignee or its department's lead;
 * - at the end of every hour: check-sla's sweep (warnings, breaches, escalations), then the
 *   hooks; at the start of every day: the hooks.
 *
 * The dependencies are the functions' own (`dependenciesFrom` of each handler), built
 * against the given table, with the simulated clock in place of the system clock and an
 * in-process collector in place of the event bus. Notifications are counted, not sent: the
 * history happened weeks ago, nobody should be paged for it now.
 */

export interface PlayOptions {
  readonly config: CompanyConfig;
  /** Region, DynamoDB endpoint and credentials of the table (e.g. infra/local/demo.ts `adminEnv`). */
  readonly env: FunctionEnv;
  readonly tableName: string;
  readonly history: History;
  readonly hooks?: HistoryHooks;
  /** Told every `progressEveryMs` of wall-clock time (default 5 s), and once at the end. */
  readonly onProgress?: (progress: PlayProgress) => void;
  readonly progressEveryMs?: number;
  /** Run check-sla's sweep at the end of the hours in which a case fell due (default true; the bench's baseline turns it off). */
  readonly slaSweeps?: boolean;
  /** The wall clock that times the play (default Date.now); tests pin it. */
  readonly wallClock?: () => number;
}

export interface PlayProgress {
  /** The history's day being played. */
  readonly day: string;
  readonly eventsPlayed: number;
  readonly eventsTotal: number;
  readonly mentions: number;
  readonly elapsedMs: number;
}

export interface PlayResult extends PlayTotals {
  readonly from: string;
  readonly to: string;
  readonly elapsedMs: number;
  /** Customer mentions played per second of wall-clock time. */
  readonly mentionsPerSecond: number;
}

/** A clock the player moves forward; it never goes back. */
export class SimulatedClock implements Clock {
  private ms: number;
  constructor(start: number) {
    this.ms = start;
  }
  now(): Date {
    return new Date(this.ms);
  }
  /** Moves the clock to `ms` unless it is already later. */
  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}

/** The event bus of the history: what the use cases publish waits here until the player hands it on. */
class CollectingPublisher implements EventPublisher, CaseEventPublisher {
  readonly routed: MentionRouted[] = [];
  readonly caseEvents: CaseEvent[] = [];
  async publishMentionRouted(events: readonly MentionRouted[]): Promise<void> {
    this.routed.push(...events);
  }
  async publishMentionsRouted(
    batches: readonly MentionsRouted[],
    caseEvents: readonly CaseEvent[] = [],
  ): Promise<PublishOutcome<MentionsRouted>> {
    this.caseEvents.push(...caseEvents);
    this.routed.push(...batches.flatMap((b) => b.mentions));
    return { failed: [] };
  }
  async publishCaseEvents(events: readonly CaseEvent[]): Promise<void> {
    this.caseEvents.push(...events);
  }
}

const HOUR_MS = 3_600_000;

/**
 * Plays the history.
 * @returns what was played, counted, with the wall-clock time it took
 * @throws whatever a use case or a hook throws that is not a refused change (those are counted as skipped)
 */
export async function playHistory(options: PlayOptions): Promise<PlayResult> {
  const { config, history } = options;
  const wall = options.wallClock ?? Date.now;
  const started = wall();
  const { plan } = history;
  const tz = plan.timezone;
  const startMs = instantOf(plan.from, 0, tz);
  const endMs = instantOf(plan.to, 24 * 60, tz);
  const clock = new SimulatedClock(startMs);
  const bus = new CollectingPublisher();
  const hooks = options.hooks ?? {};
  const context: HookContext = { clock, plan };

  const env: FunctionEnv = {
    ...options.env,
    TABLE_NAME: options.tableName,
    EVENT_BUS_NAME: `bc-${config.company.id}-history`,
    COMPANY_CONFIG: JSON.stringify(config),
    // handle-department maps a queue to its department by these URLs; the history calls the
    // use case directly and reads no queue, so the URLs only have to be the departments' own.
    ...Object.fromEntries(
      config.departments.map((d) => [
        departmentQueueUrlEnv(d.id),
        `local://history/bc-${config.company.id}-dept-${d.id}`,
      ]),
    ),
  };
  const documents = createDocumentClient(env);
  const mentions = new DynamoMentionRepository(documents, options.tableName);
  const cases = new DynamoCaseRepository(documents, options.tableName);

  const counts = {
    mentions: 0,
    ownReplies: 0,
    approvedReplies: 0,
    resolved: 0,
    routedEvents: 0,
    notificationsWithheld: 0,
    skipped: 0,
    hours: 0,
    days: 0,
    sweeps: 0,
  };
  const dues = new DueTimes();
  const caseChanges: Record<string, number> = {};

  const classifyBase = classifyDependencies(env);
  const classify: ClassifyMentionDeps = {
    ...classifyBase,
    clock,
    events: bus,
    ...(classifyBase.caseChanges ? { caseChanges: { ...classifyBase.caseChanges, clock, events: bus } } : {}),
  };
  const departmentBase = departmentDependencies(env);
  const department: DepartmentInboxDeps = {
    ...departmentBase,
    clock,
    change: { ...departmentBase.change, clock, events: bus },
    notifier: {
      mention: async () => {
        counts.notificationsWithheld++;
      },
      caseEvent: async () => {
        counts.notificationsWithheld++;
      },
    },
  };
  const { onProgress: _sweepProgress, onFailure: _sweepFailure, ...slaBase } = checkSlaDependencies(env);
  const sla: CheckSlaDeps = { ...slaBase, clock, events: bus };
  const admin: CaseAdminDeps = { ...adminDependencies(env), clock, events: bus };

  /** Hands what the use cases published to the departments and the hooks, until nothing is left. */
  const drain = async (truthOf?: HistoryMentionEvent) => {
    while (bus.routed.length > 0 || bus.caseEvents.length > 0) {
      const routed = bus.routed.shift();
      if (routed) {
        await receiveRoutedMention(routed, department);
        counts.routedEvents++;
        await hooks.onMentionRouted?.(routed, {
          ...context,
          reactions: truthOf?.reactions ?? 0,
          truth: truthOf?.truth ?? { intent: routed.category, language: routed.language === 'en' ? 'en' : 'de' },
        });
        continue;
      }
      const event = bus.caseEvents.shift() as CaseEvent;
      caseChanges[event.action] = (caseChanges[event.action] ?? 0) + 1;
      dues.observe(event);
      // Each recipient department would be notified by handle-department; the history notifies nobody.
      counts.notificationsWithheld += event.recipients.length;
      await hooks.onCaseEvent?.(event, context);
    }
  };

  const caseOfMention = async (mentionId: string): Promise<Case | undefined> => {
    const stored = await mentions.get(mentionId);
    return stored ? cases.get(stored.caseId) : undefined;
  };

  const people = peopleOf(config);
  const play = async (event: HistoryEvent, index: number) => {
    const at = Date.parse(event.at);
    if (event.type === 'mention') {
      // Classified on arrival: a second or two after it was written.
      clock.advanceTo(Date.parse(event.mention.receivedAt));
      await classifyMention(event.mention, classify);
      counts.mentions++;
      await drain(event);
      return;
    }
    clock.advanceTo(at);
    const kase = await caseOfMention(event.type === 'reply' ? event.to : event.of);
    if (!kase) {
      counts.skipped++;
      return;
    }
    if (event.type === 'resolve') {
      if (!isAllowed('resolve', kase.state)) {
        counts.skipped++;
        return;
      }
      await refusedIsSkipped(() =>
        transitionCase(
          kase.id,
          { action: 'resolve' },
          { user: people.actorFor(kase), requestId: `history-${plan.seed}-${index}-resolve` },
          admin,
        ),
      ).then((done) => {
        if (done) counts.resolved++;
        else counts.skipped++;
      });
      await drain();
      return;
    }
    if (kase.requireApproval && isAllowed('respond', kase.state)) {
      // Nobody answers such a case in public before the approving department agreed to the words.
      const drafter = people.actorFor(kase);
      const request = (step: string, user: AdminUser) => ({ user, requestId: `history-${plan.seed}-${index}-${step}` });
      const approved = await refusedIsSkipped(async () => {
        const { reply } = await draftReply(kase.id, event.mention.text, request('draft', drafter), admin);
        await approveReply(kase.id, reply.id, request('approve', people.approverFor(kase, drafter)), admin);
        await markReplySent(kase.id, reply.id, request('sent', drafter), admin);
      });
      if (approved) counts.approvedReplies++;
      await drain();
    }
    // The reply appears on the platform and comes back as the company's own mention.
    clock.advanceTo(Date.parse(event.mention.receivedAt));
    await classifyMention(event.mention, classify);
    counts.ownReplies++;
    await drain();
  };

  let hourStart = startMs;
  let currentDay = plan.from;
  let played = 0;
  const dayStarts = dayStartsOf(plan.from, plan.to, tz);
  let nextDay = 0;
  /** Begins the days whose midnight has come. */
  const beginDays = async (upTo: number) => {
    while (nextDay < dayStarts.length && (dayStarts[nextDay] as { ms: number }).ms <= upTo) {
      const { day, ms } = dayStarts[nextDay] as { day: string; ms: number };
      clock.advanceTo(ms);
      counts.days++;
      currentDay = day;
      await hooks.onDay?.(day, context);
      nextDay++;
    }
  };
  /** Ends the hours that are over by `upTo`: the SLA sweep of their end, then the hooks. */
  const passHours = async (upTo: number) => {
    while (hourStart + HOUR_MS <= upTo) {
      const end = hourStart + HOUR_MS;
      clock.advanceTo(end);
      if (options.slaSweeps !== false && dues.anyDue(end, sla.slaWarningMinutes)) {
        await checkSla(sla);
        await drain();
        counts.sweeps++;
      }
      counts.hours++;
      await hooks.onHourPassed?.(new Date(hourStart).toISOString(), context);
      hourStart = end;
      await beginDays(end);
    }
  };

  let lastProgress = started;
  const report = () =>
    options.onProgress?.({
      day: currentDay,
      eventsPlayed: played,
      eventsTotal: history.events.length,
      mentions: counts.mentions,
      elapsedMs: wall() - started,
    });
  await beginDays(startMs);
  for (const [index, event] of history.events.entries()) {
    const at = Date.parse(event.at);
    await passHours(at);
    await play(event, index);
    played++;
    if (options.onProgress && wall() - lastProgress >= (options.progressEveryMs ?? 5000)) {
      lastProgress = wall();
      report();
    }
  }
  await passHours(endMs);
  report();

  const elapsedMs = wall() - started;
  const totals: PlayTotals = { ...counts, caseChanges };
  await hooks.afterPlay?.(totals, context);
  return {
    ...totals,
    from: plan.from,
    to: plan.to,
    elapsedMs,
    mentionsPerSecond: elapsedMs > 0 ? counts.mentions / (elapsedMs / 1000) : counts.mentions,
  };
}

/**
 * The due times of the cases that await a first response, as the case events tell them
 * (every change publishes the case's state and due time). The SLA sweep of an hour's end
 * runs only when one of them reached its warning or due time: a sweep without such a case
 * changes nothing, and skipping it saves most of the sweeps' index queries.
 */
class DueTimes {
  private readonly open = new Map<string, { dueMs: number; warned: boolean; breached: boolean }>();
  observe(event: CaseEvent): void {
    if (!(AWAITING_RESPONSE_STATES as readonly string[]).includes(event.to)) {
      this.open.delete(event.caseId);
      return;
    }
    const dueMs = Date.parse(event.dueAt);
    const known = this.open.get(event.caseId);
    // A new due time (a reopening, a raised priority, a reroute) is warned and breached anew.
    const same = known !== undefined && known.dueMs === dueMs;
    this.open.set(event.caseId, {
      dueMs,
      warned: (same && known.warned) || event.action === 'warn-sla',
      breached: (same && known.breached) || event.action === 'breach-sla',
    });
  }
  anyDue(nowMs: number, warningMinutes: number): boolean {
    for (const c of this.open.values()) {
      if (!c.breached && c.dueMs <= nowMs) return true;
      if (!c.warned && !c.breached && c.dueMs - warningMinutes * 60_000 <= nowMs) return true;
    }
    return false;
  }
}

/**
 * Runs a person's change; a ConflictError (the case was in another state by then: resolved
 * already, approval missing) is a refused change, counted as skipped rather than stopping
 * six weeks of history.
 */
async function refusedIsSkipped(change: () => Promise<unknown>): Promise<boolean> {
  try {
    await change();
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

/** Who acts on a case in the history: its assignee, else its department's lead, else the company's admin. */
function peopleOf(config: CompanyConfig) {
  const admin = config.admin?.admins?.[0];
  const userOf = (
    person: { readonly name?: string | undefined; readonly email?: string | undefined } | undefined,
  ): AdminUser | undefined =>
    person?.email
      ? { sub: `history:${person.email}`, email: person.email, ...(person.name ? { name: person.name } : {}) }
      : undefined;
  const fallback: AdminUser = userOf(admin) ?? { sub: 'history:operator', operator: true };
  const staff = (id: string) => {
    const department = config.departments.find((d) => d.id === id);
    return [...(department?.leads ?? []), ...(department?.members ?? [])].filter((p) => p.email);
  };
  return {
    actorFor(kase: Case): AdminUser {
      if (kase.assignee) return userOf({ email: kase.assignee }) ?? fallback;
      return userOf(staff(kase.department)[0]) ?? fallback;
    },
    /** Someone of the approving department who did not draft the reply (the policy forbids approving one's own). */
    approverFor(kase: Case, drafter: AdminUser): AdminUser {
      const approving = kase.approverDepartment ?? kase.department;
      const person = staff(approving).find((p) => p.email?.toLowerCase() !== drafter.email?.toLowerCase());
      return (
        userOf(person) ?? (fallback.email === drafter.email ? { sub: 'history:operator', operator: true } : fallback)
      );
    },
  };
}

/** Each day of the history with the instant its midnight falls on. */
function dayStartsOf(from: string, to: string, timezone: string): { day: string; ms: number }[] {
  const days: { day: string; ms: number }[] = [];
  for (let day = from; day <= to; ) {
    days.push({ day, ms: instantOf(day, 0, timezone) });
    const next = new Date(`${day}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    day = next.toISOString().slice(0, 10);
  }
  return days;
}
