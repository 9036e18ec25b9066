import { describe, expect, it } from 'vitest';
import { applyCaseCommand } from '../../../shared/domain/case-lifecycle.ts';
import { changeCase, type ChangeCaseDeps } from '../../../shared/domain/change-case.ts';
import { ConflictError, NotFoundError, StaleCaseError } from '../../../shared/domain/errors.ts';
import { caseFactory } from '../../factories/case.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases } from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:00:00.000Z';
const CASE_ID = 'case_0123456789abcdef0123';

async function setup(overrides: Parameters<typeof caseFactory>[0] = {}, options: Partial<ChangeCaseDeps> = {}) {
  const cases = new InMemoryCases();
  const events = new InMemoryCaseEvents();
  await cases.ensure(caseFactory({ id: CASE_ID, ...overrides }));
  const deps: ChangeCaseDeps = {
    companyId: 'demo',
    retentionDays: 30,
    cases,
    events,
    clock: fixedClock(NOW),
    ...options,
  };
  return { cases, events, deps };
}

/** Another writer changes the stored case, as a concurrent handler would between our read and our write. */
function writeBehindTheBack(cases: InMemoryCases, transitionId: string, times = 1) {
  let left = times;
  cases.beforeSaveTransition = async (next) => {
    if (left <= 0) return;
    left--;
    const stored = cases.cases.get(next.id);
    if (!stored) return;
    const { case: other } = applyCaseCommand(
      stored,
      { type: 'warn-sla' },
      { transitionId: `${transitionId}:${left}`, actor: 'system:check-sla', at: NOW },
    );
    cases.cases.set(other.id, other);
  };
}

