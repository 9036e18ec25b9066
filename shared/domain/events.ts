import * as z from './zod-mini.ts';
import { CASE_ACTIONS, CASE_STATES, type CaseAction } from './case.ts';
import { SPIKE_DIMENSIONS } from './insights.ts';
import { CATEGORIES, PlatformSchema, PRIORITIES, SENTIMENTS } from './mention.ts';

// Every schema here is built at its first parse (z.lazy), not at import: each function
// imports this file, most parse one or two of its schemas, and building them all cost
// every cold import 2-3 ms (issue 12). A lazy schema checks exactly what its inner one does.

/** The `source` of every event Backchannel puts on a company's bus. */
export const EVENT_SOURCE = 'backchannel';

export const DETAIL_TYPES = {
  mentionRouted: 'Mention Routed',
  /** The routed mentions of one intake batch for one department and role (MentionsRoutedSchema). */
  mentionsRouted: 'Mentions Routed',
  spikeDetected: 'Spike Detected',
  erasureRequested: 'Erasure Requested',
} as const;

/** The detail-type of each case change on the bus. */
export const CASE_DETAIL_TYPES = {
  assign: 'Case Assigned',
  wait: 'Case Waiting',
  respond: 'Case Responded',
  resolve: 'Case Resolved',
  reopen: 'Case Reopened',
  resume: 'Case Resumed',
  escalate: 'Case Escalated',
  'warn-sla': 'Case SLA Warning',
  'breach-sla': 'Case SLA Breached',
  'draft-reply': 'Reply Drafted',
  'approve-reply': 'Reply Approved',
  'send-reply': 'Reply Sending',
  'publish-reply': 'Reply Published',
  'fail-reply': 'Reply Failed',
  reroute: 'Case Rerouted',
  'apply-routing': 'Case Routing Applied',
  tag: 'Case Tagged',
} as const satisfies Record<CaseAction, string>;
export type CaseDetailType = (typeof CASE_DETAIL_TYPES)[CaseAction];

/**
 * Detail of `Mention Routed`: one per receiving department. This is public contract:
 * other consumers on the bus read it, so fields are only ever added.
 */
export const MentionRoutedSchema = z.lazy(() =>
  z.object({
    companyId: z.string(),
    mentionId: z.string(),
    caseId: z.string(),
    department: z.string(),
    role: z.enum(['primary', 'cc']),
    platform: PlatformSchema,
    category: z.enum(CATEGORIES),
    sentiment: z.enum(SENTIMENTS),
    priority: z.enum(PRIORITIES),
    urgency: z.number().check(z.gte(0), z.lte(1)),
    language: z.string(),
    authorId: z.string(),
    /** The author's display name and handle, and the mention's link on the platform, when known (for notifications). */
    authorName: z.optional(z.string()),
    authorHandle: z.optional(z.string()),
    url: z.optional(z.string()),
    text: z.string(),
    createdAt: z.iso.datetime(),
    routedAt: z.iso.datetime(),
    reasons: z.array(z.string()),
    /**
     * What the classifier saw, one short line per decision (`category complaint (54%): word
     * "kaputt", ...`; shared/domain/classifier-reasons.ts). They quote the text: erased with it.
     */
    classifierReasons: z.optional(z.array(z.string())),
    /** Tags the routing rules added. */
    tags: z.optional(z.array(z.string())),
    /** Nobody replies in public before someone approves the answer. */
    requireApproval: z.optional(z.boolean()),
    /** Ids of the routing rules that matched, in order (the reasons say why). */
    matchedRules: z.optional(z.array(z.string())),
    /** Likes, shares and replies the platform reported with the mention, where it reports them (insights rank ideas and projects by them). */
    reactions: z.optional(z.int().check(z.nonnegative())),
    /** Key accounts the mention names, each with its account owner. */
    keyAccounts: z.optional(
      z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          owner: z.object({ name: z.string(), email: z.optional(z.string()) }),
        }),
      ),
    ),
  }),
);
export type MentionRouted = z.infer<typeof MentionRoutedSchema>;

/** The EventBridge envelope as it arrives in a department queue. */
export const MentionRoutedEnvelopeSchema = z.lazy(() =>
  z.object({
    'detail-type': z.literal(DETAIL_TYPES.mentionRouted),
    source: z.literal(EVENT_SOURCE),
    detail: MentionRoutedSchema,
  }),
);

/**
 * Detail of `Mentions Routed`: the mentions one intake batch routed to one department in
 * one role, each exactly as a `Mention Routed` detail would carry it. classify-mention
 * publishes one per department and role per batch (split when a detail would grow past
 * the entry limit) instead of one `Mention Routed` per mention: EventBridge bills every
 * entry. `department` and `role` are on top, so the department rules and the insights
 * rule filter it as they filter `Mention Routed`. Public contract.
 */
export const MentionsRoutedSchema = z.lazy(() =>
  z
    .object({
      companyId: z.string(),
      department: z.string(),
      role: z.enum(['primary', 'cc']),
      mentions: z.array(MentionRoutedSchema).check(z.minLength(1)),
    })
    .check(
      z.refine((d) => d.mentions.every((m) => m.department === d.department && m.role === d.role), {
        message: 'every mention must name the batch department and role',
        path: ['mentions'],
      }),
    ),
);
export type MentionsRouted = z.infer<typeof MentionsRoutedSchema>;

