import type { SparseVector } from './features.ts';
import { quantizeColumns, quantizeHead, scoresOf, softmaxInPlace, type LinearHead } from './linear-model.ts';
import { mulberry32, shuffle, type LabeledVector, type TrainOptions } from './train.ts';

/**
 * A head with one small hidden layer beside the linear one ("wide and deep", round w18,
 * issue 15): the class scores are the linear head's plus `out * relu(hiddenBias + x * hidden)`,
 * where the hidden layer reads the same hashed features folded to `2^hiddenBits` buckets
 * (a feature's bucket modulo that size), so its weights stay small enough to ship. The
 * hidden units can learn what one linear score cannot (a word that is positive alone and
 * negative beside another). Without the linear part (`wide: false`) it is a plain
 * one-hidden-layer network. Measured by `npm run bench:sentiment-model`; not shipped.
 */
export interface HiddenLayerOptions {
  /** Hidden units. */
  readonly units: number;
  /** log2 of the buckets the hidden layer reads (features are folded onto them). */
  readonly hiddenBits: number;
  /** Keep the linear head beside the hidden layer (true) or use the hidden layer alone. */
  readonly wide: boolean;
  /** L2 strength of the hidden layer's weights (the linear part uses `TrainOptions.lambda`). */
  readonly hiddenLambda?: number;
  /** Learning rate of the hidden layer relative to `TrainOptions.learningRate` (1 when undefined). */
  readonly hiddenRate?: number;
  /** Initial hidden weights are uniform in +-this (0.5 when undefined). */
  readonly initScale?: number;
}

/** A trained hidden-layer head, quantized to int8 like the linear heads (one scale per hidden unit). */
export interface HiddenLayerHead {
  readonly classes: readonly string[];
  /** The linear part, or undefined without it (`wide: false`). */
  readonly linear: LinearHead | undefined;
  readonly units: number;
  readonly hiddenBits: number;
  /** Row-major `[bucket * units + unit]`, dequantized by `hiddenScales[unit]`. */
  readonly hidden: Int8Array;
  readonly hiddenScales: Float32Array;
  readonly hiddenBias: Float32Array;
  /** Row-major `[class * units + unit]`. */
  readonly out: Float32Array;
  /** The class biases when there is no linear part (the linear part carries its own). */
  readonly bias: Float32Array;
}

/** Raw class scores (logits) of one vector. */
export function hiddenLayerScores(head: HiddenLayerHead, x: SparseVector): Float64Array {
  const k = head.classes.length;
  const { units } = head;
  const scores = head.linear ? scoresOf(head.linear, x) : Float64Array.from(head.bias);
  const mask = (1 << head.hiddenBits) - 1;
  const h = new Float64Array(units);
  for (let f = 0; f < x.indices.length; f++) {
    const row = (x.indices[f]! & mask) * units;
    const v = x.values[f]!;
    for (let u = 0; u < units; u++) h[u]! += v * head.hidden[row + u]!;
  }
  for (let u = 0; u < units; u++) {
    const a = h[u]! * head.hiddenScales[u]! + head.hiddenBias[u]!;
    if (a <= 0) continue;
    for (let c = 0; c < k; c++) scores[c]! += head.out[c * units + u]! * a;
  }
  return scores;
}

/** Class probabilities of one vector. */
export const hiddenLayerPredict = (head: HiddenLayerHead, x: SparseVector): Float64Array =>
  softmaxInPlace(hiddenLayerScores(head, x));

/**
 * Trains a hidden-layer head by SGD on the softmax loss, with the examples' weights, the
 * seeded shuffle, the learning-rate decay and the exact L2 (scale trick) of `trainHead`, and
 * returns it quantized. Deterministic: the same examples and options give the same head.
 */
