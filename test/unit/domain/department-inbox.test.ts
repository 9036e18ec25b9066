import { describe, expect, it } from 'vitest';
import type { AssignmentPolicy } from '../../../shared/domain/assignment.ts';
import type { Case } from '../../../shared/domain/case.ts';
import {
  needsAssignment,
  receiveCaseEvent,
  receiveRoutedMention,
  type DepartmentInboxDeps,
  type DepartmentNotifier,
} from '../../../shared/domain/department-inbox.ts';
import { NotFoundError } from '../../../shared/domain/errors.ts';
import type { CaseEvent, MentionRouted } from '../../../shared/domain/events.ts';
import { caseFactory } from '../../factories/case.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryAssignmentCursor, InMemoryCaseEvents, InMemoryCases } from '../../fakes/in-memory.ts';
import { InMemoryTallies } from '../../fakes/reports.ts';

class RecordingNotifier implements DepartmentNotifier {
  readonly mentions: { event: MentionRouted; kase: Case }[] = [];
  readonly caseEvents: { event: CaseEvent; department: string }[] = [];
  failNext = false;
  async mention(event: MentionRouted, kase: Case): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('slack answered 503');
    }
    this.mentions.push({ event, kase });
  }
  async caseEvent(event: CaseEvent, _kase: Case, department: string): Promise<void> {
    this.caseEvents.push({ event, department });
  }
}

const members = [
  { name: 'Ole Hansen', email: 'ole.hansen@radwerk-hansen.example' },
  { name: 'Mia Schulz', email: 'mia.schulz@radwerk-hansen.example' },
];

function setup(options: { onDuty?: boolean; mode?: AssignmentPolicy['mode']; now?: string } = {}) {
  const cases = new InMemoryCases();
  const events = new InMemoryCaseEvents();
  const notifier = new RecordingNotifier();
  const clock = fixedClock(options.now ?? '2026-11-30T10:00:00Z');
  const deps: DepartmentInboxDeps = {
    timezone: 'Europe/Berlin',
    retentionDays: 30,
    cases,
    tallies: new InMemoryTallies(),
    clock,
    change: { companyId: 'demo', retentionDays: 30, cases, events, clock },
    assignment: (department) => ({
      department,
      mode: options.mode ?? 'round-robin',
      members,
      onDuty: () => options.onDuty ?? true,
    }),
    cursor: new InMemoryAssignmentCursor(),
    dueAt: (_department, _priority, from) => new Date(from.getTime() + 4 * 3_600_000).toISOString(),
    notifier,
  };
  return { cases, events, notifier, deps };
}

