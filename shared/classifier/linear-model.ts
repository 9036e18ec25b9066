import type { SparseVector } from './features.ts';

/**
 * One softmax logistic regression "head" (relevance, sentiment or category) over hashed
 * features. Weights are stored as int8 with one scale per class: a quarter of float32's
 * size, and the shipped models are measured exactly as they run.
 */
export interface LinearHead {
  readonly name: string;
  readonly classes: readonly string[];
  /** Row-major `[feature * classes.length + class]`, dequantized by `scales[class]`. */
  readonly weights: Int8Array;
  readonly scales: Float32Array;
  readonly bias: Float32Array;
}

/** Class probabilities of one vector (softmax of the scores). */
export function predict(head: LinearHead, x: SparseVector): Float64Array {
  const classes = head.classes.length;
  const sums = new Float64Array(classes);
  const { indices, values } = x;
  const w = head.weights;
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]! * classes;
    const v = values[i]!;
    for (let c = 0; c < classes; c++) sums[c]! += v * w[row + c]!;
  }
  for (let c = 0; c < classes; c++) sums[c] = sums[c]! * head.scales[c]! + head.bias[c]!;
  return softmaxInPlace(sums);
}

/**
 * Each feature's part in choosing `cls`: its score for that class minus its mean score over
 * all classes, written to `out[i]` for the i-th feature of `x`.
 */
export function contributions(head: LinearHead, x: SparseVector, cls: number, out: Float64Array): void {
  const classes = head.classes.length;
  const { indices, values } = x;
  const w = head.weights;
  const scales = head.scales;
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]! * classes;
    let mean = 0;
    for (let c = 0; c < classes; c++) mean += w[row + c]! * scales[c]!;
    out[i] = values[i]! * (w[row + cls]! * scales[cls]! - mean / classes);
  }
}

/** Index of the largest value (the first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export function softmaxInPlace(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    scores[c] = Math.exp(scores[c]! - max);
    sum += scores[c]!;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = scores[c]! / sum;
  return scores;
}

/**
 * Quantizes float weights (row-major, `classes` per row) to int8 with one scale per class.
 */
export function quantizeHead(
  name: string,
  classes: readonly string[],
  weights: Float64Array,
  bias: Float64Array,
): LinearHead {
  const k = classes.length;
  const scales = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let max = 0;
    for (let i = c; i < weights.length; i += k) max = Math.max(max, Math.abs(weights[i]!));
    scales[c] = max === 0 ? 1 : max / 127;
  }
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.round(weights[i]! / scales[i % k]!);
  return { name, classes, weights: q, scales, bias: Float32Array.from(bias) };
}

/**
 * Several heads over the same features, their weights interleaved per feature: one memory
 * row per feature instead of one per head. With hashed features the rows are scattered
 * over megabytes, so reading each once is what makes classification fast.
 */
export interface FusedHeads {
  readonly heads: readonly LinearHead[];
  /** Offset of each head's classes inside a row. */
  readonly offsets: readonly number[];
  readonly stride: number;
  readonly weights: Int8Array;
}

export function fuseHeads(heads: readonly LinearHead[]): FusedHeads {
  const stride = heads.reduce((sum, h) => sum + h.classes.length, 0);
  const offsets: number[] = [];
  let offset = 0;
  for (const h of heads) {
    offsets.push(offset);
    offset += h.classes.length;
  }
  const dimension = heads[0] ? heads[0].weights.length / heads[0].classes.length : 0;
  const weights = new Int8Array(dimension * stride);
  heads.forEach((h, n) => {
    const k = h.classes.length;
    const at = offsets[n]!;
    for (let j = 0; j < dimension; j++) {
      for (let c = 0; c < k; c++) weights[j * stride + at + c] = h.weights[j * k + c]!;
    }
  });
  return { heads, offsets, stride, weights };
}

/** Class probabilities of every fused head, in one pass over the vector. */
export function predictFused(fused: FusedHeads, x: SparseVector): Float64Array[] {
  const { stride, weights } = fused;
  const sums = new Float64Array(stride);
  const { indices, values } = x;
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]! * stride;
    const v = values[i]!;
    for (let s = 0; s < stride; s++) sums[s]! += v * weights[row + s]!;
  }
  return fused.heads.map((head, n) => {
    const k = head.classes.length;
    const at = fused.offsets[n]!;
    const scores = new Float64Array(k);
    for (let c = 0; c < k; c++) scores[c] = sums[at + c]! * head.scales[c]! + head.bias[c]!;
    return softmaxInPlace(scores);
  });
}

/** `contributions` for head `n` of fused heads. */
export function contributionsFused(fused: FusedHeads, n: number, x: SparseVector, cls: number, out: Float64Array): void {
  const head = fused.heads[n]!;
  const k = head.classes.length;
  const at = fused.offsets[n]!;
  const { stride, weights } = fused;
  const scales = head.scales;
  const { indices, values } = x;
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]! * stride + at;
    let mean = 0;
    for (let c = 0; c < k; c++) mean += weights[row + c]! * scales[c]!;
    out[i] = values[i]! * (weights[row + cls]! * scales[cls]! - mean / k);
  }
}
