import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModels, readCategoryOnly, readShortTexts } from '../../../shared/classifier/build-models.ts';
import { CorpusError, readCorpus, splitCorpus } from '../../../shared/classifier/corpus.ts';
import {
  copyVector,
  DEFAULT_FEATURES,
  FeatureExtractor,
  lexiconSignalBuckets,
  signalIndex,
} from '../../../shared/classifier/features.ts';
import { argmax, predict } from '../../../shared/classifier/linear-model.ts';
import {
  decodeModel,
  encodeModel,
  encodeShippedModel,
  ModelFormatError,
} from '../../../shared/classifier/model-codec.ts';
import { NgramClassifier } from '../../../shared/classifier/ngram-classifier.ts';
import { normalizeText } from '../../../shared/classifier/normalize.ts';
import {
  balanceClasses,
  DEFAULT_HEAD_TRAINING,
  DEFAULT_TRAINING,
  trainHead,
  trainHeadWithOffsets,
  trainLanguageModel,
} from '../../../shared/classifier/train.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/classifier');
const TINY = path.join(FIXTURES, 'tiny-corpus.jsonl');
// Small hash space and few epochs keep the test fast; the code path is the shipped one.
const FEATURES = { ...DEFAULT_FEATURES, bits: 12 };
const TRAINING = {
  relevance: { ...DEFAULT_HEAD_TRAINING.relevance, epochs: 20 },
  sentiment: { ...DEFAULT_HEAD_TRAINING.sentiment, epochs: 20 },
  category: { ...DEFAULT_HEAD_TRAINING.category, epochs: 20 },
};

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bc-train-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function corpusDir(): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'tiny.jsonl'), readFileSync(TINY));
  return dir;
}

describe('npm run train (buildModels)', () => {
  it('writes byte-identical model files when run twice on the same corpus', () => {
    // Prepare
    const corpus = corpusDir();
    const first = tempDir();
    const second = tempDir();

    // Act
    const a = buildModels({
      corpusDir: corpus,
      outDir: first,
      features: FEATURES,
      training: TRAINING,
      realDataDir: null,
    });
    const b = buildModels({
      corpusDir: corpus,
      outDir: second,
      features: FEATURES,
      training: TRAINING,
      realDataDir: null,
    });

    // Assess
    expect(a.map((m) => m.language)).toEqual(['de', 'en', 'any']);
    for (const language of ['de', 'en', 'any']) {
      const one = readFileSync(path.join(first, `${language}.ts`));
      const two = readFileSync(path.join(second, `${language}.ts`));
      expect(one.equals(two)).toBe(true);
    }
    expect(b.map((m) => m.id)).toEqual(a.map((m) => m.id));
  });

  it('produces models that classify their own training texts and report held-out scores', () => {
    const examples = readCorpus([TINY]);
    const { train, heldOut } = splitCorpus(examples);
    const trained = trainLanguageModel({
      language: 'any',
      train: examples,
      heldOut,
      features: FEATURES,
      training: TRAINING,
    });
    const model = decodeModel(encodeModel(trained), 'ngram-any@test');
    const classifier = new NgramClassifier({ models: { any: model, de: model, en: model } });

    // The category head learns from relevant mentions only.
    const relevant = train.filter((e) => e.relevant);
    const results = relevant.map((e) => classifier.classify({ text: e.text }));

    const categoryHits = results.filter((r, i) => r.category === relevant[i]!.category).length;
    expect(categoryHits / relevant.length).toBeGreaterThan(0.9);
    expect(trained.heldOut?.examples).toBe(heldOut.length);
  });
});

