import { decideAssignment, type AssignmentPolicy } from './assignment.ts';
import { caseIdForThread, type Case } from './case.ts';
import { CaseEventBuffer } from './case-event-buffer.ts';
import { classifierReasonsOf, storedClassificationOf } from './classifier-reasons.ts';
import { applyCaseCommand, appliedTransition, isAllowed } from './case-lifecycle.ts';
import { caseEventOf, changeCase, type ChangeCaseDeps } from './change-case.ts';
import type { EscalationPolicy } from './check-sla.ts';
import { ConflictError } from './errors.ts';
import type { Classifier } from './classification.ts';
import type { CaseEvent, MentionRouted } from './events.ts';
import type { Mention, Priority } from './mention.ts';
import { recordOwnReply } from './own-reply.ts';
import {
  keyAccountsOfCase,
  mentionTimelineItems,
  replyTimelineItems,
  type CaseKeyAccount,
  type KeyAccountTimeline,
} from './key-accounts.ts';
import type { OwnerNotice } from './case-lifecycle.ts';
import type {
  AssignmentCursor,
  CaseJournal,
  CaseRepository,
  Clock,
  EventPublisher,
  MentionRepository,
  StoredMention,
} from './ports.ts';
import { routeMention, type RoutingPolicy } from './route-mention.ts';
import { resumeCommandFor } from './sla-clock.ts';
import { routingCommandFor } from './thread-routing.ts';
import type { SlaDuration } from './business-time.ts';
import { addMinutes, expiresAtEpochSeconds } from './time.ts';

export interface ClassifyMentionDeps {
  readonly companyId: string;
  readonly classifier: Classifier;
  readonly policy: RoutingPolicy;
  /** Business time until a case of a department and priority is due (the department's `sla`). */
  readonly sla: (department: string, priority: Priority) => SlaDuration;
  readonly retentionDays: number;
  readonly mentions: MentionRepository;
  readonly cases: CaseRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
  /** Where the company's own replies are recorded on their cases (shared/domain/own-reply.ts). */
  readonly journal?: CaseJournal;
  /**
   * SLA time of a department: `sla` of its business time after `from` (business days and
   * hours, holidays). Default: wall-clock time, a day 24 hours.
   */
  readonly addSlaTime?: (department: string, from: Date, sla: SlaDuration) => Date;
  /** Business minutes of a department between two instants, for response times. Default: wall-clock. */
  readonly businessMinutes?: (department: string, from: Date, to: Date) => number;
  /** Minutes after resolution within which the customer's next message reopens the case (default 7 days). */
  readonly reopenWindowMinutes?: number;
  /** The department whose members approve replies of a case of this department that needs approval. */
  readonly approverDepartment?: (department: string) => string;
  /**
   * The case lifecycle: with it, the company's own reply marks the case responded (state,
   * response time, `Case Responded`), and a mention that joins an existing case applies its
   * routing to it (`apply-routing`); without it, the reply is only recorded.
   */
  readonly caseChanges?: ChangeCaseDeps;
  /**
   * How each department hands out new cases: with it (and `caseChanges`), a new case is
   * assigned as it is opened, in the same write (`assign:<mentionId>`, `Case Assigned`),
   * instead of being written again by handle-department. Without it handle-department assigns.
   */
  readonly assignment?: {
    readonly policy: (department: string) => AssignmentPolicy;
    readonly cursor: AssignmentCursor;
  };
  /**
   * The routed mark of the batch this mention is handled in (classifyBatch): stored with a
   * new mention, so that finishRoutedTogether marks the batch routed in one write.
   * Without it, each mention is marked on its own (markRouted).
   */
  readonly routeMark?: string;
  /** `cases.escalate`: a joining mention of these categories or tags escalates its case. */
  readonly escalation?: EscalationPolicy;
  /**
   * Key accounts: their mentions and the company's replies go on each account's timeline, and
   * a reply seen on the platform tells the owners (`notice`, key-accounts.ts ownerNoticeOf).
   */
  readonly keyAccounts?: {
    readonly timeline: Pick<KeyAccountTimeline, 'add'>;
    readonly notice: (accounts: readonly CaseKeyAccount[]) => OwnerNotice | undefined;
    /** The company's name: the author of its replies on the timeline. */
    readonly companyName: string;
  };
}

