import { describe, expect, it } from 'vitest';
import type { Classification } from '../../../shared/domain/classification.ts';
import { routeMention } from '../../../shared/domain/route-mention.ts';

const policy = {
  departments: [
    { id: 'service', categories: ['complaint', 'question'] },
    { id: 'legal', categories: ['legal_risk'] },
    { id: 'community', categories: [] },
  ],
  fallback: 'community',
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

describe('routeMention', () => {
  it.each([
    ['complaint', 'service'],
    ['legal_risk', 'legal'],
    ['product_idea', 'community'],
  ] as const)('routes category %s to %s', (category, department) => {
    expect(routeMention(classification({ category }), policy).department).toBe(department);
  });

  it('sends an irrelevant mention to the fallback department and says why', () => {
    const routing = routeMention(classification({ relevant: false, category: 'complaint' }), policy);

    expect(routing.department).toBe('community');
    expect(routing.reasons[0]).toContain('not relevant');
  });

  it.each([
    [{ urgency: 0.8 }, 'high'],
    [{ category: 'legal_risk' as const }, 'high'],
    [{ sentiment: 'negative' as const }, 'normal'],
    [{ urgency: 0.1 }, 'low'],
  ])('derives priority from %o as %s', (overrides, priority) => {
    expect(routeMention(classification(overrides), policy).priority).toBe(priority);
  });
});