describe('receiveRoutedMention', () => {
  it('assigns a new case to the next member on duty and tells the department', async () => {
    // Arrange
    const { cases, events, notifier, deps } = setup();
    await cases.ensure(caseFactory());

    // Act
    const outcome = await receiveRoutedMention(mentionRoutedFactory(), deps);

    // Assess
    expect(outcome).toMatchObject({
      recorded: true,
      reopened: false,
      state: 'assigned',
      assignee: 'ole.hansen@radwerk-hansen.example',
    });
    const stored = await cases.get(caseFactory().id);
    expect(stored?.assignedReason).toMatch(/^round robin: turn 1 of 2/);
    expect(stored?.history?.map((h) => [h.action, h.actor])).toEqual([['assign', 'system:handle-department']]);
    expect(events.published.map((e) => e.action)).toEqual(['assign']);
    expect(notifier.mentions[0]?.kase.assignee).toBe('ole.hansen@radwerk-hansen.example');
  });

  it('leaves a case in the team queue when nobody is on duty, and says why', async () => {
    const { cases, deps } = setup({ onDuty: false });
    await cases.ensure(caseFactory());

    const outcome = await receiveRoutedMention(mentionRoutedFactory(), deps);

    expect(outcome.state).toBe('new');
    expect(outcome.assignee).toBeUndefined();
    expect((await cases.get(caseFactory().id))?.assignedReason).toMatch(/outside the department's business hours/);
  });

  it('does not assign again when the customer writes a second time', async () => {
    // Arrange
    const { cases, events, deps } = setup({ onDuty: false });
    await cases.ensure(caseFactory());
    await receiveRoutedMention(mentionRoutedFactory({ mentionId: 'facebook:1_2' }), deps);

    // Act
    await receiveRoutedMention(mentionRoutedFactory({ mentionId: 'facebook:1_3' }), deps);

    // Assess
    expect(events.published.filter((e) => e.action === 'assign')).toHaveLength(1);
  });

  it('finishes what a failed attempt left undone on redelivery, without assigning twice', async () => {
    // Arrange
    const { cases, events, notifier, deps } = setup();
    await cases.ensure(caseFactory());
    notifier.failNext = true;
    await expect(receiveRoutedMention(mentionRoutedFactory(), deps)).rejects.toThrow('slack answered 503');

    // Act
    const outcome = await receiveRoutedMention(mentionRoutedFactory(), deps);

    // Assess
    expect(outcome.recorded).toBe(false);
    expect(notifier.mentions).toHaveLength(1);
    expect(events.published.filter((e) => e.action === 'assign')).toHaveLength(1);
    expect((await cases.get(caseFactory().id))?.version).toBe(2);
  });

  it('reopens a resolved case when the customer writes again, with a new due time', async () => {
    // Arrange
    const { cases, events, deps } = setup({ now: '2026-12-02T10:00:00Z' });
    await cases.ensure(
      caseFactory({
        state: 'resolved',
        resolvedAt: '2026-12-01T09:00:00.000Z',
        assignee: 'mia.schulz@radwerk-hansen.example',
      }),
    );

    // Act
    const outcome = await receiveRoutedMention(
      mentionRoutedFactory({ mentionId: 'facebook:1_9', createdAt: '2026-12-02T09:55:00.000Z' }),
      deps,
    );

    // Assess
    expect(outcome).toMatchObject({ reopened: true, state: 'assigned', assignee: 'mia.schulz@radwerk-hansen.example' });
    const stored = await cases.get(caseFactory().id);
    expect(stored?.dueAt).toBe('2026-12-02T14:00:00.000Z');
    expect(stored?.reopenedAt).toBe('2026-12-02T10:00:00.000Z');
    expect(events.published.map((e) => [e.action, e.recipients])).toEqual([['reopen', ['service']]]);
  });

  it('assigns a reopened case that had nobody', async () => {
    const { cases, deps } = setup({ now: '2026-12-02T10:00:00Z' });
    await cases.ensure(
      caseFactory({
        state: 'resolved',
        resolvedAt: '2026-12-01T09:00:00.000Z',
        history: [
          {
            transitionId: 'assign:facebook:1_2',
            at: '2026-11-30T09:00:00.000Z',
            actor: 'system:handle-department',
            action: 'assign',
            from: 'new',
            to: 'new',
          },
        ],
      }),
    );

    const outcome = await receiveRoutedMention(
      mentionRoutedFactory({ mentionId: 'facebook:1_9', createdAt: '2026-12-02T09:55:00.000Z' }),
      deps,
    );

    expect(outcome).toMatchObject({ reopened: true, state: 'assigned', assignee: 'ole.hansen@radwerk-hansen.example' });
  });

  it('only notifies a department that receives a copy', async () => {
    // Arrange
    const { cases, events, notifier, deps } = setup();
    await cases.ensure(caseFactory());

    // Act
    await receiveRoutedMention(mentionRoutedFactory({ department: 'press', role: 'cc' }), deps);

    // Assess
    expect(events.published).toEqual([]);
    expect(notifier.mentions.map((m) => m.event.department)).toEqual(['press']);
  });

  it('reads the case eventually consistent, and strongly consistent when that read does not find it yet', async () => {
    // Arrange: the first, eventually consistent read comes too early for the case just written.
    const { cases, deps, notifier } = setup();
    await cases.ensure(caseFactory());
    const reads: (boolean | undefined)[] = [];
    const get = cases.get.bind(cases);
    cases.get = async (id: string, options?: { consistent?: boolean }) => {
      reads.push(options?.consistent);
      return reads.length === 1 ? undefined : get(id);
    };

    // Act
    await receiveRoutedMention(mentionRoutedFactory({ caseId: caseFactory().id }), deps);

    // Assess
    expect(reads.slice(0, 2)).toEqual([false, true]);
    expect(notifier.mentions).toHaveLength(1);
  });

  it('throws NotFoundError when the case does not exist', async () => {
    const { deps } = setup();

    await expect(receiveRoutedMention(mentionRoutedFactory(), deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('receiveCaseEvent', () => {
  it('tells the receiving department about the change', async () => {
    // Arrange
    const { cases, notifier, deps } = setup();
    await cases.ensure(caseFactory({ department: 'legal' }));
    const event = {
      caseId: caseFactory().id,
      transitionId: 'sla-escalate:x',
      action: 'escalate',
      recipients: ['press', 'legal'],
    } as CaseEvent;

    // Act
    await receiveCaseEvent(event, 'press', deps);

    // Assess
    expect(notifier.caseEvents).toEqual([{ event, department: 'press' }]);
  });
});

describe('needsAssignment', () => {
  it('is true for a new case nobody was assigned to, false once an assignment was made', () => {
    const fresh = caseFactory();
    const queued = caseFactory({
      history: [
        { transitionId: 't', at: '2026-11-30T09:00:00.000Z', actor: 'x', action: 'assign', from: 'new', to: 'new' },
      ],
    });

    expect(needsAssignment(fresh)).toBe(true);
    expect(needsAssignment(queued)).toBe(false);
    expect(needsAssignment(caseFactory({ state: 'assigned', assignee: 'a@b.example' }))).toBe(false);
  });
});
