import { describe, expect, it } from 'vitest';
import {
  approveReply,
  assignCase,
  draftReply,
  getCase,
  listCases,
  markReplySent,
  rerouteCase,
  transitionCase,
  type AdminRequest,
  type CaseAdminDeps,
} from '../../../shared/domain/case-admin.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../shared/domain/errors.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases } from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:30:00.000Z';
const config = demoConfig();

// People of the demo config: press has a lead and a member; Malte leads sales; Aylin leads
// service, where Ole is a member; Jonas is a member of legal; Birte is the company's admin.
const JANA = 'jana.krueger@radwerk-hansen.example';
const TIM = 'tim.osterloh@radwerk-hansen.example';
const MALTE = 'malte.brandt@radwerk-hansen.example';
const AYLIN = 'aylin.demir@radwerk-hansen.example';
const OLE = 'ole.hansen@radwerk-hansen.example';
const JONAS = 'jonas.meyer@radwerk-hansen.example';
const BIRTE = 'birte.hansen@radwerk-hansen.example';

let requests = 0;
/** A request of a person; every call is a new request unless the id is given. */
function as(email: string | undefined, requestId = `req-${++requests}`): AdminRequest {
  return { user: { sub: `sub-${email ?? 'none'}`, ...(email ? { email } : {}) }, requestId };
}

function setup(...cases: Case[]) {
  const store = new InMemoryCases();
  for (const c of cases) store.cases.set(c.id, c);
  const events = new InMemoryCaseEvents();
  const deps: CaseAdminDeps = {
    companyId: 'demo',
    retentionDays: 365,
    config,
    cases: store,
    events,
    clock: fixedClock(NOW),
    // Four hours of wall-clock time stand in for the department's business-time SLA.
    dueAt: (department, priority, from) =>
      new Date(from.getTime() + (department === 'legal' && priority === 'high' ? 60 : 240) * 60_000).toISOString(),
    businessMinutes: () => 42,
  };
  return { store, events, deps };
}

/** A legal-risk case whose replies need press's approval, assigned in legal. */
const legalCase = caseFactory({
  department: 'legal',
  category: 'legal_risk',
  priority: 'high',
  state: 'assigned',
  assignee: 'someone@radwerk-hansen.example',
  requireApproval: true,
  approverDepartment: 'press',
});

describe('reply approval', () => {
  it('refuses the approval of a person outside the approving department and keeps the reply unapproved', async () => {
    // Arrange
    const { store, deps } = setup(legalCase);
    const { reply } = await draftReply(legalCase.id, 'Wir prüfen den Vorgang und melden uns.', as(JONAS), deps);

    // Act
    const approving = approveReply(legalCase.id, reply.id, as(JONAS), deps);

    // Assess
    await expect(approving).rejects.toThrow(ForbiddenError);
    await expect(approving).rejects.toThrow('only a member or lead of press may approve');
    expect((await store.get(legalCase.id))?.reply?.approvedAt).toBeUndefined();
  });

  it('records who drafted and who approved, and marks the sent reply as the first response', async () => {
    // Arrange
    const { store, deps } = setup(legalCase);
    const { reply } = await draftReply(legalCase.id, 'Wir prüfen den Vorgang und melden uns.', as(JONAS), deps);

    // Act
    await approveReply(legalCase.id, reply.id, as(JANA.toUpperCase()), deps);
    const sent = await markReplySent(legalCase.id, reply.id, as(JONAS), deps);

    // Assess
    expect(sent.case).toMatchObject({
      state: 'responded',
      firstResponseAt: NOW,
      responseMinutes: 90,
      responseBusinessMinutes: 42,
      reply: {
        id: reply.id,
        text: 'Wir prüfen den Vorgang und melden uns.',
        draftedBy: `user:${JONAS}`,
        approvedBy: `user:${JANA.toUpperCase()}`,
        approvedAt: NOW,
        sentBy: `user:${JONAS}`,
        sentAt: NOW,
      },
    });
    expect((await store.get(legalCase.id))?.history?.map((e) => e.action)).toEqual([
      'draft-reply',
      'approve-reply',
      'respond',
    ]);
  });

  it('refuses to mark an unapproved reply as sent when the case needs approval', async () => {
    // Arrange
    const { store, deps } = setup(legalCase);
    const { reply } = await draftReply(legalCase.id, 'Antwort', as(JONAS), deps);

    // Act
    const marking = markReplySent(legalCase.id, reply.id, as(JONAS), deps);

    // Assess
    await expect(marking).rejects.toThrow(ConflictError);
    expect((await store.get(legalCase.id))?.state).toBe('assigned');
  });

  it('refuses the approval by the reply’s own author, even an admin', async () => {
    // Arrange
    const { deps } = setup(legalCase);
    const { reply } = await draftReply(legalCase.id, 'Antwort', as(BIRTE), deps);

    // Act
    const approving = approveReply(legalCase.id, reply.id, as(BIRTE), deps);

    // Assess
    await expect(approving).rejects.toThrow('must be approved by someone other than its author');
  });

  it('refuses the approval of a caller whose token carries no e-mail', async () => {
    // Arrange
    const { deps } = setup(legalCase);
    const { reply } = await draftReply(legalCase.id, 'Antwort', as(JONAS), deps);

    // Act
    const approving = approveReply(legalCase.id, reply.id, as(undefined), deps);

    // Assess
    await expect(approving).rejects.toThrow(ForbiddenError);
  });

  it('tells the approving department about a draft that needs approval', async () => {
    // Arrange
    const { events, deps } = setup(legalCase);

    // Act
    await draftReply(legalCase.id, 'Antwort', as(JONAS), deps);

    // Assess
    expect(events.published).toEqual([
      expect.objectContaining({ action: 'draft-reply', recipients: ['press'], actor: `user:${JONAS}` }),
    ]);
  });

  it('refuses to mark the case responded without an approved reply when it needs approval', async () => {
    // Arrange
    const { deps } = setup(legalCase);

    // Act
    const responding = transitionCase(legalCase.id, { action: 'respond' }, as(JONAS), deps);

    // Assess
    await expect(responding).rejects.toThrow(ConflictError);
  });
});

