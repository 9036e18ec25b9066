import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../infra/local/backends.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import { startHistory, startHistoryOf } from '../../infra/local/history/start.ts';
import { buildTopology } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoRateStore, DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import { ThemeInsights } from '../../shared/domain/themes/index.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';

const config = demoConfig();
const NOW = new Date('2026-12-03T09:00:00Z');
const WEEKS = 2;
const PER_DAY = 30;

/**
 * A short history played with the insight layer attached, as `npm start -- --history` plays
 * it: the themes, the hourly rate counters and the defect marked on the fix date come from
 * the same use cases record-insights and detect-spikes run.
 */
describe('playing a history into the insight layer', () => {
  const table = buildTopology(config).table;
  const history = startHistoryOf(config, NOW, WEEKS, PER_DAY);
  const { plan } = history;
  let backend: LocalBackend;
  let log: string[];
  let themes: DynamoThemeRepository;
  let rates: DynamoRateStore;

  beforeAll(async () => {
    const local = await startLocalTable(table);
    backend = local.backend;
    log = [];
    await startHistory({
      config,
      region: 'eu-central-1',
      dynamodbEndpoint: backend.endpoint,
      tableName: table.name,
      weeks: WEEKS,
      mentionsPerDay: PER_DAY,
      log: (line) => log.push(line),
      now: NOW,
    });
    const documents = createDocumentClient(adminEnv('eu-central-1', backend.endpoint));
    themes = new DynamoThemeRepository(documents, table.name);
    rates = new DynamoRateStore(documents, table.name);
  }, 600_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('groups the two recurring complaints into themes with counts on the days they were written', async () => {
    // Act
    const summaries = await new ThemeInsights({ themes, processes: config.processes }).themes(
      { from: plan.from, to: plan.to },
      { kind: 'complaint', limit: 50 },
    );

    // Assess
    expect(summaries.length).toBeGreaterThan(1);
    const labels = summaries.map((s) => s.label.toLowerCase()).join(' | ');
    expect(labels).toMatch(/repara|repair/);
    expect(labels).toMatch(/rechnu|invoice/);
    expect(summaries.every((s) => s.daily.length === 14)).toBe(true);
  });

  it('marks the fixed theme as a known defect of its owner on the fix date, and reports its rate before and after', async () => {
    // Act
    const effects = await new ThemeInsights({ themes, processes: config.processes }).defectEffects(plan.to);

    // Assess
    expect(effects.length).toBeGreaterThan(0);
    for (const effect of effects)
      expect(effect).toMatchObject({ owner: plan.fixedTheme.owner, fixDate: plan.fixedTheme.fixDate });
    const strongest = [...effects].sort((a, b) => b.perDayBefore - a.perDayBefore)[0];
    expect(strongest?.label.toLowerCase()).toMatch(/repara|repair|wochen|weeks/);
    expect(strongest?.perDayAfter).toBeLessThan(strongest?.perDayBefore ?? 0);
  });

  it('counts every routed mention once in the hourly rate counters the spike detection reads', async () => {
    // Act
    const dayBefore = new Date(Date.parse(`${plan.from}T00:00:00.000Z`) - 86_400_000).toISOString();
    const counts = await rates.counts(dayBefore, `${plan.to}T23:00:00.000Z`);

    // Assess
    const byCategory = counts.filter((c) => c.dimension === 'category').reduce((sum, c) => sum + c.count, 0);
    const byPlatform = counts.filter((c) => c.dimension === 'platform').reduce((sum, c) => sum + c.count, 0);
    expect(byCategory).toBeGreaterThan(WEEKS * 7 * PER_DAY * 0.5);
    expect(byPlatform).toBe(byCategory);
    expect(log.some((line) => /mentions grouped into themes, \d+ hours evaluated for spikes/.test(line))).toBe(true);
  });
});
