import { CHAR_KIND, type CollectedFeatures, type FeatureOptions, type SparseVector } from './features.ts';

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
 * over megabytes, so reading each once is what makes classification fast. When the model
 * has idf, each row also carries its bucket's idf (as a code into `idfValues`), and rows are
 * padded to a power of two so that one row never straddles two cache lines.
 */
export interface FusedHeads {
  readonly heads: readonly LinearHead[];
  /** Offset of each head's classes inside a row. */
  readonly offsets: readonly number[];
  readonly stride: number;
  readonly weights: Int8Array;
  /** Same buffer as `weights`, for the idf code at `idfAt` of each row. */
  readonly codes: Uint8Array;
  /** Offset of the idf code inside a row, or -1 when the idf is read from `idf` (or there is none). */
  readonly idfAt: number;
  /** The distinct idf values the codes stand for. */
  readonly idfValues: Float32Array;
  /** Per-bucket idf, when it has more distinct values than a byte can code. */
  readonly idf: Float32Array | undefined;
  /** Each head's class scales at its classes' columns of a row. */
  readonly rowScales: Float64Array;
}

export function fuseHeads(heads: readonly LinearHead[], idf?: Float32Array): FusedHeads {
  const classes = heads.reduce((sum, h) => sum + h.classes.length, 0);
  const offsets: number[] = [];
  let offset = 0;
  for (const h of heads) {
    offsets.push(offset);
    offset += h.classes.length;
  }
  const dimension = heads[0] ? heads[0].weights.length / heads[0].classes.length : 0;
  // The idf values are quantized (at most 256 distinct ones): coded in one byte of the row.
  const idfCodes = idf ? codeValues(idf) : undefined;
  const coded = idfCodes !== undefined;
  const used = classes + (coded ? 1 : 0);
  let stride = used;
  if (used <= 64) for (stride = 1; stride < used; stride *= 2);
  const weights = new Int8Array(dimension * stride);
  const codes = new Uint8Array(weights.buffer, weights.byteOffset, weights.length);
  heads.forEach((h, n) => {
    const k = h.classes.length;
    const at = offsets[n]!;
    for (let j = 0; j < dimension; j++) {
      for (let c = 0; c < k; c++) weights[j * stride + at + c] = h.weights[j * k + c]!;
    }
  });
  const idfValues = idfCodes ? idfCodes.values : new Float32Array(0);
  if (idfCodes) {
    for (let j = 0; j < dimension; j++) codes[j * stride + classes] = idfCodes.codes[j]!;
  }
  const rowScales = new Float64Array(classes);
  heads.forEach((h, n) => h.scales.forEach((scale, c) => (rowScales[offsets[n]! + c] = scale)));
  return { heads, offsets, stride, weights, codes, idfAt: coded ? classes : -1, idfValues, idf: coded ? undefined : idf, rowScales };
}

/**
 * Codes (one byte each) of the values of a Float32Array with at most 256 distinct values,
 * or undefined when it has more. Keyed by the values' bits in a small open-addressing table:
 * this runs once per model load, over 2^18 values.
 */
function codeValues(values: Float32Array): { codes: Uint8Array; values: Float32Array } | undefined {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const keys = new Uint32Array(1024);
  const slots = new Int16Array(1024).fill(-1);
  const distinct = new Float32Array(256);
  const codes = new Uint8Array(values.length);
  let count = 0;
  for (let j = 0; j < bits.length; j++) {
    const key = bits[j]!;
    let at = (Math.imul(key, 0x9e3779b1) >>> 22) & 1023;
    while (slots[at] !== -1 && keys[at] !== key) at = (at + 1) & 1023;
    if (slots[at] === -1) {
      if (count === 256) return undefined;
      keys[at] = key;
      slots[at] = count;
      distinct[count++] = values[j]!;
    }
    codes[j] = slots[at]!;
  }
  return { codes, values: distinct.slice(0, count) };
}

/**
 * Weighs collected features exactly as `FeatureExtractor.extract` does (idf, word or
 * character weight, sublinear count, L2 norm), reading each feature's idf from its fused row:
 * the row is then in cache for the dot products that follow. Writes the values into `out`
 * (at least `features.indices.length` long) and returns the vector.
 */
export function weighFused(fused: FusedHeads, features: CollectedFeatures, options: FeatureOptions, out: Float32Array): SparseVector {
  const { indices, counts, kinds } = features;
  const { wordWeight, charWeight } = options;
  const { stride, codes, idfAt, idfValues, idf } = fused;
  const n = indices.length;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    const index = indices[i]!;
    const w = idfAt >= 0 ? idfValues[codes[index * stride + idfAt]!]! : idf ? idf[index]! : 1;
    const v = w * (kinds[i] === CHAR_KIND ? charWeight : wordWeight) * (c > 1 ? 1 + Math.log(c) : 1);
    out[i] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < n; i++) out[i]! *= scale;
  }
  return { indices, values: out.subarray(0, n) };
}