export function trainHiddenLayerHead(
  name: string,
  classes: readonly string[],
  examples: readonly LabeledVector[],
  bits: number,
  options: TrainOptions,
  layer: HiddenLayerOptions,
): HiddenLayerHead {
  const k = classes.length;
  const { units, hiddenBits, wide } = layer;
  const mask = (1 << hiddenBits) - 1;
  const random = mulberry32(options.seed);
  const { lambda, learningRate } = options;
  const hiddenLambda = layer.hiddenLambda ?? lambda;
  const hiddenRate = layer.hiddenRate ?? 1;
  const linear = wide ? new Float64Array((1 << bits) * k) : undefined;
  const bias = new Float64Array(k);
  // Small random hidden weights, a positive bias so every unit starts alive, small output weights.
  const hidden = new Float64Array((mask + 1) * units);
  const initScale = layer.initScale ?? 0.5;
  for (let j = 0; j < hidden.length; j++) hidden[j] = (random() * 2 - 1) * initScale;
  const hiddenBias = new Float64Array(units).fill(0.1);
  const out = new Float64Array(k * units);
  for (let j = 0; j < out.length; j++) out[j] = (random() * 2 - 1) / Math.sqrt(units);
  let linearScale = 1;
  let hiddenScale = 1;
  let t = 0;
  const order = examples.map((_, i) => i);
  const probs = new Float64Array(k);
  const h = new Float64Array(units);
  const dh = new Float64Array(units);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const { x, y, weight = 1 } = examples[i]!;
      const lr = learningRate / (1 + learningRate * lambda * t);
      const hlr = hiddenRate * lr;
      t++;
      // Forward.
      h.fill(0);
      for (let f = 0; f < x.indices.length; f++) {
        const row = (x.indices[f]! & mask) * units;
        const v = x.values[f]! * hiddenScale;
        for (let u = 0; u < units; u++) h[u]! += v * hidden[row + u]!;
      }
      for (let u = 0; u < units; u++) h[u] = Math.max(0, h[u]! + hiddenBias[u]!);
      for (let c = 0; c < k; c++) {
        let s = bias[c]!;
        for (let u = 0; u < units; u++) s += out[c * units + u]! * h[u]!;
        probs[c] = s;
      }
      if (linear) {
        for (let f = 0; f < x.indices.length; f++) {
          const row = x.indices[f]! * k;
          const v = x.values[f]! * linearScale;
          for (let c = 0; c < k; c++) probs[c]! += v * linear[row + c]!;
        }
      }
      softmaxInPlace(probs);
      // Backward: the hidden units' gradients first, from the output weights before their step.
      dh.fill(0);
      for (let c = 0; c < k; c++) {
        const g = (probs[c]! - (c === y ? 1 : 0)) * weight;
        for (let u = 0; u < units; u++) if (h[u]! > 0) dh[u]! += g * out[c * units + u]!;
      }
      for (let c = 0; c < k; c++) {
        const g = (probs[c]! - (c === y ? 1 : 0)) * weight;
        bias[c]! -= lr * g;
        for (let u = 0; u < units; u++) {
          const at = c * units + u;
          out[at]! -= hlr * (g * h[u]! + hiddenLambda * out[at]!);
        }
        if (linear && g !== 0) {
          const step = lr / (linearScale * (1 - lr * lambda));
          for (let f = 0; f < x.indices.length; f++) linear[x.indices[f]! * k + c]! -= step * g * x.values[f]!;
        }
      }
      if (linear) linearScale *= 1 - lr * lambda;
      hiddenScale *= 1 - hlr * hiddenLambda;
      const hiddenStep = hlr / hiddenScale;
      for (let u = 0; u < units; u++) hiddenBias[u]! -= hlr * dh[u]!;
      for (let f = 0; f < x.indices.length; f++) {
        const row = (x.indices[f]! & mask) * units;
        const v = x.values[f]!;
        for (let u = 0; u < units; u++) if (dh[u] !== 0) hidden[row + u]! -= hiddenStep * dh[u]! * v;
      }
      if (linear && linearScale < 1e-6) {
        for (let j = 0; j < linear.length; j++) linear[j]! *= linearScale;
        linearScale = 1;
      }
      if (hiddenScale < 1e-6) {
        for (let j = 0; j < hidden.length; j++) hidden[j]! *= hiddenScale;
        hiddenScale = 1;
      }
    }
  }
  if (linear) for (let j = 0; j < linear.length; j++) linear[j]! *= linearScale;
  for (let j = 0; j < hidden.length; j++) hidden[j]! *= hiddenScale;
  return {
    classes,
    linear: linear ? quantizeHead(name, classes, linear, bias) : undefined,
    units,
    hiddenBits,
    ...quantizeHidden(hidden, units),
    hiddenBias: Float32Array.from(hiddenBias),
    out: Float32Array.from(out),
    bias: Float32Array.from(bias),
  };
}

/** int8 hidden weights with one scale per unit (its largest absolute weight / 127). */
function quantizeHidden(hidden: Float64Array, units: number): { hidden: Int8Array; hiddenScales: Float32Array } {
  const { values, scales } = quantizeColumns(hidden, units);
  return { hidden: values, hiddenScales: scales };
}