export type ClassifyOutcome =
  | { readonly status: 'routed'; readonly caseId: string; readonly departments: readonly string[] }
  | { readonly status: 'duplicate'; readonly caseId: string }
  /** `echoOf`: the platform's echo of a reply sent through the API (send-reply.ts), recognised by its post id. */
  | { readonly status: 'own-reply'; readonly caseId: string; readonly echoOf?: string };

/**
 * Classifies one mention, routes it, threads it into its conversation's case and
 * publishes `Mention Routed` per receiving department.
 *
 * 1. classify and route (pure)
 * 2. store the mention unless it exists (dedupe by platform and external id); a mention
 *    that was already fully routed is skipped, one that was stored but not published
 *    (a crash, a redelivery) is finished with the decisions stored the first time
 * 3. ensure the thread's case (same conversation, same case); when the mention joined a
 *    case that existed, apply its routing to the case: raise priority, add tags and cc,
 *    require approval, escalate (thread-routing.ts), one `apply-routing` change
 * 4. publish one event per department: the case's department, and the mention's own
 *    department as cc when it differs
 * 5. mark the mention routed
 *
 * Every step is idempotent, so a redelivered message yields the same single case.
 */
export async function classifyMention(mention: Mention, deps: ClassifyMentionDeps): Promise<ClassifyOutcome> {
  const prepared = await prepareMention(mention, deps);
  if (prepared.routed.length === 0) return prepared.outcome;
  if (prepared.caseEvents.length > 0) await deps.caseChanges?.events.publishCaseEvents(prepared.caseEvents);
  await deps.events.publishMentionRouted(prepared.routed);
  await finishRouted(mention.id, prepared.routed, deps);
  return prepared.outcome;
}

/** A mention classified, routed and threaded (steps 1-3): the events still to publish, none when it needs none. */
export interface PreparedMention {
  readonly outcome: ClassifyOutcome;
  /** `Mention Routed` per receiving department; empty for a duplicate or the company's own reply (already finished). */
  readonly routed: readonly MentionRouted[];
  /**
   * The case changes the mention made, to publish with `routed` (`Case Assigned` of the case
   * it opened, `Case Routing Applied` when it joined one, ...); a redelivery returns the
   * same events again. Empty when `routed` is.
   */
  readonly caseEvents: readonly CaseEvent[];
  /** The routed mark the stored mention counts in (the one it was first stored with), if any. */
  readonly routeMark?: string;
}

/**
 * Steps 1-3 of classifyMention: the mention stored, its case ensured and changed, and the
 * events of step 4 returned instead of published, so that a batch's events can be
 * published together (routed-batch.ts). After they are published, finishRouted does step 5.
 */
