import { describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../../shared/classifier/keyword-classifier.ts';

const classifier = new KeywordClassifier({ brandTerms: ['Radwerk', 'Stadtflitzer'] });

describe('KeywordClassifier', () => {
  it.each([
    ['Mein Stadtflitzer ist schon wieder kaputt, eine Frechheit!', 'complaint', 'negative'],
    ['Wann habt ihr am Samstag geöffnet?', 'question', 'neutral'],
    ['Wir würden gern ein Angebot für 40 Diensträder für unsere Flotte bekommen.', 'sales_lead', 'neutral'],
    [
      'Guten Tag, hier ist die Redaktion des Hamburger Abendblatts, wir bitten um eine Stellungnahme.',
      'press_inquiry',
      'neutral',
    ],
    ['Idee: baut doch bitte einen Gepäckträger für Kindersitze, das wäre toll', 'product_idea', 'positive'],
    ['Danke für die super Beratung, ich liebe mein neues Rad ❤', 'praise', 'positive'],
    ['Unsere Kita sucht einen Sponsor für den Spendenlauf im Mai', 'community_project', 'neutral'],
    ['Mein Anwalt wird sich bei euch melden, der Rahmen ist beim Fahren gebrochen', 'legal_risk', 'negative'],
    ['My e-bike arrived broken and nobody answers, never again', 'complaint', 'negative'],
  ] as const)('classifies "%s" as %s with %s sentiment', (text, category, sentiment) => {
    const result = classifier.classify({ text });

    expect(result.category).toBe(category);
    expect(result.sentiment).toBe(sentiment);
    expect(result.reasons.some((r) => r.decision === 'category' && r.feature.startsWith(`${category}:`))).toBe(true);
  });

  it('detects German and English', () => {
    expect(classifier.classify({ text: 'Ich habe das Rad seit einer Woche und es ist nicht da' }).language).toBe('de');
    expect(classifier.classify({ text: 'I have been waiting for my bike since last week' }).language).toBe('en');
  });

  it('raises urgency for escalation words', () => {
    const calm = classifier.classify({ text: 'Wann habt ihr offen?' });
    const escalating = classifier.classify({
      text: 'Ich gehe zur Verbraucherzentrale und zum Anwalt, das gibt einen Shitstorm!!!',
    });

    expect(calm.urgency).toBe(0);
    expect(escalating.urgency).toBeGreaterThanOrEqual(0.7);
  });

  it('gives empty text a low-confidence, irrelevant "other" without throwing', () => {
    const result = classifier.classify({ text: '' });

    expect(result).toMatchObject({ category: 'other', relevant: false, language: 'und' });
    expect(result.confidence).toBeLessThan(0.5);
  });

  it('matches stems only at word starts', () => {
    // "Sue" must not fire inside "Suerte", nor "rost" inside "Frost".
    expect(classifier.classify({ text: 'Frost heute' }).category).toBe('other');
  });

  it('names the brand terms that made the mention relevant', () => {
    const result = classifier.classify({ text: 'Radwerk ist toll' });

    expect(result.reasons).toContainEqual({ decision: 'relevance', feature: 'brand:radwerk', weight: 1 });
  });
});
