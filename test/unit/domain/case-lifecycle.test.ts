import { describe, expect, it } from 'vitest';
import { CASE_ACTIONS, CASE_STATES, type Case, type CaseAction, type CaseState } from '../../../shared/domain/case.ts';
import { applyCaseCommand, type CaseCommand, type TransitionContext } from '../../../shared/domain/case-lifecycle.ts';
import { ConflictError } from '../../../shared/domain/errors.ts';
import { caseFactory } from '../../factories/case.ts';

const AT = '2026-11-30T10:30:00.000Z';
const ctx: TransitionContext = { transitionId: 'api:req-1', actor: 'user:jana@example.de', at: AT };

/** A command of each action, as the callers send them. */
const COMMANDS: Record<CaseAction, CaseCommand> = {
  assign: { type: 'assign', assignee: 'jana@example.de', reason: 'round robin' },
  wait: { type: 'wait', reason: 'asked for the order number' },
  respond: { type: 'respond', via: 'platform', at: AT, mentionId: 'facebook:9_9' },
  resolve: { type: 'resolve', note: 'replaced the bike' },
  reopen: { type: 'reopen', mentionId: 'facebook:9_10', dueAt: '2026-12-01T13:00:00.000Z' },
  resume: { type: 'resume', mentionId: 'facebook:9_12', dueAt: '2026-12-01T14:00:00.000Z', pausedMinutes: 60 },
  escalate: { type: 'escalate', to: ['press', 'legal'], reason: 'crisis tag' },
  'warn-sla': { type: 'warn-sla' },
  'breach-sla': { type: 'breach-sla' },
  'draft-reply': { type: 'draft-reply', replyId: 'reply-1', text: 'Das tut uns leid.' },
  'approve-reply': { type: 'approve-reply', replyId: 'reply-0', approverIsMember: true },
  'send-reply': { type: 'send-reply', replyId: 'reply-0' },
  'publish-reply': { type: 'publish-reply', replyId: 'reply-0', platformPostId: '9_12', attempts: 1 },
  'fail-reply': { type: 'fail-reply', replyId: 'reply-0', error: 'facebook: answered 401', attempts: 1 },
  reroute: { type: 'reroute', department: 'sales', reason: 'asks for a quote', dueAt: '2026-11-30T15:00:00.000Z' },
  'apply-routing': { type: 'apply-routing', mentionId: 'facebook:9_11', rules: ['crisis'], tags: ['crisis'] },
  tag: { type: 'tag', tags: ['spike:spk_0123456789abcdef'], reason: 'complaint surged 12 against 1.5 expected' },
};

const OPEN: readonly CaseState[] = ['new', 'assigned', 'waiting', 'responded'];
const stays = (states: readonly CaseState[]) =>
  Object.fromEntries(states.map((s) => [s, s])) as Partial<Record<CaseState, CaseState>>;
const allTo = (states: readonly CaseState[], to: CaseState) =>
  Object.fromEntries(states.map((s) => [s, to])) as Partial<Record<CaseState, CaseState>>;

/** The lifecycle as the issue describes it: from-state -> to-state per action; a missing state is illegal. */
const LEGAL: Record<CaseAction, Partial<Record<CaseState, CaseState>>> = {
  assign: allTo(OPEN, 'assigned'),
  wait: { assigned: 'waiting', responded: 'waiting' },
  respond: { new: 'responded', assigned: 'responded', waiting: 'responded' },
  resolve: allTo(OPEN, 'resolved'),
  reopen: { resolved: 'new', responded: 'new', waiting: 'new' },
  resume: { waiting: 'new' },
  escalate: stays(OPEN),
  'warn-sla': stays(OPEN),
  'breach-sla': stays(OPEN),
  'draft-reply': stays(OPEN),
  'approve-reply': stays(OPEN),
  'send-reply': stays(OPEN),
  // Only a claimed reply (send-reply first) can be published or fail: see test/unit/domain/send-reply-lifecycle.test.ts.
  'publish-reply': {},
  'fail-reply': {},
  reroute: allTo(OPEN, 'new'),
  'apply-routing': stays(CASE_STATES),
  tag: stays(CASE_STATES),
};

