import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildLambdaBundle,
  bundleDefine,
  LEXICON_FILE_EN_ENV,
  LEXICON_OFF_EN_CX_ENV,
  LEXICON_OFF_EN_ENV,
  shippedLexicons,
} from '../../infra/bundling.ts';
import { buildTopology } from '../../infra/topology.ts';
import { SHIPPED_TRAINING } from '../../shared/classifier/build-models.ts';
import { DEFAULT_FEATURES, SHIPPED_FEATURES } from '../../shared/classifier/features.ts';
import { encodeModel } from '../../shared/classifier/model-codec.ts';
import { readCorpus } from '../../shared/classifier/corpus.ts';
import { STAGE_LEXICONS } from '../../shared/classifier/sentiment-stage.ts';
import { DEFAULT_HEAD_TRAINING, trainLanguageModel } from '../../shared/classifier/train.ts';
import type { ModelStore } from '../../shared/domain/company-model.ts';
import { demoConfig } from '../factories/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function specOf(id: string) {
  const spec = buildTopology(demoConfig()).functions.find((f) => f.id === id);
  if (!spec) throw new Error(`no ${id}`);
  return spec;
}

describe('sentiment lexicons in the Lambda bundles', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('keeps only the lexicons the shipped feature sets and sentiment stages read', () => {
    // Act
    const lexicons = shippedLexicons();
    const define = bundleDefine(specOf('train-model'), demoConfig());

    // Assess: German reads its lexicon; the English sentiment stage (round w19) reads VADER's and the project's English one
    expect(lexicons.sort()).toEqual(
      [
        ...new Set([
          ...Object.values(SHIPPED_FEATURES).flatMap((f) => (f.lexicon ? [f.lexicon] : [])),
          ...Object.values(SHIPPED_TRAINING).flatMap((t) =>
            t.sentiment.stage ? STAGE_LEXICONS[t.sentiment.stage] : [],
          ),
        ]),
      ].sort(),
    );
    expect(lexicons).toEqual(['de', 'en', 'en-cx']);
    expect(define).not.toHaveProperty(`process.env.${LEXICON_OFF_EN_ENV}`);
    expect(define).not.toHaveProperty(`process.env.${LEXICON_OFF_EN_CX_ENV}`);
    expect(define[`process.env.${LEXICON_FILE_EN_ENV}`]).toBe('"lexicons-en.mjs"');
  });

  it('leaves the English lexicons out of a function that loads no models', () => {
    // Act
    const define = bundleDefine(specOf('check-sla'), demoConfig());

    // Assess
    expect(define[`process.env.${LEXICON_OFF_EN_ENV}`]).toBe('"off"');
    expect(define[`process.env.${LEXICON_OFF_EN_CX_ENV}`]).toBe('"off"');
    expect(define).not.toHaveProperty(`process.env.${LEXICON_FILE_EN_ENV}`);
  });

  it('leaves the English lexicons out of the bundles of a company without English (no English model, no stage)', () => {
    // Arrange
    const config = demoConfig();
    const germanOnly = { ...config, classifier: { ...config.classifier, languages: ['de'] } };

    // Act
    const define = bundleDefine(specOf('classify-mention'), germanOnly);

    // Assess
    expect(define[`process.env.${LEXICON_OFF_EN_ENV}`]).toBe('"off"');
    expect(define[`process.env.${LEXICON_OFF_EN_CX_ENV}`]).toBe('"off"');
    expect(define).not.toHaveProperty(`process.env.${LEXICON_FILE_EN_ENV}`);
  });

  it('builds train-model and classify-mention with the German lexicon inside and both English ones beside (the stage reads them)', async () => {
    // Arrange
    mkdirSync(path.join(ROOT, '.backchannel'), { recursive: true });
    const dir = mkdtempSync(path.join(ROOT, '.backchannel', 'lexicon-bundling-'));

    try {
      for (const id of ['train-model', 'classify-mention']) {
        // Act
        const bundle = await buildLambdaBundle(specOf(id), demoConfig(), ROOT, path.join(dir, id));

        // Assess: inside, the German lexicon; beside, a module with both English ones that the bundle serves
        const lexicons = Object.keys(bundle.inputs).filter((input) => input.startsWith('shared/classifier/lexicon/'));
        expect(lexicons.sort(), id).toEqual(['shared/classifier/lexicon/de.ts', 'shared/classifier/lexicon/index.ts']);
        const beside = await import(pathToFileURL(path.join(path.dirname(bundle.file), 'lexicons-en.mjs')).href);
        expect(beside.VADER_EN.length, id).toBeGreaterThan(0);
        expect(beside.CUSTOMER_LEXICON_EN.length, id).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('refuses a model with a sentiment stage when the bundle lacks VADER, at decoding', async () => {
    // Arrange: a model with the English stage, read by a bundle without VADER
    const quick = { epochs: 5 };
    const trained = trainLanguageModel({
      language: 'en',
      train: readCorpus([path.join(ROOT, 'test/fixtures/classifier/tiny-corpus.jsonl')]),
      heldOut: [],
      features: { ...DEFAULT_FEATURES, bits: 12 },
      training: {
        relevance: { ...DEFAULT_HEAD_TRAINING.relevance, ...quick },
        sentiment: { ...DEFAULT_HEAD_TRAINING.sentiment, ...quick, stage: 'en-lexicons' },
        category: { ...DEFAULT_HEAD_TRAINING.category, ...quick },
      },
    });
    const base64 = encodeModel(trained);
    vi.stubEnv(LEXICON_OFF_EN_ENV, 'off');
    vi.resetModules();
    const codec = await import('../../shared/classifier/model-codec.ts');

    // Act and assess
    expect(() => codec.decodeModel(base64, 'company/en@s')).toThrow(
      expect.objectContaining({ name: 'ModelFormatError', message: expect.stringContaining('"en"') }),
    );
  });

  it('refuses a model that reads a lexicon the bundle was built without, by name', async () => {
    // Arrange: the module as a bundle without VADER evaluates it
    vi.stubEnv(LEXICON_OFF_EN_ENV, 'off');
    vi.resetModules();
    const { lexiconOf } = await import('../../shared/classifier/lexicon/index.ts');

    // Act and assess
    expect(() => lexiconOf('en')).toThrow(
      expect.objectContaining({
        name: 'LexiconNotBundledError',
        lexicon: 'en',
        message: expect.stringContaining('"en"'),
      }),
    );
    expect(lexiconOf('de').get('kaputt')).toBeLessThan(0);
  });

  it('refuses the English customer lexicon by name when a bundle leaves it out', async () => {
    // Arrange: the module as a bundle without the project's English lexicon evaluates it
    vi.stubEnv(LEXICON_OFF_EN_CX_ENV, 'off');
    vi.resetModules();
    const { lexiconOf } = await import('../../shared/classifier/lexicon/index.ts');

    // Act and assess
    expect(() => lexiconOf('en-cx')).toThrow(
      expect.objectContaining({ name: 'LexiconNotBundledError', lexicon: 'en-cx' }),
    );
    expect(lexiconOf('de').get('kaputt')).toBeLessThan(0);
  });

  it('refuses a company model that reads a lexicon the bundle lacks when it loads, so classify-mention falls back to the shipped models', async () => {
    // Arrange: a company model trained (in a process that has every lexicon) with the English customer lexicon
    // in its sentiment head, read by a bundle without that lexicon
    const quick = { epochs: 5 };
    const trained = trainLanguageModel({
      language: 'en',
      train: readCorpus([path.join(ROOT, 'test/fixtures/classifier/tiny-corpus.jsonl')]),
      heldOut: [],
      features: { ...DEFAULT_FEATURES, bits: 12, lexicon: 'en-cx', lexiconHeads: ['sentiment'] },
      training: {
        relevance: { ...DEFAULT_HEAD_TRAINING.relevance, ...quick },
        sentiment: { ...DEFAULT_HEAD_TRAINING.sentiment, ...quick },
        category: { ...DEFAULT_HEAD_TRAINING.category, ...quick },
      },
    });
    const base64 = encodeModel(trained);
    const store: ModelStore = {
      versions: async () => [],
      save: async () => {},
      artifact: async () => ({ format: 1, models: { de: base64, en: base64, any: base64 } }),
      promotion: async () => ({ current: 'company-20261205T040000-000', previous: [] }),
      setPromotion: async () => {},
    };
    // ... and the modules as a bundle without that lexicon evaluates them
    vi.stubEnv(LEXICON_OFF_EN_CX_ENV, 'off');
    vi.resetModules();
    const codec = await import('../../shared/classifier/model-codec.ts');
    const { loadPromotedModels } = await import('../../shared/classifier/company-model.ts');

    // Act and assess: refused at decoding, by name, not at the first classification
    expect(() => codec.decodeModel(base64, 'company/en@x')).toThrow(
      expect.objectContaining({ name: 'ModelFormatError', message: expect.stringContaining('"en-cx"') }),
    );
    const promoted = await loadPromotedModels(store);
    expect(promoted.version).toBe('shipped');
    expect(promoted.models).toBeUndefined();
    expect(promoted.error?.message).toMatch(/company model company-20261205T040000-000 could not be loaded: .*"en-cx"/);
  });

  it('refuses a model that names a lexicon this code does not know, when it is decoded', async () => {
    const trained = trainLanguageModel({
      language: 'de',
      train: readCorpus([path.join(ROOT, 'test/fixtures/classifier/tiny-corpus.jsonl')]),
      heldOut: [],
      features: { ...DEFAULT_FEATURES, bits: 12 },
      training: {
        relevance: { ...DEFAULT_HEAD_TRAINING.relevance, epochs: 2 },
        sentiment: { ...DEFAULT_HEAD_TRAINING.sentiment, epochs: 2 },
        category: { ...DEFAULT_HEAD_TRAINING.category, epochs: 2 },
      },
    });
    // A later release's lexicon name, as an older release would read it
    const base64 = encodeModel({ ...trained, features: { ...trained.features, lexicon: 'fr' as never } });
    const { decodeModel } = await import('../../shared/classifier/model-codec.ts');

    expect(() => decodeModel(base64, 'company/de@y')).toThrow(
      expect.objectContaining({ name: 'ModelFormatError', message: expect.stringContaining('unknown lexicon fr') }),
    );
  });

  it('loads VADER from source (npm start, tests, the CLI)', async () => {
    // Act
    const { lexiconOf } = await import('../../shared/classifier/lexicon/index.ts');

    // Assess
    expect(lexiconOf('en').get('good')).toBeGreaterThan(0);
  });
});