describe('assignCase', () => {
  it('assigns to a member of the department matched by e-mail in any case, with the actor and the request as transition', async () => {
    // Arrange
    const pressCase = caseFactory({ department: 'press', category: 'press_inquiry' });
    const { store, deps } = setup(pressCase);

    // Act
    const outcome = await assignCase(
      pressCase.id,
      { assignee: 'Tim.Osterloh@Radwerk-Hansen.example' },
      as(JANA, 'abc123='),
      deps,
    );

    // Assess
    expect(outcome.case).toMatchObject({
      state: 'assigned',
      assignee: TIM,
      assignedReason: `assigned by user:${JANA}`,
    });
    expect((await store.get(pressCase.id))?.history?.at(-1)).toMatchObject({
      transitionId: 'api:abc123=',
      actor: `user:${JANA}`,
      action: 'assign',
    });
  });

  it('refuses an assignee who is not a member or lead of the department and writes nothing', async () => {
    // Arrange
    const pressCase = caseFactory({ department: 'press', category: 'press_inquiry' });
    const { store, deps } = setup(pressCase);

    // Act
    const assigning = assignCase(pressCase.id, { assignee: MALTE }, as(JANA), deps);

    // Assess
    await expect(assigning).rejects.toThrow(ValidationError);
    await expect(assigning).rejects.toThrow(
      `${MALTE} is not a member or lead of press; assign to one of: ${JANA}, ${TIM}`,
    );
    expect(store.saves).toEqual([]);
  });

  it('returns the case to the team queue without an assignee', async () => {
    // Arrange
    const pressCase = caseFactory({ department: 'press', state: 'assigned', assignee: TIM });
    const { deps } = setup(pressCase);

    // Act
    const outcome = await assignCase(pressCase.id, { assignee: null, reason: 'Tim ist im Urlaub' }, as(JANA), deps);

    // Assess
    expect(outcome.case.state).toBe('new');
    expect(outcome.case.assignee).toBeUndefined();
    expect(outcome.case.assignedReason).toBe('Tim ist im Urlaub');
  });

  it('applies a retried request once', async () => {
    // Arrange
    const pressCase = caseFactory({ department: 'press' });
    const { store, deps } = setup(pressCase);
    await assignCase(pressCase.id, { assignee: TIM }, as(JANA, 'same-request'), deps);

    // Act
    const retried = await assignCase(pressCase.id, { assignee: TIM }, as(JANA, 'same-request'), deps);

    // Assess
    expect(retried.applied).toBe(false);
    expect((await store.get(pressCase.id))?.history).toHaveLength(1);
  });

  it('answers NotFoundError for a case that does not exist', async () => {
    // Arrange
    const { deps } = setup();

    // Act
    const assigning = assignCase('case_ffffffffffffffffffff', { assignee: TIM }, as(JANA), deps);

    // Assess
    await expect(assigning).rejects.toThrow(NotFoundError);
  });
});

