import { describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../../shared/classifier/keyword-classifier.ts';
import { routingPolicyOf } from '../../../shared/config/schema.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { caseIdForThread } from '../../../shared/domain/case.ts';
import { applyCaseCommand, type ApplyRoutingCommand } from '../../../shared/domain/case-lifecycle.ts';
import { caseEventOf } from '../../../shared/domain/change-case.ts';
import {
  classifyMention,
  type ClassifyMentionDeps,
  type StoredMention,
} from '../../../shared/domain/classify-mention.ts';
import { ConflictError } from '../../../shared/domain/errors.ts';
import { notificationForCaseEvent } from '../../../shared/domain/notification.ts';
import type { Routing } from '../../../shared/domain/route-mention.ts';
import { routingCommandFor, type ThreadRoutingPolicy } from '../../../shared/domain/thread-routing.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionFactory } from '../../factories/mention.ts';
import {
  fixedClock,
  InMemoryCases,
  InMemoryMentions,
  InMemoryMetrics,
  RecordingPublisher,
} from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:00:00.000Z';
const ctx = { transitionId: 'routing:facebook:9_11', actor: 'system:classify-mention', at: NOW };

/** The demo's `crisis` rule as evaluateRules decides it. */
const crisis: Routing = {
  department: 'press',
  cc: ['legal'],
  priority: 'high',
  reasons: ['rule crisis: keyword Shitstorm -> department press, stop'],
  tags: ['crisis'],
  requireApproval: true,
  matched: [
    {
      rule: 'crisis',
      why: ['keyword Shitstorm'],
      effects: ['department press', 'cc legal', 'priority high', 'approval required', 'tag crisis'],
    },
  ],
};

const serviceComplaint: Routing = {
  department: 'service',
  cc: [],
  priority: 'normal',
  reasons: ['category complaint is owned by service'],
};

const policy: ThreadRoutingPolicy = {
  escalation: { categories: ['legal_risk'], tags: ['crisis', 'legal-risk'], to: ['press', 'legal'] },
  approverDepartment: () => 'press',
  dueAt: (priority) => (priority === 'high' ? '2026-11-30T11:00:00.000Z' : '2026-11-30T14:00:00.000Z'),
};

const joining = { id: 'facebook:9_11', category: 'complaint' } as const;

describe('routingCommandFor: a mention that joins an existing case', () => {
  it('raises a normal service case by a crisis decision: priority, due time, tag, cc, approval and escalation', () => {
    // Arrange
    const kase = caseFactory();

    // Act
    const command = routingCommandFor(kase, joining, crisis, policy);

    // Assess
    expect(command).toEqual({
      type: 'apply-routing',
      mentionId: 'facebook:9_11',
      rules: ['crisis'],
      priority: 'high',
      dueAt: '2026-11-30T11:00:00.000Z',
      tags: ['crisis'],
      cc: ['press', 'legal'],
      approverDepartment: 'press',
      escalate: {
        to: ['press', 'legal'],
        reason: 'A new message in the thread (facebook:9_11) matched rule crisis: tag crisis',
      },
    });
  });

  it('asks nothing when the decision raises nothing on the case', () => {
    // Act
    const command = routingCommandFor(caseFactory(), joining, serviceComplaint, policy);

    // Assess
    expect(command).toBeNull();
  });

  it('escalates a joining mention of an escalating category even without a rule', () => {
    // Act
    const command = routingCommandFor(
      caseFactory(),
      { id: 'facebook:9_12', category: 'legal_risk' },
      serviceComplaint,
      policy,
    );

    // Assess
    expect(command?.escalate).toEqual({
      to: ['press', 'legal'],
      reason: 'A new message in the thread (facebook:9_12): category legal_risk',
    });
  });

  it('asks nothing of a case the same crisis already raised', () => {
    // Arrange
    const raised = applyCaseCommand(
      caseFactory(),
      routingCommandFor(caseFactory(), joining, crisis, policy) as ApplyRoutingCommand,
      ctx,
    ).case;

    // Act
    const again = routingCommandFor(raised, { id: 'facebook:9_13', category: 'complaint' }, crisis, policy);

    // Assess
    expect(again).toBeNull();
  });
});

describe('applyCaseCommand apply-routing', () => {
  const command = (overrides: Partial<ApplyRoutingCommand> = {}): ApplyRoutingCommand => ({
    type: 'apply-routing',
    mentionId: 'facebook:9_11',
    rules: ['crisis'],
    ...overrides,
  });

  it('records one history entry with everything it raised, and keeps the state and department', () => {
    // Arrange
    const kase = caseFactory({
      state: 'assigned',
      assignee: 'jana@example.de',
      slaWarnedAt: '2026-11-30T09:50:00.000Z',
    });

    // Act
    const { case: after, entry } = applyCaseCommand(
      kase,
      routingCommandFor(kase, joining, crisis, policy) as ApplyRoutingCommand,
      ctx,
    );

    // Assess
    expect(after).toMatchObject({
      department: 'service',
      state: 'assigned',
      assignee: 'jana@example.de',
      priority: 'high',
      dueAt: '2026-11-30T11:00:00.000Z',
      tags: ['crisis'],
      cc: ['press', 'legal'],
      requireApproval: true,
      approverDepartment: 'press',
      escalatedAt: NOW,
      escalatedTo: ['press', 'legal'],
      version: 2,
    });
    expect(after.slaWarnedAt).toBeUndefined();
    expect(entry).toEqual({
      transitionId: 'routing:facebook:9_11',
      at: NOW,
      actor: 'system:classify-mention',
      action: 'apply-routing',
      from: 'assigned',
      to: 'assigned',
      detail: {
        mentionId: 'facebook:9_11',
        rules: 'crisis',
        priority: 'normal -> high',
        dueAt: '2026-11-30T13:00:00.000Z -> 2026-11-30T11:00:00.000Z',
        tags: 'crisis',
        cc: 'press, legal',
        approval: 'press',
        to: 'press, legal',
        reason: 'A new message in the thread (facebook:9_11) matched rule crisis: tag crisis',
      },
    });
  });

  it('never lowers the priority and never moves the due time later', () => {
    // Arrange
    const kase = caseFactory({ priority: 'high', dueAt: '2026-11-30T10:30:00.000Z' });

    // Act
    const { case: after } = applyCaseCommand(
      kase,
      command({ priority: 'low', dueAt: '2026-12-02T10:00:00.000Z', tags: ['spam-suspect'] }),
      ctx,
    );

    // Assess
    expect(after).toMatchObject({ priority: 'high', dueAt: '2026-11-30T10:30:00.000Z', tags: ['spam-suspect'] });
  });

  it('keeps the earlier due time when the raised priority would be due later', () => {
    // Arrange
    const kase = caseFactory({ priority: 'low', dueAt: '2026-11-30T10:30:00.000Z' });

    // Act
    const { case: after, entry } = applyCaseCommand(
      kase,
      command({ priority: 'normal', dueAt: '2026-11-30T14:00:00.000Z' }),
      ctx,
    );

    // Assess
    expect(after).toMatchObject({ priority: 'normal', dueAt: '2026-11-30T10:30:00.000Z' });
    expect(entry.detail).not.toHaveProperty('dueAt');
  });

  it('never removes approval nor changes who approves', () => {
    // Arrange
    const kase = caseFactory({ requireApproval: true, approverDepartment: 'legal' });

    // Act
    const { case: after } = applyCaseCommand(kase, command({ approverDepartment: 'press', tags: ['crisis'] }), ctx);

    // Assess
    expect(after).toMatchObject({ requireApproval: true, approverDepartment: 'legal', tags: ['crisis'] });
  });

  it('adds only tags, cc and escalation targets the case does not have yet', () => {
    // Arrange
    const kase = caseFactory({
      tags: ['high-reach'],
      cc: ['press'],
      escalatedTo: ['press'],
      escalatedAt: '2026-11-30T09:30:00.000Z',
    });

    // Act
    const { case: after, entry } = applyCaseCommand(
      kase,
      command({
        tags: ['high-reach', 'crisis'],
        cc: ['press', 'legal', 'service'],
        escalate: { to: ['press', 'legal'], reason: 'tag crisis' },
      }),
      ctx,
    );

    // Assess
    expect(after).toMatchObject({
      tags: ['high-reach', 'crisis'],
      cc: ['press', 'legal'],
      escalatedTo: ['press', 'legal'],
    });
    expect(entry.detail).toMatchObject({ tags: 'crisis', cc: 'legal', to: 'legal' });
  });

  it('is a ConflictError when it raises nothing', () => {
    // Arrange
    const kase = caseFactory({ priority: 'high', tags: ['crisis'] });

    // Act
    const act = () => applyCaseCommand(kase, command({ priority: 'normal', tags: ['crisis'] }), ctx);

    // Assess
    expect(act).toThrow(ConflictError);
  });

  it('reaches the departments it escalated to, who are told by an escalation notification naming the approval', () => {
    // Arrange
    const kase = caseFactory();
    const { case: after, entry } = applyCaseCommand(
      kase,
      routingCommandFor(kase, joining, crisis, policy) as ApplyRoutingCommand,
      ctx,
    );
    const press = demoConfig().departments.find((d) => d.id === 'press');

    // Act
    const event = caseEventOf('demo', after, entry);
    const notification = notificationForCaseEvent(event, after, undefined, press as NonNullable<typeof press>, {
      timezone: 'Europe/Berlin',
    });

    // Assess
    expect(event).toMatchObject({
      action: 'apply-routing',
      recipients: ['press', 'legal'],
      priority: 'high',
      department: 'service',
    });
    expect(notification).toMatchObject({
      id: 'routing:facebook:9_11',
      kind: 'escalation',
      department: 'press',
      title: `Escalated to ${press?.name}: complaint case ${kase.id}`,
      summary:
        'A new message in the thread (facebook:9_11) matched rule crisis: tag crisis. The case belongs to service; public replies now need the approval of press; the first response is due 2026-11-30 12:00 (Europe/Berlin).',
    });
  });
});

describe('classifyMention: a crisis message in an existing service thread', () => {
  function setup() {
    const config = demoConfig();
    const mentions = new InMemoryMentions();
    const cases = new InMemoryCases();
    const events = new RecordingPublisher();
    const clock = fixedClock(NOW);
    const deps: ClassifyMentionDeps = {
      companyId: 'demo',
      classifier: new KeywordClassifier(),
      policy: routingPolicyOf(config),
      sla: (department, priority) =>
        config.departments.find((d) => d.id === department)?.sla[priority] ?? { days: 1, minutes: 0 },
      retentionDays: 365,
      mentions,
      cases,
      events,
      clock,
      approverDepartment: () => 'press',
      escalation: {
        categories: config.cases.escalate.categories,
        tags: config.cases.escalate.tags,
        to: ['press', 'legal'],
      },
      caseChanges: {
        companyId: 'demo',
        retentionDays: 365,
        cases,
        events,
        clock,
        metrics: new InMemoryMetrics(),
        timezone: 'Europe/Berlin',
      },
    };
    return { deps, cases, events };
  }
  const caseId = caseIdForThread('facebook', mentionFactory().threadId);
  const second = mentionFactory({
    externalId: 'c2',
    text: 'Immer noch keine Antwort? Dann gibt es eben einen Shitstorm!',
    createdAt: '2026-11-30T09:55:00.000Z',
  });

  it('raises the case, tags it crisis, requires approval and escalates, as one change in the history', async () => {
    // Arrange
    const { deps, cases, events } = setup();
    await classifyMention(mentionFactory({ text: 'Mein Rad ist kaputt und keiner antwortet!' }), deps);
    const before = cases.cases.get(caseId) as Case;

    // Act
    const outcome = await classifyMention(second, deps);

    // Assess
    expect(before).toMatchObject({ department: 'service', priority: 'normal' });
    expect(before.requireApproval).toBeUndefined();
    expect(outcome).toEqual({ status: 'routed', caseId, departments: ['service', 'press', 'legal'] });
    expect(cases.cases.get(caseId)).toMatchObject({
      department: 'service',
      priority: 'high',
      tags: ['crisis'],
      cc: ['press', 'legal'],
      requireApproval: true,
      approverDepartment: 'press',
      escalatedTo: ['press', 'legal'],
      version: 2,
    });
    expect(cases.cases.get(caseId)?.history?.map((e) => [e.action, e.transitionId])).toEqual([
      ['apply-routing', `routing:${second.id}`],
    ]);
    expect(events.caseEvents.map((e) => [e.action, e.recipients])).toEqual([['apply-routing', ['press', 'legal']]]);
    expect(
      events.published.filter((e) => e.mentionId === second.id).map((e) => [e.department, e.role, e.priority]),
    ).toEqual([
      ['service', 'primary', 'high'],
      ['press', 'cc', 'high'],
      ['legal', 'cc', 'high'],
    ]);
  });

  it('applies the routing once when the joining mention is delivered again before it was marked routed', async () => {
    // Arrange
    const { deps, cases, events } = setup();
    await classifyMention(mentionFactory({ text: 'Mein Rad ist kaputt und keiner antwortet!' }), deps);
    await classifyMention(second, deps);
    // A crash after the change and before markRouted: the mention is stored, not marked routed.
    const { routedAt: _routedAt, ...unrouted } = (await deps.mentions.get(second.id)) as StoredMention;
    (deps.mentions as InMemoryMentions).items.set(second.id, unrouted);

    // Act
    await classifyMention(second, deps);

    // Assess
    expect(cases.cases.get(caseId)?.history).toHaveLength(1);
    expect(cases.cases.get(caseId)?.version).toBe(2);
    expect(events.caseEvents.map((e) => e.transitionId)).toEqual([`routing:${second.id}`, `routing:${second.id}`]);
  });

  it('changes nothing when an ordinary second message joins the case', async () => {
    // Arrange
    const { deps, cases, events } = setup();
    await classifyMention(mentionFactory({ text: 'Mein Rad ist kaputt und keiner antwortet!' }), deps);

    // Act
    await classifyMention(mentionFactory({ externalId: 'c3', text: 'Mein Rad ist immer noch kaputt.' }), deps);

    // Assess
    expect(cases.cases.get(caseId)).toMatchObject({ priority: 'normal', version: 1 });
    expect(events.caseEvents).toEqual([]);
  });
});
