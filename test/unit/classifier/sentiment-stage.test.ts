import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCorpus } from '../../../shared/classifier/corpus.ts';
import { DEFAULT_FEATURES } from '../../../shared/classifier/features.ts';
import {
  decodeModel,
  encodeModel,
  encodeShippedModel,
  MODEL_FORMAT_VERSION,
  ModelFormatError,
  type LanguageModel,
} from '../../../shared/classifier/model-codec.ts';
import { NgramClassifier } from '../../../shared/classifier/ngram-classifier.ts';
import { normalizeText } from '../../../shared/classifier/normalize.ts';
import {
  STAGE_BITS,
  STAGE_INPUT_NAMES,
  StageScratch,
  stageInputs,
  type SentimentStage,
} from '../../../shared/classifier/sentiment-stage.ts';
import { DEFAULT_HEAD_TRAINING, trainLanguageModel } from '../../../shared/classifier/train.ts';
import { SENTIMENTS } from '../../../shared/domain/mention.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/classifier');
const TINY = path.join(FIXTURES, 'tiny-corpus.jsonl');
const FEATURES = { ...DEFAULT_FEATURES, bits: 12, idf: true };
const TRAINING = {
  relevance: { ...DEFAULT_HEAD_TRAINING.relevance, epochs: 10 },
  sentiment: { ...DEFAULT_HEAD_TRAINING.sentiment, epochs: 10 },
  category: { ...DEFAULT_HEAD_TRAINING.category, epochs: 10 },
};
const examples = readCorpus([TINY]);

function trainTiny(withStage: boolean): Omit<LanguageModel, 'id'> {
  return trainLanguageModel({
    language: 'en',
    train: examples,
    idfTexts: examples.map((e) => e.text),
    heldOut: examples.slice(0, 10),
    features: FEATURES,
    training: withStage ? { ...TRAINING, sentiment: { ...TRAINING.sentiment, stage: 'en-lexicons' } } : TRAINING,
  });
}

/** The header of an encoded model (format 1 or 2). */
function headerOf(base64: string): Record<string, unknown> {
  const bytes = inflateRawSync(Buffer.from(base64, 'base64'));
  return JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32LE(0)).toString('utf8')) as Record<string, unknown>;
}

/** The same model bytes with its header changed by `edit`. */
function withHeader(base64: string, edit: (header: Record<string, unknown>) => void): string {
  const bytes = inflateRawSync(Buffer.from(base64, 'base64'));
  const length = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Record<string, unknown>;
  edit(header);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(json.length);
  return deflateRawSync(Buffer.concat([prefix, json, bytes.subarray(4 + length)])).toString('base64');
}

/**
 * A hand-made stage that follows the first stage and, when VADER finds negative words, says
 * negative: what the trained stage learns on real text, made certain for a test.
 */
function negativeWordsStage(): SentimentStage {
  const k = SENTIMENTS.length;
  const weights = new Int8Array((1 << STAGE_BITS) * k);
  for (let c = 0; c < k; c++) weights[c * k + c] = 10; // log-probability of class c -> class c
  weights[STAGE_INPUT_NAMES.indexOf('VADER negative words') * k + SENTIMENTS.indexOf('negative')] = 127;
  return {
    inputs: 'en-lexicons',
    head: {
      name: 'sentiment-stage',
      classes: SENTIMENTS,
      weights,
      scales: Float32Array.from([0.1, 0.1, 0.1]),
      bias: new Float32Array(k),
    },
    temperature: 1,
  };
}

describe('the sentiment stage in training (TrainOptions.stage)', () => {
  it('trains a stage over the sentiment head, with its temperature, and none without the option', () => {
    const staged = trainTiny(true);
    const plain = trainTiny(false);

    expect(staged.stage?.inputs).toBe('en-lexicons');
    expect(staged.stage?.head.weights).toHaveLength((1 << STAGE_BITS) * SENTIMENTS.length);
    expect(staged.stage?.temperature).toBeGreaterThan(0);
    expect(plain.stage).toBeUndefined();
    // The stage adds to the sentiment head; the heads themselves are trained as before.
    expect(staged.heads.category.weights).toEqual(plain.heads.category.weights);
  });

  it('is deterministic: the same data gives the same bytes', () => {
    expect(encodeModel(trainTiny(true))).toBe(encodeModel(trainTiny(true)));
  });
});

