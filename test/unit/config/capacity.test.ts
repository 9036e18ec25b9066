import { describe, expect, it } from 'vitest';
import { buildTopology, type FunctionSpec, type Trigger } from '../../../infra/topology.ts';
import { DEFAULT_CAPACITY } from '../../../shared/config/capacity.ts';
import { CompanyConfigSchema } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';

type SqsTrigger = Extract<Trigger, { type: 'sqs' }>;

const fn = (functions: readonly FunctionSpec[], id: string) => functions.find((f) => f.id === id) as FunctionSpec;
const concurrencyOf = (functions: readonly FunctionSpec[], id: string) =>
  fn(functions, id).triggers.map((t) => (t as SqsTrigger).maxConcurrency);
const batchOf = (functions: readonly FunctionSpec[], id: string) =>
  fn(functions, id).triggers.map((t) => [(t as SqsTrigger).batchSize, (t as SqsTrigger).maxBatchingWindowSeconds]);

/** The config without its capacity section, as most company files are written. */
function withoutCapacity(): unknown {
  const { capacity: _capacity, ...rest } = demoConfig();
  return rest;
}

describe('the capacity of a company (config capacity -> topology)', () => {
  it('gives a config without a capacity section the default throttle and concurrency, and reserves 20 for ingest only (its function URL has no API throttle)', () => {
    const config = CompanyConfigSchema.parse(withoutCapacity());

    const topology = buildTopology(config);

    expect(config.capacity).toEqual(DEFAULT_CAPACITY);
    expect(topology.http.throttle).toEqual({ rateLimit: 200, burstLimit: 400 });
    expect(concurrencyOf(topology.functions, 'classify-mention')).toEqual([20]);
    expect(concurrencyOf(topology.functions, 'record-insights')).toEqual([5]);
    expect(new Set(concurrencyOf(topology.functions, 'handle-department'))).toEqual(new Set([5]));
    expect(
      topology.functions.filter((f) => f.reservedConcurrency !== undefined).map((f) => [f.id, f.reservedConcurrency]),
    ).toEqual([['ingest-webhook', 20]]);
  });

  it('gives a config without a capacity section intake batches of 50 and department and insights batches of 10, each with a 1 s window', () => {
    const config = CompanyConfigSchema.parse(withoutCapacity());

    const topology = buildTopology(config);

    expect(batchOf(topology.functions, 'classify-mention')).toEqual([[50, 1]]);
    expect(new Set(batchOf(topology.functions, 'handle-department').map(String))).toEqual(new Set(['10,1']));
    expect(batchOf(topology.functions, 'record-insights')).toEqual([[10, 1]]);
  });

  it("takes the company's batch sizes for each consumer", () => {
    const config = CompanyConfigSchema.parse({
      ...(withoutCapacity() as object),
      capacity: { batchSize: { classify: 100, departments: 25, insights: 40 } },
    });

    const topology = buildTopology(config);

    expect(batchOf(topology.functions, 'classify-mention')).toEqual([[100, 1]]);
    expect(new Set(batchOf(topology.functions, 'handle-department').map(String))).toEqual(new Set(['25,1']));
    expect(batchOf(topology.functions, 'record-insights')).toEqual([[40, 1]]);
  });

  it('refuses an intake batch above 100 (a department message would hold more mentions than its timeout allows) and says where', () => {
    const result = CompanyConfigSchema.safeParse({
      ...(withoutCapacity() as object),
      capacity: { batchSize: { classify: 101 } },
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['capacity', 'batchSize', 'classify']);
  });

  it("takes the company's throttle, ingest's reserved concurrency and each consumer's maximum concurrency", () => {
    const config = CompanyConfigSchema.parse({
      ...(withoutCapacity() as object),
      capacity: {
        api: { rateLimit: 2500, burstLimit: 5000 },
        concurrency: { ingest: 100, classify: 60, departments: 10, insights: 4 },
      },
    });

    const topology = buildTopology(config);

    expect(topology.http.throttle).toEqual({ rateLimit: 2500, burstLimit: 5000 });
    expect(fn(topology.functions, 'ingest-webhook').reservedConcurrency).toBe(100);
    expect(concurrencyOf(topology.functions, 'classify-mention')).toEqual([60]);
    expect(new Set(concurrencyOf(topology.functions, 'handle-department'))).toEqual(new Set([10]));
    expect(concurrencyOf(topology.functions, 'record-insights')).toEqual([4]);
  });

  it('refuses a maximum concurrency that Lambda does not take (below 2) and says where', () => {
    const result = CompanyConfigSchema.safeParse({
      ...(withoutCapacity() as object),
      capacity: { concurrency: { classify: 1 } },
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['capacity', 'concurrency', 'classify']);
  });
});
