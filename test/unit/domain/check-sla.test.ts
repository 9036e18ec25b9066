import { describe, expect, it, vi } from 'vitest';
import type { Case } from '../../../shared/domain/case.ts';
import {
  checkSla,
  slaChangesFor,
  SlaSweepError,
  type CheckSlaDeps,
  type DepartmentSweep,
  type SlaFailure,
} from '../../../shared/domain/check-sla.ts';
import { caseFactory } from '../../factories/case.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases } from '../../fakes/in-memory.ts';

const NOW = '2026-01-13T10:00:00.000Z';
const minutesFromNow = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

function setup(overrides: Partial<CheckSlaDeps> = {}) {
  const cases = new InMemoryCases();
  const events = new InMemoryCaseEvents();
  const listings = vi.spyOn(cases, 'listCases');
  const progress: DepartmentSweep[] = [];
  const failures: SlaFailure[] = [];
  const deps: CheckSlaDeps = {
    companyId: 'demo',
    retentionDays: 365,
    cases,
    events,
    clock: fixedClock(NOW),
    departments: ['service', 'legal', 'press'],
    slaWarningMinutes: 30,
    escalation: { categories: ['legal_risk'], tags: ['crisis', 'legal-risk'], to: ['press', 'legal'] },
    onProgress: (p) => progress.push(p),
    onFailure: (f) => failures.push(f),
    ...overrides,
  };
  const put = (...list: Case[]) => {
    for (const c of list) cases.cases.set(c.id, c);
  };
  const stored = (id: string) => cases.cases.get(id);
  const queries = () => listings.mock.calls.map(([query]) => query);
  return { cases, events, progress, failures, deps, put, stored, queries };
}

