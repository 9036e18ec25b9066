import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import { casePolicyOf } from '../../shared/config/case-policy.ts';
import type { Case } from '../../shared/domain/case.ts';
import { applyCaseCommand } from '../../shared/domain/case-lifecycle.ts';
import { checkSla, type CheckSlaDeps } from '../../shared/domain/check-sla.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryCaseEvents } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';

/** The SLA sweep against a real dynalite table: the department index, paging and conditional writes. */
describe('check-sla against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  const NOW = '2026-01-13T10:00:00.000Z';
  const minutesFromNow = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
  const EXPIRES = Math.floor(Date.parse(NOW) / 1000) + 86_400;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let cases: DynamoCaseRepository;
  let events: InMemoryCaseEvents;
  let deps: CheckSlaDeps;
  let run = 0;
  /** Case ids unique to a test: every test shares the table. */
  let id: (name: string) => string;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    cases = new DynamoCaseRepository(local.documents, topology.table.name);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  beforeEach(() => {
    run++;
    id = (name) => `case_t${run}_${name}`;
    events = new InMemoryCaseEvents();
    deps = {
      companyId: config.company.id,
      retentionDays: config.retention.days,
      cases,
      events,
      clock: fixedClock(NOW),
      departments: config.departments.map((d) => d.id),
      slaWarningMinutes: config.cases.slaWarning,
      escalation: casePolicyOf(config).escalation,
      pageSize: 2,
    };
  });

  const store = async (...list: Case[]) => {
    for (const c of list) await cases.ensure(c, EXPIRES);
  };
  const clear = async () => {
    // Marks what earlier tests left behind, so each test counts only its own cases.
    await checkSla({ ...deps, events: new InMemoryCaseEvents() });
  };

  it('warns, breaches and escalates through the department index, page by page', async () => {
    // Arrange
    await clear();
    await store(
      caseFactory({ id: id('soon-1'), dueAt: minutesFromNow(5) }),
      caseFactory({
        id: id('soon-2'),
        state: 'assigned',
        assignee: 'aylin.demir@radwerk-hansen.example',
        dueAt: minutesFromNow(10),
      }),
      caseFactory({ id: id('soon-3'), state: 'waiting', dueAt: minutesFromNow(29) }),
      caseFactory({ id: id('late'), dueAt: minutesFromNow(-15) }),
      caseFactory({
        id: id('legal'),
        department: 'legal',
        category: 'legal_risk',
        priority: 'high',
        dueAt: minutesFromNow(-1),
      }),
      caseFactory({ id: id('later'), dueAt: minutesFromNow(31) }),
      caseFactory({ id: id('answered'), state: 'responded', dueAt: minutesFromNow(-60) }),
    );

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ scanned: 5, warned: 3, breached: 2, escalated: 1, failed: 0 });
    expect((await cases.get(id('soon-3')))?.slaWarnedAt).toBe(NOW);
    expect(await cases.get(id('legal'))).toMatchObject({
      breachedAt: NOW,
      escalatedTo: ['press', 'legal'],
      version: 3,
    });
    expect((await cases.get(id('later')))?.slaWarnedAt).toBeUndefined();
    expect((await cases.get(id('answered')))?.breachedAt).toBeUndefined();
    expect(events.published.filter((e) => e.action === 'escalate').map((e) => e.recipients)).toEqual([
      ['press', 'legal'],
    ]);
  });

  it('stores each change in the case history and applies nothing twice when run again', async () => {
    // Arrange
    await clear();
    const dueAt = minutesFromNow(-3);
    await store(caseFactory({ id: id('crisis'), tags: ['crisis'], dueAt }));
    await checkSla(deps);
    const published = events.published.length;

    // Act
    const rerun = await checkSla(deps);

    // Assess
    expect(rerun).toMatchObject({ warned: 0, breached: 0, escalated: 0, failed: 0 });
    expect(events.published).toHaveLength(published);
    const stored = await cases.get(id('crisis'));
    expect(stored?.history?.map((h) => [h.transitionId, h.actor])).toEqual([
      [`sla-breach:${dueAt}`, 'system:check-sla'],
      [`sla-escalate:${dueAt}`, 'system:check-sla'],
    ]);
  });

  it('keeps a concurrent assignment and applies the breach on top of it', async () => {
    // Arrange: someone assigns the case between the sweep's read and its write
    await clear();
    const caseId = id('raced');
    await store(caseFactory({ id: caseId, dueAt: minutesFromNow(-2) }));
    let raced = false;
    const racingCases: CheckSlaDeps['cases'] = {
      listCases: (query) => cases.listCases(query),
      saveTransition: (next, expected, expiresAt) => cases.saveTransition(next, expected, expiresAt),
      get: async (requested) => {
        const current = await cases.get(requested);
        if (requested === caseId && current && !raced) {
          raced = true;
          const { case: assigned } = applyCaseCommand(
            current,
            { type: 'assign', assignee: 'aylin.demir@radwerk-hansen.example', reason: 'picked up by hand' },
            { transitionId: 'api:req-1', actor: 'user:aylin.demir@radwerk-hansen.example', at: NOW },
          );
          await cases.saveTransition(assigned, current.version ?? 0, EXPIRES);
        }
        return current;
      },
    };

    // Act
    const result = await checkSla({ ...deps, cases: racingCases });

    // Assess
    expect(result).toMatchObject({ breached: 1, failed: 0 });
    expect(await cases.get(caseId)).toMatchObject({
      state: 'assigned',
      assignee: 'aylin.demir@radwerk-hansen.example',
      breachedAt: NOW,
      version: 3,
    });
  });
});