/** Class probabilities of every fused head, in one pass over the vector. */
export function predictFused(fused: FusedHeads, x: SparseVector): Float64Array[] {
  const { stride, weights } = fused;
  const classes = fused.heads.reduce((sum, h) => sum + h.classes.length, 0);
  const sums = new Float64Array(stride);
  const { indices, values } = x;
  const n = indices.length;
  // Four classes per pass, summed in registers: a loop over a typed array of sums waits on
  // its own stores. The same additions in the same order as one class at a time.
  for (let s = 0; s < classes; s += 4) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < n; i++) {
      const row = indices[i]! * stride + s;
      const v = values[i]!;
      a0 += v * weights[row]!;
      a1 += v * weights[row + 1]!;
      a2 += v * weights[row + 2]!;
      a3 += v * weights[row + 3]!;
    }
    sums[s] = a0;
    if (s + 1 < classes) sums[s + 1] = a1;
    if (s + 2 < classes) sums[s + 2] = a2;
    if (s + 3 < classes) sums[s + 3] = a3;
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

/**
 * `contributionsFused` of every head for its chosen class (`chosen[n]`), summed per group of
 * features (`groupOf[i]`, as the reasons name them) into `groups[n]`, which must be zeroed
 * and at least as long as the number of groups. One pass over the rows for all heads.
 */
export function groupContributionsFused(fused: FusedHeads, x: SparseVector, chosen: readonly number[], groupOf: Int32Array, groups: readonly Float64Array[]): void {
  const { stride, weights, rowScales } = fused;
  const { indices, values } = x;
  const n = indices.length;
  const heads = fused.heads.length;
  // Per head: first column in the row, classes, and the chosen class's column.
  const layout = new Int32Array(3 * heads);
  for (let h = 0; h < heads; h++) {
    layout[3 * h] = fused.offsets[h]!;
    layout[3 * h + 1] = fused.heads[h]!.classes.length;
    layout[3 * h + 2] = fused.offsets[h]! + chosen[h]!;
  }
  if (heads === 3) {
    groupThreeHeads(weights, rowScales, stride, layout, x, groupOf, groups[0]!, groups[1]!, groups[2]!);
    return;
  }
  // Features outer, heads inner: each row is read once, while it is in cache.
  for (let i = 0; i < n; i++) {
    const base = indices[i]! * stride;
    const v = values[i]!;
    const group = groupOf[i]!;
    for (let h = 0; h < heads; h++) {
      const from = layout[3 * h]!;
      const k = layout[3 * h + 1]!;
      const at = layout[3 * h + 2]!;
      let mean = 0;
      for (let c = from; c < from + k; c++) mean += weights[base + c]! * rowScales[c]!;
      groups[h]![group]! += v * (weights[base + at]! * rowScales[at]! - mean / k);
    }
  }
}

/** Contribution of one fused row to one head's chosen class (layout: first column, classes, chosen column). */
function contributionOf(weights: Int8Array, rowScales: Float64Array, base: number, from: number, k: number, at: number): number {
  let mean = 0;
  for (let c = from; c < from + k; c++) mean += weights[base + c]! * rowScales[c]!;
  return weights[base + at]! * rowScales[at]! - mean / k;
}

/**
 * `groupContributionsFused` for the classifier's three heads. A group's running sums stay in
 * registers while consecutive features belong to it (a word's character n-grams follow each
 * other), and are stored when the group changes: the same additions, in the same order.
 */
function groupThreeHeads(
  weights: Int8Array,
  rowScales: Float64Array,
  stride: number,
  layout: Int32Array,
  x: SparseVector,
  groupOf: Int32Array,
  g0: Float64Array,
  g1: Float64Array,
  g2: Float64Array,
): void {
  const { indices, values } = x;
  const n = indices.length;
  const f0 = layout[0]!, k0 = layout[1]!, c0 = layout[2]!;
  const f1 = layout[3]!, k1 = layout[4]!, c1 = layout[5]!;
  const f2 = layout[6]!, k2 = layout[7]!, c2 = layout[8]!;
  let current = -1;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  for (let i = 0; i < n; i++) {
    const group = groupOf[i]!;
    if (group !== current) {
      if (current >= 0) {
        g0[current] = a0;
        g1[current] = a1;
        g2[current] = a2;
      }
      current = group;
      a0 = g0[group]!;
      a1 = g1[group]!;
      a2 = g2[group]!;
    }
    const base = indices[i]! * stride;
    const v = values[i]!;
    a0 += v * contributionOf(weights, rowScales, base, f0, k0, c0);
    a1 += v * contributionOf(weights, rowScales, base, f1, k1, c1);
    a2 += v * contributionOf(weights, rowScales, base, f2, k2, c2);
  }
  if (current >= 0) {
    g0[current] = a0;
    g1[current] = a1;
    g2[current] = a2;
  }
}