describe('the sentiment stage in classification', () => {
  // A head that calls everything positive: it misses every negative word.
  const trained = trainTiny(false);
  const plain: LanguageModel = {
    ...trained,
    id: 'ngram-en@plain',
    heads: { ...trained.heads, sentiment: { ...trained.heads.sentiment, bias: Float32Array.from([-20, 0, 20]) } },
  };
  const classify = (model: LanguageModel, text: string) =>
    new NgramClassifier({ models: { en: model, de: model, any: model }, languages: ['en'] }).classify({ text });
  const text = 'The app is slow, terrible and broken';

  it('turns a head that misses the negative words into a negative answer, and names the lexicon signal', () => {
    const staged: LanguageModel = { ...plain, stage: negativeWordsStage() };

    const before = classify(plain, text);
    const after = classify(staged, text);

    expect(before.sentiment).toBe('positive');
    expect(after.sentiment).toBe('negative');
    expect(after.sentiments?.[0]).toEqual(expect.objectContaining({ label: 'negative' }));
    expect(after.reasons).toContainEqual(
      expect.objectContaining({
        decision: 'sentiment',
        feature: expect.stringMatching(/^negative: VADER negative words .*second stage; the n-gram head said/),
      }),
    );
  });

  it('follows the head where the lexicons find nothing', () => {
    const staged: LanguageModel = { ...plain, stage: negativeWordsStage() };
    const calm = 'Where can I find the opening hours of the store';

    expect(classify(staged, calm).sentiment).toBe('positive');
  });

  it('reads the lexicons from the normalized text classify already has', () => {
    const scratch = new StageScratch();

    stageInputs([0.2, 0.3, 0.5], normalizeText("It isn't good, it's awful!!"), scratch);

    const value = (name: (typeof STAGE_INPUT_NAMES)[number]) => scratch.values[STAGE_INPUT_NAMES.indexOf(name)];
    expect(value('n-gram head positive')).toBeCloseTo(Math.log(0.5) / 4, 6);
    expect(value('VADER negative words')).toBeGreaterThan(0);
    expect(value('negated positive words')).toBeGreaterThan(0);
    expect(value('exclamation marks')).toBe(1);
    expect(value('question mark')).toBe(0);
  });
});

describe('the sentiment stage in the model codec', () => {
  const staged = trainTiny(true);

  it.each([
    ['rows (format 1, company models)', encodeModel],
    ['fused rows (format 2, shipped models)', encodeShippedModel],
  ])('decodes the stage it encoded in %s, under model-format version 2', (_, encode) => {
    const encoded = encode(staged);

    const decoded = decodeModel(encoded, 'ngram-en@s');

    expect(headerOf(encoded).version).toBe(MODEL_FORMAT_VERSION);
    expect(decoded.stage?.inputs).toBe(staged.stage?.inputs);
    expect(decoded.stage?.head.weights).toEqual(staged.stage?.head.weights);
    expect(decoded.stage?.head.scales).toEqual(staged.stage?.head.scales);
    expect(decoded.stage?.head.bias).toEqual(staged.stage?.head.bias);
    expect(decoded.stage?.temperature).toBe(staged.stage?.temperature);
    expect(encodeModel(decoded)).toBe(encodeModel(staged));
  });

  it('classifies a decoded staged model exactly as the trained one', () => {
    const trained = new NgramClassifier({ models: { en: { ...staged, id: 'm' } }, languages: ['en'] });
    const decoded = new NgramClassifier({
      models: { en: decodeModel(encodeShippedModel(staged), 'm') },
      languages: ['en'],
    });
    const texts = [...examples.map((e) => e.text), 'This is awful, never again!!', 'Love it 😍', ''];

    expect(texts.map((t) => decoded.classify({ text: t }))).toEqual(texts.map((t) => trained.classify({ text: t })));
  });

  it('writes no version and no stage section for a model without a stage (its bytes as before)', () => {
    const header = headerOf(encodeShippedModel(trainTiny(false)));

    expect(header).not.toHaveProperty('version');
    expect(header).not.toHaveProperty('stage');
  });

  it('loads a model an earlier release stored (no version, no stage) and classifies with it', () => {
    const stored = readFileSync(path.join(FIXTURES, 'model-format1-before-w19.b64'), 'utf8');

    const model = decodeModel(stored, 'ngram-en@before');
    const result = new NgramClassifier({ models: { en: model }, languages: ['en'] }).classify({
      text: 'Mein Rad ist kaputt und keiner antwortet',
    });

    expect(model.stage).toBeUndefined();
    expect(SENTIMENTS).toContain(result.sentiment);
    expect(result.model).toBe('ngram-en@before');
  });

  it('refuses a later model-format version with ModelFormatError', () => {
    const later = withHeader(encodeModel(staged), (header) => {
      header.version = MODEL_FORMAT_VERSION + 1;
    });

    expect(() => decodeModel(later, 'ngram-en@later')).toThrow(ModelFormatError);
  });

  it('refuses a malformed stage section with ModelFormatError', () => {
    const malformed = withHeader(encodeModel(staged), (header) => {
      (header.stage as { weights: number[] }).weights = [1, 2, 3];
    });
    const otherClasses = withHeader(encodeModel(staged), (header) => {
      (header.stage as { classes: string[] }).classes = ['bad', 'so-so', 'good'];
    });
    const unknown = withHeader(encodeModel(staged), (header) => {
      (header.stage as { inputs: string }).inputs = 'fr-lexicons';
    });

    expect(() => decodeModel(malformed, 'ngram-en@m')).toThrow(/malformed sentiment stage/);
    expect(() => decodeModel(otherClasses, 'ngram-en@c')).toThrow(/malformed sentiment stage/);
    expect(() => decodeModel(unknown, 'ngram-en@u')).toThrow(ModelFormatError);
  });
});
