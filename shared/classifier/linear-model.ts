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
  return softmaxInPlace(scoresOf(head, x));
}

/** Raw class scores (logits) of one vector: what the softmax, and calibration, start from. */
export function scoresOf(head: LinearHead, x: SparseVector): Float64Array {
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
  return sums;
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
  const { values, scales } = quantizeColumns(weights, classes.length);
  return { name, classes, weights: values, scales, bias: Float32Array.from(bias) };
}

/**
 * Row-major floats with `columns` per row as int8, one scale per column (its largest absolute
 * value / 127; 1 for a column of zeros).
 */
export function quantizeColumns(floats: Float64Array, columns: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(columns);
  for (let c = 0; c < columns; c++) {
    let max = 0;
    for (let i = c; i < floats.length; i += columns) max = Math.max(max, Math.abs(floats[i]!));
    scales[c] = max === 0 ? 1 : max / 127;
  }
  const values = new Int8Array(floats.length);
  for (let i = 0; i < floats.length; i++) values[i] = Math.round(floats[i]! / scales[i % columns]!);
  return { values, scales };
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
  /**
   * Same buffer as `weights`, four weights per element, when rows are 16 bytes and the machine
   * is little-endian (`accumulate14` then reads a row with four loads instead of fourteen).
   */
  readonly quads: Int32Array | undefined;
  /** Offset of the idf code inside a row, or -1 when the idf is read from `idf` (or there is none). */
  readonly idfAt: number;
  /** The distinct idf values the codes stand for. */
  readonly idfValues: Float32Array;
  /** Per-bucket idf, when it has more distinct values than a byte can code. */
  readonly idf: Float32Array | undefined;
  /** Each head's class scales at its classes' columns of a row. */
  readonly rowScales: Float64Array;
  /** Class columns of a row (all heads' classes, before the idf code). */
  readonly classes: number;
  /** Scratch space of `probabilitiesFused`, one sum per class column. */
  readonly totals: Float64Array;
}

export function fuseHeads(heads: readonly LinearHead[], idf?: Float32Array): FusedHeads {
  // The idf values are quantized (at most 256 distinct ones): coded in one byte of the row.
  const idfCodes = idf ? codeValues(idf) : undefined;
  const { classes, offsets, stride } = fusedLayout(heads, idfCodes !== undefined);
  const dimension = heads[0] ? heads[0].weights.length / heads[0].classes.length : 0;
  const weights = new Int8Array(dimension * stride);
  const codes = new Uint8Array(weights.buffer, weights.byteOffset, weights.length);
  heads.forEach((h, n) => {
    const k = h.classes.length;
    const at = offsets[n]!;
    for (let j = 0; j < dimension; j++) {
      for (let c = 0; c < k; c++) weights[j * stride + at + c] = h.weights[j * k + c]!;
    }
  });
  if (idfCodes) {
    for (let j = 0; j < dimension; j++) codes[j * stride + classes] = idfCodes.codes[j]!;
  }
  return fusedOf(heads, offsets, stride, weights, idfCodes ? idfCodes.values : undefined, idfCodes ? undefined : idf);
}

/** One head's non-zero rows as a model file stores them: ascending buckets, and their weights row after row. */
export interface PackedRows {
  readonly rows: Int32Array;
  /** `rows.length * classes` weights: `values[r * classes + c]` is bucket `rows[r]`'s weight of class `c`. */
  readonly values: Int8Array;
}

/** Quantized idf as a model file stores it: one byte per bucket, idf = byte * scale (see `dequantizeIdf`). */
export interface PackedIdf {
  readonly bytes: Uint8Array;
  readonly scale: number;
}

/**
 * `fuseHeads` straight from a model file's rows (model load, issue 15): only the non-zero
 * rows are written, and the stored idf bytes are the rows' idf codes, so neither the dense
 * per-head weights nor a per-bucket Float32Array idf is built. `heads` give classes, scales
 * and biases (their `weights` are not read); `packed[n]` holds `heads[n]`'s rows over
 * `dimension` buckets. The same rows and the same idf values as `fuseHeads` of the decoded
 * heads, so the same results to the bit (only the codes' numbering differs: code = byte).
 */