describe('rerouteCase', () => {
  it('moves the case to the other department with its SLA and stores a correction', async () => {
    // Arrange
    const serviceCase = caseFactory({
      department: 'service',
      category: 'complaint',
      priority: 'high',
      state: 'assigned',
      assignee: 'aylin.demir@radwerk-hansen.example',
    });
    const { store, events, deps } = setup(serviceCase);

    // Act
    await rerouteCase(serviceCase.id, { department: 'legal', reason: 'droht mit Anwalt' }, as(AYLIN), deps);

    // Assess
    const stored = await store.get(serviceCase.id);
    expect(stored).toMatchObject({ department: 'legal', state: 'new', dueAt: '2026-11-30T11:30:00.000Z' });
    expect(stored?.assignee).toBeUndefined();
    expect(stored?.corrections).toEqual([
      { from: 'service', to: 'legal', by: `user:${AYLIN}`, at: NOW, reason: 'droht mit Anwalt', category: 'complaint' },
    ]);
    expect(events.published).toEqual([
      expect.objectContaining({ action: 'reroute', department: 'legal', recipients: ['legal'] }),
    ]);
  });

  it('refuses a department the company does not have', async () => {
    // Arrange
    const serviceCase = caseFactory();
    const { deps } = setup(serviceCase);

    // Act
    const rerouting = rerouteCase(serviceCase.id, { department: 'marketing', reason: 'x' }, as(AYLIN), deps);

    // Assess
    await expect(rerouting).rejects.toThrow(
      'unknown department "marketing"; use one of: press, sales, service, product, community, legal',
    );
  });
});

