import { describe, expect, it } from 'vitest';
import { CloudAssistedClassifier } from '../../../shared/classifier/cloud-assisted-classifier.ts';
import type { CloudModel } from '../../../shared/classifier/bedrock-classifier.ts';
import { applyCaseCommand } from '../../../shared/domain/case-lifecycle.ts';
import type { Classification } from '../../../shared/domain/classification.ts';
import { routeMention } from '../../../shared/domain/route-mention.ts';
import type { RoutingPolicy } from '../../../shared/domain/rules/types.ts';
import { routingCommandFor } from '../../../shared/domain/thread-routing.ts';
import { isInTriage, restsOnCategory, TRIAGE_TAG, withoutTriage } from '../../../shared/domain/triage.ts';
import { caseFactory } from '../../factories/case.ts';

const policy: RoutingPolicy = {
  departments: [
    { id: 'service', categories: ['complaint', 'question'] },
    { id: 'sales', categories: ['sales_lead'] },
    { id: 'community', categories: [] },
  ],
  fallback: 'community',
  rules: [
    { id: 'tenders', when: { keywords: ['ausschreibung'] }, then: { department: 'sales' } },
    {
      id: 'negative-complaints',
      when: { category: ['complaint'], sentiment: ['negative'] },
      then: { department: 'service', priority: 'high', cc: ['sales'] },
    },
    { id: 'sure-leads', when: { category: ['sales_lead'], confidence: { min: 0.2 } }, then: { department: 'sales' } },
  ],
  triage: { belowConfidence: 0.5 },
};

function classification(overrides: Partial<Classification>): Classification {
  return {
    language: 'de',
    relevant: true,
    sentiment: 'neutral',
    category: 'question',
    urgency: 0,
    confidence: 0.8,
    reasons: [],
    model: 'test',
    ...overrides,
  };
}

describe('routing with triage', () => {
  it('sends a mention routed by its unsure category to the fallback department, tagged and with a reason', () => {
    // Act
    const routing = routeMention(classification({ category: 'question', confidence: 0.31 }), policy);

    // Assess
    expect(routing.department).toBe('community');
    expect(routing.tags).toEqual([TRIAGE_TAG]);
    expect(routing.reasons[0]).toBe(
      'triage: category question at confidence 0.31, below 0.50 -> not service (rule service.categories), fallback department community, tag needs-triage, shown first',
    );
  });

  it("keeps the deciding rule's priority and cc and drops only its department", () => {
    // Act
    const routing = routeMention(
      classification({ category: 'complaint', sentiment: 'negative', confidence: 0.2 }),
      policy,
    );

    // Assess
    expect(routing).toMatchObject({ department: 'community', priority: 'high', cc: ['sales'], tags: [TRIAGE_TAG] });
  });

  it('routes as usual at or above the threshold', () => {
    // Act
    const routing = routeMention(classification({ category: 'question', confidence: 0.5 }), policy);

    // Assess
    expect(routing.department).toBe('service');
    expect(routing.tags).toEqual([]);
  });

  it('leaves a rule on keywords alone: the text decided, not a guess', () => {
    // Act
    const routing = routeMention(classification({ category: 'other', confidence: 0.1 }), policy, {
      text: 'Zur Ausschreibung 2027',
    });

    // Assess
    expect(routing.department).toBe('sales');
    expect(routing.tags).toEqual([]);
  });

  it('leaves a rule that bounds the confidence itself alone', () => {
    // Act
    const routing = routeMention(classification({ category: 'sales_lead', confidence: 0.3 }), policy);

    // Assess
    expect(routing.department).toBe('sales');
    expect(isInTriage(routing)).toBe(false);
  });

  it('tags an unsure relevant mention that no rule routed, so the fallback department sees it first', () => {
    // Act
    const routing = routeMention(classification({ category: 'praise', confidence: 0.4 }), policy);

    // Assess
    expect(routing.department).toBe('community');
    expect(routing.tags).toEqual([TRIAGE_TAG]);
  });

  it('does not triage an irrelevant mention: it goes to the fallback department untagged', () => {
    // Act
    const routing = routeMention(classification({ relevant: false, category: 'complaint', confidence: 0.1 }), policy);

    // Assess
    expect(routing.department).toBe('community');
    expect(routing.tags).toEqual([]);
  });

  it('is off without a triage policy', () => {
    // Act
    const routing = routeMention(classification({ category: 'question', confidence: 0.05 }), {
      ...policy,
      triage: undefined,
    });

    // Assess
    expect(routing.department).toBe('service');
    expect(routing.tags).toEqual([]);
  });
});

