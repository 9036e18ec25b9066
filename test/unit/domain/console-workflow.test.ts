/**
 * Issue 14's case workflow in the domain, with in-memory ports: reopen, the SLA clock that
 * waiting pauses and the customer's next message resumes, assignment by skill or language,
 * and the console's lists (mine, filters, cc and approver roles, approvals, who am I).
 */
import { describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../../shared/classifier/keyword-classifier.ts';
import { decideAssignment, type AssignmentPolicy } from '../../../shared/domain/assignment.ts';
import { caseIdForThread, type Case } from '../../../shared/domain/case.ts';
import { type AdminRequest, type CaseAdminDeps, transitionCase } from '../../../shared/domain/case-admin.ts';
import { applyCaseCommand } from '../../../shared/domain/case-lifecycle.ts';
import { listApprovals, listCaseSummaries, whoAmI } from '../../../shared/domain/case-queries.ts';
import { slaChangesFor } from '../../../shared/domain/check-sla.ts';
import { classifyMention, type ClassifyMentionDeps } from '../../../shared/domain/classify-mention.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../../shared/domain/errors.ts';
import { resumeCommandFor, slaStatusOf } from '../../../shared/domain/sla-clock.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionFactory } from '../../factories/mention.ts';
import {
  fixedClock,
  InMemoryAssignmentCursor,
  InMemoryCaseEvents,
  InMemoryCases,
  InMemoryMentions,
  RecordingPublisher,
} from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:00:00.000Z';
const TIM = 'tim.osterloh@radwerk-hansen.example'; // member of press
const OLE = 'ole.hansen@radwerk-hansen.example'; // member of service
const JONAS = 'jonas.meyer@radwerk-hansen.example'; // member of legal
const MINUTE = 60_000;

/** Wall-clock business time: a minute is a minute (the calendar itself is tested in business-time.test.ts). */
const calendar = {
  businessMinutes: (_d: string, from: Date, to: Date) => (to.getTime() - from.getTime()) / MINUTE,
  addSlaTime: (_d: string, from: Date, sla: { days: number; minutes: number }) =>
    new Date(from.getTime() + (sla.days * 1440 + sla.minutes) * MINUTE),
};

function adminSetup(now = NOW, ...cases: Case[]) {
  const store = new InMemoryCases();
  for (const c of cases) store.cases.set(c.id, c);
  const events = new InMemoryCaseEvents();
  const deps: CaseAdminDeps = {
    companyId: 'demo',
    retentionDays: 365,
    config: demoConfig(),
    cases: store,
    events,
    clock: fixedClock(now),
    dueAt: (_d, _p, from) => new Date(from.getTime() + 240 * MINUTE).toISOString(),
    ...calendar,
    pauseWhileWaiting: (department) => department !== 'sales',
  };
  return { store, events, deps };
}

const as = (email: string, requestId = 'req-1'): AdminRequest => ({ user: { sub: email, email }, requestId });

describe('reopen', () => {
  it('reopens a resolved case with a fresh SLA from now, a history entry with the note and a Case Reopened event', async () => {
    // Arrange
    const resolved = caseFactory({ department: 'press', state: 'resolved', assignee: TIM, resolvedAt: NOW });
    const { store, events, deps } = adminSetup(NOW, resolved);

    // Act
    const outcome = await transitionCase(
      resolved.id,
      { action: 'reopen', note: 'Kunde meldet sich erneut' },
      as(TIM),
      deps,
    );

    // Assess
    expect(outcome.case).toMatchObject({ state: 'assigned', dueAt: '2026-11-30T14:00:00.000Z', reopenedAt: NOW });
    expect((await store.get(resolved.id))?.history?.at(-1)).toMatchObject({
      action: 'reopen',
      from: 'resolved',
      to: 'assigned',
      actor: `user:${TIM}`,
      detail: { note: 'Kunde meldet sich erneut', dueAt: '2026-11-30T14:00:00.000Z' },
    });
    expect(events.published.map((e) => [e.action, e.recipients])).toEqual([['reopen', ['press']]]);
  });

  it('refuses to reopen a case that is being worked (409), and a cc department may not reopen (403)', async () => {
    // Arrange
    const assigned = caseFactory({ id: 'case_00000000000000000001', department: 'press', state: 'assigned' });
    const named = caseFactory({
      id: 'case_00000000000000000002',
      department: 'press',
      state: 'resolved',
      cc: ['legal'],
    });
    const { deps } = adminSetup(NOW, assigned, named);

    // Act
    const working = transitionCase(assigned.id, { action: 'reopen' }, as(TIM), deps);
    const byCc = transitionCase(named.id, { action: 'reopen' }, as(JONAS), deps);

    // Assess
    await expect(working).rejects.toThrow(ConflictError);
    await expect(working).rejects.toThrow(/cannot reopen case case_00000000000000000001: it is assigned/);
    await expect(byCc).rejects.toThrow(ForbiddenError);
    await expect(byCc).rejects.toThrow(/only members and leads of press or an admin may reopen/);
  });
});

describe('the SLA clock while waiting', () => {
  it('stops when a department that pauses waits, and not in one that does not', async () => {
    // Arrange
    const press = caseFactory({ id: 'case_00000000000000000003', department: 'press', state: 'assigned' });
    const sales = caseFactory({ id: 'case_00000000000000000004', department: 'sales', state: 'assigned' });
    const { deps } = adminSetup(NOW, press, sales);

    // Act
    const paused = await transitionCase(press.id, { action: 'wait' }, as(TIM), deps);
    const running = await transitionCase(
      sales.id,
      { action: 'wait' },
      as('sven.petersen@radwerk-hansen.example'),
      deps,
    );

    // Assess
    expect(paused.case).toMatchObject({ state: 'waiting', slaPausedAt: NOW });
    expect(paused.entry?.detail).toEqual({ sla: 'paused' });
    expect(running.case.state).toBe('waiting');
    expect(running.case.slaPausedAt).toBeUndefined();
  });

  it('is frozen while paused: the minutes left are counted up to the pause, and check-sla finds nothing due', () => {
    // Arrange: paused at 10:00 with 60 minutes left, read at 12:00 (an hour past the due time)
    const c = caseFactory({ state: 'waiting', dueAt: '2026-11-30T11:00:00.000Z', slaPausedAt: NOW });
    const later = new Date('2026-11-30T12:00:00.000Z');

    // Act
    const status = slaStatusOf(c, later, calendar.businessMinutes);
    const due = slaChangesFor(c, later, 30, { categories: [], tags: [], to: ['press'] });

    // Assess
    expect(status).toEqual({ dueAt: c.dueAt, businessMinutesLeft: 60, paused: true, pausedSince: NOW });
    expect(due).toEqual([]);
    expect(slaChangesFor({ ...c, slaPausedAt: undefined }, later, 30, { categories: [], tags: [], to: [] })).toEqual([
      expect.objectContaining({ action: 'breach-sla' }),
    ]);
  });

  it("resumes on the customer's message, due later by the paused time, counted to when they wrote", () => {
    // Arrange: paused at 10:00, the customer wrote at 10:45, delivered at 11:30
    const c = caseFactory({ state: 'waiting', assignee: OLE, dueAt: '2026-11-30T11:00:00.000Z', slaPausedAt: NOW });

    // Act
    const command = resumeCommandFor(
      c,
      { id: 'facebook:1_9', createdAt: '2026-11-30T10:45:00.000Z' },
      new Date('2026-11-30T11:30:00.000Z'),
      calendar,
    );
    const resumed = applyCaseCommand(c, command as NonNullable<typeof command>, {
      transitionId: 'resume:facebook:1_9',
      actor: 'system:classify-mention',
      at: '2026-11-30T11:30:00.000Z',
    });

    // Assess
    expect(command).toEqual({
      type: 'resume',
      mentionId: 'facebook:1_9',
      dueAt: '2026-11-30T11:45:00.000Z',
      pausedMinutes: 45,
    });
    expect(resumed.case).toMatchObject({ state: 'assigned', dueAt: '2026-11-30T11:45:00.000Z' });
    expect(resumed.case.slaPausedAt).toBeUndefined();
  });

  it('ends the pause without moving the due time when the case leaves waiting another way', () => {
    // Arrange
    const c = caseFactory({ state: 'waiting', slaPausedAt: NOW });

    // Act
    const resolved = applyCaseCommand(c, { type: 'resolve' }, { transitionId: 't', actor: 'user:x', at: NOW });

    // Assess
    expect(resolved.case.slaPausedAt).toBeUndefined();
    expect(resolved.case.dueAt).toBe(c.dueAt);
  });

  it('reopening a paused case by hand moves its due time by the paused time', async () => {
    // Arrange: paused at 10:00, reopened at 10:30
    const c = caseFactory({
      department: 'press',
      state: 'waiting',
      dueAt: '2026-11-30T11:00:00.000Z',
      slaPausedAt: NOW,
    });
    const { deps } = adminSetup('2026-11-30T10:30:00.000Z', c);

    // Act
    const outcome = await transitionCase(c.id, { action: 'reopen' }, as(TIM), deps);

    // Assess
    expect(outcome.case).toMatchObject({ state: 'new', dueAt: '2026-11-30T11:30:00.000Z' });
    expect(outcome.case.slaPausedAt).toBeUndefined();
  });

  it("classify-mention resumes the waiting case when its customer writes again, and not for someone else's comment", async () => {
    // Arrange
    const config = demoConfig();
    const cases = new InMemoryCases();
    const clock = fixedClock('2026-11-30T10:20:00.000Z');
    const events = new RecordingPublisher();
    const deps: ClassifyMentionDeps = {
      companyId: 'demo',
      classifier: new KeywordClassifier(),
      policy: { departments: config.departments, fallback: config.routing.fallback },
      sla: () => ({ days: 0, minutes: 240 }),
      retentionDays: 365,
      mentions: new InMemoryMentions(),
      cases,
      events,
      clock,
      ...calendar,
      caseChanges: { companyId: 'demo', retentionDays: 365, cases, events, clock },
    };
    const first = mentionFactory({ text: 'Mein Rad ist kaputt!' });
    const id = caseIdForThread('facebook', first.threadId);
    await classifyMention(first, deps);
    const opened = cases.cases.get(id) as Case;
    cases.cases.set(id, {
      ...opened,
      state: 'waiting',
      slaPausedAt: NOW,
      dueAt: '2026-11-30T11:00:00.000Z',
      version: 2,
    });

    // Act
    await classifyMention(
      mentionFactory({
        id: 'facebook:1_7',
        externalId: '1_7',
        text: 'Ich finde das auch',
        author: { id: '777', name: 'Jemand' },
      }),
      deps,
    );
    const afterStranger = cases.cases.get(id);
    await classifyMention(
      mentionFactory({
        id: 'facebook:1_8',
        externalId: '1_8',
        text: 'Hier die Bestellnummer 4711',
        createdAt: '2026-11-30T10:15:00.000Z',
      }),
      deps,
    );

    // Assess
    expect(afterStranger?.state).toBe('waiting');
    expect(cases.cases.get(id)).toMatchObject({ state: 'new', dueAt: '2026-11-30T11:15:00.000Z' });
    expect(cases.cases.get(id)?.history?.at(-1)).toMatchObject({
      action: 'resume',
      transitionId: 'resume:facebook:1_8',
    });
  });
});

describe('assignment by skill or language', () => {
  const members = [
    { name: 'Ole', email: 'ole@x.example', languages: ['de'], skills: ['complaint'] },
    { name: 'Mia', email: 'mia@x.example', languages: ['de', 'en'], skills: ['question'] },
    { name: 'Deniz', email: 'deniz@x.example', languages: ['tr'], skills: ['warranty', 'complaint'] },
  ];
  const policy = (mode: AssignmentPolicy['mode']): AssignmentPolicy => ({
    department: 'service',
    mode,
    members,
    onDuty: () => true,
  });
  const at = new Date(NOW);

  it('gives an English case to the member who answers in English', async () => {
    // Act
    const decision = await decideAssignment(policy('language'), at, new InMemoryAssignmentCursor(), { language: 'en' });

    // Assess
    expect(decision).toEqual({
      assignee: 'mia@x.example',
      reason: 'by language en: the only member on duty (Mia)',
    });
  });

  it('takes turns among the members whose skills name the category', async () => {
    // Arrange
    const cursor = new InMemoryAssignmentCursor();

    // Act
    const first = await decideAssignment(policy('skill'), at, cursor, { category: 'complaint' });
    const second = await decideAssignment(policy('skill'), at, cursor, { category: 'complaint' });

    // Assess
    expect([first.assignee, second.assignee]).toEqual(['ole@x.example', 'deniz@x.example']);
  });

  it('matches a routing tag as a skill, and falls back to round robin over everyone when nobody fits', async () => {
    // Act
    const tagged = await decideAssignment(policy('skill'), at, new InMemoryAssignmentCursor(), {
      category: 'praise',
      tags: ['warranty'],
    });
    const nobody = await decideAssignment(policy('language'), at, new InMemoryAssignmentCursor(), { language: 'fr' });

    // Assess
    expect(tagged.assignee).toBe('deniz@x.example');
    expect(nobody).toEqual({
      assignee: 'ole@x.example',
      reason: "round robin (nobody's languages fit the case): turn 1 of 3 members on duty (Ole)",
    });
  });
});

describe('the console lists', () => {
  const pressNew = caseFactory({
    id: 'case_00000000000000000011',
    department: 'press',
    dueAt: '2026-11-30T11:00:00.000Z',
  });
  const pressMine = caseFactory({
    id: 'case_00000000000000000012',
    department: 'press',
    state: 'assigned',
    assignee: TIM,
    priority: 'high',
    dueAt: '2026-11-30T09:00:00.000Z',
  });
  const serviceCc = caseFactory({
    id: 'case_00000000000000000013',
    department: 'service',
    cc: ['legal'],
    title: 'Bremse kaputt',
  });
  const draftForPress = caseFactory({
    id: 'case_00000000000000000014',
    department: 'service',
    requireApproval: true,
    approverDepartment: 'press',
    reply: { id: 'reply_1', text: 'Das tut uns leid.', draftedBy: `user:${OLE}`, draftedAt: NOW },
  });
  const ownDraft = caseFactory({
    id: 'case_00000000000000000015',
    department: 'press',
    requireApproval: true,
    approverDepartment: 'press',
    reply: { id: 'reply_2', text: 'Wir prüfen das.', draftedBy: `user:${TIM}`, draftedAt: NOW },
  });
  const all = [pressNew, pressMine, serviceCc, draftForPress, ownDraft];

  it("lists only the caller's own cases with mine=1, across their departments", async () => {
    // Arrange
    const { deps } = adminSetup(NOW, ...all);

    // Act
    const page = await listCaseSummaries({ mine: true }, { sub: 't', email: TIM }, deps);

    // Assess
    expect(page.cases.map((c) => c.id)).toEqual([pressMine.id]);
    expect(page.cases[0]).toMatchObject({ assignee: TIM, priority: 'high', needsApproval: false, slaPaused: false });
  });

  it('filters by due time and priority, and the team queue by assignee=none', async () => {
    // Arrange
    const { deps } = adminSetup(NOW, ...all);
    const tim = { sub: 't', email: TIM };

    // Act
    const overdue = await listCaseSummaries({ department: 'press', due: 'overdue' }, tim, deps);
    const queue = await listCaseSummaries({ department: 'press', assignee: 'none' }, tim, deps);
    const high = await listCaseSummaries({ department: 'press', priority: 'high' }, tim, deps);

    // Assess
    expect(overdue.cases.map((c) => c.id)).toEqual([pressMine.id]);
    expect(queue.cases.map((c) => c.id).sort()).toEqual([pressNew.id, ownDraft.id].sort());
    expect(high.cases.map((c) => c.id)).toEqual([pressMine.id]);
  });

  it('lists the cases naming a department as cc for its members, and refuses everyone else', async () => {
    // Arrange
    const { deps } = adminSetup(NOW, ...all);

    // Act
    const ccOfLegal = await listCaseSummaries({ department: 'legal', role: 'cc' }, { sub: 'j', email: JONAS }, deps);
    const byOle = listCaseSummaries({ department: 'legal', role: 'cc' }, { sub: 'o', email: OLE }, deps);

    // Assess
    expect(ccOfLegal.cases).toEqual([
      expect.objectContaining({ id: serviceCc.id, title: 'Bremse kaputt', cc: ['legal'] }),
    ]);
    await expect(byOle).rejects.toThrow(ForbiddenError);
  });

  it('pages across departments with a cursor, never repeating a case', async () => {
    // Arrange: an admin lists every department, one case per page
    const { deps } = adminSetup(NOW, ...all);
    const admin = { sub: 'arn:aws:iam::1:user/ops', operator: true };

    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listCaseSummaries({ limit: 1, ...(cursor ? { cursor } : {}) }, admin, deps);
      seen.push(...page.cases.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);

    // Assess
    expect(seen.sort()).toEqual(all.map((c) => c.id).sort());
  });

  it('refuses mine=1 without an e-mail and a cursor that is not one', async () => {
    // Arrange
    const { deps } = adminSetup(NOW, ...all);

    // Act / Assess
    await expect(listCaseSummaries({ mine: true }, { sub: 'x', operator: true }, deps)).rejects.toThrow(
      ValidationError,
    );
    await expect(listCaseSummaries({ cursor: 'bm9wZQ' }, { sub: 't', email: TIM }, deps)).rejects.toThrow(
      /cursor is not a cursor of this listing/,
    );
  });

  it("lists the drafts waiting for the caller's approval, without their own", async () => {
    // Arrange
    const { deps } = adminSetup(NOW, ...all);

    // Act
    const forTim = await listApprovals({ sub: 't', email: TIM }, deps);
    const forOle = await listApprovals({ sub: 'o', email: OLE }, deps);

    // Assess
    expect(forTim.replies).toEqual([
      expect.objectContaining({
        caseId: draftForPress.id,
        replyId: 'reply_1',
        text: 'Das tut uns leid.',
        draftedBy: `user:${OLE}`,
        department: 'service',
        approver: 'press',
      }),
    ]);
    expect(forOle.replies).toEqual([]);
  });

  it('says who the caller is, with their departments and the console language of the company locale', () => {
    // Act
    const me = whoAmI(demoConfig(), { sub: 't', email: TIM });

    // Assess
    expect(me).toEqual({
      actor: `user:${TIM}`,
      name: 'Tim Osterloh',
      email: TIM,
      admin: false,
      departments: [{ id: 'press', name: expect.any(String), role: 'member', approves: true }],
      language: 'de',
    });
  });
});
