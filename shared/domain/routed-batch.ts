import type { CaseEvent, MentionRouted, MentionsRouted } from './events.ts';
import type { EventPublisher } from './ports.ts';

/**
 * Largest detail of one `Mentions Routed` entry, in bytes of its JSON: PutEvents takes at
 * most 256 KB per entry (and per request); the rest is room for the entry's other fields
 * and the envelope the rule adds when it delivers the event to a queue.
 */
export const MAX_ROUTED_DETAIL_BYTES = 240 * 1024;

/** The routed mentions and case changes one intake record produced, under the key that names the record. */
export interface RoutedOfRecord {
  readonly key: string;
  readonly routed: readonly MentionRouted[];
  /** `Case Assigned`, `Case Routing Applied`, ...: one entry each, as the case lifecycle made them. */
  readonly caseEvents?: readonly CaseEvent[];
}

/**
 * The routed mentions of one intake batch as `Mentions Routed` details: one per department
 * and role, in the order the mentions came, a detail split when its JSON would pass
 * `maxBytes`. A mention routed twice in one batch (the same message delivered twice) goes
 * in once. Pure.
 *
 * @example
 * routedBatchesOf('acme', [a, b, c]); // a, c for sales as primary; b for legal as cc: two details
 */
export function routedBatchesOf(
  companyId: string,
  events: readonly MentionRouted[],
  maxBytes = MAX_ROUTED_DETAIL_BYTES,
): MentionsRouted[] {
  const open = new Map<string, { detail: MentionsRouted & { mentions: MentionRouted[] }; bytes: number }>();
  const batches: MentionsRouted[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const group = `${event.department}\u0000${event.role}`;
    if (seen.has(`${group}\u0000${event.mentionId}`)) continue;
    seen.add(`${group}\u0000${event.mentionId}`);
    // The JSON of a detail is its header, the mentions joined by commas, and the closing brackets.
    const bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
    const current = open.get(group);
    if (current && current.bytes + bytes <= maxBytes) {
      current.detail.mentions.push(event);
      current.bytes += bytes;
      continue;
    }
    const detail = { companyId, department: event.department, role: event.role, mentions: [event] };
    batches.push(detail);
    open.set(group, { detail, bytes: Buffer.byteLength(JSON.stringify({ ...detail, mentions: [] })) + bytes });
  }
  return batches;
}

/**
 * Publishes what one intake batch produced: its routed mentions as `Mentions Routed` entries
 * (one per department and role instead of one per mention and department: EventBridge bills
 * each entry) and its case changes one entry each (a change delivered twice in the batch
 * once), all in the same PutEvents calls of up to 10 entries; and says which records could
 * not be published.
 *
 * @returns the keys of the records with a mention or a case change in an entry the bus
 *   still refused after the publisher's retries (they must fail, so SQS delivers them
 *   again), the last cause, and how many case changes the publisher withheld because
 *   nothing consumes them (case-event-publishing.ts: no failure, for the batch line)
 */
export async function publishRoutedBatch(
  records: readonly RoutedOfRecord[],
  deps: { readonly companyId: string; readonly events: Pick<EventPublisher, 'publishMentionsRouted'> },
): Promise<{ readonly failed: ReadonlySet<string>; readonly cause?: Error; readonly withheldCaseEvents: number }> {
  const batches = routedBatchesOf(
    deps.companyId,
    records.flatMap((r) => r.routed),
  );
  const caseEvents = [...new Map(records.flatMap((r) => r.caseEvents ?? []).map((e) => [caseEventKey(e), e])).values()];
  if (batches.length === 0 && caseEvents.length === 0) return { failed: new Set(), withheldCaseEvents: 0 };
  const outcome = await deps.events.publishMentionsRouted(batches, caseEvents);
  const refused = new Set(outcome.failed.flatMap((b) => b.mentions.map((m) => `${m.department}\u0000${m.mentionId}`)));
  const refusedChanges = new Set((outcome.failedCaseEvents ?? []).map(caseEventKey));
  const failed = new Set(
    records
      .filter(
        (r) =>
          r.routed.some((m) => refused.has(`${m.department}\u0000${m.mentionId}`)) ||
          (r.caseEvents ?? []).some((e) => refusedChanges.has(caseEventKey(e))),
      )
      .map((r) => r.key),
  );
  return {
    failed,
    withheldCaseEvents: outcome.withheldCaseEvents ?? 0,
    ...(outcome.cause ? { cause: outcome.cause } : {}),
  };
}

/** A case change is one transition of one case. */
function caseEventKey(event: CaseEvent): string {
  return `${event.caseId}\u0000${event.transitionId}`;
}