/** A case in the state, with a draft by someone else (so approve-reply has something to approve). */
function caseIn(state: CaseState): Case {
  return caseFactory({
    state,
    version: 3,
    reply: {
      id: 'reply-0',
      text: 'Wir melden uns.',
      draftedBy: 'user:tom@example.de',
      draftedAt: '2026-11-30T09:10:00.000Z',
    },
  });
}

const table = CASE_STATES.flatMap((from) => CASE_ACTIONS.map((action) => ({ from, action, to: LEGAL[action][from] })));

describe('applyCaseCommand: every action from every state', () => {
  it('covers every state and action', () => {
    expect(table).toHaveLength(CASE_STATES.length * CASE_ACTIONS.length);
  });

  it.each(table.filter((row) => row.to !== undefined))(
    '$action from $from goes to $to, with version + 1 and a history entry',
    ({ from, action, to }) => {
      const before = caseIn(from);

      const { case: after, entry } = applyCaseCommand(before, COMMANDS[action], ctx);

      expect(after.state).toBe(to);
      expect(after.version).toBe(4);
      expect(entry).toMatchObject({
        transitionId: 'api:req-1',
        actor: 'user:jana@example.de',
        at: AT,
        action,
        from,
        to,
      });
      expect(after.history).toEqual([entry]);
    },
  );

  it.each(table.filter((row) => row.to === undefined))('$action from $from is a ConflictError', ({ from, action }) => {
    const before = caseIn(from);

    expect(() => applyCaseCommand(before, COMMANDS[action], ctx)).toThrow(ConflictError);
  });

  it('does not change the case it was given', () => {
    const before = caseIn('new');
    const copy = structuredClone(before);

    applyCaseCommand(before, COMMANDS.assign, ctx);

    expect(before).toEqual(copy);
  });
});

describe('applyCaseCommand: assignment', () => {
  it('records who and why', () => {
    const { case: after, entry } = applyCaseCommand(caseIn('new'), COMMANDS.assign, ctx);

    expect(after).toMatchObject({ state: 'assigned', assignee: 'jana@example.de', assignedReason: 'round robin' });
    expect(entry.detail).toEqual({ assignee: 'jana@example.de', reason: 'round robin' });
  });

  it('puts a case back in the team queue when no assignee is given', () => {
    const assigned = caseFactory({ state: 'assigned', assignee: 'jana@example.de', assignedReason: 'round robin' });

    const { case: after } = applyCaseCommand(assigned, { type: 'assign', reason: 'nobody on duty' }, ctx);

    expect(after.state).toBe('new');
    expect(after.assignee).toBeUndefined();
    expect(after.assignedReason).toBe('nobody on duty');
  });
});

