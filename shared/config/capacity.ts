import { z } from 'zod';

/**
 * How much of the account one company's stack may take, and how fast its webhooks may come:
 * the HTTP API's throttle and the concurrency of each consumer. Both backends read it
 * through the topology: the CDK stack as the stage throttle, SQS event source maximum
 * concurrency and reserved concurrency; the local runtime as parallel batches per queue.
 * docs/capacity.md explains the defaults and when to change them.
 */

/** Lambda's SQS event source takes a maximum concurrency of 2 to 1,000. */
const eventSourceConcurrency = z.number().int().min(2).max(1000);

export const DEFAULT_CAPACITY = {
  api: { rateLimit: 200, burstLimit: 400 },
  concurrency: { classify: 20, departments: 5, insights: 5 },
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
      .meta({ description: 'the throttle of the HTTP API stage (webhooks and admin API)' }),
    concurrency: z
      .strictObject({
        ingest: z.number().int().min(1).optional().meta({
          description:
            "reserved concurrency of ingest-webhook: kept free for this company's webhooks whatever else the account runs, and its ceiling (default none: the account's shared pool)",
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
  })
  .default(DEFAULT_CAPACITY)
  .meta({ description: 'throughput limits of the stack: the API throttle and the concurrency per function' });

export type CapacityConfig = z.infer<typeof CapacitySchema>;
