import { describe, expect, it } from 'vitest';
import type { SparseVector } from '../../../shared/classifier/features.ts';
import { hiddenLayerPredict, trainHiddenLayerHead } from '../../../shared/classifier/hidden-layer.ts';
import { argmax, predict } from '../../../shared/classifier/linear-model.ts';
import { DEFAULT_TRAINING, type LabeledVector, trainHead } from '../../../shared/classifier/train.ts';

const BITS = 4;
const CLASSES = ['same', 'different'] as const;

/** The L2-normalized vector of the given buckets (bucket 0, always present, stands for a constant). */
const vector = (...buckets: number[]): SparseVector => ({
  indices: Int32Array.from([0, ...buckets]),
  values: new Float32Array(buckets.length + 1).fill(1 / Math.sqrt(buckets.length + 1)),
});

/** Exclusive or of two features: no linear score separates it, one hidden layer does. */
const XOR: LabeledVector[] = [
  { x: vector(), y: 0 },
  { x: vector(1), y: 1 },
  { x: vector(2), y: 1 },
  { x: vector(1, 2), y: 0 },
];
const TRAINING = { ...DEFAULT_TRAINING, epochs: 400, lambda: 1e-6, seed: 1 };

describe('trainHiddenLayerHead', () => {
  it('learns exclusive or, which the linear head cannot', () => {
    // Arrange
    const layer = { units: 8, hiddenBits: BITS, wide: false };

    // Act
    const hidden = trainHiddenLayerHead('xor', CLASSES, XOR, BITS, TRAINING, layer);
    const linear = trainHead('xor', CLASSES, XOR, BITS, TRAINING);

    // Assess
    expect(XOR.map((e) => argmax(hiddenLayerPredict(hidden, e.x)))).toEqual([0, 1, 1, 0]);
    expect(XOR.map((e) => argmax(predict(linear, e.x)))).not.toEqual([0, 1, 1, 0]);
  });

  it('learns it beside the linear head too (wide)', () => {
    // Act
    const head = trainHiddenLayerHead('xor', CLASSES, XOR, BITS, TRAINING, { units: 8, hiddenBits: BITS, wide: true });

    // Assess
    expect(head.linear).toBeDefined();
    expect(XOR.map((e) => argmax(hiddenLayerPredict(head, e.x)))).toEqual([0, 1, 1, 0]);
  });

  it('gives the same head for the same examples and options', () => {
    // Arrange
    const layer = { units: 4, hiddenBits: 3, wide: true };

    // Act
    const first = trainHiddenLayerHead('xor', CLASSES, XOR, BITS, { ...TRAINING, epochs: 20 }, layer);
    const second = trainHiddenLayerHead('xor', CLASSES, XOR, BITS, { ...TRAINING, epochs: 20 }, layer);

    // Assess
    expect(second).toEqual(first);
    expect(first.hidden).toHaveLength(8 * 4);
  });
});
