import { describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../../shared/classifier/keyword-classifier.ts';
import type { AssignmentPolicy } from '../../../shared/domain/assignment.ts';
import { BatchCaseCache } from '../../../shared/domain/batch-case-cache.ts';
import { caseIdForThread, type Case } from '../../../shared/domain/case.ts';
import { prepareMention, type ClassifyMentionDeps } from '../../../shared/domain/classify-mention.ts';
import { needsAssignment } from '../../../shared/domain/department-inbox.ts';
import { StaleCaseError } from '../../../shared/domain/errors.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionFactory } from '../../factories/mention.ts';
import {
  fixedClock,
  InMemoryAssignmentCursor,
  InMemoryCases,
  InMemoryMentions,
  RecordingPublisher,
} from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:00:00.000Z';

function setup() {
  const config = demoConfig();
  const mentions = new InMemoryMentions();
  const cases = new InMemoryCases();
  const events = new RecordingPublisher();
  const cursor = new InMemoryAssignmentCursor();
  const clock = fixedClock(NOW);
  const policy = (department: string): AssignmentPolicy => ({
    department,
    mode: 'round-robin',
    members: [
      { name: 'Jana', email: 'jana@demo.example' },
      { name: 'Ole', email: 'ole@demo.example' },
    ],
    onDuty: () => true,
  });
  const deps: ClassifyMentionDeps = {
    companyId: 'demo',
    classifier: new KeywordClassifier(),
    policy: { departments: config.departments, fallback: config.routing.fallback },
    sla: () => ({ days: 0, minutes: 240 }),
    retentionDays: 365,
    mentions,
    cases,
    events,
    clock,
    assignment: { policy, cursor },
    caseChanges: { companyId: 'demo', retentionDays: 365, cases, events, clock },
  };
  return { deps, mentions, cases, events, cursor };
}

const complaint = (overrides = {}) =>
  mentionFactory({ text: 'Mein Rad ist kaputt, das ist eine Frechheit!', ...overrides });

describe('prepareMention with assignment at opening', () => {
  it('opens the case assigned in one write and returns its Case Assigned event instead of publishing it', async () => {
    // Arrange
    const { deps, cases, events } = setup();
    const mention = complaint();

    // Act
    const prepared = await prepareMention(mention, deps);

    // Assess
    const stored = cases.cases.get(caseIdForThread('facebook', mention.threadId)) as Case;
    expect(stored).toMatchObject({ version: 2, state: 'assigned', assignee: 'jana@demo.example' });
    expect(stored.history).toEqual([
      expect.objectContaining({
        transitionId: `assign:${mention.id}`,
        actor: 'system:classify-mention',
        to: 'assigned',
      }),
    ]);
    expect(needsAssignment(stored)).toBe(false);
    expect(prepared.caseEvents).toEqual([
      expect.objectContaining({
        action: 'assign',
        transitionId: `assign:${mention.id}`,
        assignee: 'jana@demo.example',
      }),
    ]);
    expect(events.caseEvents).toEqual([]);
  });

  it('returns the same Case Assigned event on a redelivery, without a second case or another turn', async () => {
    // Arrange: the first delivery stored the mention and opened the case, then its publish failed.
    const { deps, cases, cursor } = setup();
    const mention = complaint();
    const first = await prepareMention(mention, deps);

    // Act
    const again = await prepareMention(mention, deps);

    // Assess
    expect(again.caseEvents).toEqual(first.caseEvents);
    expect(cases.cases.size).toBe(1);
    expect(cursor.positions.get('service')).toBe(1);
  });

  it("returns a joining comment's routing change with its events, not published on its own", async () => {
    // Arrange
    const { deps, events } = setup();
    await prepareMention(complaint(), deps);
    const comment = mentionFactory({ externalId: 'c2', text: 'Ich gehe zum Anwalt, das ist Betrug!' });

    // Act
    const prepared = await prepareMention(comment, deps);

    // Assess
    expect(prepared.routed.length).toBeGreaterThan(0);
    expect(prepared.caseEvents.map((e) => e.transitionId)).toEqual([`routing:${comment.id}`]);
    expect(events.caseEvents).toEqual([]);
  });

  it('leaves the case new for handle-department to assign when no assignment is configured', async () => {
    const { deps, cases } = setup();
    const { assignment: _none, ...withoutAssignment } = deps;
    const mention = complaint();

    const prepared = await prepareMention(mention, withoutAssignment);

    expect(cases.cases.get(caseIdForThread('facebook', mention.threadId))).toMatchObject({ version: 1, state: 'new' });
    expect(prepared.caseEvents).toEqual([]);
  });
});

describe('BatchCaseCache', () => {
  /** Case repository reads, with the consistency each asked for. */
  function counting() {
    const cases = new InMemoryCases();
    const reads: { id: string; consistent: boolean | undefined }[] = [];
    const get = cases.get.bind(cases);
    cases.get = async (id: string, options?: { consistent?: boolean }) => {
      reads.push({ id, consistent: options?.consistent });
      return get(id);
    };
    return { cases, reads };
  }

  it('reads a case the batch wrote no second time, and a case it did not write eventually consistent', async () => {
    // Arrange
    const { cases, reads } = counting();
    const cache = new BatchCaseCache(cases);
    const opened = await cache.ensure(caseFactoryOf('c1'), 0);
    await cases.ensure(caseFactoryOf('c2'));

    // Act
    const again = await cache.get('c1');
    const other = await cache.get('c2');
    await cache.get('c2');

    // Assess
    expect(again).toEqual(opened);
    expect(other?.id).toBe('c2');
    expect(reads).toEqual([{ id: 'c2', consistent: false }]);
  });

  it('reads the cases it does not hold together, and answers a case found missing once without a read', async () => {
    // Arrange: c1 exists, c2 does not, c3 the batch wrote already.
    const { cases, reads } = counting();
    const together: string[][] = [];
    const getMany = cases.getMany.bind(cases);
    cases.getMany = async (ids: readonly string[]) => {
      together.push([...ids]);
      return getMany(ids);
    };
    await cases.ensure(caseFactoryOf('c1'));
    const cache = new BatchCaseCache(cases);
    await cache.ensure(caseFactoryOf('c3'), 0);

    // Act
    const held = await cache.getMany(['c1', 'c2', 'c3', 'c1']);
    const first = await cache.get('c1');
    const missing = await cache.get('c2');
    await cases.ensure(caseFactoryOf('c2'));
    const later = await cache.get('c2');

    // Assess: one read of c1 and c2 together; c2's miss answered once, then read again.
    expect(together).toEqual([['c1', 'c2']]);
    expect([...held.keys()].sort()).toEqual(['c1', 'c3']);
    expect(first?.id).toBe('c1');
    expect(missing).toBeUndefined();
    expect(later?.id).toBe('c2');
    expect(reads).toEqual([{ id: 'c2', consistent: false }]);
  });

  it('reads a case strongly consistent when asked to, even when the batch holds it', async () => {
    const { cases, reads } = counting();
    await cases.ensure(caseFactoryOf('c1'));
    const cache = new BatchCaseCache(cases);
    await cache.get('c1');

    await cache.get('c1', { consistent: true });

    expect(reads.map((r) => r.consistent)).toEqual([false, true]);
  });

  it('reads a case strongly consistent after its cached version turned out stale', async () => {
    // Arrange: someone else changed c1 after the batch read it.
    const { cases, reads } = counting();
    await cases.ensure(caseFactoryOf('c1'));
    const cache = new BatchCaseCache(cases);
    const read = (await cache.get('c1')) as Case;
    await cases.saveTransition({ ...read, version: 2, priority: 'high' }, 1);

    // Act
    const write = cache.saveTransition({ ...read, version: 2, state: 'assigned' }, 1, 0);
    await expect(write).rejects.toBeInstanceOf(StaleCaseError);
    const fresh = await cache.get('c1');

    // Assess
    expect(fresh).toMatchObject({ version: 2, priority: 'high' });
    expect(reads.map((r) => r.consistent)).toEqual([false, true]);
  });
});

function caseFactoryOf(id: string): Case {
  return {
    id,
    platform: 'facebook',
    threadId: `t-${id}`,
    department: 'service',
    cc: [],
    state: 'new',
    priority: 'normal',
    category: 'complaint',
    openedAt: NOW,
    dueAt: '2026-11-30T14:00:00.000Z',
    firstMentionId: `m-${id}`,
    authorId: 'a1',
    version: 1,
  };
}