describe('applyCaseCommand: response times', () => {
  it('sets the first response time and the minutes from opening, wall-clock and business', () => {
    const opened = caseFactory({ openedAt: '2026-11-30T09:00:00.000Z' });

    const { case: after } = applyCaseCommand(
      opened,
      { type: 'respond', via: 'platform', at: '2026-11-30T09:42:00.000Z', businessMinutes: 40 },
      ctx,
    );

    expect(after).toMatchObject({
      state: 'responded',
      firstResponseAt: '2026-11-30T09:42:00.000Z',
      responseMinutes: 42,
      responseBusinessMinutes: 40,
    });
  });

  it('keeps the first response time when a later response follows a reopening', () => {
    const reopened = caseFactory({
      state: 'new',
      firstResponseAt: '2026-11-30T09:30:00.000Z',
      responseMinutes: 30,
      reopenedAt: '2026-12-02T08:00:00.000Z',
    });

    const { case: after } = applyCaseCommand(
      reopened,
      { type: 'respond', via: 'platform', at: '2026-12-02T09:00:00.000Z' },
      ctx,
    );

    expect(after).toMatchObject({
      state: 'responded',
      firstResponseAt: '2026-11-30T09:30:00.000Z',
      responseMinutes: 30,
    });
  });

  it('takes an earlier response that arrives late as the first', () => {
    const answered = caseFactory({
      state: 'waiting',
      firstResponseAt: '2026-11-30T10:00:00.000Z',
      responseMinutes: 60,
    });

    const { case: after } = applyCaseCommand(
      answered,
      { type: 'respond', via: 'platform', at: '2026-11-30T09:20:00.000Z' },
      ctx,
    );

    expect(after).toMatchObject({ firstResponseAt: '2026-11-30T09:20:00.000Z', responseMinutes: 20 });
  });

  it('counts a response stamped before the opening as zero minutes', () => {
    const { case: after } = applyCaseCommand(
      caseFactory({ openedAt: '2026-11-30T09:00:00.000Z' }),
      { type: 'respond', via: 'platform', at: '2026-11-30T08:59:00.000Z' },
      ctx,
    );

    expect(after.responseMinutes).toBe(0);
  });

  it('records when the case was resolved and how long it took', () => {
    const { case: after, entry } = applyCaseCommand(
      caseFactory({ state: 'responded', openedAt: '2026-11-30T09:00:00.000Z' }),
      { type: 'resolve', note: 'done' },
      ctx,
    );

    expect(after).toMatchObject({ state: 'resolved', resolvedAt: AT, resolutionMinutes: 90 });
    expect(entry.detail).toEqual({ note: 'done' });
  });
});

