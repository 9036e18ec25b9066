import type { Classification } from '../../shared/domain/classification.ts';

/** A confident German service complaint, as a model classifies it; override what the test is about. */
export function classificationFactory(overrides: Partial<Classification> = {}): Classification {
  return {
    language: 'de',
    relevant: true,
    sentiment: 'negative',
    category: 'complaint',
    urgency: 0.4,
    confidence: 0.8,
    reasons: [],
    model: 'test@1',
    ...overrides,
  } as Classification;
}
