import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { dequantizeIdf, quantizeIdf, type FeatureOptions } from './features.ts';
import { assertLexiconServable } from './lexicon/index.ts';
import { fusedLayout, type LinearHead, type PackedIdf, type PackedRows } from './linear-model.ts';
import { STAGE_BITS, STAGE_INPUTS, STAGE_LEXICONS, type SentimentStage } from './sentiment-stage.ts';

/**
 * The shipped form of a language model: a small JSON header (feature options, classes,
 * scales, biases, held-out scores) and, per head, the non-zero weight rows as delta-coded
 * indices and int8 values, deflated and base64-encoded into a TypeScript module. esbuild
 * bundles it like any other code: nothing is read from disk or downloaded at run time.
 *
 * Two layouts (`Header.format`): 1, the rows above, is what company models are stored in
 * (and what every release reads); 2 stores the rows the classifier runs on (`FusedHeads`:
 * every bucket's weights of all heads side by side, then its idf byte), so that loading one
 * is an inflate and no JavaScript loop over the weights (issue 15: model load). `npm run
 * train` writes the shipped models in format 2; they ship inside the code, so no earlier
 * release ever reads one.
 *
 * Either layout may carry a second stage for the sentiment head (`LanguageModel.stage`, round
 * w19): a small section of the header, and `Header.version` 2. A model without one has no
 * version (1) and its bytes are what they were before. A release before round w19 ignores the
 * section and classifies with the first stage alone; this one refuses a later version.
 */

/** The newest model-format version this code reads: 2 adds the optional sentiment stage. */
export const MODEL_FORMAT_VERSION = 2;

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
  /** The sentiment head's second stage (sentiment-stage.ts), when it has one (English, since round w19). */
  readonly stage?: SentimentStage;
}

interface Header {
  /** 1: per head, the non-zero rows; 2: the fused rows of all buckets (see `encodeModel`). */
  readonly format: 1 | 2;
  /** The model-format version (`MODEL_FORMAT_VERSION`); absent: 1, no stage section. */
  readonly version?: number;
  /** Version 2: the sentiment head's second stage. */
  readonly stage?: StoredStage;
  readonly language: ModelLanguage;
  readonly features: FeatureOptions;
  readonly trainExamples: number;
  readonly heldOut?: HeldOutScores;
  readonly idfScale?: number;
  readonly temperatures?: Readonly<Record<HeadName, number>>;
  /** Format 2: bytes per fused row (`fusedLayout`). */
  readonly stride?: number;
  readonly heads: readonly {
    name: HeadName;
    classes: readonly string[];
    scales: number[];
    bias: number[];
    /** Format 1: the head's stored rows. */
    rows?: number;
  }[];
}

/** A second stage in the header: its head's int8 weights as numbers, row-major like a head's. */
interface StoredStage {
  readonly inputs: string;
  readonly classes: readonly string[];
  readonly weights: number[];
  readonly scales: number[];
  readonly bias: number[];
  readonly temperature: number;
}

/** Where a format 2 model's rows start in its inflated bytes: a multiple of this. */
const ROW_ALIGNMENT = 16;

/** Thrown when a model's bytes cannot be read: a corrupt or foreign file, never user input. */
export class ModelFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFormatError';
  }
}

/**
 * Encodes a model to base64 in format 1 (its non-zero rows); the same model gives the same
 * bytes. Company models are stored so: an instance of the previous release may read them
 * while a deployment runs.
 */
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
  return encoded({ format: 1, ...headerOf(model, idf), heads: headers }, bodies);
}

/**
 * Encodes a model to base64 in format 2 (its fused rows, see the module's comment): what
 * `npm run train` ships. A decoded model keeps its stored idf bytes, so a format 1 model
 * re-encoded in format 2 decodes to the same model.
 */