export function fusePacked(
  heads: readonly LinearHead[],
  packed: readonly PackedRows[],
  dimension: number,
  idf?: PackedIdf,
): FusedHeads {
  const { classes, offsets, stride } = fusedLayout(heads, idf !== undefined);
  const weights = new Int8Array(dimension * stride);
  for (let n = 0; n < heads.length; n++) {
    const k = heads[n]!.classes.length;
    const at = offsets[n]!;
    const { rows, values } = packed[n]!;
    for (let r = 0, v = 0; r < rows.length; r++) {
      const base = rows[r]! * stride + at;
      for (let c = 0; c < k; c++) weights[base + c] = values[v++]!;
    }
  }
  let idfValues: Float32Array | undefined;
  if (idf) {
    const codes = new Uint8Array(weights.buffer, weights.byteOffset, weights.length);
    const bytes = idf.bytes;
    for (let j = 0, at = classes; j < dimension; j++, at += stride) codes[at] = bytes[j]!;
    // What `dequantizeIdf` gives each byte: float64 product, stored as float32.
    idfValues = new Float32Array(256);
    for (let b = 0; b < 256; b++) idfValues[b] = b * idf.scale;
  }
  return fusedOf(heads, offsets, stride, weights, idfValues, undefined);
}

/**
 * `fuseHeads` of a model stored with its fused rows (model-codec.ts, format 2): the stored
 * rows are the fused weights, used as they are (no copy); the idf byte of a row is its code,
 * as in `fusePacked`. `heads` give classes, scales and biases; `rows.weights` must start at a
 * multiple of 4 bytes and hold `fusedLayout(heads, idf)`'s rows.
 * @throws Error when the rows are not laid out for these heads
 */
export function fuseStored(
  heads: readonly LinearHead[],
  rows: { readonly stride: number; readonly weights: Int8Array; readonly idfScale?: number },
): FusedHeads {
  const { classes, offsets, stride } = fusedLayout(heads, rows.idfScale !== undefined);
  if (stride !== rows.stride || rows.weights.length % stride !== 0)
    throw new Error(`fused rows of ${rows.stride} bytes do not fit heads of ${classes} classes`);
  let idfValues: Float32Array | undefined;
  if (rows.idfScale !== undefined) {
    idfValues = new Float32Array(256);
    for (let b = 0; b < 256; b++) idfValues[b] = b * rows.idfScale;
  }
  return fusedOf(heads, offsets, stride, rows.weights, idfValues, undefined);
}

/** Where each head's classes sit in a fused row, and the row's length (a power of two up to 64). */
export function fusedLayout(
  heads: readonly { readonly classes: readonly string[] }[],
  coded: boolean,
): { classes: number; offsets: number[]; stride: number } {
  const offsets: number[] = [];
  let classes = 0;
  for (const h of heads) {
    offsets.push(classes);
    classes += h.classes.length;
  }
  const used = classes + (coded ? 1 : 0);
  let stride = used;
  if (used <= 64) for (stride = 1; stride < used; stride *= 2);
  return { classes, offsets, stride };
}

function fusedOf(
  heads: readonly LinearHead[],
  offsets: readonly number[],
  stride: number,
  weights: Int8Array,
  idfValues: Float32Array | undefined,
  idf: Float32Array | undefined,
): FusedHeads {
  const classes = offsets.length === 0 ? 0 : offsets[offsets.length - 1]! + heads[heads.length - 1]!.classes.length;
  const rowScales = new Float64Array(classes);
  heads.forEach((h, n) => {
    h.scales.forEach((scale, c) => {
      rowScales[offsets[n]! + c] = scale;
    });
  });
  return {
    heads,
    offsets,
    stride,
    weights,
    codes: new Uint8Array(weights.buffer, weights.byteOffset, weights.length),
    quads:
      stride === 16 && LITTLE_ENDIAN
        ? new Int32Array(weights.buffer, weights.byteOffset, weights.length >> 2)
        : undefined,
    idfAt: idfValues ? classes : -1,
    idfValues: idfValues ?? new Float32Array(0),
    idf,
    rowScales,
    classes,
    totals: new Float64Array(classes),
  };
}

