import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyVector, FeatureExtractor } from '../../../shared/classifier/features.ts';
import { detectLanguage, fastLanguage } from '../../../shared/classifier/language.ts';
import { contributionsFused, fuseHeads, groupContributionsFused, predictFused, weighFused } from '../../../shared/classifier/linear-model.ts';
import { decodeModel } from '../../../shared/classifier/model-codec.ts';
import { SHIPPED_MODELS } from '../../../shared/classifier/models/index.ts';
import { normalizeText } from '../../../shared/classifier/normalize.ts';

// The inference fast path must give exactly what the training path computes.
const model = decodeModel(SHIPPED_MODELS.de.base64, SHIPPED_MODELS.de.id);
const heads = [model.heads.relevance, model.heads.sentiment, model.heads.category];
const fused = fuseHeads(heads, model.idf);

const texts = [
  'Mein Rad ist nach einer Woche kaputt und niemand antwortet, eine Frechheit!!! @radwerk #fail https://t.co/x',
  'Thanks so much for the quick help 😍😍 will recommend you to everyone',
  '',
  '😀',
  'Suuuuper Service, MÜÜÜLL war gestern, Straße 12 ist toll :)',
];

describe('classification fast path', () => {
  it('weighs features from the fused rows exactly as the training extractor does', () => {
    const training = new FeatureExtractor(model.features, model.idf);
    const inference = new FeatureExtractor(model.features);
    const out = new Float32Array(20_000);

    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...texts), fc.string({ maxLength: 600 }), fc.string({ unit: 'grapheme', maxLength: 300 })), (text) => {
        const normalized = normalizeText(text);
        const expected = copyVector(training.extract(normalized));
        const actual = weighFused(fused, inference.collect(normalized), model.features, out);

        expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
        expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every feature of a long text (the feature table grows) and counts repeats once per bucket', () => {
    const extractor = new FeatureExtractor(model.features);
    // Distinct letter-only words (digits would collapse to 0), within the 4,000 characters read.
    const letters = (i: number) => [i % 26, Math.floor(i / 26) % 26, Math.floor(i / 676) % 26].map((c) => String.fromCharCode(97 + c)).join('');
    const words = Array.from({ length: 330 }, (_, i) => `q${letters(i * 7919)}z`).join(' ');

    const collected = extractor.collect(normalizeText(`${words} ${words.slice(0, 600)}`));

    expect(new Set(collected.indices).size).toBe(collected.indices.length);
    expect(collected.indices.length).toBeGreaterThan(2048);
    expect(Math.max(...collected.counts)).toBeGreaterThanOrEqual(2);
  });

  it('sums contributions per reason group, for all heads in one pass, as one head at a time does', () => {
    const extractor = new FeatureExtractor(model.features, model.idf);
    const x = copyVector(extractor.extract(normalizeText(texts[0]!)));
    const chosen = [1, 0, 3];
    const groupOf = new Int32Array(x.indices.length);
    extractor.groupsInto(groupOf);
    const groups = chosen.map(() => new Float64Array(extractor.groupCount));

    groupContributionsFused(fused, x, chosen, groupOf, groups);

    chosen.forEach((cls, head) => {
      const perFeature = new Float64Array(x.indices.length);
      contributionsFused(fused, head, x, cls, perFeature);
      expect(extractor.strongestOf(groups[head]!, 3)).toEqual(extractor.strongest(perFeature, 3));
    });
    expect(predictFused(fused, x)).toHaveLength(3);
  });

  it('takes clear German or English from function words and leaves everything else to eld', () => {
    const de = normalizeText('Ich warte seit drei Wochen auf meine Lieferung und das ist nicht in Ordnung');
    const en = normalizeText('I have been waiting for my delivery for three weeks and this is not okay');
    const nl = normalizeText('Ik heb een probleem met mijn fiets en de winkel is niet open vandaag');
    const short = normalizeText('Danke!');

    expect(fastLanguage(de.tokens)).toBe('de');
    expect(fastLanguage(en.tokens)).toBe('en');
    expect(fastLanguage(nl.tokens)).toBeUndefined();
    expect(fastLanguage(normalizeText('No me gusta nada, el servicio es muy malo y no me han devuelto el dinero, es una vergüenza').tokens)).toBeUndefined();
    expect(fastLanguage(normalizeText('Der er ikke noget at gøre, den er i stykker og det er min cykel, jeg har ventet på den, mit hjem').tokens)).toBeUndefined();
    expect(fastLanguage(short.tokens)).toBeUndefined();
    expect(detectLanguage(de.plain, de.signals.letters, de.tokens)).toMatchObject({ language: 'de', model: 'de', reason: 'function words: de' });
    expect(detectLanguage(nl.plain, nl.signals.letters, nl.tokens)).toMatchObject({ language: 'nl', model: 'any' });
  });
});
