import { beforeAll, describe, expect, it } from 'vitest';
import { NgramClassifier } from '../../../shared/classifier/ngram-classifier.ts';
import { noiseOf } from '../../../shared/classifier/noise.ts';
import { normalizeText } from '../../../shared/classifier/normalize.ts';

// The shipped models, with a brand whose name would otherwise make any text relevant.
const classifier = new NgramClassifier({ brandTerms: ['Radwerk'], languages: ['de', 'en'] });

const noiseReason = (reasons: readonly { decision: string; feature: string }[]) =>
  reasons.find((r) => r.decision === 'relevance' && r.feature.startsWith('noise:'))?.feature;

describe('noise is not relevant', () => {
  beforeAll(() => classifier.loadLanguageDetector());

  it.each([
    ['empty text', '', 'noise: no text'],
    ['whitespace', ' \n\t ', 'noise: no text'],
    ["the brand's handle only", '@Radwerk', 'noise: no words, only handles'],
    ['handles and a link', '@Radwerk @Radwerk_Hilfe https://t.co/abc', 'noise: no words, only handles and links'],
    ['punctuation', '?!?! ...', 'noise: no words, only digits or punctuation'],
  ])('answers %s as irrelevant, neutral and other, never praise', (_name, text, reason) => {
    const result = classifier.classify({ text });

    expect(result).toMatchObject({ relevant: false, sentiment: 'neutral', category: 'other' });
    expect(noiseReason(result.reasons)).toBe(reason);
  });

  it('answers an emoji-only text as irrelevant and other', () => {
    const result = classifier.classify({ text: '😂😂🔥' });

    expect(result).toMatchObject({ relevant: false, category: 'other' });
    expect(noiseReason(result.reasons)).toBe('noise: no words, only emojis');
  });

  it.each([
    ['follow-bait', 'F4F? Follow for follow 🔥🔥', 'noise: follow-bait "f0f"'],
    [
      'profile spam naming the brand',
      '@Radwerk nice bikes! Check out my profile for daily content',
      'noise: follow-bait "check out my profile"',
    ],
    [
      'German follow-bait',
      'Schaut auf meinem Profil vorbei, folge für folge!',
      'noise: follow-bait "schaut auf meinem profil"',
    ],
  ])('answers %s as irrelevant', (_name, text, reason) => {
    const result = classifier.classify({ text });

    expect(result).toMatchObject({ relevant: false, category: 'other' });
    expect(noiseReason(result.reasons)).toBe(reason);
  });

  it("answers crypto spam that names the brand's handle as irrelevant, not a positive complaint", () => {
    const result = classifier.classify({
      text: '@Radwerk 🚀 Free BTC giveaway! Claim now before it ends https://x.example/airdrop',
    });

    expect(result).toMatchObject({ relevant: false, category: 'other' });
    expect(noiseReason(result.reasons)).toBe('noise: spam words "btc", "giveaway", "claim"');
    expect(result.reasons.some((r) => r.feature.startsWith('brand term'))).toBe(false);
  });

  it('keeps a customer who names one spam word relevant', () => {
    const result = classifier.classify({ text: '@Radwerk can I pay with bitcoin in your Hamburg store?' });

    expect(result.relevant).toBe(true);
    expect(noiseReason(result.reasons)).toBeUndefined();
  });

  it('counts no brand or product name as a spam word', () => {
    const text = 'My BTC withdrawal is stuck, the claim form is broken and nobody answers my DM';
    const exchange = new NgramClassifier({ brandTerms: ['BTC Direkt'] });

    expect(noiseOf(normalizeText(text))?.kind).toBe('spam');
    expect(noiseOf(normalizeText(text), new Set(['btc', 'direkt']))).toBeUndefined();
    expect(noiseReason(exchange.classify({ text }).reasons)).toBeUndefined();
  });

  it('leaves texts with words and no spam cues to the models', () => {
    expect(noiseOf(normalizeText('#fail #bahn'))).toBeUndefined();
    expect(noiseOf(normalizeText('Mein Rad ist kaputt 😡'))).toBeUndefined();
  });
});
