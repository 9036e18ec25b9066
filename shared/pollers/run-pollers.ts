import { z } from 'zod';
import { ValidationError } from '../domain/errors.ts';
import type { Platform } from '../domain/mention.ts';
import { PlatformRequestError } from './errors.ts';
import { pollFeed, type PollFeedDeps, type PollOutcome } from './poll-feed.ts';
import type { MentionFeed } from '../domain/pollers/ports.ts';

/** A poller schedule's input: which platform, and Scheduler's `<aws.scheduler.scheduled-time>`. */
export const PollInputSchema = z.strictObject({
  poll: z.string().min(1),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});
export type PollInput = z.infer<typeof PollInputSchema>;

export interface PollFailure {
  readonly source: string;
  readonly error: unknown;
}

export interface PollRun {
  readonly platform: Platform;
  readonly outcomes: readonly PollOutcome[];
  readonly failures: readonly PollFailure[];
}

/** One or more listings of a run failed; the others completed and kept their cursors. */
export class PollRunError extends Error {
  constructor(readonly run: PollRun) {
    const first = run.failures[0]?.error;
    super(
      `${run.platform}: ${run.failures.length} of ${run.failures.length + run.outcomes.length} listing(s) failed; first: ${first instanceof Error ? first.message : String(first)}`,
      { cause: first },
    );
    this.name = 'PollRunError';
  }
}

/**
 * Runs a platform's listings one after the other within one deadline (a company's YouTube
 * channels, say). A listing that fails does not stop the others.
 *
 * 1. validate the schedule's input: its `poll` must name this platform
 * 2. poll each listing from its cursor (pollFeed)
 * 3. collect outcomes and failures
 *
 * @throws ValidationError for an input of another shape or platform (a deployment error)
 * @throws PollRunError after every listing was tried, when any failed
 */
export async function runPollers(
  platform: Platform,
  input: unknown,
  feeds: readonly MentionFeed[],
  deps: PollFeedDeps,
): Promise<PollRun> {
  const parsed = PollInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      `poll-${platform} input is not a poll request`,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  if (parsed.data.poll !== platform)
    throw new ValidationError(`poll-${platform} was asked to poll "${parsed.data.poll.slice(0, 40)}"`);

  const outcomes: PollOutcome[] = [];
  const failures: PollFailure[] = [];
  for (const feed of feeds) {
    try {
      outcomes.push(await pollFeed(feed, deps));
    } catch (error) {
      failures.push({ source: feed.source, error });
    }
  }
  const run = { platform, outcomes, failures };
  if (failures.length > 0) throw new PollRunError(run);
  return run;
}

/** Whether the platform refused the credentials (so they are read again next run). */
export function isCredentialError(error: unknown): boolean {
  return error instanceof PlatformRequestError && (error.status === 401 || error.status === 403);
}