export function encodeShippedModel(model: Omit<LanguageModel, 'id'>): string {
  const dimension = 1 << model.features.bits;
  const heads = HEAD_NAMES.map((name) => model.heads[name]);
  const packed = packedModels.get(model as LanguageModel);
  const idf = model.idf ? (packed ? idfBytesOf(packed) : quantizeIdf(model.idf)) : undefined;
  const { stride, offsets, classes } = fusedLayout(heads, idf !== undefined);
  const rows = Buffer.alloc(dimension * stride);
  heads.forEach(({ weights, classes: { length: k } }, n) => {
    for (let j = 0; j < dimension; j++)
      for (let c = 0; c < k; c++) rows.writeInt8(weights[j * k + c]!, j * stride + offsets[n]! + c);
  });
  if (idf) for (let j = 0; j < dimension; j++) rows[j * stride + classes] = idf.bytes[j]!;
  const header: Header = {
    format: 2,
    ...headerOf(model, idf),
    stride,
    heads: heads.map((h, n) => ({
      name: HEAD_NAMES[n]!,
      classes: h.classes,
      scales: [...h.scales],
      bias: [...h.bias],
    })),
  };
  // The rows start at a multiple of 16 bytes, so that no 16-byte row straddles two cache
  // lines (the classifier reads one row per feature, four bytes at a time).
  const json = JSON.stringify(header);
  return encoded(
    header,
    [rows],
    (ROW_ALIGNMENT - ((4 + Buffer.byteLength(json, 'utf8')) % ROW_ALIGNMENT)) % ROW_ALIGNMENT,
  );
}

function headerOf(model: Omit<LanguageModel, 'id'>, idf: PackedIdf | undefined) {
  const { stage } = model;
  return {
    ...(stage ? { version: MODEL_FORMAT_VERSION } : {}),
    ...(idf ? { idfScale: idf.scale } : {}),
    language: model.language,
    features: model.features,
    trainExamples: model.trainExamples,
    ...(model.heldOut ? { heldOut: model.heldOut } : {}),
    ...(model.temperatures ? { temperatures: model.temperatures } : {}),
    ...(stage
      ? {
          stage: {
            inputs: stage.inputs,
            classes: stage.head.classes,
            weights: [...stage.head.weights],
            scales: [...stage.head.scales],
            bias: [...stage.head.bias],
            temperature: stage.temperature,
          },
        }
      : {}),
  };
}

/**
 * The stage a header stores, checked: known inputs, the sentiment classes, weights for
 * `STAGE_BITS` inputs, and the lexicons it reads servable here.
 * @throws ModelFormatError when it is malformed or reads a lexicon this bundle lacks
 */
function stageOf(stored: StoredStage, id: string): SentimentStage {
  const k = stored.classes?.length ?? 0;
  const inputs = STAGE_INPUTS.find((i) => i === stored.inputs);
  if (
    !inputs ||
    k === 0 ||
    !Array.isArray(stored.weights) ||
    stored.weights.length !== (1 << STAGE_BITS) * k ||
    stored.scales?.length !== k ||
    stored.bias?.length !== k ||
    !(stored.temperature > 0)
  )
    throw new ModelFormatError(`model ${id} has a malformed sentiment stage`);
  try {
    for (const lexicon of STAGE_LEXICONS[inputs]) assertLexiconServable(lexicon);
  } catch (error) {
    throw new ModelFormatError(`model ${id} cannot be served here: ${(error as Error).message}`, { cause: error });
  }
  return {
    inputs,
    head: {
      name: 'sentiment-stage',
      classes: stored.classes,
      weights: Int8Array.from(stored.weights),
      scales: Float32Array.from(stored.scales),
      bias: Float32Array.from(stored.bias),
    },
    temperature: stored.temperature,
  };
}

