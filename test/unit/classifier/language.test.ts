import { describe, expect, it, vi } from 'vitest';
import { NgramClassifier } from '../../../shared/classifier/ngram-classifier.ts';
import type { Classification } from '../../../shared/domain/classification.ts';

// The shipped models; eld loaded up front except where a test is about its loading.
const germanCompany = new NgramClassifier({ languages: ['de', 'en'] });
const unconfigured = new NgramClassifier();

const languageReason = (result: Classification) => result.reasons.find((r) => r.decision === 'language')?.feature;

describe('language of a mention', () => {
  it('takes the company language an unconfigured eld gets wrong for a very short text, and says how', async () => {
    await germanCompany.loadLanguageDetector();

    const results = ['so unhelpful…', 'U blow'].map((text) => germanCompany.classify({ text }));

    expect(results.map((r) => r.language)).toEqual(['en', 'en']);
    expect(results.map((r) => r.languageFallback)).toEqual([false, false]);
    expect(languageReason(results[0]!)).toMatch(/^eld: sl, 11 letters: en by the German and English models' n-grams/);
    expect(languageReason(results[1]!)).toMatch(/^eld: hr, 5 letters: en by/);
  });

  it('chooses only among the configured languages for a short text', async () => {
    const frenchAndGerman = new NgramClassifier({ languages: ['fr', 'de'] });
    await frenchAndGerman.loadLanguageDetector();

    const merci = frenchAndGerman.classify({ text: 'Merci beaucoup' });
    const danke = germanCompany.classify({ text: 'Merci beaucoup' });

    expect(merci).toMatchObject({ language: 'fr', languageFallback: true });
    expect(['de', 'en']).toContain(danke.language);
  });

  it('takes the first configured language when eld scores none of them for a short text', async () => {
    const polishAndCzech = new NgramClassifier({ languages: ['pl', 'cs'] });
    await polishAndCzech.loadLanguageDetector();

    const result = polishAndCzech.classify({ text: 'ok wow lol' });

    expect(result.language).toMatch(/^(pl|cs)$/);
    expect(languageReason(result)).toContain('among pl, cs');
  });

  it('keeps a long text in another language that eld is sure of, with the language-agnostic model', async () => {
    await germanCompany.loadLanguageDetector();

    const result = germanCompany.classify({
      text: 'Bonjour, je voudrais savoir quand le magasin est ouvert samedi prochain',
    });

    expect(result).toMatchObject({ language: 'fr', languageFallback: true });
    expect(result.model).toMatch(/^ngram-any@/);
  });

  it('gives a hashtag-only text its words and a language', async () => {
    await unconfigured.loadLanguageDetector();

    const result = germanCompany.classify({ text: '#NieWieder #fail #bahn' });

    expect(result.language).toBe('de');
    expect(result.reasons.map((r) => r.feature).join(' ')).toMatch(/word "(wieder|fail|bahn|nie)"/);
  });

  it('classifies a word with a zero-width space or soft hyphen inside as the word itself', async () => {
    await unconfigured.loadLanguageDetector();

    const clean = unconfigured.classify({ text: 'Mein Rad ist schon wieder kaputt, eine Frechheit' });
    const hidden = unconfigured.classify({ text: 'Mein Rad ist schon wieder ka\u200Bputt, eine Frech\u00ADheit' });

    expect(hidden).toEqual(clean);
  });

  it('classifies HTML as the text it shows', async () => {
    await unconfigured.loadLanguageDetector();

    const clean = unconfigured.classify({ text: 'Mein Rad ist kaputt & niemand antwortet. "Service" nennt ihr das?' });
    const html = unconfigured.classify({
      text: '<p>Mein Rad ist <b>kaputt</b> &amp; niemand antwortet.<br>&quot;Service&quot; nennt ihr das?</p>',
    });

    expect(html).toEqual(clean);
  });
});

describe('language while eld is loading', () => {
  it('gives a result at once, by the function words or the n-grams, and says eld is still loading', () => {
    const notYet = new NgramClassifier({ languages: ['de', 'en'], eld: () => undefined });

    const english = notYet.classify({ text: 'so unhelpful…' });
    const german = notYet.classify({ text: 'Rad kaputt, danke auch' });

    expect(english.language).toBe('en');
    expect(languageReason(english)).toMatch(/^eld still loading: en by the German and English models' n-grams/);
    expect(german.language).toBe('de');
    expect(languageReason(german)).toBe('eld still loading: de by its function words');
  });

  it("takes the company's first language when nothing else decides", () => {
    const notYet = new NgramClassifier({ languages: ['fr', 'it'], eld: () => undefined });

    const result = notYet.classify({ text: 'Colis jamais arrivé' });

    expect(result).toMatchObject({ language: 'fr', languageFallback: true });
    expect(languageReason(result)).toBe("eld still loading: fr, the company's first language");
  });

  it('starts loading eld on the first text that needs it without waiting, and uses it once loaded', async () => {
    // A fresh copy of the classifier modules: eld not loaded in it yet.
    vi.resetModules();
    const { NgramClassifier: Fresh } = await import('../../../shared/classifier/ngram-classifier.ts');
    const classifier = new Fresh({ languages: ['de', 'en'] });

    const first = classifier.classify({ text: 'so unhelpful…' });
    await classifier.loadLanguageDetector();
    const later = classifier.classify({ text: 'so unhelpful…' });

    expect(languageReason(first)).toMatch(/^eld still loading: en/);
    expect(languageReason(later)).toMatch(/^eld: sl, 11 letters: en/);
    expect(later.language).toBe(first.language);
  });
});