describe('category-only examples', () => {
  // BANKING77 messages are all short complaints or questions; without their length they cannot
  // teach the category head that a short text is a complaint (docs/classifier.md "Round w8: short texts").
  it('leave the length signals out of their vectors when asked', () => {
    const examples = readCorpus([TINY]);
    const banking = Array.from({ length: 40 }, (_, i) => ({
      id: `b-${i}`,
      text: i % 2 ? `card ${i} declined` : `refund ${i} missing`,
      category: 'complaint' as const,
    }));
    const shortWeight = (categoryOnlyWithoutLength: boolean) => {
      const trained = trainLanguageModel({
        language: 'any',
        train: [...examples, ...banking],
        heldOut: [],
        features: FEATURES,
        training: TRAINING,
        calibrate: false,
        categoryOnlyWithoutLength,
      });
      const head = trained.heads.category;
      const c = head.classes.indexOf('complaint');
      return head.weights[signalIndex('length:short', FEATURES.bits) * head.classes.length + c]! * head.scales[c]!;
    };

    expect(shortWeight(true)).toBeLessThan(shortWeight(false));
  });

  it('come from the category-only folder beside the corpus, in the corpus format', () => {
    const examples = readCategoryOnly();
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(Object.keys(e).sort()).toEqual(['category', 'id', 'language', 'text']);
  });
});

describe('short written examples', () => {
  // Written short negatives (corpus/short) teach the sentiment head what "#fail" or
  // "nie wieder" says, not that a short text is negative (docs/classifier.md "Round w9").
  it('leave the length signals out of their vectors', () => {
    const examples = readCorpus([TINY]);
    const shortNegatives = Array.from({ length: 40 }, (_, i) => ({
      id: `s-${i}`,
      text: i % 2 ? `app ${i} broken` : `nie wieder ${i}`,
      sentiment: 'negative' as const,
    }));
    const shortWeight = (withoutLength: boolean) => {
      const trained = trainLanguageModel({
        language: 'any',
        train: [...examples, ...shortNegatives.map((e) => ({ ...e, withoutLength }))],
        heldOut: [],
        features: FEATURES,
        training: TRAINING,
        calibrate: false,
      });
      const head = trained.heads.sentiment;
      const c = head.classes.indexOf('negative');
      return head.weights[signalIndex('length:short', FEATURES.bits) * head.classes.length + c]! * head.scales[c]!;
    };

    expect(shortWeight(true)).toBeLessThan(shortWeight(false));
  });

  it('come from the short folder beside the corpus, never label relevance, and label the category of complaints and praise only', () => {
    const examples = readShortTexts();

    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) {
      expect(e).not.toHaveProperty('relevant');
      expect(e.withoutLength).toBe(true);
      expect([undefined, 'complaint', 'praise']).toContain(e.category);
    }
    expect(new Set(examples.map((e) => e.sentiment))).toEqual(new Set(['negative', 'neutral', 'positive']));
    expect(examples.filter((e) => e.sentiment === 'neutral').every((e) => e.category === undefined)).toBe(true);
  });
});

