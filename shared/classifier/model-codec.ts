import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { dequantizeIdf, quantizeIdf, type FeatureOptions } from './features.ts';
import { assertLexiconServable } from './lexicon/index.ts';
import type { LinearHead, PackedIdf, PackedRows } from './linear-model.ts';

/**
 * The shipped form of a language model: a small JSON header (feature options, classes,
 * scales, biases, held-out scores) and, per head, the non-zero weight rows as delta-coded
 * indices and int8 values, deflated and base64-encoded into a TypeScript module. esbuild
 * bundles it like any other code: nothing is read from disk or downloaded at run time.
 */

export const HEAD_NAMES = ['relevance', 'sentiment', 'category'] as const;
export type HeadName = (typeof HEAD_NAMES)[number];

/** Which texts a model was trained for: German, English, or any language (the fallback). */
export type ModelLanguage = 'de' | 'en' | 'any';

/** Scores measured on the held-out split at training time, per head (category: on relevant examples). */
export interface HeldOutScores {
  readonly examples: number;
  /** Accuracy (= micro-F1 for single-label heads) and macro-F1 per head. */
  readonly heads: Readonly<Record<HeadName, { readonly accuracy: number; readonly macroF1: number }>>;
}

export interface LanguageModel {
  /** `ngram-<language>@<content hash>`. */
  readonly id: string;
  readonly language: ModelLanguage;
  readonly features: FeatureOptions;
  readonly heads: Readonly<Record<HeadName, LinearHead>>;
  readonly trainExamples: number;
  readonly heldOut?: HeldOutScores;
  /** Inverse document frequencies per bucket, when `features.idf` is set. */
  readonly idf?: Float32Array;
  /**
   * Per head, the temperature its scores are divided by before the softmax (calibration.ts),
   * fitted at training time on examples the head was not trained on. Absent (models trained
   * before calibration): 1, the probabilities as trained.
   */
  readonly temperatures?: Readonly<Record<HeadName, number>>;
}

interface Header {
  readonly format: 1;
  readonly language: ModelLanguage;
  readonly features: FeatureOptions;
  readonly trainExamples: number;
  readonly heldOut?: HeldOutScores;
  readonly idfScale?: number;
  readonly temperatures?: Readonly<Record<HeadName, number>>;
  readonly heads: readonly {
    name: HeadName;
    classes: readonly string[];
    scales: number[];
    bias: number[];
    rows: number;
  }[];
}

/** Thrown when a model's bytes cannot be read: a corrupt or foreign file, never user input. */
export class ModelFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFormatError';
  }
}