describe('applyCaseCommand: reply approval', () => {
  const draft = {
    id: 'reply-1',
    text: 'Wir prüfen das.',
    draftedBy: 'user:tom@example.de',
    draftedAt: '2026-11-30T09:10:00.000Z',
  };
  const press = caseFactory({ state: 'assigned', requireApproval: true, approverDepartment: 'press' });
  const approver: TransitionContext = {
    transitionId: 'api:req-2',
    actor: 'user:pia@example.de',
    at: '2026-11-30T09:20:00.000Z',
  };

  it('records who drafted a reply and when', () => {
    const { case: after } = applyCaseCommand(
      press,
      { type: 'draft-reply', replyId: 'reply-1', text: 'Wir prüfen das.' },
      { ...ctx, actor: 'user:tom@example.de' },
    );

    expect(after.reply).toEqual({
      id: 'reply-1',
      text: 'Wir prüfen das.',
      draftedBy: 'user:tom@example.de',
      draftedAt: AT,
    });
  });

  it('records who approved the draft and when', () => {
    const { case: after } = applyCaseCommand(
      { ...press, reply: draft },
      { type: 'approve-reply', replyId: 'reply-1', approverIsMember: true },
      approver,
    );

    expect(after.reply).toMatchObject({ approvedBy: 'user:pia@example.de', approvedAt: '2026-11-30T09:20:00.000Z' });
    expect(after.state).toBe('assigned');
  });

  it.each([
    [
      'someone outside the approving department',
      { ...press, reply: draft },
      { replyId: 'reply-1', approverIsMember: false },
      approver,
    ],
    [
      'the reply’s own author',
      { ...press, reply: draft },
      { replyId: 'reply-1', approverIsMember: true },
      { ...approver, actor: 'user:tom@example.de' },
    ],
    [
      'a draft that does not exist',
      { ...press, reply: draft },
      { replyId: 'reply-9', approverIsMember: true },
      approver,
    ],
    ['a case without a draft', press, { replyId: 'reply-1', approverIsMember: true }, approver],
    [
      'a draft approved before',
      { ...press, reply: { ...draft, approvedBy: 'user:pia@example.de', approvedAt: '2026-11-30T09:20:00.000Z' } },
      { replyId: 'reply-1', approverIsMember: true },
      approver,
    ],
  ] as const)('refuses an approval by or of %s', (_, c, command, by) => {
    expect(() => applyCaseCommand(c, { type: 'approve-reply', ...command }, by)).toThrow(ConflictError);
  });

  it('refuses to mark a reply sent through the API before it is approved', () => {
    expect(() =>
      applyCaseCommand({ ...press, reply: draft }, { type: 'respond', via: 'api', at: AT, replyId: 'reply-1' }, ctx),
    ).toThrow(/not approved yet/);
  });

  it('refuses to mark a case answered through the API when it has no draft to approve', () => {
    expect(() => applyCaseCommand(press, { type: 'respond', via: 'api', at: AT }, ctx)).toThrow(
      /needs an approved reply/,
    );
  });

  it('refuses to mark another reply sent than the approved draft', () => {
    const approved = {
      ...press,
      reply: { ...draft, approvedBy: 'user:pia@example.de', approvedAt: '2026-11-30T09:20:00.000Z' },
    };

    expect(() => applyCaseCommand(approved, { type: 'respond', via: 'api', at: AT, replyId: 'reply-2' }, ctx)).toThrow(
      ConflictError,
    );
  });

  it('marks an approved reply sent, by whom and when', () => {
    const approved = {
      ...press,
      reply: { ...draft, approvedBy: 'user:pia@example.de', approvedAt: '2026-11-30T09:20:00.000Z' },
    };

    const { case: after, entry } = applyCaseCommand(
      approved,
      { type: 'respond', via: 'api', at: AT, replyId: 'reply-1' },
      ctx,
    );

    expect(after.state).toBe('responded');
    expect(after.reply).toMatchObject({
      draftedBy: 'user:tom@example.de',
      approvedBy: 'user:pia@example.de',
      sentBy: 'user:jana@example.de',
      sentAt: AT,
    });
    expect(entry.detail).toEqual({ via: 'api', replyId: 'reply-1' });
  });

  it('marks a case answered through the API without a draft when no approval is required', () => {
    const { case: after } = applyCaseCommand(
      caseFactory({ state: 'assigned' }),
      { type: 'respond', via: 'api', at: AT },
      ctx,
    );

    expect(after).toMatchObject({ state: 'responded', firstResponseAt: AT });
    expect(after.reply).toBeUndefined();
  });

  it('records a reply seen on the platform without approval, flagged as unapproved', () => {
    const { case: after, entry } = applyCaseCommand(
      { ...press, reply: draft },
      { type: 'respond', via: 'platform', at: AT, mentionId: 'facebook:9_9' },
      ctx,
    );

    expect(after.state).toBe('responded');
    expect(entry.detail).toEqual({ via: 'platform', mentionId: 'facebook:9_9', unapproved: 'true' });
    expect(after.reply?.sentAt).toBeUndefined();
  });
});

describe('applyCaseCommand: SLA marks, escalation and reopening', () => {
  it('marks the warning and the breach with the due time in the history', () => {
    const { case: warned } = applyCaseCommand(
      caseFactory(),
      { type: 'warn-sla' },
      { ...ctx, transitionId: 'sla-warn:2026-11-30T13:00:00.000Z' },
    );
    const { case: breached, entry } = applyCaseCommand(
      warned,
      { type: 'breach-sla' },
      { ...ctx, transitionId: 'sla-breach:2026-11-30T13:00:00.000Z' },
    );

    expect(breached).toMatchObject({ slaWarnedAt: AT, breachedAt: AT, version: 3 });
    expect(entry.detail).toEqual({ dueAt: '2026-11-30T13:00:00.000Z' });
  });

  it('escalates to the union of the targets, once each', () => {
    const escalated = caseFactory({ escalatedTo: ['press'] });

    const { case: after, entry } = applyCaseCommand(
      escalated,
      { type: 'escalate', to: ['press', 'legal'], reason: 'legal risk' },
      ctx,
    );

    expect(after).toMatchObject({ escalatedAt: AT, escalatedTo: ['press', 'legal'] });
    expect(entry.detail).toEqual({ to: 'press, legal', reason: 'legal risk' });
  });

  it('reopens to the assignee with a new due time and without the old SLA marks', () => {
    const resolved = caseFactory({
      state: 'resolved',
      assignee: 'jana@example.de',
      slaWarnedAt: AT,
      breachedAt: AT,
      resolvedAt: AT,
    });

    const { case: after } = applyCaseCommand(resolved, COMMANDS.reopen, ctx);

    expect(after).toMatchObject({ state: 'assigned', reopenedAt: AT, dueAt: '2026-12-01T13:00:00.000Z' });
    expect(after.slaWarnedAt).toBeUndefined();
    expect(after.breachedAt).toBeUndefined();
  });
});