/** Whether a 32-bit load of four bytes puts the first byte lowest (x86 and arm64 Lambdas do). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

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
 * One pass over a text's collected features for all fused heads. Each feature is weighed as
 * `FeatureExtractor.extract` weighs it (idf from its row, word or character weight,
 * sublinear count), and its value times each class column of its row is added to the sums of
 * its reason group: `sums[group * fused.classes + column]`. The heads' scores and every
 * group's contribution are sums of these (see `probabilitiesFused`, `groupWeightsFused`), so
 * each row is read once, while the text's other work hides its cache miss. The vector's L2
 * norm is applied to the sums instead of to each value: the same numbers as the training
 * path's normalize-then-multiply, up to float rounding.
 * Zeroes and fills `sums` (at least `features.groupCount * fused.classes` long); returns the
 * norm's scale (1 / length of the weighed vector, or 0 for a text without features).
 */
/** Feature values between the two passes of `accumulate14` (not re-entrant, like the extractor). */
let scratch = new Float64Array(4096);
/** The features' idf codes, read from their rows by `accumulate14`'s first loop. */
let idfCodes = new Uint8Array(4096);

export function accumulateFused(
  fused: FusedHeads,
  features: CollectedFeatures,
  options: FeatureOptions,
  sums: Float64Array,
): number {
  const { indices, counts, kinds, groups } = features;
  const { wordWeight, charWeight } = options;
  const { stride, weights, codes, idfAt, idfValues, idf, classes } = fused;
  sums.fill(0, 0, features.groupCount * classes);
  if (classes === 14) {
    if (scratch.length < indices.length) scratch = new Float64Array(indices.length * 2);
    return accumulate14(fused, features, options, sums, scratch);
  }
  const n = indices.length;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const index = indices[i]!;
    const base = index * stride;
    const c = counts[i]!;
    const w = idfAt >= 0 ? idfValues[codes[base + idfAt]!]! : idf ? idf[index]! : 1;
    const v = w * (kinds[i] === CHAR_KIND ? charWeight : wordWeight) * (c > 1 ? 1 + Math.log(c) : 1);
    norm += v * v;
    const at = groups[i]! * classes;
    for (let k = 0; k < classes; k++) sums[at + k]! += v * weights[base + k]!;
  }
  return norm > 0 ? 1 / Math.sqrt(norm) : 0;
}

/**
 * `accumulateFused` for the classifier's three heads (2 + 3 + 9 = 14 class columns): the
 * fourteen sums of the current group stay in registers while consecutive features belong to
 * it (a word's character n-grams follow each other) and are added to `sums` when the group
 * changes. A loop over a typed array of sums would wait on its own stores.
 */
function accumulate14(
  fused: FusedHeads,
  features: CollectedFeatures,
  options: FeatureOptions,
  sums: Float64Array,
  values: Float64Array,
): number {
  const { indices, counts, kinds, groups } = features;
  const { wordWeight, charWeight } = options;
  const { stride, weights, codes, idfAt, idfValues, idf } = fused;
  const n = indices.length;
  // First only the rows' idf bytes, copied: the shortest loop body, so the processor has as
  // many rows' cache misses in flight as it can (with the weighing in the same loop, it had
  // fewer, and this was the hot path's slowest line); the loops below then find the rows in
  // cache.
  if (idfAt >= 0) {
    if (idfCodes.length < n) idfCodes = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) idfCodes[i] = codes[indices[i]! * stride + idfAt]!;
  }
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    const w = idfAt >= 0 ? idfValues[idfCodes[i]!]! : idf ? idf[indices[i]!]! : 1;
    const v = w * (kinds[i] === CHAR_KIND ? charWeight : wordWeight) * (c > 1 ? 1 + Math.log(c) : 1);
    values[i] = v;
    norm += v * v;
  }
  if (fused.quads) return sumRows14(fused.quads, indices, groups, values, sums, norm);
  let current = -1;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let a4 = 0;
  let a5 = 0;
  let a6 = 0;
  let a7 = 0;
  let a8 = 0;
  let a9 = 0;
  let a10 = 0;
  let a11 = 0;
  let a12 = 0;
  let a13 = 0;
  for (let i = 0; i < n; i++) {
    const group = groups[i]!;
    if (group !== current) {
      if (current >= 0) {
        const at = current * 14;
        sums[at + 0]! += a0;
        sums[at + 1]! += a1;
        sums[at + 2]! += a2;
        sums[at + 3]! += a3;
        sums[at + 4]! += a4;
        sums[at + 5]! += a5;
        sums[at + 6]! += a6;
        sums[at + 7]! += a7;
        sums[at + 8]! += a8;
        sums[at + 9]! += a9;
        sums[at + 10]! += a10;
        sums[at + 11]! += a11;
        sums[at + 12]! += a12;
        sums[at + 13]! += a13;
      }
      current = group;
      a0 = 0;
      a1 = 0;
      a2 = 0;
      a3 = 0;
      a4 = 0;
      a5 = 0;
      a6 = 0;
      a7 = 0;
      a8 = 0;
      a9 = 0;
      a10 = 0;
      a11 = 0;
      a12 = 0;
      a13 = 0;
    }
    const base = indices[i]! * stride;
    const v = values[i]!;
    a0 += v * weights[base + 0]!;
    a1 += v * weights[base + 1]!;
    a2 += v * weights[base + 2]!;
    a3 += v * weights[base + 3]!;
    a4 += v * weights[base + 4]!;
    a5 += v * weights[base + 5]!;
    a6 += v * weights[base + 6]!;
    a7 += v * weights[base + 7]!;
    a8 += v * weights[base + 8]!;
    a9 += v * weights[base + 9]!;
    a10 += v * weights[base + 10]!;
    a11 += v * weights[base + 11]!;
    a12 += v * weights[base + 12]!;
    a13 += v * weights[base + 13]!;
  }
  if (current >= 0) {
    const at = current * 14;
    sums[at + 0]! += a0;
    sums[at + 1]! += a1;
    sums[at + 2]! += a2;
    sums[at + 3]! += a3;
    sums[at + 4]! += a4;
    sums[at + 5]! += a5;
    sums[at + 6]! += a6;
    sums[at + 7]! += a7;
    sums[at + 8]! += a8;
    sums[at + 9]! += a9;
    sums[at + 10]! += a10;
    sums[at + 11]! += a11;
    sums[at + 12]! += a12;
    sums[at + 13]! += a13;
  }
  return norm > 0 ? 1 / Math.sqrt(norm) : 0;
}

