import { describe, expect, it } from 'vitest';
import { decodeMentionDetail, encodeMentionDetail } from '../../../shared/adapters/dynamodb/mention-detail.ts';
import type { StoredMention } from '../../../shared/domain/ports.ts';

const detail: Pick<StoredMention, 'classification' | 'routing'> = {
  classification: {
    language: 'de',
    relevant: true,
    sentiment: 'negative',
    category: 'complaint',
    urgency: 0.41,
    confidence: 0.87,
    reasons: [
      { decision: 'category', feature: 'complaint: word "kaputt"', weight: 1.2 },
      { decision: 'sentiment', feature: 'negative: word "frechheit"', weight: 0.38 },
    ],
    model: 'ngram-de@53c517ab',
  },
  routing: {
    department: 'service',
    cc: ['product'],
    priority: 'normal',
    reasons: ['rule service-complaints: category complaint -> department service'],
    matched: [{ rule: 'service-complaints', why: ['category complaint'], effects: ['department service'] }],
  },
} as Pick<StoredMention, 'classification' | 'routing'>;

describe('mention detail codec', () => {
  it('gives back the classification and routing it was given', () => {
    const bytes = encodeMentionDetail(detail);

    expect(decodeMentionDetail(bytes)).toEqual(detail);
  });

  it('packs the detail into fewer bytes than its JSON by half or more', () => {
    const bytes = encodeMentionDetail(detail);

    expect(bytes.byteLength).toBeLessThan(JSON.stringify(detail).length / 2);
  });

  it('refuses a detail of a version it does not know', () => {
    const bytes = encodeMentionDetail(detail);
    bytes[0] = 9;

    expect(() => decodeMentionDetail(bytes)).toThrow('mention detail of unknown version 9');
  });
});
