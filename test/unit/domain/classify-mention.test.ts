import { describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../../shared/classifier/keyword-classifier.ts';
import { caseIdForThread } from '../../../shared/domain/case.ts';
import { classifyMention, type ClassifyMentionDeps } from '../../../shared/domain/classify-mention.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCases, InMemoryMentions, RecordingPublisher } from '../../fakes/in-memory.ts';

function setup() {
  const config = demoConfig();
  const mentions = new InMemoryMentions();
  const cases = new InMemoryCases();
  const events = new RecordingPublisher();
  const deps: ClassifyMentionDeps = {
    companyId: 'demo',
    classifier: new KeywordClassifier(),
    policy: { departments: config.departments, fallback: config.routing.fallback },
    sla: (department, priority) => config.departments.find((d) => d.id === department)!.sla[priority],
    retentionDays: 365,
    mentions,
    cases,
    events,
    clock: fixedClock('2026-11-28T10:00:00.000Z'),
  };
  return { deps, mentions, cases, events };
}

describe('classifyMention', () => {
  it('routes a complaint to customer service and opens the thread case due by the SLA', async () => {
    // Prepare
    const { deps, cases, events } = setup();
    const mention = mentionFactory({ text: 'Mein Rad ist kaputt, das ist eine Frechheit!' });

    // Act
    const outcome = await classifyMention(mention, deps);

    // Assess
    const caseId = caseIdForThread('facebook', mention.threadId);
    expect(outcome).toEqual({ status: 'routed', caseId, departments: ['service'] });
    expect(cases.cases.get(caseId)).toMatchObject({
      department: 'service',
      state: 'new',
      category: 'complaint',
      priority: 'normal',
      dueAt: '2026-11-28T14:00:00.000Z',
    });
    expect(events.published).toHaveLength(1);
    expect(events.published[0]).toMatchObject({
      department: 'service',
      role: 'primary',
      category: 'complaint',
      mentionId: mention.id,
      caseId,
    });
  });

  it("publishes the classifier's reasons beside the routing reasons", async () => {
    // Arrange
    const { deps, events } = setup();
    const mention = mentionFactory({ text: 'Mein Rad ist kaputt, das ist eine Frechheit!' });

    // Act
    await classifyMention(mention, deps);

    // Assess
    const [routed] = events.published;
    expect(routed?.classifierReasons?.[0]).toMatch(/^category complaint \(\d+%\): complaint:kaputt/);
    expect(routed?.reasons.length).toBeGreaterThan(0);
  });

  it('passes the reactions the platform reported on to the routed event, for the insights ranking', async () => {
    // Prepare
    const { deps, events } = setup();
    const mention = mentionFactory({ text: 'Mein Rad ist kaputt, das ist eine Frechheit!', reactions: 17 });

    // Act
    await classifyMention(mention, deps);

    // Assess
    expect(events.published[0]?.reactions).toBe(17);
  });

  it('skips a duplicate that was already routed, publishing nothing twice', async () => {
    const { deps, events } = setup();
    const mention = mentionFactory();
    await classifyMention(mention, deps);

    const outcome = await classifyMention(mention, deps);

    expect(outcome.status).toBe('duplicate');
    expect(events.published).toHaveLength(1);
  });

  it('finishes a mention that was stored but not published when the bus failed the first time', async () => {
    const { deps, events, mentions } = setup();
    const mention = mentionFactory();
    events.failNext = true;
    await expect(classifyMention(mention, deps)).rejects.toThrow('bus unavailable');
    expect(mentions.items.get(mention.id)?.routedAt).toBeUndefined();

    const outcome = await classifyMention(mention, deps);

    expect(outcome.status).toBe('routed');
    expect(events.published).toHaveLength(1);
    expect(mentions.items.get(mention.id)?.routedAt).toBe('2026-11-28T10:00:00.000Z');
  });

  it('threads a second mention of the same conversation into the same case, copying its own department', async () => {
    const { deps, cases, events } = setup();
    await classifyMention(mentionFactory({ externalId: 'c1', text: 'Mein Rad ist kaputt!' }), deps);

    const outcome = await classifyMention(
      mentionFactory({
        externalId: 'c2',
        text: 'Ich habe einen Anwalt eingeschaltet und gehe zur Verbraucherzentrale.',
      }),
      deps,
    );

    expect(cases.cases.size).toBe(1);
    expect(outcome).toMatchObject({ status: 'routed', departments: ['service', 'legal'] });
    expect(events.published.slice(1).map((e) => [e.department, e.role])).toEqual([
      ['service', 'primary'],
      ['legal', 'cc'],
    ]);
  });

  it('routes a mention into the case another mention of the thread opened meanwhile', async () => {
    // Arrange: the thread's case is opened by another mention between this one's lookup and its write
    const { deps, cases } = setup();
    const first = mentionFactory({ externalId: '2_1', text: 'Mein Rad ist kaputt!' });
    const second = mentionFactory({ externalId: '2_2', text: 'Meins auch, kaputt!', author: { id: '5550002' } });
    await classifyMention(first, deps);
    const caseId = caseIdForThread('facebook', second.threadId);
    const opened = cases.cases.get(caseId)!;
    cases.cases.delete(caseId);
    const racing = {
      ...deps,
      cases: Object.assign(Object.create(cases) as InMemoryCases, {
        ensure: async () => {
          cases.cases.set(caseId, opened);
          return structuredClone(opened);
        },
      }),
    };

    // Act
    const outcome = await classifyMention(second, racing);

    // Assess
    expect(outcome).toMatchObject({ status: 'routed', caseId });
    expect(cases.cases.get(caseId)?.firstMentionId).toBe(first.id);
  });

  it("stores the company's own reply without opening a case or publishing", async () => {
    const { deps, cases, events, mentions } = setup();
    const reply = mentionFactory({
      isOwnAccount: true,
      author: { id: '104729381726354' },
      text: 'Das tut uns leid, wir melden uns per DM.',
    });

    const outcome = await classifyMention(reply, deps);

    expect(outcome.status).toBe('own-reply');
    expect(cases.cases.size).toBe(0);
    expect(events.published).toHaveLength(0);
    expect(mentions.items.get(reply.id)?.routedAt).toBeDefined();
  });
});
