import { describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../../shared/classifier/keyword-classifier.ts';
import { caseIdForThread } from '../../../shared/domain/case.ts';
import { classifyMention, type ClassifyMentionDeps } from '../../../shared/domain/classify-mention.ts';
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

function setup(now = NOW) {
  const config = demoConfig();
  const mentions = new InMemoryMentions();
  const cases = new InMemoryCases();
  const events = new RecordingPublisher();
  const metrics = new InMemoryMetrics();
  const clock = fixedClock(now);
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
    journal: undefined,
    // Business time here: every minute counts twice as long (a stand-in that shows it is used).
    addSlaTime: (_department, from, sla) => new Date(from.getTime() + 2 * sla.minutes * 60_000),
    businessMinutes: (_department, from, to) => Math.round((to.getTime() - from.getTime()) / 120_000),
    reopenWindowMinutes: 7 * 1440,
    approverDepartment: () => 'press',
    caseChanges: { companyId: 'demo', retentionDays: 365, cases, events, clock, metrics, timezone: 'Europe/Berlin' },
  };
  return { deps, cases, events, metrics };
}

const threadId = mentionFactory().threadId;

describe('classifyMention and the case lifecycle', () => {
  it("opens version 1 of the case, due in the department's business time", async () => {
    const { deps, cases } = setup();

    await classifyMention(mentionFactory({ text: 'Mein Rad ist kaputt, das ist eine Frechheit!' }), deps);

    expect(cases.cases.get(caseIdForThread('facebook', threadId))).toMatchObject({
      version: 1,
      generation: 1,
      state: 'new',
      dueAt: '2026-11-30T18:00:00.000Z',
    });
  });

  it('keeps a message within the reopen window on the resolved case (handle-department reopens it)', async () => {
    // Arrange
    const { deps, cases } = setup();
    const first = caseIdForThread('facebook', threadId);
    await cases.ensure(caseFactory({ id: first, threadId, state: 'resolved', resolvedAt: '2026-11-25T10:00:00.000Z' }));

    // Act
    const outcome = await classifyMention(
      mentionFactory({ externalId: 'c2', createdAt: '2026-11-30T09:00:00.000Z' }),
      deps,
    );

    // Assess
    expect(outcome).toMatchObject({ status: 'routed', caseId: first });
  });

  it('starts a new case of the thread when the customer writes after the reopen window', async () => {
    // Arrange
    const { deps, cases } = setup();
    const first = caseIdForThread('facebook', threadId);
    await cases.ensure(caseFactory({ id: first, threadId, state: 'resolved', resolvedAt: '2026-11-01T10:00:00.000Z' }));

    // Act
    const outcome = await classifyMention(
      mentionFactory({ externalId: 'c3', createdAt: '2026-11-30T09:00:00.000Z' }),
      deps,
    );

    // Assess
    const second = caseIdForThread('facebook', threadId, 2);
    expect(second).not.toBe(first);
    expect(outcome).toMatchObject({ status: 'routed', caseId: second });
    expect(cases.cases.get(second)).toMatchObject({ generation: 2, state: 'new' });
    expect(cases.cases.get(first)?.state).toBe('resolved');
  });

  it('marks the case of a rule that requires approval with its approving department', async () => {
    const { deps: base, cases } = setup();
    const deps: ClassifyMentionDeps = {
      ...base,
      policy: {
        ...base.policy,
        rules: [
          {
            id: 'legal',
            when: { keywords: ['Anwalt'] },
            then: { department: 'legal', requireApproval: true, tags: ['legal-risk'] },
          },
        ],
        keywordLists: {},
      },
    };

    await classifyMention(mentionFactory({ text: 'Mein Anwalt meldet sich' }), deps);

    expect(cases.cases.get(caseIdForThread('facebook', threadId))).toMatchObject({
      requireApproval: true,
      approverDepartment: 'press',
      tags: ['legal-risk'],
    });
  });

  it("marks the case responded when the company's own account replies, with the response time", async () => {
    // Arrange
    const { deps, cases, events, metrics } = setup();
    await classifyMention(mentionFactory({ text: 'Mein Rad ist kaputt!' }), deps);
    const reply = mentionFactory({
      externalId: 'r1',
      isOwnAccount: true,
      author: { id: '104729381726354' },
      text: 'Das tut uns leid, wir melden uns.',
      createdAt: '2026-11-30T11:30:00.000Z',
    });

    // Act
    const outcome = await classifyMention(reply, deps);

    // Assess
    const caseId = caseIdForThread('facebook', threadId);
    expect(outcome).toEqual({ status: 'own-reply', caseId });
    expect(cases.cases.get(caseId)).toMatchObject({
      state: 'responded',
      firstResponseAt: '2026-11-30T11:30:00.000Z',
      responseMinutes: 90,
      responseBusinessMinutes: 45,
    });
    expect(events.caseEvents.map((e) => [e.action, e.actor, e.transitionId])).toEqual([
      ['respond', `platform:${reply.id}`, `own-reply:${reply.id}`],
    ]);
    expect(await metrics.histogramsOf('2026-11-30')).toEqual([
      expect.objectContaining({ department: 'service', metric: 'response', count: 1, sumMinutes: 90 }),
      expect.objectContaining({ department: 'service', metric: 'response-business', count: 1 }),
    ]);
  });

  it('records a second own reply without a second response', async () => {
    // Arrange
    const { deps, cases, events } = setup();
    await classifyMention(mentionFactory({ text: 'Mein Rad ist kaputt!' }), deps);
    await classifyMention(
      mentionFactory({ externalId: 'r1', isOwnAccount: true, createdAt: '2026-11-30T11:30:00.000Z' }),
      deps,
    );

    // Act
    await classifyMention(
      mentionFactory({ externalId: 'r2', isOwnAccount: true, createdAt: '2026-11-30T12:30:00.000Z' }),
      deps,
    );

    // Assess
    expect(cases.cases.get(caseIdForThread('facebook', threadId))?.firstResponseAt).toBe('2026-11-30T11:30:00.000Z');
    expect(events.caseEvents).toHaveLength(1);
  });
});