export async function prepareMention(mention: Mention, deps: ClassifyMentionDeps): Promise<PreparedMention> {
  const now = deps.clock.now();
  const expiresAt = expiresAtEpochSeconds(now, deps.retentionDays);
  const thread = await currentCaseOfThread(mention, deps);
  const caseId = thread.caseId;

  const classification = storedClassificationOf(await deps.classifier.classify(mention));
  const routing = routeMention(classification, deps.policy, mention);
  const { created, stored } = await deps.mentions.putIfAbsent(
    {
      mention,
      classification,
      routing,
      caseId,
      ...(deps.routeMark ? { routeMark: deps.routeMark } : {}),
    },
    expiresAt,
  );
  if (!created && stored.routedAt)
    return { outcome: { status: 'duplicate', caseId: stored.caseId }, routed: [], caseEvents: [] };

  // The company's own reply belongs to the thread but is nobody's new work: it is recorded
  // on the thread's case, where the first one timestamps the response time.
  if (mention.isOwnAccount) {
    // Strongly consistent: the reply may have been marked published a moment ago.
    const echoOf = (await deps.cases.get(stored.caseId, { consistent: true }))?.publishedReplies?.find(
      (r) => r.platformPostId === mention.externalId,
    );
    if (echoOf) {
      // Our reply sent through the API, coming back: it responded the case and went on the
      // timeline when it was sent; counting it again would make two replies of one.
      await deps.mentions.markRouted(mention.id, now.toISOString(), expiresAt);
      return {
        outcome: { status: 'own-reply', caseId: stored.caseId, echoOf: echoOf.replyId },
        routed: [],
        caseEvents: [],
      };
    }
    const accounts = deps.keyAccounts ? keyAccountsOfCase(await deps.cases.mentionsOf(stored.caseId)) : [];
    if (deps.keyAccounts && accounts.length > 0) {
      const items = replyTimelineItems(accounts, {
        caseId: stored.caseId,
        at: mention.createdAt,
        platform: mention.platform,
        text: mention.text,
        ...(mention.url ? { url: mention.url } : {}),
        itemId: mention.externalId,
        author: deps.keyAccounts.companyName,
      });
      for (const item of items) await deps.keyAccounts.timeline.add(item, expiresAt);
    }
    if (deps.caseChanges) {
      // The lifecycle records the response time on the case; the note keeps every reply.
      await respondOnPlatform(mention, stored.caseId, deps, deps.caseChanges, deps.keyAccounts?.notice(accounts));
      if (deps.journal && (await deps.cases.get(stored.caseId))) {
        await deps.journal.addNote(
          stored.caseId,
          { kind: 'own-reply', mentionId: mention.id, at: mention.createdAt },
          expiresAt,
        );
      }
    } else if (deps.journal) {
      await recordOwnReply(mention, stored.caseId, { journal: deps.journal, expiresAt });
    }
    await deps.mentions.markRouted(mention.id, now.toISOString(), expiresAt);
    return { outcome: { status: 'own-reply', caseId: stored.caseId }, routed: [], caseEvents: [] };
  }

  const decided = stored.routing;
  const sla = decided.sla ?? deps.sla(decided.department, decided.priority);
  // The case changes of a routed mention go out with its routed events, after the batch.
  const buffer = new CaseEventBuffer();
  const changes = deps.caseChanges ? { ...deps.caseChanges, events: buffer } : undefined;
  // The thread's case was read a moment ago: a mention joining it writes no new case (a
  // failed conditional put is charged as a write) and reads it no second time.
  let kase: Case =
    thread.existing?.id === stored.caseId
      ? thread.existing
      : await deps.cases.ensure(
          await assignedAtOpening(mention, now, deps, {
            id: stored.caseId,
            platform: mention.platform,
            threadId: mention.threadId,
            department: decided.department,
            cc: decided.cc,
            state: 'new',
            priority: decided.priority,
            category: stored.classification.category,
            openedAt: now.toISOString(),
            // A rule's SLA overrides the department's for this case; it runs in business time.
            dueAt: (deps.addSlaTime
              ? deps.addSlaTime(decided.department, now, sla)
              : addMinutes(now, sla.days * 1440 + sla.minutes)
            ).toISOString(),
            firstMentionId: mention.id,
            authorId: mention.author.id,
            title: titleOf(mention.text),
            sentiment: stored.classification.sentiment,
            language: stored.classification.language,
            version: 1,
            generation: thread.generation,
            ...(decided.tags && decided.tags.length > 0 ? { tags: [...decided.tags] } : {}),
            ...(decided.requireApproval
              ? {
                  requireApproval: true,
                  approverDepartment: deps.approverDepartment?.(decided.department) ?? decided.department,
                }
              : {}),
          }),
          expiresAt,
        );

  if (kase.firstMentionId === mention.id) {
    // The case this mention opened: its assignment's event, the same one on a redelivery.
    const assigned = appliedTransition(kase, assignTransitionId(mention.id));
    if (assigned) buffer.events.push(caseEventOf(deps.companyId, kase, assigned));
  } else if (changes) {
    kase = await applyThreadRouting(kase, mention, stored, now, deps, changes);
    kase = await resumePausedClock(kase, mention, now, deps, changes);
  }

  const departments = unique([kase.department, decided.department, ...decided.cc]);
  const events: MentionRouted[] = departments.map((department) => ({
    companyId: deps.companyId,
    mentionId: mention.id,
    caseId: kase.id,
    department,
    role: department === kase.department ? 'primary' : 'cc',
    platform: mention.platform,
    category: stored.classification.category,
    sentiment: stored.classification.sentiment,
    priority: decided.priority,
    urgency: stored.classification.urgency,
    language: stored.classification.language,
    authorId: mention.author.id,
    ...(mention.author.name ? { authorName: mention.author.name } : {}),
    ...(mention.author.handle ? { authorHandle: mention.author.handle } : {}),
    ...(mention.url ? { url: mention.url } : {}),
    ...(mention.reactions !== undefined ? { reactions: mention.reactions } : {}),
    text: mention.text,
    createdAt: mention.createdAt,
    routedAt: now.toISOString(),
    reasons: [...decided.reasons],
    classifierReasons: classifierReasonsOf(stored.classification),
    ...routingDetailOf(decided),
  }));
  return {
    outcome: { status: 'routed', caseId: kase.id, departments },
    routed: events,
    caseEvents: buffer.events,
    ...(stored.routeMark ? { routeMark: stored.routeMark } : {}),
  };
}