describe('authorization in the use cases', () => {
  it('refuses a member of another department and writes and publishes nothing', async () => {
    // Arrange
    const pressCase = caseFactory({ department: 'press', category: 'press_inquiry' });
    const { store, events, deps } = setup(pressCase);

    // Act
    const resolving = transitionCase(pressCase.id, { action: 'resolve' }, as(OLE), deps);

    // Assess
    await expect(resolving).rejects.toThrow(ForbiddenError);
    expect(store.saves).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it('asks the policy on the case as it is when written: a member loses it to a reroute in between', async () => {
    // Arrange
    const serviceCase = caseFactory({ department: 'service', state: 'assigned', assignee: OLE });
    const { store, deps } = setup(serviceCase);
    // The lead reroutes the case between the member's read and write.
    let rerouted = false;
    const racing: CaseAdminDeps = {
      ...deps,
      cases: {
        ...store,
        get: async (id) => {
          const found = await store.get(id);
          if (!rerouted && found) {
            rerouted = true;
            await rerouteCase(id, { department: 'product', reason: 'Produktidee' }, as(AYLIN), deps);
          }
          return found;
        },
        saveTransition: store.saveTransition.bind(store),
        listCases: store.listCases.bind(store),
        mentionsOf: store.mentionsOf.bind(store),
      },
    };

    // Act
    const waiting = transitionCase(serviceCase.id, { action: 'wait' }, as(OLE), racing);

    // Assess
    await expect(waiting).rejects.toThrow(`you may not read case ${serviceCase.id}`);
    expect((await store.get(serviceCase.id))?.history?.map((e) => e.action)).toEqual(['reroute']);
  });

  it("answers a lead's retried reroute as applied, though the case left the department", async () => {
    // Arrange
    const serviceCase = caseFactory({ department: 'service' });
    const { deps } = setup(serviceCase);
    await rerouteCase(serviceCase.id, { department: 'product', reason: 'Produktidee' }, as(AYLIN, 'req-reroute'), deps);

    // Act
    const retried = await rerouteCase(
      serviceCase.id,
      { department: 'product', reason: 'Produktidee' },
      as(AYLIN, 'req-reroute'),
      deps,
    );

    // Assess
    expect(retried).toMatchObject({ applied: false, case: { department: 'product' } });
  });

  it("refuses someone else's request id replayed on a case they may not read", async () => {
    // Arrange
    const pressCase = caseFactory({ department: 'press' });
    const { deps } = setup(pressCase);
    await assignCase(pressCase.id, { assignee: TIM }, as(JANA, 'req-jana'), deps);

    // Act
    const replayed = assignCase(pressCase.id, { assignee: TIM }, as(OLE, 'req-jana'), deps);

    // Assess
    await expect(replayed).rejects.toThrow(ForbiddenError);
  });
});

describe('transitionCase', () => {
  it('puts the case on wait with the note as reason', async () => {
    // Arrange
    const serviceCase = caseFactory({ state: 'assigned', assignee: 'aylin.demir@radwerk-hansen.example' });
    const { store, deps } = setup(serviceCase);

    // Act
    await transitionCase(serviceCase.id, { action: 'wait', note: 'Rückfrage an die Werkstatt' }, as(OLE), deps);

    // Assess
    expect((await store.get(serviceCase.id))?.history?.at(-1)).toMatchObject({
      action: 'wait',
      to: 'waiting',
      detail: { reason: 'Rückfrage an die Werkstatt' },
    });
  });

  it('marks a case without approval responded without a draft', async () => {
    // Arrange
    const serviceCase = caseFactory({ state: 'assigned' });
    const { deps } = setup(serviceCase);

    // Act
    const outcome = await transitionCase(serviceCase.id, { action: 'respond' }, as(OLE), deps);

    // Assess
    expect(outcome.case).toMatchObject({ state: 'responded', firstResponseAt: NOW });
  });

  it('refuses to resolve a resolved case', async () => {
    // Arrange
    const resolved = caseFactory({ state: 'resolved', resolvedAt: NOW });
    const { deps } = setup(resolved);

    // Act
    const resolving = transitionCase(resolved.id, { action: 'resolve' }, as(OLE), deps);

    // Assess
    await expect(resolving).rejects.toThrow(ConflictError);
  });
});

describe('listCases and getCase', () => {
  it('lists the open cases of a department, earliest due first', async () => {
    // Arrange
    const later = caseFactory({
      id: 'case_00000000000000000002',
      department: 'press',
      dueAt: '2026-11-30T15:00:00.000Z',
    });
    const sooner = caseFactory({
      id: 'case_00000000000000000001',
      department: 'press',
      dueAt: '2026-11-30T12:00:00.000Z',
    });
    const resolved = caseFactory({ id: 'case_00000000000000000003', department: 'press', state: 'resolved' });
    const { deps } = setup(later, sooner, resolved);

    // Act
    const page = await listCases({ department: 'press' }, as(TIM).user, deps);

    // Assess
    expect(page.items.map((c) => c.id)).toEqual([sooner.id, later.id]);
  });

  it('refuses to list a department the company does not have', async () => {
    // Arrange
    const { deps } = setup();

    // Act
    const listing = listCases({ department: 'marketing' }, as(BIRTE).user, deps);

    // Assess
    await expect(listing).rejects.toThrow(ValidationError);
  });

  it('shows a case with its history and the mentions recorded on it', async () => {
    // Arrange
    const serviceCase = caseFactory();
    const { store, deps } = setup(serviceCase);
    const mention = mentionRoutedFactory({ caseId: serviceCase.id, department: 'service' });
    await store.recordMention(mention);
    await assignCase(serviceCase.id, { assignee: AYLIN }, as(OLE), deps);

    // Act
    const view = await getCase(serviceCase.id, as(AYLIN).user, deps);

    // Assess
    expect(view.case).toMatchObject({ id: serviceCase.id, state: 'assigned' });
    expect(view.case).not.toHaveProperty('history');
    expect(view.history.map((e) => e.action)).toEqual(['assign']);
    expect(view.mentions).toEqual([mention]);
  });

  it('answers NotFoundError for a case that does not exist', async () => {
    // Arrange
    const { deps } = setup();

    // Act
    const reading = getCase('case_ffffffffffffffffffff', as(AYLIN).user, deps);

    // Assess
    await expect(reading).rejects.toThrow(NotFoundError);
  });
});
