import { caseIdForThread, type Case } from './case.ts';
import type { Classifier } from './classification.ts';
import type { MentionRouted } from './events.ts';
import type { Mention, Priority } from './mention.ts';
import { recordOwnReply } from './own-reply.ts';
import type { CaseJournal, CaseRepository, Clock, EventPublisher, MentionRepository, StoredMention } from './ports.ts';
import { routeMention, type RoutingPolicy } from './route-mention.ts';
import { addMinutes, expiresAtEpochSeconds } from './time.ts';

export interface ClassifyMentionDeps {
  readonly companyId: string;
  readonly classifier: Classifier;
  readonly policy: RoutingPolicy;
  /** Minutes until a case of a department and priority is due. */
  readonly slaMinutes: (department: string, priority: Priority) => number;
  readonly retentionDays: number;
  readonly mentions: MentionRepository;
  readonly cases: CaseRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
  /** Where the company's own replies are recorded on their cases (shared/domain/own-reply.ts). */
  readonly journal?: CaseJournal;
}

export type ClassifyOutcome =
  | { readonly status: 'routed'; readonly caseId: string; readonly departments: readonly string[] }
  | { readonly status: 'duplicate'; readonly caseId: string }
  | { readonly status: 'own-reply'; readonly caseId: string };

/**
 * Classifies one mention, routes it, threads it into its conversation's case and
 * publishes `Mention Routed` per receiving department.
 *
 * 1. classify and route (pure)
 * 2. store the mention unless it exists (dedupe by platform and external id); a mention
 *    that was already fully routed is skipped, one that was stored but not published
 *    (a crash, a redelivery) is finished with the decisions stored the first time
 * 3. ensure the thread's case (same conversation, same case)
 * 4. publish one event per department: the case's department, and the mention's own
 *    department as cc when it differs
 * 5. mark the mention routed
 *
 * Every step is idempotent, so a redelivered message yields the same single case.
 */
export async function classifyMention(mention: Mention, deps: ClassifyMentionDeps): Promise<ClassifyOutcome> {
  const now = deps.clock.now();
  const expiresAt = expiresAtEpochSeconds(now, deps.retentionDays);
  const caseId = caseIdForThread(mention.platform, mention.threadId);

  const classification = await deps.classifier.classify(mention);
  const routing = routeMention(classification, deps.policy, mention);
  const { created, stored } = await deps.mentions.putIfAbsent({ mention, classification, routing, caseId }, expiresAt);
  if (!created && stored.routedAt) return { status: 'duplicate', caseId: stored.caseId };

  // The company's own reply belongs to the thread but is nobody's new work: it is recorded
  // on the thread's case, where the first one timestamps the response time.
  if (mention.isOwnAccount) {
    if (deps.journal) await recordOwnReply(mention, caseId, { journal: deps.journal, expiresAt });
    await deps.mentions.markRouted(mention.id, now.toISOString());
    return { status: 'own-reply', caseId };
  }

  const decided = stored.routing;
  const kase: Case = await deps.cases.ensure(
    {
      id: caseId,
      platform: mention.platform,
      threadId: mention.threadId,
      department: decided.department,
      cc: decided.cc,
      state: 'new',
      priority: decided.priority,
      category: stored.classification.category,
      openedAt: now.toISOString(),
      // A rule's SLA overrides the department's for this case.
      dueAt: addMinutes(now, decided.slaMinutes ?? deps.slaMinutes(decided.department, decided.priority)).toISOString(),
      firstMentionId: mention.id,
      authorId: mention.author.id,
    },
    expiresAt,
  );

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
    text: mention.text,
    createdAt: mention.createdAt,
    routedAt: now.toISOString(),
    reasons: [...decided.reasons],
    ...routingDetailOf(decided),
  }));
  await deps.events.publishMentionRouted(events);
  await deps.mentions.markRouted(mention.id, now.toISOString());
  return { status: 'routed', caseId: kase.id, departments };
}

/** The decision's tags, approval, rules and key accounts, for the event (stored decisions of older releases lack them). */
function routingDetailOf(routing: StoredMention['routing']): Partial<MentionRouted> {
  return {
    ...(routing.tags ? { tags: [...routing.tags] } : {}),
    ...(routing.requireApproval !== undefined ? { requireApproval: routing.requireApproval } : {}),
    ...(routing.matched ? { matchedRules: routing.matched.map((m) => m.rule) } : {}),
    ...(routing.keyAccounts && routing.keyAccounts.length > 0 ? { keyAccounts: routing.keyAccounts.map((k) => ({ ...k, owner: { ...k.owner } })) } : {}),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export type { StoredMention };