/**
 * The second loop of `accumulate14` over rows of 16 bytes read as four 32-bit words: the
 * fourteen signed weights are taken out of them by shifts (the same integers as the bytes, so
 * the same sums, bit for bit). Returns the norm's scale.
 */
function sumRows14(
  quads: Int32Array,
  indices: Int32Array,
  groups: Int32Array,
  values: Float64Array,
  sums: Float64Array,
  norm: number,
): number {
  const n = indices.length;
  let current = -1;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let a4 = 0;
  let a5 = 0;
  let a6 = 0;
  let a7 = 0;
  let a8 = 0;
  let a9 = 0;
  let a10 = 0;
  let a11 = 0;
  let a12 = 0;
  let a13 = 0;
  for (let i = 0; i < n; i++) {
    const group = groups[i]!;
    if (group !== current) {
      if (current >= 0) {
        const at = current * 14;
        sums[at + 0]! += a0;
        sums[at + 1]! += a1;
        sums[at + 2]! += a2;
        sums[at + 3]! += a3;
        sums[at + 4]! += a4;
        sums[at + 5]! += a5;
        sums[at + 6]! += a6;
        sums[at + 7]! += a7;
        sums[at + 8]! += a8;
        sums[at + 9]! += a9;
        sums[at + 10]! += a10;
        sums[at + 11]! += a11;
        sums[at + 12]! += a12;
        sums[at + 13]! += a13;
      }
      current = group;
      a0 = 0;
      a1 = 0;
      a2 = 0;
      a3 = 0;
      a4 = 0;
      a5 = 0;
      a6 = 0;
      a7 = 0;
      a8 = 0;
      a9 = 0;
      a10 = 0;
      a11 = 0;
      a12 = 0;
      a13 = 0;
    }
    const at = indices[i]! << 2;
    const v = values[i]!;
    const q0 = quads[at]!;
    const q1 = quads[at + 1]!;
    const q2 = quads[at + 2]!;
    const q3 = quads[at + 3]!;
    a0 += v * ((q0 << 24) >> 24);
    a1 += v * ((q0 << 16) >> 24);
    a2 += v * ((q0 << 8) >> 24);
    a3 += v * (q0 >> 24);
    a4 += v * ((q1 << 24) >> 24);
    a5 += v * ((q1 << 16) >> 24);
    a6 += v * ((q1 << 8) >> 24);
    a7 += v * (q1 >> 24);
    a8 += v * ((q2 << 24) >> 24);
    a9 += v * ((q2 << 16) >> 24);
    a10 += v * ((q2 << 8) >> 24);
    a11 += v * (q2 >> 24);
    a12 += v * ((q3 << 24) >> 24);
    a13 += v * ((q3 << 16) >> 24);
  }
  if (current >= 0) {
    const at = current * 14;
    sums[at + 0]! += a0;
    sums[at + 1]! += a1;
    sums[at + 2]! += a2;
    sums[at + 3]! += a3;
    sums[at + 4]! += a4;
    sums[at + 5]! += a5;
    sums[at + 6]! += a6;
    sums[at + 7]! += a7;
    sums[at + 8]! += a8;
    sums[at + 9]! += a9;
    sums[at + 10]! += a10;
    sums[at + 11]! += a11;
    sums[at + 12]! += a12;
    sums[at + 13]! += a13;
  }
  return norm > 0 ? 1 / Math.sqrt(norm) : 0;
}

