/**
 * The AWS requests one mention makes, by operation, for the throughput bench's ceiling rows:
 * what a local backend alone can serve when it is sent the pipeline's requests and nothing else.
 */

/** Requests per mention, by operation (fractions: a mean over many mentions). */
export type RequestMix = Readonly<Record<string, number>>;

/**
 * The functions' DynamoDB requests per mention, from `npm run bench:cost -- --mentions 200`
 * on main after round 18 (the lead's run, 200 mentions, 141 cases; docs/performance.md).
 */
export const DYNAMODB_MIX: RequestMix = { GetItem: 2.54, PutItem: 3.71, Query: 0.2, UpdateItem: 0.75 };

/**
 * SQS requests per mention from the same run: ingest-webhook's SendMessageBatch (1.00) and the
 * rules' deliveries of routed events (0.43; locally the bus sends them as SendMessageBatch),
 * and the event source mappings' ReceiveMessage (0.27) and DeleteMessageBatch (0.27). The
 * local pollers' empty receives (about one per queue and second when idle, Round w13) are
 * not in it.
 */
export const SQS_MIX: RequestMix = { SendMessageBatch: 1.43, ReceiveMessage: 0.27, DeleteMessageBatch: 0.27 };

export const requestsPerMention = (mix: RequestMix): number => Object.values(mix).reduce((a, b) => a + b, 0);

/**
 * The operations of `mentions` mentions in the order a load generator sends them: each
 * operation `round(rate x mentions)` times, spread evenly over the sequence (the one furthest
 * behind its share goes next; ties by the mix's order), so that any stretch of it holds the mix.
 */
export function scheduleOf(mix: RequestMix, mentions: number): string[] {
  const operations = Object.entries(mix).map(([name, rate]) => ({ name, total: Math.round(rate * mentions), sent: 0 }));
  const length = operations.reduce((sum, op) => sum + op.total, 0);
  const schedule: string[] = [];
  for (let n = 0; n < length; n++) {
    let next: (typeof operations)[number] | undefined;
    let lag = Number.NEGATIVE_INFINITY;
    for (const op of operations) {
      if (op.sent === op.total) continue;
      // How far behind its even share after n + 1 requests.
      const behind = (op.total * (n + 1)) / length - op.sent;
      if (behind > lag) {
        lag = behind;
        next = op;
      }
    }
    if (!next) break;
    next.sent++;
    schedule.push(next.name);
  }
  return schedule;
}

/**
 * Requests per second a backend can serve with `cores` cores to itself, from the CPU it spent
 * per request (undefined without a reading): the ceiling when the client is not what waits.
 */
export function requestsPerSecondOnCores(cpuMsPerRequest: number | undefined, cores = 1): number | undefined {
  if (cpuMsPerRequest === undefined || !(cpuMsPerRequest > 0)) return undefined;
  return (cores * 1000) / cpuMsPerRequest;
}

/** The mentions per second that `requestsPerSecond` of `mix` allow. */
export const mentionsPerSecond = (requestsPerSecond: number, mix: RequestMix): number =>
  requestsPerSecond / requestsPerMention(mix);