/** The header's length, the header (JSON, then `padding` spaces) and the bodies, deflated, in base64. */
function encoded(header: Header, bodies: readonly Buffer[], padding = 0): string {
  const headerBytes = Buffer.from(JSON.stringify(header) + ' '.repeat(padding), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return deflateRawSync(Buffer.concat([length, headerBytes, ...bodies]), { level: 9 }).toString('base64');
}

/** A decoded model's idf bytes: format 1 stores them as they are, format 2 in its rows. */
function idfBytesOf(packed: PackedModel): PackedIdf {
  return packed.idf ?? fusedIdf(packed.fused!, packed.dimension);
}

/**
 * Decodes a model encoded by `encodeModel`, in either format. The heads' dense weights and the
 * per-bucket idf are built on first read (training, tests, a company model's merge);
 * classification builds its fused rows from the stored rows instead (`packedModelOf`), or, in
 * format 2, runs on the stored fused rows as they are, which is most of what a cold start saves.
 * @throws ModelFormatError when the bytes are not a model of a known format
 */
export function decodeModel(base64: string, id: string): LanguageModel {
  let bytes: Buffer;
  let header: Header;
  try {
    bytes = inflate(Buffer.from(base64, 'base64'));
    const headerLength = bytes.readUInt32LE(0);
    header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as Header;
    bytes = bytes.subarray(4 + headerLength);
  } catch (error) {
    throw new ModelFormatError(`model ${id} cannot be read`, { cause: error });
  }
  if ((header.format !== 1 && header.format !== 2) || header.heads.length !== HEAD_NAMES.length)
    throw new ModelFormatError(`model ${id} has an unknown format`);
  if ((header.version ?? 1) > MODEL_FORMAT_VERSION)
    throw new ModelFormatError(
      `model ${id} is of format version ${header.version}; this code reads up to ${MODEL_FORMAT_VERSION}`,
    );
  const sentimentClasses = header.heads.find((h) => h.name === 'sentiment')?.classes;
  if (header.stage && header.stage.classes?.join('\n') !== sentimentClasses?.join('\n'))
    throw new ModelFormatError(
      `model ${id} has a malformed sentiment stage (its classes are not the sentiment head's)`,
    );
  const stage = header.stage ? stageOf(header.stage, id) : undefined;
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
  const { heads, packed } =
    header.format === 2 ? fusedRowsOf(header, bytes, dimension, id) : storedRowsOf(header, bytes, dimension, id);
  const model: LanguageModel = {
    id,
    language: header.language,
    features: header.features,
    heads,
    trainExamples: header.trainExamples,
    ...(header.heldOut ? { heldOut: header.heldOut } : {}),
    ...(header.temperatures ? { temperatures: header.temperatures } : {}),
    ...(stage ? { stage } : {}),
  };
  if (header.idfScale !== undefined) {
    let dequantized: Float32Array | undefined;
    Object.defineProperty(model, 'idf', {
      enumerable: true,
      get: () => (dequantized ??= dequantizeIdf(idfBytesOf(packed))),
    });
  }
  packedModels.set(model, packed);
  return model;
}

/**
 * The inflated bytes, inflated into one buffer: zlib's default 16 KB chunks cost a native call
 * each and a copy of them all at the end (a third of a cold model load). The buffer is sized
 * for the inflated bytes of a shipped model (2.7 times the deflated ones in format 1, 4.4 to 6.1
 * in format 2); its unused tail is never written, so the process does not hold it in memory.
 * A larger ratio still inflates, in more chunks.
 */
function inflate(deflated: Buffer): Buffer {
  return inflateRawSync(deflated, { chunkSize: Math.max(64 * 1024, deflated.length * 8) });
}

/** Format 1: per head, the non-zero rows (delta-coded indices, then int8 values), then the idf bytes. */
function storedRowsOf(
  header: Header,
  bytes: Buffer,
  dimension: number,
  id: string,
): { heads: Record<HeadName, LinearHead>; packed: PackedModel } {
  let offset = 0;
  const heads = {} as Record<HeadName, LinearHead>;
  const packedHeads = {} as Record<HeadName, PackedRows>;
  for (const h of header.heads) {
    const k = h.classes.length;
    const count = h.rows ?? 0;
    const rows = new Int32Array(count);
    let previous = 0;
    for (let r = 0; r < count; r++) {
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
    if (offset + count * k > bytes.length || (count > 0 && rows[count - 1]! >= dimension)) {
      throw new ModelFormatError(`model ${id} is truncated or has rows outside its ${dimension} features`);
    }
    const packed: PackedRows = { rows, values: new Int8Array(bytes.buffer, bytes.byteOffset + offset, count * k) };
    offset += count * k;
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
  return { heads, packed: { heads: packedHeads, dimension, ...(idf ? { idf } : {}) } };
}

/** Format 2: `dimension` fused rows of `header.stride` bytes (`fusedLayout` of the heads, idf byte last). */
function fusedRowsOf(
  header: Header,
  bytes: Buffer,
  dimension: number,
  id: string,
): { heads: Record<HeadName, LinearHead>; packed: PackedModel } {
  if (header.heads.some((h, n) => h.name !== HEAD_NAMES[n]))
    throw new ModelFormatError(`model ${id} has its heads out of order`);
  const layout = fusedLayout(header.heads, header.idfScale !== undefined);
  if (header.stride !== layout.stride) throw new ModelFormatError(`model ${id} has rows of an unknown layout`);
  if (bytes.length !== dimension * layout.stride) throw new ModelFormatError(`model ${id} is truncated`);
  // Rows read four bytes at a time and within one cache line: rows not at a multiple of 16
  // bytes (never from encodeModel, whose inflated bytes start a buffer of their own) are copied.
  const aligned = bytes.byteOffset % ROW_ALIGNMENT === 0 ? bytes : Buffer.from(new Uint8Array(bytes).buffer);
  const weights = new Int8Array(aligned.buffer, aligned.byteOffset, aligned.length);
  const fused: FusedRows = {
    stride: layout.stride,
    idfAt: layout.classes,
    weights,
    ...(header.idfScale !== undefined ? { idfScale: header.idfScale } : {}),
  };
  const heads = {} as Record<HeadName, LinearHead>;
  header.heads.forEach((h, n) => {
    const k = h.classes.length;
    const at = layout.offsets[n]!;
    heads[h.name] = lazyHead(h.name, h.classes, Float32Array.from(h.scales), Float32Array.from(h.bias), () => {
      const dense = new Int8Array(dimension * k);
      for (let j = 0; j < dimension; j++)
        for (let c = 0; c < k; c++) dense[j * k + c] = weights[j * layout.stride + at + c]!;
      return dense;
    });
  });
  return { heads, packed: { dimension, fused } };
}

/** A format 2 model's idf bytes, gathered from its rows (model.idf's first read, re-encoding). */
function fusedIdf(fused: FusedRows, dimension: number): PackedIdf {
  const bytes = new Uint8Array(dimension);
  const codes = new Uint8Array(fused.weights.buffer, fused.weights.byteOffset, fused.weights.length);
  for (let j = 0, at = fused.idfAt; j < dimension; j++, at += fused.stride) bytes[j] = codes[at]!;
  return { bytes, scale: fused.idfScale! };
}

/** A decoded model's rows as its file stores them (views into the inflated bytes). */
export interface PackedModel {
  /** Format 1: per head, the non-zero rows. */
  readonly heads?: Readonly<Record<HeadName, PackedRows>>;
  /** Buckets per head: 2^bits. */
  readonly dimension: number;
  /** Format 1: the idf bytes. */
  readonly idf?: PackedIdf;
  /** Format 2: the fused rows the classifier runs on. */
  readonly fused?: FusedRows;
}

/** A format 2 model's rows: `FusedHeads.weights` as `fusedLayout` lays them out, idf byte at column `classes`. */
export interface FusedRows {
  readonly stride: number;
  /** Column of the idf byte in a row (after all heads' classes). */
  readonly idfAt: number;
  readonly weights: Int8Array;
  /** idf = byte * scale (see `dequantizeIdf`), when the model has an idf. */
  readonly idfScale?: number;
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
