import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bundleAssets, shippedModelLanguages } from '../../../infra/bundling.ts';
import { buildTopology } from '../../../infra/topology.ts';
import { NgramClassifier } from '../../../shared/classifier/ngram-classifier.ts';
import { SHIPPED_MODELS } from '../../../shared/classifier/models/index.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The demo company with only these classifier languages. */
function withLanguages(languages: string[]): CompanyConfig {
  const config = demoConfig();
  return { ...config, classifier: { ...config.classifier, languages } };
}

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('the models a bundle ships beside its code', () => {
  it("ships the configured languages' models and the language-agnostic one", () => {
    // Act
    const demo = shippedModelLanguages(demoConfig());
    const germanOnly = shippedModelLanguages(withLanguages(['de']));
    const frenchAndEnglish = shippedModelLanguages(withLanguages(['fr', 'en']));

    // Assess
    expect(demo).toEqual(['de', 'en', 'any']);
    expect(germanOnly).toEqual(['de', 'any']);
    expect(frenchAndEnglish).toEqual(['en', 'any']);
  });

  it('writes them with the same base64 text and ids as the trained modules, for the functions that load models only', () => {
    // Arrange
    const config = withLanguages(['de']);
    const [classify, ingest] = ['classify-mention', 'ingest-webhook'].map(
      (id) => buildTopology(config).functions.find((f) => f.id === id)!,
    );

    // Act
    const classifyAssets = bundleAssets(classify!, config, ROOT);
    const ingestAssets = bundleAssets(ingest!, config, ROOT);

    // Assess
    const models = classifyAssets.find((a) => a.to === 'models')!;
    const dir = path.join(ROOT, models.from);
    expect(JSON.parse(readFileSync(path.join(dir, 'models.json'), 'utf8'))).toEqual({
      de: SHIPPED_MODELS.de.id,
      any: SHIPPED_MODELS.any.id,
    });
    expect(readFileSync(path.join(dir, 'de.b64'), 'utf8')).toBe(SHIPPED_MODELS.de.base64);
    expect(classifyAssets.map((a) => a.to)).toEqual(['models', '.']);
    // ingest-webhook loads no model; beside it is only YouTube's XML parser (round w10).
    expect(ingestAssets.map((a) => path.basename(a.from))).toEqual(['xml-parser.cjs']);
  });

  it('classifies a text in a language the bundle ships no model for with the language-agnostic model', () => {
    // Arrange: what a German-only company's bundle reads (the variable esbuild defines there).
    const config = withLanguages(['de']);
    const spec = buildTopology(config).functions.find((f) => f.id === 'classify-mention')!;
    const models = bundleAssets(spec, config, ROOT).find((a) => a.to === 'models')!;
    vi.stubEnv(
      'BACKCHANNEL_MODEL_FILES',
      path.relative(path.join(ROOT, 'shared/classifier'), path.join(ROOT, models.from)),
    );
    const classifier = new NgramClassifier({ languages: ['de'], eld: () => undefined });

    // Act
    const english = classifier.classify({
      text: 'The app has been crashing for two days and you do not answer at all',
    });
    const german = classifier.classify({
      text: 'Die App stürzt seit zwei Tagen ab und ihr antwortet nicht auf meine Mails',
    });

    // Assess
    expect(english.model).toBe(SHIPPED_MODELS.any.id);
    expect(german.model).toBe(SHIPPED_MODELS.de.id);
  });
});