/** `Mentions Routed` as it arrives in a department queue or the insights queue. */
export const MentionsRoutedEnvelopeSchema = z.lazy(() =>
  z.object({
    'detail-type': z.literal(DETAIL_TYPES.mentionsRouted),
    source: z.literal(EVENT_SOURCE),
    detail: MentionsRoutedSchema,
  }),
);

/** A routed-mention message of either shape: one mention (still draining, or replayed from the archive) or a batch. */
export const RoutedEnvelopeSchema = z.lazy(() => z.union([MentionRoutedEnvelopeSchema, MentionsRoutedEnvelopeSchema]));
export type RoutedEnvelope = z.infer<typeof RoutedEnvelopeSchema>;

/** The routed mentions a message carries, in order: one for `Mention Routed`, the batch's for `Mentions Routed`. */
export function routedMentionsOf(envelope: RoutedEnvelope): readonly MentionRouted[] {
  return 'mentions' in envelope.detail ? envelope.detail.mentions : [envelope.detail];
}

/**
 * Detail of every case change (`Case Assigned`, `Case Responded`, `Case Resolved`,
 * `Case Escalated`, ... see CASE_DETAIL_TYPES). Public contract, like `Mention Routed`.
 * `recipients` are the departments to notify: each department's bus rule forwards the
 * events that name it to its queue. Consumers dedupe by `transitionId`: an event may be
 * published again after a crash between the write and the publish.
 */
export const CaseEventSchema = z.lazy(() =>
  z.object({
    companyId: z.string(),
    caseId: z.string(),
    transitionId: z.string(),
    action: z.enum(CASE_ACTIONS),
    from: z.enum(CASE_STATES),
    to: z.enum(CASE_STATES),
    at: z.iso.datetime(),
    actor: z.string(),
    /** The case's department after the change. */
    department: z.string(),
    recipients: z.array(z.string()),
    platform: PlatformSchema,
    category: z.enum(CATEGORIES),
    priority: z.enum(PRIORITIES),
    dueAt: z.iso.datetime(),
    assignee: z.optional(z.string()),
    firstResponseAt: z.optional(z.iso.datetime()),
    responseMinutes: z.optional(z.number()),
    resolutionMinutes: z.optional(z.number()),
    /** The history entry's detail: reason, target departments, reply id, ... */
    detail: z.optional(z.record(z.string(), z.string())),
  }),
);
export type CaseEvent = z.infer<typeof CaseEventSchema>;

/** A case event as it arrives in a department queue. */
export const CaseEventEnvelopeSchema = z.lazy(() =>
  z.object({
    'detail-type': z.enum(Object.values(CASE_DETAIL_TYPES) as [CaseDetailType, ...CaseDetailType[]]),
    source: z.literal(EVENT_SOURCE),
    detail: CaseEventSchema,
  }),
);

/** What a department queue carries: a routed mention or a case change that names the department. */
export const DepartmentEnvelopeSchema = z.lazy(() =>
  z.union([MentionRoutedEnvelopeSchema, MentionsRoutedEnvelopeSchema, CaseEventEnvelopeSchema]),
);
export type DepartmentEnvelope = z.infer<typeof DepartmentEnvelopeSchema>;

/**
 * Detail of `Spike Detected`: a dimension value (a category, a theme, a platform) surged
 * far above its own baseline for that hour of the week. Published once per spike (the hours
 * a surge goes on are added to the same spike, not published again). Public contract.
 */
export const SpikeDetectedSchema = z.lazy(() =>
  z.object({
    companyId: z.string(),
    spikeId: z.string(),
    dimension: z.enum(SPIKE_DIMENSIONS),
    /** The category, theme id or platform. */
    value: z.string(),
    /** Readable name: the category, the theme's label, the platform. */
    label: z.string(),
    /** Start of the hour that surged (UTC). */
    hour: z.iso.datetime(),
    detectedAt: z.iso.datetime(),
    /** Mentions in the hour, and how many its baseline expected. */
    observed: z.int().check(z.nonnegative()),
    expected: z.number().check(z.nonnegative()),
    /** Probability of at least `observed` mentions under the baseline. */
    probability: z.number().check(z.gte(0), z.lte(1)),
    /** Departments whose cases hold the surge's mentions (primary department). */
    departments: z.array(z.string()),
    /** Cases of the surge's mentions (at most 200), each tagged `spike:<spikeId>`. */
    caseIds: z.array(z.string()),
  }),
);
export type SpikeDetected = z.infer<typeof SpikeDetectedSchema>;

/**
 * Detail of `Erasure Requested`: an admin asked to erase an author (GDPR art. 17). The
 * `erasures` rule sends it to the erasure queue, whose job (functions/erase-author) erases;
 * a company's own systems may subscribe to erase the person there too. It names the author
 * only by pseudonym (SHA-256 of `<platform>:<authorId>`). Public contract.
 */
export const ErasureRequestedSchema = z.lazy(() =>
  z.object({
    requestId: z.string().check(z.minLength(1), z.maxLength(200)),
    subject: z.string(),
    dryRun: z.boolean(),
  }),
);
export type ErasureRequested = z.infer<typeof ErasureRequestedSchema>;

/**
 * A message of the erasure queue: the bus's `Erasure Requested` event as its rule delivers
 * it, or erase-author's continuation of a job that ran out of time (the same shape).
 */
export const ErasureMessageSchema = z.lazy(() =>
  z.object({
    source: z.literal(EVENT_SOURCE),
    'detail-type': z.literal(DETAIL_TYPES.erasureRequested),
    detail: ErasureRequestedSchema,
  }),
);
export type ErasureMessage = z.infer<typeof ErasureMessageSchema>;