describe('checkSla', () => {
  it('warns the department about a case due within the warning time', async () => {
    // Arrange
    const { events, deps, put, stored } = setup();
    const dueAt = minutesFromNow(20);
    put(caseFactory({ id: 'case_soon', dueAt }));

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ scanned: 1, warned: 1, breached: 0, escalated: 0, failed: 0 });
    expect(stored('case_soon')?.slaWarnedAt).toBe(NOW);
    expect(events.published).toEqual([
      expect.objectContaining({
        action: 'warn-sla',
        transitionId: `sla-warn:${dueAt}`,
        actor: 'system:check-sla',
        recipients: ['service'],
      }),
    ]);
  });

  it('queries the index per awaiting state with the warning horizon, never other states', async () => {
    // Arrange
    const { deps, queries } = setup({ departments: ['service'] });

    // Act
    await checkSla(deps);

    // Assess
    expect(queries()).toEqual(
      ['new', 'assigned', 'waiting'].map((state) =>
        expect.objectContaining({ department: 'service', states: [state], dueBefore: minutesFromNow(30) }),
      ),
    );
  });

  it('leaves cases due after the warning time and answered cases alone', async () => {
    // Arrange
    const { events, deps, put } = setup();
    put(
      caseFactory({ id: 'case_later', dueAt: minutesFromNow(31) }),
      caseFactory({ id: 'case_answered', state: 'responded', dueAt: minutesFromNow(-60) }),
      caseFactory({ id: 'case_done', state: 'resolved', dueAt: minutesFromNow(-60) }),
    );

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ scanned: 0, warned: 0, breached: 0 });
    expect(events.published).toEqual([]);
  });

  it('marks a case past due as breached without warning it first', async () => {
    // Arrange
    const { events, deps, put, stored } = setup();
    const dueAt = minutesFromNow(-5);
    put(caseFactory({ id: 'case_late', state: 'assigned', assignee: 'aylin.demir@radwerk-hansen.example', dueAt }));

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ warned: 0, breached: 1, escalated: 0 });
    expect(stored('case_late')).toMatchObject({ breachedAt: NOW, state: 'assigned' });
    expect(events.published.map((e) => [e.action, e.transitionId])).toEqual([['breach-sla', `sla-breach:${dueAt}`]]);
  });

  it('escalates an overdue legal-risk case to press and legal, naming the SLA', async () => {
    // Arrange
    const { events, deps, put, stored } = setup();
    const dueAt = minutesFromNow(-1);
    put(caseFactory({ id: 'case_legal', department: 'legal', category: 'legal_risk', priority: 'high', dueAt }));

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ breached: 1, escalated: 1 });
    expect(stored('case_legal')?.escalatedTo).toEqual(['press', 'legal']);
    const escalation = events.published.find((e) => e.action === 'escalate');
    expect(escalation).toMatchObject({ transitionId: `sla-escalate:${dueAt}`, recipients: ['press', 'legal'] });
    expect(escalation?.detail?.reason).toBe(
      `SLA breached: the high-priority SLA of legal ran out at ${dueAt} (category legal_risk)`,
    );
  });

  it('escalates an overdue case tagged crisis, and not an overdue plain complaint', async () => {
    // Arrange
    const { deps, put, stored } = setup();
    put(
      caseFactory({ id: 'case_crisis', tags: ['crisis'], dueAt: minutesFromNow(-10) }),
      caseFactory({ id: 'case_plain', tags: ['competitor'], dueAt: minutesFromNow(-10) }),
    );

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ breached: 2, escalated: 1 });
    expect(stored('case_crisis')?.escalatedTo).toEqual(['press', 'legal']);
    expect(stored('case_plain')?.escalatedAt).toBeUndefined();
  });

  it('changes nothing and publishes nothing when run again', async () => {
    // Arrange
    const { events, deps, put, stored } = setup();
    put(
      caseFactory({ id: 'case_soon', dueAt: minutesFromNow(10) }),
      caseFactory({ id: 'case_crisis', tags: ['crisis'], dueAt: minutesFromNow(-10) }),
    );
    await checkSla(deps);
    const published = events.published.length;

    // Act
    const rerun = await checkSla(deps);

    // Assess
    expect(rerun).toMatchObject({ scanned: 2, warned: 0, breached: 0, escalated: 0, skipped: 0, failed: 0 });
    expect(events.published).toHaveLength(published);
    expect(stored('case_crisis')?.version).toBe(3);
  });

  it('keeps going when one case fails, then fails the run so the retry applies what is missing', async () => {
    // Arrange
    const { cases, failures, deps, put, stored } = setup();
    put(
      caseFactory({ id: 'case_a', dueAt: minutesFromNow(-3) }),
      caseFactory({ id: 'case_b', dueAt: minutesFromNow(-2) }),
      caseFactory({ id: 'case_c', dueAt: minutesFromNow(-1) }),
    );
    let outage = true;
    cases.beforeSaveTransition = (next) => {
      if (outage && next.id === 'case_b') throw new Error('table unavailable for case_b');
    };

    // Act
    const error = await checkSla(deps).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlaSweepError);
    expect((error as SlaSweepError).result).toMatchObject({ breached: 2, failed: 1 });
    expect(failures).toEqual([
      expect.objectContaining({ department: 'service', caseId: 'case_b', action: 'breach-sla' }),
    ]);
    expect(stored('case_a')?.breachedAt).toBe(NOW);
    expect(stored('case_c')?.breachedAt).toBe(NOW);

    // Act: the scheduler's retry, with the table back
    outage = false;
    const retry = await checkSla(deps);

    // Assess
    expect(retry).toMatchObject({ breached: 1, failed: 0 });
    expect(stored('case_b')?.breachedAt).toBe(NOW);
  });

  it('pages through every due case of a department', async () => {
    // Arrange
    const { deps, put, queries } = setup({ pageSize: 2, departments: ['service'] });
    put(...[1, 2, 3, 4, 5].map((n) => caseFactory({ id: `case_${n}`, dueAt: minutesFromNow(n) })));

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ scanned: 5, warned: 5 });
    expect(
      queries()
        .filter((q) => q.states?.[0] === 'new')
        .map((q) => q.cursor),
    ).toEqual([undefined, expect.any(String), expect.any(String)]);
  });

  it('skips a case the index still lists but that was answered meanwhile', async () => {
    // Arrange: the index lags behind the case item, as a GSI may
    const { cases, events, deps, put, stored } = setup();
    const listed = caseFactory({ id: 'case_lagging', dueAt: minutesFromNow(-5) });
    put({ ...listed, state: 'responded', version: 2, firstResponseAt: minutesFromNow(-20) });
    cases.listCases = async (query) => ({
      items: query.department === 'service' && query.states?.[0] === 'new' ? [listed] : [],
    });

    // Act
    const result = await checkSla(deps);

    // Assess
    expect(result).toMatchObject({ scanned: 1, breached: 0, skipped: 1, failed: 0 });
    expect(stored(listed.id)?.breachedAt).toBeUndefined();
    expect(events.published).toEqual([]);
  });

  it('reports progress for every department', async () => {
    // Arrange
    const { progress, deps, put } = setup();
    put(caseFactory({ id: 'case_legal', department: 'legal', category: 'legal_risk', dueAt: minutesFromNow(-1) }));

    // Act
    await checkSla(deps);

    // Assess
    expect(progress).toEqual([
      { department: 'service', scanned: 0, warned: 0, breached: 0, escalated: 0, skipped: 0, failed: 0 },
      { department: 'legal', scanned: 1, warned: 0, breached: 1, escalated: 1, skipped: 0, failed: 0 },
      { department: 'press', scanned: 0, warned: 0, breached: 0, escalated: 0, skipped: 0, failed: 0 },
    ]);
  });

  it('still sweeps the other departments when listing one fails', async () => {
    // Arrange
    const { cases, failures, deps, put } = setup({ departments: ['legal', 'service'] });
    put(caseFactory({ id: 'case_late', dueAt: minutesFromNow(-1) }));
    const listCases = cases.listCases.bind(cases);
    cases.listCases = async (query) => {
      if (query.department === 'legal') throw new Error('index unavailable');
      return listCases(query);
    };

    // Act
    const error = await checkSla(deps).catch((e: unknown) => e);

    // Assess
    expect((error as SlaSweepError).result).toMatchObject({ breached: 1, failed: 3 });
    expect(failures.every((f) => f.department === 'legal' && f.caseId === undefined)).toBe(true);
  });
});

