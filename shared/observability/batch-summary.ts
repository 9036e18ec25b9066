import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { logger } from './powertools.ts';

/**
 * One INFO line per batch instead of one per record: how many records ended how, and each
 * mention's id with what it led to (its case, its theme). CloudWatch Logs bills every byte,
 * and each line carries some 300 bytes of Powertools' keys, so a line per record was most of
 * what a mention cost in logs. A mention stays traceable: its id is in the line of every
 * function that handled it (`filter @message like "<mentionId>"` in Logs Insights), and the
 * per-record lines are still written at DEBUG.
 *
 * @example
 * ```ts
 * const summary = new BatchSummary();
 * summary.add('routed', mention.id, outcome.caseId);
 * summary.log('Mentions classified', { records: event.Records.length });
 * // {"message":"Mentions classified","records":10,"counts":{"routed":10},"mentions":{"facebook:1_2":"case_3", ...}}
 * ```
 */
export class BatchSummary {
  private readonly counts: Record<string, number> = {};
  private readonly mentions: Record<string, string> = {};

  /** Counts one record (or mention) under `outcome`; with a mention id, names the mention and what it led to. */
  add(outcome: string, mentionId?: string, led?: string): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
    if (mentionId !== undefined) this.mentions[mentionId] = led ?? outcome;
  }

  /** Logs the batch's line at INFO with the counts and the named mentions (if any); nothing when nothing was added. */
  log(message: string, attributes: LogAttributes = {}): void {
    if (Object.keys(this.counts).length === 0) return;
    const named = Object.keys(this.mentions).length > 0 ? { mentions: this.mentions } : {};
    logger.info(message, { ...attributes, counts: this.counts, ...named });
  }
}