/** The idempotency key of the assignment of the case a mention opened (handle-department's, when it assigns). */
function assignTransitionId(mentionId: string): string {
  return `assign:${mentionId}`;
}

/**
 * A new case as it is opened: assigned by its department's policy (round robin over the
 * members on duty, or the team queue) in the same write, when `assignment` is configured;
 * version 2, its history the assignment. Else the case as given (handle-department assigns it).
 */
async function assignedAtOpening(mention: Mention, now: Date, deps: ClassifyMentionDeps, opened: Case): Promise<Case> {
  if (!deps.assignment || !deps.caseChanges) return opened;
  const decision = await decideAssignment(deps.assignment.policy(opened.department), now, deps.assignment.cursor, {
    category: opened.category,
    ...(opened.tags ? { tags: opened.tags } : {}),
    ...(opened.language ? { language: opened.language } : {}),
  });
  return applyCaseCommand(
    opened,
    { type: 'assign', reason: decision.reason, ...(decision.assignee ? { assignee: decision.assignee } : {}) },
    { transitionId: assignTransitionId(mention.id), actor: ACTOR, at: now.toISOString() },
  ).case;
}

/** Who changes cases here, in their history. */
const ACTOR = 'system:classify-mention';

/**
 * Step 5, after the mention's events were published: its key-account timeline entries, then
 * the mark that makes a redelivery a duplicate (last, so a crash before it publishes again
 * rather than never).
 */
export async function finishRouted(
  mentionId: string,
  routed: readonly MentionRouted[],
  deps: Pick<ClassifyMentionDeps, 'mentions' | 'keyAccounts' | 'clock' | 'retentionDays'>,
): Promise<void> {
  const first = routed[0];
  if (!first) return;
  await addToTimelines(routed, deps);
  await deps.mentions.markRouted(
    mentionId,
    first.routedAt,
    expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays),
  );
}

