import type { MentionRouted } from './events.ts';
import type { CaseRepository, Clock, DeliveryClaimRequest } from './ports.ts';
import { routedMentionFields, type ReportTallies } from './reports/tallies.ts';
import { dayIn, expiresAtEpochSeconds } from './time.ts';

export interface RecordRoutedMentionDeps {
  readonly timezone: string;
  readonly retentionDays: number;
  readonly cases: CaseRepository;
  readonly clock: Clock;
  /**
   * The reports' tallies (primary vs cc, by category, platform and sentiment); they also
   * give the day x department x category counts (`countersOfTally`). handle-department
   * passes a `TallyBatch`, which writes them once per SQS batch.
   */
  readonly tallies: Pick<ReportTallies, 'tally'>;
}

/**
 * A department receives a routed mention.
 *
 * 1. record the mention on the department's case (conditional: once per mention and department)
 * 2. only if it was new, add it to the department's tally of the day (primary mentions by
 *    category, platform and sentiment; cc copies apart), so a redelivered event is not
 *    counted twice. The tally replaces the day x department x category counter items,
 *    which held the same counts in one more write per mention.
 *
 * `claim`: the record is written holding the claim of the mention's notification (recordMention).
 *
 * @returns false when the mention had been recorded before (a redelivery)
 */
export async function recordRoutedMention(
  event: MentionRouted,
  deps: RecordRoutedMentionDeps,
  claim?: DeliveryClaimRequest,
): Promise<boolean> {
  const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
  const recorded = await deps.cases.recordMention(event, expiresAt, claim);
  if (!recorded) return false;
  await deps.tallies.tally(tallyDayOf(event, deps.timezone), event.department, routedMentionFields(event));
  return true;
}

/**
 * The company day whose tally a routed mention counts in: the day of its `createdAt` in the
 * company's timezone. A batch settles the mention's notification in its item of that day
 * (BatchNotificationClaims.markOf), so the settlement and the tally are one write.
 */
export function tallyDayOf(event: Pick<MentionRouted, 'createdAt'>, timezone: string): string {
  return dayIn(new Date(event.createdAt), timezone);
}
