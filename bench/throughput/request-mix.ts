/**
 * The AWS requests one mention makes, by operation, for the throughput bench's ceiling rows:
 * what a local backend alone can serve when it is sent the pipeline's requests and nothing else.
 */

/** Requests per mention, by operation (fractions: a mean over many mentions). */
export type RequestMix = Readonly<Record<string, number>>;

/**
 * The functions' DynamoDB requests per mention, from `npm run bench:cost -- --mentions 200 --detail`
 * on main after round 21 (the lead's quiet run, 200 mentions, 141 cases; docs/performance.md
 * "Round w21: after the merge"). Round 18's mix (GetItem 2.54, PutItem 3.71, Query 0.20,
 * UpdateItem 0.75: 7.20) was sent until round 22; since round 21 the SQS-triggered functions
 * read a batch's items in one BatchGetItem of BATCH_GET_KEYS keys.
 */
export const DYNAMODB_MIX: RequestMix = {
  BatchGetItem: 0.23,
  GetItem: 0.04,
  PutItem: 3.75,
  Query: 0.21,
  UpdateItem: 0.47,
};

/**
 * Keys per BatchGetItem call: 11.64 in `npm run bench:cost -- --mentions 200` (round 22, which
 * prints it; 2.44 keys per mention): a classify batch's threads' cases, a department batch's
 * cases, an insights batch's earlier theme claims.
 */
export const BATCH_GET_KEYS = 12;

/**
 * SQS requests per mention from the same run: ingest-webhook's SendMessageBatch (1.00) and the
 * rules' deliveries of routed events (0.46; locally the bus sends them as SendMessageBatch),
 * and the event source mappings' ReceiveMessage (0.30) and DeleteMessageBatch (0.30). The
 * local pollers' empty receives (about one per queue and second when idle, Round w13) are
 * not in it.
 */
export const SQS_MIX: RequestMix = { SendMessageBatch: 1.46, ReceiveMessage: 0.3, DeleteMessageBatch: 0.3 };

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
