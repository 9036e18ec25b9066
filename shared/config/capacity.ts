import { z } from 'zod';

/**
 * How much of the account one company's stack may take, and how fast its webhooks may come:
 * the HTTP API's throttle, ingest's reserved concurrency (the webhooks' throttle), the concurrency of each consumer and the batch size of each SQS
 * trigger. Both backends read it through the topology: the CDK stack as the stage throttle,
 * SQS event source maximum concurrency, batch size and reserved concurrency; the local
 * runtime as parallel batches per queue and its pollers' batches. docs/capacity.md explains
 * the defaults and when to change them.
 */

/** Lambda's SQS event source takes a maximum concurrency of 2 to 1,000. */
const eventSourceConcurrency = z.number().int().min(2).max(1000);

/**
 * Lambda's SQS event source takes 1 to 10,000 records per batch (above 10 only with a
 * batching window of at least 1 s, which every trigger has). Bounded at 100 here: a department
 * message carries up to an intake batch's mentions, handled one after the other within
 * handle-department's 30 s timeout (docs/capacity.md), and a batch's records are processed at once.
 */
const eventSourceBatchSize = z.number().int().min(1).max(100);

export const DEFAULT_CAPACITY = {
  api: { rateLimit: 200, burstLimit: 400 },
  concurrency: { ingest: 20, classify: 20, departments: 5, insights: 5 },
  batchSize: { classify: 50, departments: 10, insights: 10 },
} as const;

export const CapacitySchema = z
  .strictObject({
    api: z
      .strictObject({
        rateLimit: z.number().int().positive().max(10_000).default(DEFAULT_CAPACITY.api.rateLimit).meta({
          description:
            "steady requests per second the HTTP API lets through before it answers 429 (platforms retry); the account's own limit is 10,000 across all APIs of the region",
        }),
        burstLimit: z
          .number()
          .int()
          .positive()
          .max(5_000)
          .default(DEFAULT_CAPACITY.api.burstLimit)
          .meta({ description: 'requests the HTTP API takes at once above the rate (token bucket size)' }),
      })
      .default(DEFAULT_CAPACITY.api)
      .meta({
        description:
          "the throttle of the HTTP API stage: the admin API, the console and the webhooks' old routes (webhooks now come through ingest's function URL, throttled by concurrency.ingest)",
      }),
    concurrency: z
      .strictObject({
        ingest: z.number().int().min(0).default(DEFAULT_CAPACITY.concurrency.ingest).meta({
          description:
            "reserved concurrency of ingest-webhook: kept free for this company's webhooks whatever else the account runs, and its ceiling. Webhooks reach ingest through its function URL, with no API throttle in front: Lambda answers 429 (the platforms retry) above this many requests at once or above 10 times this many requests per second. 20 lets 200 webhooks/s through, the HTTP API stage's old default; a company that can see a crisis raises it (docs/capacity.md). 0 reserves nothing and leaves the webhooks uncapped in the account's shared pool: for an account whose concurrency quota cannot hold a reservation (new accounts may start at 10)",
        }),
        classify: eventSourceConcurrency.default(DEFAULT_CAPACITY.concurrency.classify).meta({
          description:
            'most batches of the intake queue classified at once (the event source maximum concurrency; locally parallel batches)',
        }),
        departments: eventSourceConcurrency.default(DEFAULT_CAPACITY.concurrency.departments).meta({
          description: "most batches of each department's queue handled at once",
        }),
        insights: eventSourceConcurrency
          .default(DEFAULT_CAPACITY.concurrency.insights)
          .meta({ description: 'most batches of the insights queue recorded at once' }),
      })
      .default(DEFAULT_CAPACITY.concurrency)
      .meta({
        description:
          "how many Lambda instances each consumer may use at once: a crisis at this company cannot take the account's whole concurrency from others",
      }),
    batchSize: z
      .strictObject({
        classify: eventSourceBatchSize.default(DEFAULT_CAPACITY.batchSize.classify).meta({
          description:
            "most intake messages per classify-mention batch (its window is 1 s). classify-mention publishes one Mentions Routed entry per department and role per batch: batches of ~40 instead of ~9 cut EventBridge events per mention from 0.66 to 0.27, SQS requests from 3.35 to 1.97 and invocations from 1.6 to 1.18 (bench:cost, docs/performance.md Round w14). Batches fill above ~250 mentions/s in AWS (five pollers gather at once); 50 keeps an entry near one 64 KB billing chunk (~1.2 KB per mention) and a department message's mentions, handled one after the other, near 10 s of handle-department's 30 s timeout",
        }),
        departments: eventSourceBatchSize.default(DEFAULT_CAPACITY.batchSize.departments).meta({
          description:
            "most messages per handle-department batch of each department's queue: below ~10 messages per queue and second a larger size changes nothing (measured batches hold ~1-2); at a crisis it saves invocations, not SQS requests (a receive returns at most 10)",
        }),
        insights: eventSourceBatchSize
          .default(DEFAULT_CAPACITY.batchSize.insights)
          .meta({ description: 'most messages per record-insights batch of the insights queue' }),
      })
      .default(DEFAULT_CAPACITY.batchSize)
      .meta({
        description:
          'how many messages each SQS trigger hands its function at once (the event source batch size; locally the pollers gather them the same way, up to the 1 s window)',
      }),
  })
  .default(DEFAULT_CAPACITY)
  .meta({
    description: 'throughput limits of the stack: the API throttle, the concurrency per function and the batch sizes',
  });

export type CapacityConfig = z.infer<typeof CapacitySchema>;