/**
 * Step 5 for the mentions of one batch whose events were all published: their key-account
 * timeline entries (finishTimeline, per mention, before), then one write per routed mark
 * (normally the batch's one) instead of one per mention; a mention stored without a mark
 * (before marks existed) is marked on its own. A crash before the write leaves them all
 * unmarked: a redelivery publishes them again rather than never.
 */
export async function markRoutedTogether(
  finished: readonly Pick<PreparedMention, 'routed' | 'routeMark'>[],
  deps: Pick<ClassifyMentionDeps, 'mentions' | 'clock' | 'retentionDays'>,
): Promise<void> {
  const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
  const byMark = new Map<string, { ids: string[]; routedAt: string }>();
  for (const { routed, routeMark } of finished) {
    const first = routed[0];
    if (!first) continue;
    if (!routeMark) {
      await deps.mentions.markRouted(first.mentionId, first.routedAt, expiresAt);
      continue;
    }
    const group = byMark.get(routeMark) ?? { ids: [], routedAt: first.routedAt };
    if (!group.ids.includes(first.mentionId)) group.ids.push(first.mentionId);
    byMark.set(routeMark, group);
  }
  for (const [mark, { ids, routedAt }] of byMark)
    await deps.mentions.markRoutedTogether(mark, ids, routedAt, expiresAt);
}

/** The key-account timeline entries of a routed mention (finishRouted's first part). */
export async function addToTimelines(
  routed: readonly MentionRouted[],
  deps: Pick<ClassifyMentionDeps, 'keyAccounts' | 'clock' | 'retentionDays'>,
): Promise<void> {
  if (!deps.keyAccounts || routed.length === 0) return;
  const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
  for (const item of routed.flatMap(mentionTimelineItems)) await deps.keyAccounts.timeline.add(item, expiresAt);
}

/** Days a resolved case can be reopened by default (`cases.reopenWindow`). */
const DEFAULT_REOPEN_WINDOW_MINUTES = 7 * 1440;
/** Generations looked at before giving up: a thread reopened more often than this is a bug, not a conversation. */
const MAX_GENERATIONS = 50;

/**
 * The case a mention of a thread belongs to: the thread's newest case, unless that one
 * was resolved longer than the reopen window before the mention was written; then the
 * next generation (a new case for the same thread). A mention stored before keeps the
 * case it was stored with (putIfAbsent returns it), so redeliveries never move.
 */
async function currentCaseOfThread(
  mention: Mention,
  deps: ClassifyMentionDeps,
): Promise<{ caseId: string; generation: number; existing?: Case }> {
  const window = deps.reopenWindowMinutes ?? DEFAULT_REOPEN_WINDOW_MINUTES;
  for (let generation = 1; generation <= MAX_GENERATIONS; generation++) {
    const caseId = caseIdForThread(mention.platform, mention.threadId, generation);
    const existing = await deps.cases.get(caseId);
    if (!existing) return { caseId, generation };
    if (existing.state !== 'resolved' || existing.resolvedAt === undefined) return { caseId, generation, existing };
    const closedFor = (Date.parse(mention.createdAt) - Date.parse(existing.resolvedAt)) / 60_000;
    // Within the window the customer's message reopens this case (handle-department does it).
    if (closedFor <= window) return { caseId, generation, existing };
  }
  throw new ConflictError(`thread ${mention.threadId} on ${mention.platform} has more than ${MAX_GENERATIONS} cases`);
}

/**
 * The company answered on the platform: the case becomes responded, with its first
 * response time (wall-clock and in business hours). A reply to a case that is already
 * responded or resolved, or to a thread without a case, changes no state.
 */