describe('applyCaseCommand: reroute', () => {
  it('moves the case to the new department as a correction, unassigned, with its SLA', () => {
    const assigned = caseFactory({
      state: 'assigned',
      assignee: 'jana@example.de',
      breachedAt: AT,
      category: 'question',
    });

    const { case: after, entry } = applyCaseCommand(assigned, COMMANDS.reroute, ctx);

    expect(after).toMatchObject({
      department: 'sales',
      state: 'new',
      dueAt: '2026-11-30T15:00:00.000Z',
      assignedReason: 'rerouted from service',
    });
    expect(after.assignee).toBeUndefined();
    expect(after.breachedAt).toBeUndefined();
    expect(after.corrections).toEqual([
      {
        from: 'service',
        to: 'sales',
        by: 'user:jana@example.de',
        at: AT,
        reason: 'asks for a quote',
        category: 'question',
      },
    ]);
    expect(entry.detail).toEqual({ from: 'service', to: 'sales', reason: 'asks for a quote' });
  });

  it('keeps earlier corrections', () => {
    const earlier = {
      from: 'press',
      to: 'service',
      by: 'user:pia@example.de',
      at: '2026-11-30T09:05:00.000Z',
      reason: 'no press',
      category: 'complaint' as const,
    };

    const { case: after } = applyCaseCommand(caseFactory({ corrections: [earlier] }), COMMANDS.reroute, ctx);

    expect(after.corrections).toHaveLength(2);
    expect(after.corrections?.[0]).toEqual(earlier);
  });

  it('refuses to reroute a case to the department it is in', () => {
    expect(() =>
      applyCaseCommand(caseFactory(), { ...COMMANDS.reroute, department: 'service' } as CaseCommand, ctx),
    ).toThrow(/already belongs to service/);
  });
});

describe('applyCaseCommand: history and version', () => {
  it('appends one entry per change, oldest first, and raises the version each time', () => {
    let c = caseFactory({ version: 1 });
    const steps: [CaseCommand, string][] = [
      [COMMANDS.assign, 'assign:1'],
      [COMMANDS.wait, 'wait:1'],
      [COMMANDS.respond, 'own-reply:facebook:9_9'],
      [COMMANDS.resolve, 'api:req-9'],
    ];

    for (const [command, transitionId] of steps) c = applyCaseCommand(c, command, { ...ctx, transitionId }).case;

    expect(c.version).toBe(5);
    expect(c.history?.map((e) => [e.transitionId, e.from, e.to])).toEqual([
      ['assign:1', 'new', 'assigned'],
      ['wait:1', 'assigned', 'waiting'],
      ['own-reply:facebook:9_9', 'waiting', 'responded'],
      ['api:req-9', 'responded', 'resolved'],
    ]);
  });

  it('starts a case stored before versions existed at version 1', () => {
    const legacy = caseFactory({ version: undefined, history: undefined });

    const { case: after } = applyCaseCommand(legacy, COMMANDS.assign, ctx);

    expect(after.version).toBe(1);
    expect(after.history).toHaveLength(1);
  });

  it('leaves the detail out of an entry that has nothing to say', () => {
    const { entry } = applyCaseCommand(caseFactory({ state: 'assigned' }), { type: 'wait' }, ctx);

    expect(entry).not.toHaveProperty('detail');
  });
});
