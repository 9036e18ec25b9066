import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyVector, FeatureExtractor } from '../../../shared/classifier/features.ts';
import { detectLanguage, fastLanguage, loadEld } from '../../../shared/classifier/language.ts';
import {
  accumulateFused,
  argmax,
  contributions,
  fuseHeads,
  fusePacked,
  fuseStored,
  groupWeightsFused,
  predict,
  probabilitiesFused,
} from '../../../shared/classifier/linear-model.ts';
import { decodeModel, encodeModel, packedModelOf } from '../../../shared/classifier/model-codec.ts';
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
  // eld loads on first need; these tests compare with its answers.
  beforeAll(() => loadEld());

  it('scores every head in one pass as the training path does, up to float rounding', () => {
    const training = new FeatureExtractor(model.features, model.idf);
    const inference = new FeatureExtractor(model.features);
    const sums = new Float64Array(200_000);
    const out = heads.map((h) => new Float64Array(h.classes.length));

    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...texts),
          fc.string({ maxLength: 600 }),
          fc.string({ unit: 'grapheme', maxLength: 300 }),
        ),
        (text) => {
          const normalized = normalizeText(text);
          const x = copyVector(training.extract(normalized));
          const collected = inference.collect(normalized);

          const scale = accumulateFused(fused, collected, model.features, sums);
          const actual = probabilitiesFused(fused, sums, collected.groupCount, scale, out);

          expect(Array.from(collected.indices)).toEqual(Array.from(x.indices));
          heads.forEach((head, n) => {
            const expected = predict(head, x);
            expect(argmax(actual[n]!)).toBe(argmax(expected));
            actual[n]!.forEach((p, c) => {
              expect(p).toBeCloseTo(expected[c]!, 6);
            });
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sums the same bits whether the weights of a row are read as bytes or as four 32-bit words', () => {
    const extractor = new FeatureExtractor(model.features);
    const bytewise = { ...fused, quads: undefined };
    const words = new Float64Array(200_000);
    const bytes = new Float64Array(200_000);

    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...texts), fc.string({ maxLength: 600 })), (text) => {
        const collected = extractor.collect(normalizeText(text));
        const size = collected.groupCount * fused.classes;

        const scaleWords = accumulateFused(fused, collected, model.features, words);
        const scaleBytes = accumulateFused(bytewise, collected, model.features, bytes);

        expect(fused.quads).toBeDefined();
        expect(scaleWords).toBe(scaleBytes);
        expect(Array.from(words.subarray(0, size))).toEqual(Array.from(bytes.subarray(0, size)));
      }),
      { numRuns: 100 },
    );
  });

  // The shipped models store their fused rows (format 2); a company model its non-zero rows (format 1).
  const rowsFormat = (base64: string, id: string) => decodeModel(encodeModel(decodeModel(base64, id)), id);

  it('builds the same fused rows from the stored rows as from the dense heads (model load, format 1)', () => {
    const packed = packedModelOf(rowsFormat(SHIPPED_MODELS.de.base64, SHIPPED_MODELS.de.id))!;

    const fromFile = fusePacked(
      heads,
      [packed.heads!.relevance, packed.heads!.sentiment, packed.heads!.category],
      packed.dimension,
      packed.idf,
    );

    expectSameRows(fromFile, packed.dimension);
  });

  it('runs on the stored fused rows of a format 2 model as they are, the same rows as from the dense heads', () => {
    const packed = packedModelOf(decodeModel(SHIPPED_MODELS.de.base64, SHIPPED_MODELS.de.id))!;
    expect(packed.heads).toBeUndefined();

    const fromFile = fuseStored(heads, packed.fused!);

    expect(fromFile.weights).toBe(packed.fused!.weights);
    expect(fromFile.quads).toBeDefined();
    expectSameRows(fromFile, packed.dimension);
  });

  function expectSameRows(fromFile: ReturnType<typeof fuseHeads>, rows: number): void {
    expect(fromFile.stride).toBe(fused.stride);
    expect(fromFile.idfAt).toBe(fused.idfAt);
    expect(fromFile.idf).toBeUndefined();
    let differing = 0;
    for (let j = 0; j < rows; j++) {
      const at = j * fused.stride;
      for (let c = 0; c < fused.classes; c++) if (fromFile.weights[at + c] !== fused.weights[at + c]) differing++;
      const idfPacked = fromFile.idfValues[fromFile.codes[at + fromFile.idfAt]!];
      const idfDense = fused.idfValues[fused.codes[at + fused.idfAt]!];
      if (idfPacked !== idfDense || idfPacked !== model.idf![j]) differing++;
    }
    expect(differing).toBe(0);
  }

  it('decodes a model without building its dense weights until they are read', () => {
    const decoded = rowsFormat(SHIPPED_MODELS.en.base64, SHIPPED_MODELS.en.id);
    const packed = packedModelOf(decoded)!;
    const { rows, values } = packed.heads!.sentiment;
    const k = decoded.heads.sentiment.classes.length;

    const dense = decoded.heads.sentiment.weights;

    expect(dense).toBe(decoded.heads.sentiment.weights);
    expect(dense.length).toBe(packed.dimension * k);
    const last = rows.length - 1;
    expect(Array.from(dense.subarray(rows[last]! * k, rows[last]! * k + k))).toEqual(
      Array.from(values.subarray(last * k, last * k + k)),
    );
    let nonZero = 0;
    for (const w of dense) if (w !== 0) nonZero++;
    let stored = 0;
    for (const w of values) if (w !== 0) stored++;
    expect(nonZero).toBe(stored);
  });

  it('scores heads of any other class count (the generic loop) as the training path does', () => {
    const two = fuseHeads([model.heads.relevance, model.heads.sentiment], model.idf);
    const training = new FeatureExtractor(model.features, model.idf);
    const inference = new FeatureExtractor(model.features);
    const normalized = normalizeText(texts[0]!);
    const x = copyVector(training.extract(normalized));
    const collected = inference.collect(normalized);
    const sums = new Float64Array(collected.groupCount * two.classes);

    const scale = accumulateFused(two, collected, model.features, sums);
    const actual = probabilitiesFused(two, sums, collected.groupCount, scale, [
      new Float64Array(2),
      new Float64Array(3),
    ]);

    expect(two.classes).toBe(5);
    [model.heads.relevance, model.heads.sentiment].forEach((head, n) => {
      predict(head, x).forEach((p, c) => {
        expect(actual[n]![c]).toBeCloseTo(p, 6);
      });
    });
  });

  it('keeps every feature of a long text (the feature table grows) and counts repeats once per bucket', () => {
    const extractor = new FeatureExtractor(model.features);
    // Distinct letter-only words (digits would collapse to 0), within the 4,000 characters read.
    const letters = (i: number) =>
      [i % 26, Math.floor(i / 26) % 26, Math.floor(i / 676) % 26].map((c) => String.fromCharCode(97 + c)).join('');
    const words = Array.from({ length: 330 }, (_, i) => `q${letters(i * 7919)}z`).join(' ');

    const collected = extractor.collect(normalizeText(`${words} ${words.slice(0, 600)}`));

    expect(new Set(collected.indices).size).toBe(collected.indices.length);
    expect(collected.indices.length).toBeGreaterThan(2048);
    expect(Math.max(...collected.counts)).toBeGreaterThanOrEqual(2);
  });

  it('names the same reasons, with the same weights up to float rounding, as the training path', () => {
    const training = new FeatureExtractor(model.features, model.idf);
    const inference = new FeatureExtractor(model.features);
    const sums = new Float64Array(200_000);
    const chosen = [1, 0, 3];

    for (const text of texts.filter((t) => t.length > 0)) {
      const normalized = normalizeText(text);
      const x = copyVector(training.extract(normalized));
      const collected = inference.collect(normalized);
      const scale = accumulateFused(fused, collected, model.features, sums);

      chosen.forEach((cls, head) => {
        const perFeature = new Float64Array(x.indices.length);
        contributions(heads[head]!, x, cls, perFeature);
        const expected = training.strongest(perFeature, 3);
        const groups = new Float64Array(collected.groupCount);
        groupWeightsFused(fused, sums, collected.groupCount, scale, head, cls, groups);
        const actual = inference.strongestOf(groups, 3);

        expect(actual.map((r) => r.name)).toEqual(expected.map((r) => r.name));
        actual.forEach((r, i) => {
          expect(r.weight).toBeCloseTo(expected[i]!.weight, 6);
        });
      });
    }
  });

  it('takes clear German or English from function words and leaves everything else to eld', () => {
    const de = normalizeText('Ich warte seit drei Wochen auf meine Lieferung und das ist nicht in Ordnung');
    const en = normalizeText('I have been waiting for my delivery for three weeks and this is not okay');
    const nl = normalizeText('Ik heb een probleem met mijn fiets en de winkel is niet open vandaag');
    const short = normalizeText('Danke!');

    expect(fastLanguage(de.tokens)).toBe('de');
    expect(fastLanguage(en.tokens)).toBe('en');
    expect(fastLanguage(nl.tokens)).toBeUndefined();
    expect(
      fastLanguage(
        normalizeText('No me gusta nada, el servicio es muy malo y no me han devuelto el dinero, es una vergüenza')
          .tokens,
      ),
    ).toBeUndefined();
    expect(
      fastLanguage(
        normalizeText(
          'Der er ikke noget at gøre, den er i stykker og det er min cykel, jeg har ventet på den, mit hjem',
        ).tokens,
      ),
    ).toBeUndefined();
    expect(fastLanguage(short.tokens)).toBeUndefined();
    expect(detectLanguage(de.plain, de.signals.letters, de.tokens)).toMatchObject({
      language: 'de',
      model: 'de',
      reason: 'function words: de',
    });
    expect(detectLanguage(nl.plain, nl.signals.letters, nl.tokens)).toMatchObject({ language: 'nl', model: 'any' });
  });

  it('takes a German-English mix that begins in one language only from its function words, as eld would', () => {
    const mixed = normalizeText(
      // German start (3 function words, no English ones in the first 100 characters), 4 German and 6 English overall.
      'Seit drei Wochen ist mein neues Rad schon kaputt, niemand meldet was, langsam reicht es mir wirklich. I have been waiting for the parts and the shop never answers, bitte helft',
    );

    const detected = detectLanguage(mixed.plain, mixed.signals.letters, mixed.tokens);

    expect(fastLanguage(mixed.tokens)).toBeUndefined();
    expect(detected).toMatchObject({ language: 'de', model: 'de', reason: 'function words at the start: de' });
  });
});