async function respondOnPlatform(
  mention: Mention,
  caseId: string,
  deps: ClassifyMentionDeps,
  changes: ChangeCaseDeps,
  notice: OwnerNotice | undefined,
): Promise<void> {
  const kase = await deps.cases.get(caseId);
  if (!kase || !isAllowed('respond', kase.state)) return;
  const at = mention.createdAt;
  await changeCase(
    caseId,
    (current) =>
      isAllowed('respond', current.state)
        ? {
            type: 'respond',
            via: 'platform',
            at,
            mentionId: mention.id,
            ...(notice ? { notice } : {}),
            ...(deps.businessMinutes
              ? { businessMinutes: deps.businessMinutes(current.department, new Date(current.openedAt), new Date(at)) }
              : {}),
          }
        : null,
    { transitionId: `own-reply:${mention.id}`, actor: `platform:${mention.id}` },
    changes,
  );
}

/**
 * A mention joined a case that existed: its routing raises the case (never lowers it), as
 * one change keyed by the mention (`routing:<mentionId>`), so a redelivery applies it once.
 * @returns the case as it is now
 */
async function applyThreadRouting(
  known: Case,
  mention: Mention,
  stored: StoredMention,
  now: Date,
  deps: ClassifyMentionDeps,
  changes: ChangeCaseDeps,
): Promise<Case> {
  const decided = stored.routing;
  const outcome = await changeCase(
    known.id,
    (current) =>
      routingCommandFor(current, { id: mention.id, category: stored.classification.category }, decided, {
        ...(deps.escalation ? { escalation: deps.escalation } : {}),
        ...(deps.approverDepartment ? { approverDepartment: deps.approverDepartment } : {}),
        dueAt: (priority) => {
          // In the case's department's business time: it keeps the case.
          const due = decided.sla ?? deps.sla(current.department, priority);
          return (
            deps.addSlaTime
              ? deps.addSlaTime(current.department, now, due)
              : addMinutes(now, due.days * 1440 + due.minutes)
          ).toISOString();
        },
      }),
    { transitionId: `routing:${mention.id}`, actor: ACTOR },
    changes,
    known,
  );
  return outcome.case;
}

/**
 * The customer (the case's author) wrote in a thread whose case waits with its SLA clock paused: the case is
 * worked again, due later by the paused business time (sla-clock.ts), once per mention
 * (`resume:<mentionId>`). Without the department's calendar the clock counts wall-clock time.
 * @returns the case as it is now
 */
async function resumePausedClock(
  kase: Case,
  mention: Mention,
  now: Date,
  deps: ClassifyMentionDeps,
  changes: ChangeCaseDeps,
): Promise<Case> {
  // Someone else joining the public thread is not the answer the case waits for.
  if (kase.state !== 'waiting' || kase.slaPausedAt === undefined || kase.authorId !== mention.author.id) return kase;
  const calendar = {
    businessMinutes:
      deps.businessMinutes ?? ((_: string, from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000),
    addSlaTime:
      deps.addSlaTime ?? ((_: string, from: Date, sla: SlaDuration) => addMinutes(from, sla.days * 1440 + sla.minutes)),
  };
  const outcome = await changeCase(
    kase.id,
    (current) => resumeCommandFor(current, mention, now, calendar),
    { transitionId: `resume:${mention.id}`, actor: ACTOR },
    changes,
  );
  return outcome.case;
}

/** The first words of a mention, for case lists: at most 80 characters, cut at a word. */
export function titleOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= 80) return flat;
  const cut = flat.slice(0, 80);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}

/** The decision's tags, approval, rules and key accounts, for the event (stored decisions of older releases lack them). */
function routingDetailOf(routing: StoredMention['routing']): Partial<MentionRouted> {
  return {
    ...(routing.tags ? { tags: [...routing.tags] } : {}),
    ...(routing.requireApproval !== undefined ? { requireApproval: routing.requireApproval } : {}),
    ...(routing.matched ? { matchedRules: routing.matched.map((m) => m.rule) } : {}),
    ...(routing.keyAccounts && routing.keyAccounts.length > 0
      ? { keyAccounts: routing.keyAccounts.map((k) => ({ ...k, owner: { ...k.owner } })) }
      : {}),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export type { StoredMention };