describe('restsOnCategory', () => {
  it.each([
    [{ category: ['complaint'] }, true],
    [{ any: [{ keywords: ['x'] }, { not: { category: ['praise'] } }] }, true],
    [{ category: ['complaint'], confidence: { min: 0.6 } }, false],
    [{ keywords: ['kaputt'] }, false],
    [undefined, false],
  ] as const)('says %o -> %s', (when, expected) => {
    // Act
    const rests = restsOnCategory({ when });

    // Assess
    expect(rests).toBe(expected);
  });
});

describe('corrections clear triage', () => {
  it('a reroute by a person removes the triage tag and keeps the others', () => {
    // Arrange
    const kase = caseFactory({ department: 'community', tags: ['vip', TRIAGE_TAG] });

    // Act
    const { case: rerouted } = applyCaseCommand(
      kase,
      { type: 'reroute', department: 'service', reason: 'a complaint', dueAt: '2026-11-30T15:00:00.000Z' },
      { transitionId: 'api:r1', actor: 'user:jana@example.de', at: '2026-11-30T10:00:00.000Z' },
    );

    // Assess
    expect(rerouted.department).toBe('service');
    expect(rerouted.tags).toEqual(['vip']);
    expect(isInTriage(rerouted)).toBe(false);
  });

  it('withoutTriage leaves no empty tag list behind', () => {
    // Act
    const tags = withoutTriage([TRIAGE_TAG]);

    // Assess
    expect(tags).toBeUndefined();
  });
});

describe('a mention joining a case', () => {
  it('never puts a case that has its department into triage', () => {
    // Arrange
    const kase = caseFactory({ department: 'service', priority: 'low' });
    const routing = routeMention(classification({ category: 'question', confidence: 0.2, urgency: 0.9 }), policy);

    // Act
    const command = routingCommandFor(kase, { id: 'facebook:9', category: 'question' }, routing, {
      dueAt: () => '2026-11-30T11:00:00.000Z',
    });

    // Assess
    expect(command?.tags).toEqual([]);
    expect(command?.priority).toBe('high');
  });
});

describe('triage after the cloud classifier', () => {
  const unsureLocal = { classify: () => classification({ category: 'other', confidence: 0.2 }) };
  const cloud = (answer: Awaited<ReturnType<CloudModel['classify']>> | Error): CloudModel => ({
    modelId: 'amazon.nova-micro-v1:0',
    classify: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });

  it('routes by the cloud answer when it is sure, so the mention never waits in triage', async () => {
    // Arrange
    const classifier = new CloudAssistedClassifier(
      unsureLocal,
      cloud({ relevant: true, sentiment: 'negative', category: 'complaint', confidence: 0.9 }),
      { belowConfidence: 0.5, timeoutMs: 1000 },
    );

    // Act
    const routing = routeMention(await classifier.classify({ text: 'Rad kaputt' }), policy);

    // Assess
    expect(routing.department).toBe('service');
    expect(isInTriage(routing)).toBe(false);
  });

  it('sends the mention to triage when the cloud fails and the unsure local result stands', async () => {
    // Arrange
    const classifier = new CloudAssistedClassifier(unsureLocal, cloud(new Error('throttled')), {
      belowConfidence: 0.5,
      timeoutMs: 1000,
      onFallback: () => undefined,
    });

    // Act
    const routing = routeMention(await classifier.classify({ text: 'Rad kaputt' }), policy);

    // Assess
    expect(routing.department).toBe('community');
    expect(routing.tags).toEqual([TRIAGE_TAG]);
  });
});