describe('lexicon heads (FeatureOptions.lexiconHeads)', () => {
  // Round w14: the English customer lexicon should move the sentiment head only.
  const weightsAtLexiconSignals = (head: { weights: Int8Array; classes: readonly string[] }) =>
    [...lexiconSignalBuckets(FEATURES.bits)].flatMap((bucket) =>
      head.classes.map((_, c) => head.weights[bucket * head.classes.length + c]!),
    );
  const train = (lexiconHeads?: readonly ('relevance' | 'sentiment' | 'category')[]) =>
    trainLanguageModel({
      language: 'de',
      train: readCorpus([TINY]),
      heldOut: [],
      features: { ...FEATURES, lexicon: 'de', ...(lexiconHeads ? { lexiconHeads } : {}) },
      training: TRAINING,
      calibrate: false,
    });

  it('trains the other heads without the lexicon signals: their weights there are zero, the reading head has some', () => {
    const trained = train(['sentiment']);

    expect(weightsAtLexiconSignals(trained.heads.relevance).every((w) => w === 0)).toBe(true);
    expect(weightsAtLexiconSignals(trained.heads.category).every((w) => w === 0)).toBe(true);
    expect(weightsAtLexiconSignals(trained.heads.sentiment).some((w) => w !== 0)).toBe(true);
  });

  it('lets every head read the lexicon when the field is absent (models trained before)', () => {
    const trained = train();

    expect(weightsAtLexiconSignals(trained.heads.category).some((w) => w !== 0)).toBe(true);
  });

  it('names lexicon signals among the sentiment reasons only', () => {
    const model = decodeModel(encodeModel(train(['sentiment'])), 'ngram-de@lexheads');
    // The same model for every language: the test is about heads, not language detection.
    const models = { de: model, en: model, any: model };
    const classifier = new NgramClassifier({ models, reasonsPerDecision: 100, languages: ['de'] });

    const result = classifier.classify({ text: 'Schon wieder kaputt, eine Katastrophe und eine Frechheit' });

    const lexiconReasons = result.reasons.filter((r) => r.feature.includes('signal lexicon'));
    expect(lexiconReasons.length).toBeGreaterThan(0);
    expect(new Set(lexiconReasons.map((r) => r.decision))).toEqual(new Set(['sentiment']));
  });

  it('keeps the field through encoding, and refuses a model that names an unknown head', () => {
    const trained = train(['sentiment']);
    expect(decodeModel(encodeModel(trained), 'ngram-de@x').features.lexiconHeads).toEqual(['sentiment']);

    const foreign = encodeModel({
      ...trained,
      features: { ...trained.features, lexiconHeads: ['urgency'] as unknown as readonly 'sentiment'[] },
    });
    expect(() => decodeModel(foreign, 'ngram-de@y')).toThrow(ModelFormatError);
  });
});

describe('model codec', () => {
  it('decodes exactly what it encoded', () => {
    const examples = readCorpus([TINY]);
    const trained = trainLanguageModel({
      language: 'de',
      train: examples,
      heldOut: [],
      features: FEATURES,
      training: TRAINING,
    });

    const decoded = decodeModel(encodeModel(trained), 'ngram-de@x');

    for (const head of ['relevance', 'sentiment', 'category'] as const) {
      expect(decoded.heads[head].weights).toEqual(trained.heads[head].weights);
      expect(decoded.heads[head].classes).toEqual(trained.heads[head].classes);
    }
    expect(decoded.features).toEqual(FEATURES);
  });

  describe('with its fused rows (format 2, the shipped models)', () => {
    const examples = readCorpus([TINY]);
    const trained = trainLanguageModel({
      language: 'de',
      train: examples,
      idfTexts: examples.map((e) => e.text),
      heldOut: examples.slice(0, 20),
      features: { ...FEATURES, idf: true },
      training: TRAINING,
    });
    const layoutOf = (base64: string) => {
      const bytes = inflateRawSync(Buffer.from(base64, 'base64'));
      return (JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32LE(0)).toString('utf8')) as { format: number }).format;
    };

    it('decodes to the model it encoded, which encodes back to its rows bytes (format 1)', () => {
      const rows = encodeModel(trained);
      const fused = encodeShippedModel(trained);

      const decoded = decodeModel(fused, 'ngram-de@f');

      expect([layoutOf(rows), layoutOf(fused)]).toEqual([1, 2]);
      for (const head of ['relevance', 'sentiment', 'category'] as const) {
        expect(decoded.heads[head].weights).toEqual(trained.heads[head].weights);
        expect(decoded.heads[head].scales).toEqual(trained.heads[head].scales);
        expect(decoded.heads[head].bias).toEqual(trained.heads[head].bias);
      }
      expect(decoded.idf).toEqual(decodeModel(rows, 'ngram-de@r').idf);
      expect(decoded.temperatures).toEqual(trained.temperatures);
      expect(decoded.heldOut).toEqual(trained.heldOut);
      expect(encodeModel(decoded)).toBe(rows);
    });

    it('classifies every text exactly as the same model stored in rows does', () => {
      const fromRows = new NgramClassifier({ models: { de: decodeModel(encodeModel(trained), 'ngram-de@x') } });
      const fromFused = new NgramClassifier({
        models: { de: decodeModel(encodeShippedModel(trained), 'ngram-de@x') },
      });

      const texts = [...examples.map((e) => e.text), '', '😀', 'Straße 12 ist toll :) https://t.co/x @radwerk'];

      expect(texts.map((text) => fromFused.classify({ text }))).toEqual(
        texts.map((text) => fromRows.classify({ text })),
      );
    });

    it('rejects a truncated one with ModelFormatError', () => {
      const bytes = inflateRawSync(Buffer.from(encodeShippedModel(trained), 'base64'));
      const truncated = deflateRawSync(bytes.subarray(0, bytes.length - 16)).toString('base64');

      expect(() => decodeModel(truncated, 'ngram-de@t')).toThrow(/truncated/);
    });
  });

  it('rejects bytes that are not a model with ModelFormatError', () => {
    expect(() => decodeModel(Buffer.from('not a model').toString('base64'), 'broken')).toThrow(ModelFormatError);
  });
});

