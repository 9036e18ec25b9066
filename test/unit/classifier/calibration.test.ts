import { describe, expect, it } from 'vitest';
import {
  calibrateHead,
  calibratedHeads,
  calibrationFold,
  expectedCalibrationError,
  fitTemperature,
  predictionsOf,
} from '../../../shared/classifier/calibration.ts';
import { DEFAULT_FEATURES } from '../../../shared/classifier/features.ts';
import { predict, scoresOf } from '../../../shared/classifier/linear-model.ts';
import { decodeModel, encodeModel } from '../../../shared/classifier/model-codec.ts';
import { mulberry32, trainHead, trainLanguageModel } from '../../../shared/classifier/train.ts';
import type { CorpusExample } from '../../../shared/classifier/corpus.ts';

const BITS = 10;

/**
 * A fixture with known noise: each example has two informative features whose class is
 * right 75 % of the time, plus noise features. A head trained to near-zero loss on it is
 * overconfident on examples it has not seen.
 */
function noisyExamples(
  count: number,
  seed: number,
): { x: { indices: Int32Array; values: Float32Array }; y: number; id: string }[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const y = random() < 0.5 ? 0 : 1;
    const signal = random() < 0.75 ? y : 1 - y;
    const noise = [2 + Math.floor(random() * 500), 2 + Math.floor(random() * 500), 2 + Math.floor(random() * 500)];
    const indices = Int32Array.from(new Set([signal, ...noise]));
    return {
      x: { indices, values: new Float32Array(indices.length).fill(1 / Math.sqrt(indices.length)) },
      y,
      id: `n${seed}-${i}`,
    };
  });
}

describe('fitTemperature', () => {
  it('brings the expected calibration error of an overconfident head down on held-out examples', () => {
    // Arrange
    const train = noisyExamples(400, 1);
    const calibration = noisyExamples(400, 2);
    const heldOut = noisyExamples(1000, 3);
    const head = trainHead('toy', ['a', 'b'], train, BITS, { epochs: 40, lambda: 1e-7, learningRate: 0.5, seed: 7 });
    const scores = calibration.map((e) => scoresOf(head, e.x));

    // Act
    const temperature = fitTemperature(
      scores,
      calibration.map((e) => e.y),
    );

    // Assess
    const before = expectedCalibrationError(predictionsOf(head, heldOut));
    const after = expectedCalibrationError(predictionsOf(head, heldOut, temperature));
    expect(temperature).toBeGreaterThan(1);
    expect(after).toBeLessThan(before / 2);
  });

  it('fits the examples by their weights: a weight of 0 leaves an example out, a weight of 2 counts it twice', () => {
    // Arrange: a sure head; half of the examples are right, half wrong (their gold is the other class)
    const scores = [
      new Float64Array([2, 0]),
      new Float64Array([2, 0]),
      new Float64Array([2, 0]),
      new Float64Array([2, 0]),
    ];
    const gold = [0, 0, 1, 1];

    // Act
    const unweighted = fitTemperature(scores, gold);
    const rightOnly = fitTemperature(scores, gold, [1, 1, 0, 0]);
    const doubled = fitTemperature([...scores, ...scores.slice(0, 2)], [...gold, 0, 0]);
    const weighted = fitTemperature(scores, gold, [2, 2, 1, 1]);

    // Assess: half right wants no confidence at all (a very high temperature); right only, a very low one
    expect(rightOnly).toBeLessThan(0.1);
    expect(unweighted).toBeGreaterThan(10);
    expect(weighted).toBeCloseTo(doubled, 3);
    expect(weighted).toBeLessThan(unweighted);
  });

  it('answers 1 without examples', () => {
    // Act
    const temperature = fitTemperature([], []);

    // Assess
    expect(temperature).toBe(1);
  });
});

describe('expectedCalibrationError', () => {
  it('is the share-weighted gap between confidence and accuracy per bin', () => {
    // Arrange: bin 0.9 holds two predictions, one right (gap 0.4); bin 0.6 one right one (gap 0.4)
    const predictions = [
      { confidence: 0.9, correct: true },
      { confidence: 0.9, correct: false },
      { confidence: 0.6, correct: true },
    ];

    // Act
    const ece = expectedCalibrationError(predictions);

    // Assess
    expect(ece).toBeCloseTo((2 / 3) * 0.4 + (1 / 3) * 0.4, 10);
  });
});

describe('calibrateHead', () => {
  it('keeps every decision and only changes how sure the probabilities are', () => {
    // Arrange
    const examples = noisyExamples(200, 4);
    const head = trainHead('toy', ['a', 'b'], examples, BITS, { epochs: 10, lambda: 1e-6, learningRate: 0.5, seed: 7 });

    // Act
    const softened = calibrateHead(head, 2);

    // Assess
    for (const e of examples.slice(0, 50)) {
      const [a0, a1] = predict(head, e.x);
      const [b0, b1] = predict(softened, e.x);
      expect(a0! > a1!).toBe(b0! > b1!);
      expect(Math.abs(b0! - 0.5)).toBeLessThanOrEqual(Math.abs(a0! - 0.5) + 1e-12);
    }
  });
});

describe('calibrationFold', () => {
  it('holds out about a fifth of the examples, the same ones every time', () => {
    // Arrange
    const examples = Array.from({ length: 2000 }, (_, i) => ({ id: `e${i}` }));

    // Act
    const first = calibrationFold(examples);
    const second = calibrationFold(examples);

    // Assess
    expect(first.calibrate.length / examples.length).toBeGreaterThan(0.17);
    expect(first.calibrate.length / examples.length).toBeLessThan(0.23);
    expect(second.calibrate).toEqual(first.calibrate);
    expect(first.fit.length + first.calibrate.length).toBe(examples.length);
  });
});

describe('temperatures in the model', () => {
  const corpus: CorpusExample[] = Array.from({ length: 60 }, (_, i) => ({
    id: `c${i}`,
    language: 'de',
    text: i % 2 === 0 ? `Die Lieferung ${i} ist kaputt und niemand antwortet` : `Danke für den tollen Service ${i}`,
    relevant: true,
    sentiment: i % 2 === 0 ? 'negative' : 'positive',
    category: i % 2 === 0 ? 'complaint' : 'praise',
    urgency: 0.2,
  }));
  const training = { epochs: 5, lambda: 1e-5, learningRate: 0.5, seed: 1 };
  const options = {
    language: 'de' as const,
    train: corpus,
    heldOut: [],
    features: { ...DEFAULT_FEATURES, bits: 12 },
    training: { relevance: training, sentiment: training, category: training },
  };

  it('are fitted by training and survive encoding and decoding', () => {
    // Act
    const model = trainLanguageModel(options);
    const decoded = decodeModel(encodeModel(model), 'm');

    // Assess
    expect(Object.keys(model.temperatures ?? {})).toEqual(['relevance', 'sentiment', 'category']);
    expect(decoded.temperatures).toEqual(model.temperatures);
  });

  it('default to 1 for a model trained without calibration, which still loads', () => {
    // Arrange
    const model = trainLanguageModel({ ...options, calibrate: false });

    // Act
    const decoded = decodeModel(encodeModel(model), 'old');

    // Assess
    expect(decoded.temperatures).toBeUndefined();
    expect(calibratedHeads(decoded).category.scales).toEqual(decoded.heads.category.scales);
  });
});
