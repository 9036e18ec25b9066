import type { RecordInsightsDeps } from '../../functions/record-insights/handler.ts';
import type { Topology } from '../../infra/topology.ts';
import { DynamoRateStore, DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { startLocalTable } from './local-table.ts';

/**
 * The company table on dynalite with record-insights' dependencies over it (real SDK clients),
 * for the integration tests that drive its real batch handler; stop it with `local.backend.stop()`.
 */
export async function startInsightsTable(config: CompanyConfig, topology: Topology, now: string) {
  const local = await startLocalTable(topology.table);
  const themes = new DynamoThemeRepository(local.documents, topology.table.name);
  const rates = new DynamoRateStore(local.documents, topology.table.name);
  const deps: RecordInsightsDeps = {
    themes,
    rates,
    clock: fixedClock(now),
    timezone: config.company.timezone,
    retentionDays: 365,
  };
  return { local, themes, rates, deps };
}