describe('corpus', () => {
  it('names file and line of an invalid example', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      `${readFileSync(TINY, 'utf8').split('\n')[0]}\n{"id":"x","language":"fr","text":"salut","relevant":true,"sentiment":"neutral","category":"other","urgency":0}\n`,
    );

    expect(() => readCorpus([file])).toThrow(CorpusError);
    expect(() => readCorpus([file])).toThrow(`${file}:2: language`);
  });

  it('keeps an example on the same side of the split when the corpus grows', () => {
    const examples = readCorpus([TINY]);
    const before = splitCorpus(examples.slice(0, 10));
    const after = splitCorpus(examples);

    for (const e of before.heldOut) expect(after.heldOut).toContainEqual(e);
    for (const e of before.train) expect(after.train).toContainEqual(e);
  });
});

describe('trainHead options', () => {
  // Two classes told apart by one word each; "neutral" words occur in both.
  const words = (text: string) =>
    copyVector(new FeatureExtractor({ ...DEFAULT_FEATURES, bits: 12, idf: false }).extract(normalizeText(text)));
  const examples = [
    ...['kaputt und schlecht', 'wieder kaputt heute', 'alles kaputt hier'].map((t) => ({ x: words(t), y: 0 })),
    ...['super und gut', 'wieder super heute', 'alles super hier'].map((t) => ({ x: words(t), y: 1 })),
  ];
  const options = { ...DEFAULT_TRAINING, epochs: 20 };

  it('learns the same decisions with log-count-ratio scaling, weights shipped already scaled', () => {
    const head = trainHead('h', ['bad', 'good'], examples, 12, { ...options, logCountRatio: 1 });

    expect(argmax(predict(head, words('kaputt')))).toBe(0);
    expect(argmax(predict(head, words('super')))).toBe(1);
    expect(trainHead('h', ['bad', 'good'], examples, 12, { ...options, logCountRatio: 1 }).weights).toEqual(
      head.weights,
    );
  });

  it('adds the bias shift to the trained biases and nothing else', () => {
    const plain = trainHead('h', ['bad', 'good'], examples, 12, options);

    const shifted = trainHead('h', ['bad', 'good'], examples, 12, { ...options, biasShift: [0, -5] });

    expect(shifted.weights).toEqual(plain.weights);
    expect(shifted.bias[1]).toBeCloseTo(plain.bias[1]! - 5, 5);
    expect(shifted.bias[0]).toBeCloseTo(plain.bias[0]!, 6);
  });

  it('balances the classes: each class carries the same total weight, the total stays', () => {
    const skewed = [
      { x: words('kaputt'), y: 0, weight: 2 },
      { x: words('kaputt heute'), y: 0 },
      { x: words('super'), y: 1 },
      { x: words('gut'), y: 1, weight: 0.5 },
      { x: words('toll'), y: 1, weight: 0.5 },
    ];

    const balanced = balanceClasses(3, skewed);

    const total = (y: number) => balanced.filter((e) => e.y === y).reduce((sum, e) => sum + e.weight!, 0);
    expect(total(0)).toBeCloseTo(2.5, 9);
    expect(total(1)).toBeCloseTo(2.5, 9);
    // Within a class the examples keep their proportions.
    expect(balanced[0]!.weight! / balanced[1]!.weight!).toBeCloseTo(2, 9);
  });

  describe('per-source class priors (sourcePriors)', () => {
    // Two sources with opposite mixes of the same words: "praising" 18 good to 2 bad,
    // "moaning" 18 bad to 2 good; the reference (no source) is balanced.
    const mixed = (source: string, good: number, bad: number) => [
      ...Array.from({ length: good }, (_, i) => ({ x: words(`super ${['gut', 'toll'][i % 2]}`), y: 1, source })),
      ...Array.from({ length: bad }, (_, i) => ({ x: words(`kaputt ${['heute', 'hier'][i % 2]}`), y: 0, source })),
    ];
    const twoSources = [...examples, ...mixed('praising', 18, 2), ...mixed('moaning', 2, 18)];
    const skewed = [...examples, ...mixed('praising', 30, 0)];

    it('learns an offset per source that leans towards its own mix', () => {
      const { offsets } = trainHeadWithOffsets('h', ['bad', 'good'], twoSources, 12, {
        ...options,
        sourcePriors: true,
      });

      const lean = (source: string) => offsets.get(source)![1]! - offsets.get(source)![0]!;
      expect([...offsets.keys()].sort()).toEqual(['moaning', 'praising']);
      expect(lean('praising')).toBeGreaterThan(0);
      expect(lean('moaning')).toBeLessThan(0);
    });

    it('keeps a one-sided source out of the shipped bias: the offsets stay out of the head', () => {
      const plain = trainHead('h', ['bad', 'good'], skewed, 12, options);

      const { head, offsets } = trainHeadWithOffsets('h', ['bad', 'good'], skewed, 12, {
        ...options,
        sourcePriors: true,
      });

      const lean = (bias: ArrayLike<number>) => bias[1]! - bias[0]!;
      expect(head.bias).toHaveLength(2);
      expect(lean(offsets.get('praising')!)).toBeGreaterThan(0);
      expect(Math.abs(lean(head.bias))).toBeLessThan(Math.abs(lean(plain.bias)));
      expect(argmax(predict(head, words('kaputt')))).toBe(0);
      expect(argmax(predict(head, words('super')))).toBe(1);
    });

    it('trains exactly the plain head when no example names a source', () => {
      const plain = trainHead('h', ['bad', 'good'], examples, 12, options);

      const withPriors = trainHeadWithOffsets('h', ['bad', 'good'], examples, 12, { ...options, sourcePriors: true });

      expect(withPriors.head).toEqual(plain);
      expect(withPriors.offsets.size).toBe(0);
    });

    it('ignores the sources without the option', () => {
      const { head, offsets } = trainHeadWithOffsets('h', ['bad', 'good'], skewed, 12, options);

      expect(head).toEqual(
        trainHead(
          'h',
          ['bad', 'good'],
          skewed.map(({ x, y }) => ({ x, y })),
          12,
          options,
        ),
      );
      expect(offsets.size).toBe(0);
    });
  });

  it('with a class-balanced loss a rare class is learned that the plain loss drowns', () => {
    // One "bad" text against many "good" ones that share its other words.
    const rare = [
      { x: words('heute kaputt'), y: 0 },
      ...Array.from({ length: 12 }, (_, i) => ({ x: words(`heute ${['gut', 'super', 'toll'][i % 3]}`), y: 1 })),
    ];
    const plain = predict(trainHead('h', ['bad', 'good'], rare, 12, { ...options, epochs: 3 }), words('heute'));
    const balanced = predict(
      trainHead('h', ['bad', 'good'], rare, 12, { ...options, epochs: 3, classBalanced: true }),
      words('heute'),
    );

    expect(balanced[0]!).toBeGreaterThan(plain[0]!);
  });
});
