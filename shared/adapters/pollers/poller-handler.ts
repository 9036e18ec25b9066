import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseCompanyConfigJson } from '../../config/config-json.ts';
import { requireEnv, type FunctionEnv } from '../../config/runtime-env.ts';
import type { CompanyConfig } from '../../config/schema.ts';
import type { Platform } from '../../domain/mention.ts';
import { systemClock } from '../../domain/system-clock.ts';
import type { PollFeedDeps } from '../../pollers/poll-feed.ts';
import type { MentionFeed } from '../../domain/pollers/ports.ts';
import { isCredentialError, PollRunError, runPollers, type PollRun } from '../../pollers/run-pollers.ts';
import { observedHandler } from '../../observability/lambda-handler.ts';
import { logger, metrics } from '../../observability/powertools.ts';
import { createDocumentClient, createSecretsClient, createSqsClient } from '../aws-clients.ts';
import { DynamoCursorRepository } from '../dynamodb/cursor-repository.ts';
import { DEFAULT_HTTP_TIMEOUT_MS } from '../http-json.ts';
import { SqsIntakeQueue } from '../sqs-intake-queue.ts';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Time kept after the budget for Lambda to return: logs and metrics are flushed then. */
const RETURN_MARGIN_MS = 2_000;

/** What a poller function needs, built once per cold start. */
export interface PollerDeps {
  readonly feeds: readonly MentionFeed[];
  readonly poll: Omit<PollFeedDeps, 'deadline'>;
  /** Forgets the cached credentials, so a rotated secret is read on the next run. */
  readonly invalidateCredentials: () => void;
}

/** The parts every poller shares: config, queue, cursors, secrets client, clock and pacing. */
export function pollerBase(env: FunctionEnv): {
  config: CompanyConfig;
  secrets: SecretsManagerClient;
  secretName: string;
  poll: Omit<PollFeedDeps, 'deadline' | 'backfillHours'>;
} {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  return {
    config,
    secrets: createSecretsClient(env),
    secretName: requireEnv(env, 'POLLER_SECRET_NAME'),
    poll: {
      queue: new SqsIntakeQueue(createSqsClient(env), requireEnv(env, 'INTAKE_QUEUE_URL')),
      cursors: new DynamoCursorRepository(createDocumentClient(env), requireEnv(env, 'TABLE_NAME')),
      clock: systemClock,
      // One request's timeout plus the enqueue and the cursor write.
      pageReserveMs: DEFAULT_HTTP_TIMEOUT_MS + 3_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    },
  };
}

/**
 * Runs a platform's pollers for one schedule invocation within the function's remaining
 * time, then logs and counts what happened.
 * @throws ValidationError, PollRunError (see runPollers)
 */
export async function runPollerFunction(
  platform: Platform,
  event: unknown,
  remainingMs: number,
  deps: PollerDeps,
): Promise<PollRun> {
  const deadline = deps.poll.clock.now().getTime() + remainingMs - RETURN_MARGIN_MS;
  const poll: PollFeedDeps = {
    ...deps.poll,
    deadline,
    onRetry: ({ attempt, delayMs, error }) =>
      logger.warn('Platform request failed, backing off', {
        platform,
        attempt,
        delayMs,
        status: error.status,
        reason: error.message,
      }),
  };
  let run: PollRun;
  try {
    run = await runPollers(platform, event, deps.feeds, poll);
  } catch (error) {
    if (error instanceof PollRunError) {
      for (const failure of error.run.failures) {
        logger.error('Poller failed', { platform, source: failure.source, error: failure.error as Error });
        if (isCredentialError(failure.error)) deps.invalidateCredentials();
      }
      record(error.run);
      metrics.addMetric('PollersFailed', MetricUnit.Count, error.run.failures.length);
    }
    throw error;
  }
  record(run);
  return run;
}

function record(run: PollRun): void {
  for (const o of run.outcomes) {
    logger.info('Poller ran', {
      platform: o.platform,
      source: o.source,
      stoppedBy: o.stoppedBy,
      pages: o.pages,
      enqueued: o.enqueued,
      retries: o.retries,
      ignored: o.ignored,
      newest: o.cursor.newest?.at,
      sweeping: o.cursor.sweep !== undefined,
      // The run's one INFO line names its mentions: a polled mention's trace starts here.
      mentionIds: o.enqueuedIds,
    });
  }
  // Zeros included: a dashboard tells "nothing came" from "no data".
  metrics.addMetric(
    'MentionsEnqueued',
    MetricUnit.Count,
    run.outcomes.reduce((a, o) => a + o.enqueued, 0),
  );
  metrics.addMetric(
    'PollerPages',
    MetricUnit.Count,
    run.outcomes.reduce((a, o) => a + o.pages, 0),
  );
}

/** The Lambda handler of a poller; its dependencies are built on the first invocation. */
export function createPollerHandler(
  platform: Platform,
  env: FunctionEnv,
  dependenciesFrom: (env: FunctionEnv) => PollerDeps,
) {
  return observedHandler(
    () => dependenciesFrom(env),
    (event: unknown, deps, context): Promise<PollRun> =>
      runPollerFunction(platform, event, context.getRemainingTimeInMillis(), deps),
  );
}
