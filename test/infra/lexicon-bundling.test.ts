import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildLambdaBundle,
  bundleDefine,
  LEXICON_OFF_EN_CX_ENV,
  LEXICON_OFF_EN_ENV,
  shippedLexicons,
} from '../../infra/bundling.ts';
import { buildTopology } from '../../infra/topology.ts';
import { SHIPPED_FEATURES } from '../../shared/classifier/features.ts';
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

  it('keeps only the lexicons the shipped feature sets read', () => {
    // Act
    const lexicons = shippedLexicons();
    const define = bundleDefine(specOf('train-model'), demoConfig());

    // Assess: German reads its lexicon; no shipped set reads VADER's or the project's English one
    expect(lexicons.sort()).toEqual(
      [...new Set(Object.values(SHIPPED_FEATURES).flatMap((f) => (f.lexicon ? [f.lexicon] : [])))].sort(),
    );
    expect(lexicons).toEqual(['de']);
    expect(define[`process.env.${LEXICON_OFF_EN_ENV}`]).toBe('"off"');
    expect(define[`process.env.${LEXICON_OFF_EN_CX_ENV}`]).toBe('"off"');
  });

  it('builds train-model and classify-mention with the German lexicon and without either English one', async () => {
    // Arrange
    mkdirSync(path.join(ROOT, '.backchannel'), { recursive: true });
    const dir = mkdtempSync(path.join(ROOT, '.backchannel', 'lexicon-bundling-'));

    try {
      for (const id of ['train-model', 'classify-mention']) {
        // Act
        const bundle = await buildLambdaBundle(specOf(id), demoConfig(), ROOT, path.join(dir, id));

        // Assess
        const lexicons = Object.keys(bundle.inputs).filter((input) => input.startsWith('shared/classifier/lexicon/'));
        expect(lexicons.sort(), id).toEqual(['shared/classifier/lexicon/de.ts', 'shared/classifier/lexicon/index.ts']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

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

  it('loads VADER from source (npm start, tests, the CLI)', async () => {
    // Act
    const { lexiconOf } = await import('../../shared/classifier/lexicon/index.ts');

    // Assess
    expect(lexiconOf('en').get('good')).toBeGreaterThan(0);
  });
});
