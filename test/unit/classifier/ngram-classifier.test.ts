import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NgramClassifier } from '../../../shared/classifier/ngram-classifier.ts';
import type { Classification } from '../../../shared/domain/classification.ts';
import { CATEGORIES, SENTIMENTS } from '../../../shared/domain/mention.ts';

// The shipped models (decoded once here, as once per cold start in the Lambda).
const classifier = new NgramClassifier({ brandTerms: ['Radwerk', 'Stadtflitzer'] });

function expectValid(result: Classification): void {
  expect(CATEGORIES).toContain(result.category);
  expect(SENTIMENTS).toContain(result.sentiment);
  expect(result.confidence).toBeGreaterThanOrEqual(0);
  expect(result.confidence).toBeLessThanOrEqual(1);
  expect(result.urgency).toBeGreaterThanOrEqual(0);
  expect(result.urgency).toBeLessThanOrEqual(1);
  const total = (result.categories ?? []).reduce((sum, c) => sum + c.probability, 0);
  expect(total).toBeCloseTo(1, 2);
}

describe('NgramClassifier', () => {
  // eld loads on first need; these tests want its answer from the first text.
  beforeAll(() => classifier.loadLanguageDetector());

  it.each([
    ['Danke, super Service!', 'praise', 'positive'],
    ['Guten Tag, die Redaktion der Kieler Nachrichten bittet um eine Stellungnahme.', 'press_inquiry', 'neutral'],
    ['Unsere Kita sucht einen Sponsor für den Spendenlauf im Mai', 'community_project', 'positive'],
    ['Amazing service, thank you so much team!', 'praise', 'positive'],
  ] as const)('classifies "%s" as %s', (text, category, sentiment) => {
    const result = classifier.classify({ text });

    expect(result.category).toBe(category);
    expect(result.sentiment).toBe(sentiment);
    expect(result.model).toMatch(/^ngram-(de|en)@[0-9a-f]{8}$/);
  });

  it('gives probabilities, the top alternatives and the features that weighed for each decision', () => {
    const result = classifier.classify({
      text: 'Mein Rad ist nach einer Woche kaputt und niemand antwortet, eine Frechheit!',
    });

    expectValid(result);
    expect(result.alternatives).toHaveLength(2);
    expect(result.alternatives?.map((a) => a.label)).not.toContain(result.category);
    for (const decision of ['language', 'relevance', 'sentiment', 'category', 'urgency'] as const) {
      expect(result.reasons.some((r) => r.decision === decision)).toBe(true);
    }
    expect(
      result.reasons.filter((r) => r.decision === 'category').some((r) => /word|words|signal/.test(r.feature)),
    ).toBe(true);
  });

  it('uses the German and English models by the language eld detects', () => {
    expect(
      classifier.classify({ text: 'Ich warte seit drei Wochen auf meine Lieferung, das ist nicht in Ordnung' }),
    ).toMatchObject({ language: 'de', languageFallback: false });
    expect(
      classifier.classify({ text: 'I have been waiting three weeks for my delivery, this is not okay' }),
    ).toMatchObject({ language: 'en', languageFallback: false });
  });

  it('marks a mention in another language as decided by the language-agnostic fallback model', () => {
    const result = classifier.classify({
      text: 'Bonjour, je voudrais savoir quand le magasin est ouvert samedi prochain',
    });

    expect(result).toMatchObject({ language: 'fr', languageFallback: true });
    expect(result.model).toMatch(/^ngram-any@/);
  });

  it('names the brand term that made a mention likelier relevant', () => {
    const result = classifier.classify({ text: 'Heute beim Stadtflitzer vorbeigeschaut' });

    expect(result.reasons).toContainEqual(
      expect.objectContaining({ decision: 'relevance', feature: 'brand term "Stadtflitzer"' }),
    );
  });

  it('raises urgency for escalation words, shouting and reach, naming each', () => {
    const calm = classifier.classify({ text: 'Wann habt ihr am Samstag geöffnet?' });
    const escalating = classifier.classify({
      text: 'Ich gehe zur Verbraucherzentrale und zum Anwalt, das gibt einen SHITSTORM WENN IHR NICHT ANTWORTET!!!',
      author: { followers: 250_000 },
    });

    expect(escalating.urgency).toBeGreaterThan(calm.urgency);
    expect(escalating.urgency).toBeGreaterThanOrEqual(0.7);
    const features = escalating.reasons.filter((r) => r.decision === 'urgency').map((r) => r.feature);
    expect(features).toEqual(
      expect.arrayContaining([
        'escalation word "anwalt"',
        'escalation word "verbraucherzentrale"',
        'author reach 250000 followers',
        'written in capitals',
      ]),
    );
  });

  it('lets a company keyword rule force a category and says so', () => {
    const withRule = new NgramClassifier({
      keywordRules: [{ id: 'recall', keywords: ['Rückruf'], category: 'legal_risk', mode: 'force' }],
    });

    const result = withRule.classify({ text: 'Gibt es einen Rueckruf für mein Lastenrad? Danke!' });

    expect(result).toMatchObject({ category: 'legal_risk', confidence: 1 });
    expect(result.reasons).toContainEqual(
      expect.objectContaining({
        decision: 'category',
        feature: expect.stringMatching(/^rule recall: "Rückruf" forces legal_risk/),
      }),
    );
  });

  it('lets a company keyword rule add a category beside the model’s', () => {
    const withRule = new NgramClassifier({
      keywordRules: [{ id: 'fleet', keywords: ['Flotte'], category: 'sales_lead', mode: 'add' }],
    });

    const result = withRule.classify({ text: 'Danke für die tolle Beratung zu unserer Flotte!' });

    expect(result.category).not.toBe('sales_lead');
    expect(result.addedCategories).toEqual(['sales_lead']);
    expect(result.reasons).toContainEqual(expect.objectContaining({ feature: 'rule fleet: "Flotte" adds sales_lead' }));
  });

  it.each([
    ['empty text', ''],
    ['only emojis', '😡😡😡🔥'],
    ['only a URL', 'https://example.com/some/path?x=1'],
    ['only whitespace', ' \n\t '],
  ])('answers %s with a valid, low-confidence result', (_name, text) => {
    const result = classifier.classify({ text });

    expectValid(result);
    expect(result.confidence).toBeLessThanOrEqual(0.2);
    expect(result.languageFallback).toBe(true);
  });

  it('reads only the start of a 100 KB text and says so', () => {
    const result = classifier.classify({ text: 'Das Rad ist kaputt. '.repeat(5000) });

    expectValid(result);
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ feature: 'only the first 4000 of 100000 characters read' }),
    );
  });

  it('classifies mixed German and English text without failing', () => {
    const result = classifier.classify({ text: 'Ich liebe this bike, aber the delivery war echt slow' });

    expectValid(result);
    expect(['de', 'en']).toContain(result.language);
  });

  it('never throws and always answers within its ranges, for any string including invalid UTF-16', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ maxLength: 50 }),
        ),
        (text) => {
          expectValid(classifier.classify({ text }));
        },
      ),
      { numRuns: 300 },
    );
  });
});