/** Encodes a model to base64; the same model gives the same bytes. */
export function encodeModel(model: Omit<LanguageModel, 'id'>): string {
  const dimension = 1 << model.features.bits;
  const bodies: Buffer[] = [];
  const headers: Header['heads'][number][] = [];
  for (const name of HEAD_NAMES) {
    const head = model.heads[name];
    const k = head.classes.length;
    const rows: number[] = [];
    for (let j = 0; j < dimension; j++) {
      for (let c = 0; c < k; c++) {
        if (head.weights[j * k + c] !== 0) {
          rows.push(j);
          break;
        }
      }
    }
    const indexBytes: number[] = [];
    let previous = 0;
    for (const j of rows) {
      writeVarint(indexBytes, j - previous);
      previous = j;
    }
    const values = Buffer.alloc(rows.length * k);
    rows.forEach((j, r) => {
      for (let c = 0; c < k; c++) values.writeInt8(head.weights[j * k + c]!, r * k + c);
    });
    bodies.push(Buffer.from(indexBytes), values);
    headers.push({ name, classes: head.classes, scales: [...head.scales], bias: [...head.bias], rows: rows.length });
  }
  const idf = model.idf ? quantizeIdf(model.idf) : undefined;
  if (idf) bodies.push(Buffer.from(idf.bytes));
  const header: Header = {
    format: 1,
    ...(idf ? { idfScale: idf.scale } : {}),
    language: model.language,
    features: model.features,
    trainExamples: model.trainExamples,
    ...(model.heldOut ? { heldOut: model.heldOut } : {}),
    ...(model.temperatures ? { temperatures: model.temperatures } : {}),
    heads: headers,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return deflateRawSync(Buffer.concat([length, headerBytes, ...bodies]), { level: 9 }).toString('base64');
}

/**
 * Decodes a model encoded by `encodeModel`. The heads' dense weights and the per-bucket idf
 * are built on first read (training, tests, a company model's merge); classification builds
 * its fused rows from the stored rows instead (`packedModelOf`), which is most of what a cold
 * start saves.
 * @throws ModelFormatError when the bytes are not a model of this format
 */
export function decodeModel(base64: string, id: string): LanguageModel {
  let bytes: Buffer;
  let header: Header;
  try {
    bytes = inflateRawSync(Buffer.from(base64, 'base64'));
    const headerLength = bytes.readUInt32LE(0);
    header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as Header;
    bytes = bytes.subarray(4 + headerLength);
  } catch (error) {
    throw new ModelFormatError(`model ${id} cannot be read`, { cause: error });
  }
  if (header.format !== 1 || header.heads.length !== HEAD_NAMES.length)
    throw new ModelFormatError(`model ${id} has an unknown format`);
  if (header.features.lexicon !== undefined) {
    try {
      assertLexiconServable(header.features.lexicon);
    } catch (error) {
      throw new ModelFormatError(`model ${id} cannot be served here: ${(error as Error).message}`, { cause: error });
    }
  }
  const { lexiconHeads } = header.features;
  if (
    lexiconHeads !== undefined &&
    !(Array.isArray(lexiconHeads) && lexiconHeads.every((name) => HEAD_NAMES.includes(name)))
  )
    throw new ModelFormatError(`model ${id} names unknown lexicon heads ${JSON.stringify(lexiconHeads)}`);
  const dimension = 1 << header.features.bits;
  let offset = 0;
  const heads = {} as Record<HeadName, LinearHead>;
  const packedHeads = {} as Record<HeadName, PackedRows>;
  for (const h of header.heads) {
    const k = h.classes.length;
    const rows = new Int32Array(h.rows);
    let previous = 0;
    for (let r = 0; r < h.rows; r++) {
      let value = 0;
      let scale = 1;
      for (;;) {
        const byte = bytes[offset++];
        if (byte === undefined) throw new ModelFormatError(`model ${id} is truncated`);
        value += (byte & 0x7f) * scale;
        scale *= 128;
        if (byte < 0x80) break;
      }
      previous += value;
      rows[r] = previous;
    }
    if (offset + h.rows * k > bytes.length || (h.rows > 0 && rows[h.rows - 1]! >= dimension)) {
      throw new ModelFormatError(`model ${id} is truncated or has rows outside its ${dimension} features`);
    }
    const packed: PackedRows = { rows, values: new Int8Array(bytes.buffer, bytes.byteOffset + offset, h.rows * k) };
    offset += h.rows * k;
    packedHeads[h.name] = packed;
    heads[h.name] = lazyHead(h.name, h.classes, Float32Array.from(h.scales), Float32Array.from(h.bias), () =>
      denseWeights(packed, dimension, k),
    );
  }
  let idf: PackedIdf | undefined;
  if (header.idfScale !== undefined) {
    if (offset + dimension > bytes.length) throw new ModelFormatError(`model ${id} is truncated (idf)`);
    idf = { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, dimension), scale: header.idfScale };
  }
  const model: LanguageModel = {
    id,
    language: header.language,
    features: header.features,
    heads,
    trainExamples: header.trainExamples,
    ...(header.heldOut ? { heldOut: header.heldOut } : {}),
    ...(header.temperatures ? { temperatures: header.temperatures } : {}),
  };
  if (idf) {
    const stored = idf;
    let dequantized: Float32Array | undefined;
    Object.defineProperty(model, 'idf', {
      enumerable: true,
      get: () => (dequantized ??= dequantizeIdf(stored)),
    });
  }
  packedModels.set(model, { heads: packedHeads, dimension, ...(idf ? { idf } : {}) });
  return model;
}

/** A decoded model's rows as its file stores them (views into the inflated bytes). */
export interface PackedModel {
  readonly heads: Readonly<Record<HeadName, PackedRows>>;
  /** Buckets per head: 2^bits. */
  readonly dimension: number;
  readonly idf?: PackedIdf;
}

const packedModels = new WeakMap<LanguageModel, PackedModel>();

/**
 * The stored rows of a model that `decodeModel` returned (undefined for a model built in
 * memory, e.g. by training): what `fusePacked` builds the classifier's rows from.
 */
export function packedModelOf(model: LanguageModel): PackedModel | undefined {
  return packedModels.get(model);
}

/** A head whose dense weights are built on their first read, then kept. */
function lazyHead(
  name: string,
  classes: readonly string[],
  scales: Float32Array,
  bias: Float32Array,
  build: () => Int8Array,
): LinearHead {
  let weights: Int8Array | undefined;
  return {
    name,
    classes,
    get weights() {
      weights ??= build();
      return weights;
    },
    scales,
    bias,
  };
}

function denseWeights(packed: PackedRows, dimension: number, k: number): Int8Array {
  const weights = new Int8Array(dimension * k);
  const { rows, values } = packed;
  for (let r = 0, v = 0; r < rows.length; r++) {
    const base = rows[r]! * k;
    for (let c = 0; c < k; c++) weights[base + c] = values[v++]!;
  }
  return weights;
}

/** A short content hash for model ids (FNV-1a over the encoded text). */
export function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