/**
 * Class probabilities of every fused head from `accumulateFused`'s sums and scale, written to
 * `out[n]` (one array per head, as long as its classes) and returned.
 */
export function probabilitiesFused(
  fused: FusedHeads,
  sums: Float64Array,
  groupCount: number,
  scale: number,
  out: readonly Float64Array[],
): readonly Float64Array[] {
  const { classes, rowScales } = fused;
  const totals = fused.totals;
  if (classes === 14) sumGroups14(sums, groupCount, totals);
  else {
    totals.fill(0);
    for (let g = 0; g < groupCount; g++) {
      const at = g * classes;
      for (let k = 0; k < classes; k++) totals[k]! += sums[at + k]!;
    }
  }
  for (let n = 0; n < fused.heads.length; n++) {
    const head = fused.heads[n]!;
    const k = head.classes.length;
    const from = fused.offsets[n]!;
    const scores = out[n]!;
    for (let c = 0; c < k; c++) scores[c] = totals[from + c]! * scale * rowScales[from + c]! + head.bias[c]!;
    softmaxInPlace(scores);
  }
  return out;
}

/**
 * `totals[k]` = the sum over groups of `sums[g * 14 + k]`, added in group order as the general
 * loop adds them (the same bits), with the fourteen totals in registers: a loop over a typed
 * array of totals waits on its own stores (see `accumulate14`).
 */
function sumGroups14(sums: Float64Array, groupCount: number, totals: Float64Array): void {
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let t4 = 0;
  let t5 = 0;
  let t6 = 0;
  let t7 = 0;
  let t8 = 0;
  let t9 = 0;
  let t10 = 0;
  let t11 = 0;
  let t12 = 0;
  let t13 = 0;
  for (let at = 0, end = groupCount * 14; at < end; at += 14) {
    t0 += sums[at]!;
    t1 += sums[at + 1]!;
    t2 += sums[at + 2]!;
    t3 += sums[at + 3]!;
    t4 += sums[at + 4]!;
    t5 += sums[at + 5]!;
    t6 += sums[at + 6]!;
    t7 += sums[at + 7]!;
    t8 += sums[at + 8]!;
    t9 += sums[at + 9]!;
    t10 += sums[at + 10]!;
    t11 += sums[at + 11]!;
    t12 += sums[at + 12]!;
    t13 += sums[at + 13]!;
  }
  totals[0] = t0;
  totals[1] = t1;
  totals[2] = t2;
  totals[3] = t3;
  totals[4] = t4;
  totals[5] = t5;
  totals[6] = t6;
  totals[7] = t7;
  totals[8] = t8;
  totals[9] = t9;
  totals[10] = t10;
  totals[11] = t11;
  totals[12] = t12;
  totals[13] = t13;
}

/**
 * Per reason group, the part of head `n`'s features in choosing class `cls` (`contributions`
 * summed over the group's features), from `accumulateFused`'s sums; written to `out`.
 */
export function groupWeightsFused(
  fused: FusedHeads,
  sums: Float64Array,
  groupCount: number,
  scale: number,
  n: number,
  cls: number,
  out: Float64Array,
): void {
  const { classes, rowScales } = fused;
  const from = fused.offsets[n]!;
  const k = fused.heads[n]!.classes.length;
  const chosen = from + cls;
  for (let g = 0; g < groupCount; g++) {
    const at = g * classes;
    let mean = 0;
    for (let c = from; c < from + k; c++) mean += sums[at + c]! * rowScales[c]!;
    out[g] = scale * (sums[at + chosen]! * rowScales[chosen]! - mean / k);
  }
}
