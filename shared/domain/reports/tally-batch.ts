import { retry } from '../retry.ts';
import type { ReportTallies, Tally } from './tallies.ts';

/**
 * Pauses before adding a batch's tallies again (0.2 s, 1 s, 3 s), like a sent-marker's:
 * the mentions they count are recorded already, so a redelivery would not count them
 * again, and a write given up is a count lost.
 */
export const TALLY_FLUSH_DELAYS_MS: readonly number[] = [200, 1_000, 3_000];

/**
 * The tally fields of one SQS batch, summed per day and department, so that each tally item
 * gets one `ADD` per batch instead of one per mention.
 *
 * It stands in for the tallies while the batch's records are handled (`tally` only adds up
 * in memory) and `flush` writes the sums at the end. Idempotency stays where it was: a
 * mention is added only by the record that first recorded it on its case (the conditional
 * case-mention write), so a redelivered record adds nothing here.
 */
export class TallyBatch implements Pick<ReportTallies, 'tally'> {
  private readonly sums = new Map<string, { day: string; department: string; fields: Record<string, number> }>();

  async tally(day: string, department: string, fields: Readonly<Record<string, number>>): Promise<void> {
    const key = `${day}\u0000${department}`;
    const entry = this.sums.get(key) ?? { day, department, fields: {} };
    for (const [name, value] of Object.entries(fields)) entry.fields[name] = (entry.fields[name] ?? 0) + value;
    this.sums.set(key, entry);
  }

  /**
   * The sums of each day and department (fields that sum to zero left out, days and
   * departments with none left out), and empties the batch: for a writer that takes some of
   * them elsewhere (the batch's settlements, BatchNotificationClaims.flush) before `flush`.
   */
  take(): Tally[] {
    const entries = [...this.sums.values()];
    this.sums.clear();
    return entries
      .map(({ day, department, fields }) => ({ day, department, fields: Object.fromEntries(nonZero(fields)) }))
      .filter((entry) => Object.keys(entry.fields).length > 0);
  }

  /**
   * Writes each day and department's sums (of `entries`, default all the batch holds: `take`)
   * in one `tally` call, each retried after the pauses of `delaysMs`, and empties the batch.
   * Every write is tried even when one failed.
   *
   * @throws AggregateError of the writes that failed after their last try (their counts are lost)
   */
  async flush(
    tallies: Pick<ReportTallies, 'tally'>,
    delaysMs: readonly number[] = TALLY_FLUSH_DELAYS_MS,
    sleep?: (ms: number) => Promise<void>,
    entries: readonly Tally[] = this.take(),
  ): Promise<void> {
    const failures: unknown[] = [];
    for (const { day, department, fields } of entries) {
      await retry(() => tallies.tally(day, department, fields), {
        maxAttempts: delaysMs.length + 1,
        delayMs: (attempt) => delaysMs[attempt - 1],
        ...(sleep ? { sleep } : {}),
      }).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0)
      throw new AggregateError(failures, `${failures.length} of ${entries.length} tally writes failed`);
  }
}

function nonZero(fields: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(fields).filter(([, value]) => value !== 0);
}