describe('slaChangesFor', () => {
  const now = new Date(NOW);
  const escalation = { categories: ['legal_risk'], tags: ['crisis'], to: ['press', 'legal'] };

  it('warns a reopened case again for its new due time', () => {
    // Arrange: warned and breached for the old due time, then reopened with a new one
    const dueAt = minutesFromNow(15);
    const reopened = caseFactory({
      dueAt,
      reopenedAt: minutesFromNow(-60),
      history: [
        {
          transitionId: 'sla-warn:2026-01-12T10:00:00.000Z',
          at: '2026-01-12T09:40:00.000Z',
          actor: 'system:check-sla',
          action: 'warn-sla',
          from: 'new',
          to: 'new',
        },
      ],
    });

    // Act
    const changes = slaChangesFor(reopened, now, 30, escalation);

    // Assess
    expect(changes.map((c) => c.transitionId)).toEqual([`sla-warn:${dueAt}`]);
  });

  it('does not escalate again a case escalated by hand to every target since it opened', () => {
    // Arrange
    const c = caseFactory({
      category: 'legal_risk',
      openedAt: minutesFromNow(-300),
      dueAt: minutesFromNow(-1),
      escalatedAt: minutesFromNow(-100),
      escalatedTo: ['legal', 'press'],
    });

    // Act
    const changes = slaChangesFor(c, now, 30, escalation);

    // Assess
    expect(changes.map((change) => change.action)).toEqual(['breach-sla']);
  });

  it('does not escalate when the company has no escalation target', () => {
    // Arrange
    const c = caseFactory({ category: 'legal_risk', dueAt: minutesFromNow(-1) });

    // Act
    const changes = slaChangesFor(c, now, 30, { ...escalation, to: [] });

    // Assess
    expect(changes.map((change) => change.action)).toEqual(['breach-sla']);
  });
});
