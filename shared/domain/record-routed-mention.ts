import type { MentionRouted } from './events.ts';
import type { CaseRepository, Clock, MetricRepository } from './ports.ts';
import { routedMentionFields, type ReportTallies } from './reports/tallies.ts';
import { dayIn, expiresAtEpochSeconds } from './time.ts';

export interface RecordRoutedMentionDeps {
  readonly timezone: string;
  readonly retentionDays: number;
  readonly cases: CaseRepository;
  readonly metrics: MetricRepository;
  readonly clock: Clock;
  /** The reports' tallies (primary vs cc, platform, sentiment); without it only the category counter is kept. */
  readonly tallies?: Pick<ReportTallies, 'tally'>;
}

/**
 * A department receives a routed mention.
 *
 * 1. record the mention on the department's case (conditional: once per mention and department)
 * 2. only if it was new, add one to the day x department x category counter, so a
 *    redelivered event is not counted twice, and to the reports' tally (one more write:
 *    primary mentions by category, platform and sentiment; cc copies apart)
 *
 * @returns false when the mention had been recorded before (a redelivery)
 */
export async function recordRoutedMention(event: MentionRouted, deps: RecordRoutedMentionDeps): Promise<boolean> {
  const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
  const recorded = await deps.cases.recordMention(event, expiresAt);
  if (!recorded) return false;
  const day = dayIn(new Date(event.createdAt), deps.timezone);
  await deps.metrics.increment(day, event.department, event.category, 1);
  await deps.tallies?.tally(day, event.department, routedMentionFields(event));
  return true;
}