describe('changeCase', () => {
  it('applies the command, stores the case and publishes its event', async () => {
    const { cases, events, deps } = await setup();

    const outcome = await changeCase(
      CASE_ID,
      { type: 'assign', assignee: 'jana@example.de', reason: 'round robin' },
      { transitionId: 'assign:1', actor: 'system:handle-department' },
      deps,
    );

    expect(outcome.applied).toBe(true);
    expect(await cases.get(CASE_ID)).toMatchObject({ state: 'assigned', assignee: 'jana@example.de', version: 2 });
    expect(events.published).toEqual([
      expect.objectContaining({
        companyId: 'demo',
        caseId: CASE_ID,
        transitionId: 'assign:1',
        action: 'assign',
        from: 'new',
        to: 'assigned',
        at: NOW,
        assignee: 'jana@example.de',
        recipients: [],
      }),
    ]);
  });

  it('publishes an escalation to its target departments', async () => {
    const { events, deps } = await setup();

    await changeCase(
      CASE_ID,
      { type: 'escalate', to: ['press', 'legal'], reason: 'crisis' },
      { transitionId: 'sla-escalate:2026-11-30T13:00:00.000Z', actor: 'system:check-sla' },
      deps,
    );

    expect(events.published[0]).toMatchObject({
      action: 'escalate',
      department: 'service',
      recipients: ['press', 'legal'],
    });
  });

  it('publishes an SLA breach to the case’s department', async () => {
    const { events, deps } = await setup();

    await changeCase(
      CASE_ID,
      { type: 'breach-sla' },
      { transitionId: 'sla-breach:2026-11-30T13:00:00.000Z', actor: 'system:check-sla' },
      deps,
    );

    expect(events.published[0]).toMatchObject({
      action: 'breach-sla',
      recipients: ['service'],
      detail: { dueAt: '2026-11-30T13:00:00.000Z' },
    });
  });

  it('publishes a draft that needs approval to the approving department', async () => {
    const { events, deps } = await setup({ requireApproval: true, approverDepartment: 'press' });

    await changeCase(
      CASE_ID,
      { type: 'draft-reply', replyId: 'reply-1', text: 'Wir prüfen das.' },
      { transitionId: 'api:req-1', actor: 'user:tom@example.de' },
      deps,
    );

    expect(events.published[0]).toMatchObject({ action: 'draft-reply', recipients: ['press'] });
  });

  it('uses the given time for the change instead of the clock', async () => {
    const { cases, deps } = await setup();

    await changeCase(
      CASE_ID,
      { type: 'respond', via: 'platform', at: '2026-11-30T09:40:00.000Z' },
      { transitionId: 'own-reply:x', actor: 'platform:x', at: '2026-11-30T09:40:00.000Z' },
      deps,
    );

    expect((await cases.get(CASE_ID))?.history?.[0]?.at).toBe('2026-11-30T09:40:00.000Z');
  });

  it('applies a transition id once and publishes its event again on redelivery', async () => {
    const { cases, events, deps } = await setup();
    const command = { type: 'breach-sla' } as const;
    const ctx = { transitionId: 'sla-breach:2026-11-30T13:00:00.000Z', actor: 'system:check-sla' };
    await changeCase(CASE_ID, command, ctx, deps);

    const again = await changeCase(CASE_ID, command, ctx, deps);

    expect(again.applied).toBe(false);
    expect(again.entry?.transitionId).toBe(ctx.transitionId);
    const stored = await cases.get(CASE_ID);
    expect(stored?.version).toBe(2);
    expect(stored?.history).toHaveLength(1);
    expect(events.published.map((e) => e.transitionId)).toEqual([ctx.transitionId, ctx.transitionId]);
  });

  it('reads the case again and re-applies the change when another writer won the race', async () => {
    const { cases, events, deps } = await setup();
    writeBehindTheBack(cases, 'sla-warn');

    const outcome = await changeCase(
      CASE_ID,
      { type: 'assign', assignee: 'jana@example.de', reason: 'round robin' },
      { transitionId: 'assign:1', actor: 'system:handle-department' },
      deps,
    );

    expect(outcome.applied).toBe(true);
    expect(cases.saves.map((s) => s.stale)).toEqual([true, false]);
    const stored = await cases.get(CASE_ID);
    expect(stored?.version).toBe(3);
    expect(stored?.history?.map((e) => e.action)).toEqual(['warn-sla', 'assign']);
    expect(events.published.map((e) => e.transitionId)).toEqual(['assign:1']);
  });

  it('starts from the case its caller knows without reading it, and reads again when that one is stale', async () => {
    // Arrange
    const { cases, deps } = await setup();
    const known = await cases.get(CASE_ID);
    const reads: string[] = [];
    const get = (id: string) => {
      reads.push(id);
      return cases.get(id);
    };
    writeBehindTheBack(cases, 'sla-warn');

    // Act
    const outcome = await changeCase(
      CASE_ID,
      { type: 'assign', assignee: 'jana@example.de', reason: 'round robin' },
      { transitionId: 'assign:1', actor: 'system:handle-department' },
      { ...deps, cases: { get, saveTransition: cases.saveTransition.bind(cases) } },
      known,
    );

    // Assess: the known case went stale behind its back, so only the second attempt read it.
    expect(outcome.applied).toBe(true);
    expect(reads).toEqual([CASE_ID]);
    expect(cases.saves.map((s) => s.stale)).toEqual([true, false]);
    expect((await cases.get(CASE_ID))?.history?.map((e) => e.action)).toEqual(['warn-sla', 'assign']);
  });

  it('decides the command again on the fresh case when given a function', async () => {
    const { cases, deps } = await setup();
    writeBehindTheBack(cases, 'sla-warn');
    const seen: (number | undefined)[] = [];

    await changeCase(
      CASE_ID,
      (current) => {
        seen.push(current.version);
        return { type: 'assign', assignee: 'jana@example.de', reason: `round robin at version ${current.version}` };
      },
      { transitionId: 'assign:1', actor: 'system:handle-department' },
      deps,
    );

    expect(seen).toEqual([1, 2]);
    expect((await cases.get(CASE_ID))?.assignedReason).toBe('round robin at version 2');
  });

  it('writes and publishes nothing when the command function finds nothing left to change', async () => {
    const { cases, events, deps } = await setup({ state: 'responded' });

    const outcome = await changeCase(
      CASE_ID,
      (current) => (current.state === 'responded' ? null : { type: 'respond', via: 'platform', at: NOW }),
      { transitionId: 'own-reply:x', actor: 'platform:x' },
      deps,
    );

    expect(outcome).toEqual({ case: expect.objectContaining({ state: 'responded', version: 1 }), applied: false });
    expect(cases.saves).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it('gives up with a StaleCaseError after maxAttempts lost races and publishes nothing', async () => {
    const { cases, events, deps } = await setup({}, { maxAttempts: 3 });
    writeBehindTheBack(cases, 'sla-warn', Number.POSITIVE_INFINITY);

    const changing = changeCase(
      CASE_ID,
      { type: 'resolve' },
      { transitionId: 'api:req-1', actor: 'user:jana@example.de' },
      deps,
    );

    await expect(changing).rejects.toThrow(StaleCaseError);
    expect(cases.saves).toHaveLength(3);
    expect(events.published).toEqual([]);
  });

  it('throws a plain ConflictError when the change is no longer allowed after the race', async () => {
    const { cases, deps } = await setup({ state: 'assigned' });
    cases.beforeSaveTransition = async (next) => {
      cases.beforeSaveTransition = undefined;
      const stored = cases.cases.get(next.id);
      if (stored)
        cases.cases.set(
          next.id,
          applyCaseCommand(
            stored,
            { type: 'resolve' },
            { transitionId: 'api:other', actor: 'user:pia@example.de', at: NOW },
          ).case,
        );
    };

    const error = await changeCase(
      CASE_ID,
      { type: 'wait' },
      { transitionId: 'api:req-1', actor: 'user:jana@example.de' },
      deps,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(StaleCaseError);
    expect((error as Error).message).toMatch(/it is resolved/);
    expect((await cases.get(CASE_ID))?.state).toBe('resolved');
  });

  it('throws a NotFoundError for a case that does not exist', async () => {
    const { deps } = await setup();

    await expect(
      changeCase(
        'case_missing',
        { type: 'resolve' },
        { transitionId: 'api:req-1', actor: 'user:jana@example.de' },
        deps,
      ),
    ).rejects.toThrow(NotFoundError);
  });

  it('keeps the stored change when publishing fails, and publishes it on the retry', async () => {
    const { cases, events, deps } = await setup();
    events.failNext = true;
    const ctx = { transitionId: 'api:req-1', actor: 'user:jana@example.de' };

    await expect(changeCase(CASE_ID, { type: 'resolve' }, ctx, deps)).rejects.toThrow('bus unavailable');
    const retry = await changeCase(CASE_ID, { type: 'resolve' }, ctx, deps);

    expect(retry.applied).toBe(false);
    expect((await cases.get(CASE_ID))?.state).toBe('resolved');
    expect(events.published).toEqual([
      expect.objectContaining({ transitionId: 'api:req-1', action: 'resolve', to: 'resolved' }),
    ]);
  });
});
