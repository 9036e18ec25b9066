import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependenciesFrom, loadCompanyModels } from '../../functions/classify-mention/handler.ts';
import { runTrainModel } from '../../functions/train-model/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoCorrectionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { fileBucketValue, fileModelStore } from '../../shared/adapters/models/index.ts';
import { buildModels, type BaseData } from '../../shared/classifier/build-models.ts';
import {
  loadBaseExamples,
  NgramModelTrainer,
  RealGuardSample,
  scoreGuardSample,
  trainCompanyArtifact,
} from '../../shared/classifier/company-model.ts';
import { contentHash, decodeModel } from '../../shared/classifier/model-codec.ts';
import { NgramClassifier } from '../../shared/classifier/ngram-classifier.ts';
import {
  GUARD_MARGIN,
  HELD_OUT_SHARE,
  splitByHash,
  type LabelledExample,
  type ModelVersion,
} from '../../shared/domain/company-model.ts';
import type { Correction } from '../../shared/domain/corrections.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';

/**
 * Company models end to end on this machine's backends: corrections in dynalite, models in
 * a data-directory folder (what the local runtime maps the models bucket to), the
 * train-model function's use case, and classify-mention loading the promoted model at its
 * cold start, or the shipped models when it cannot.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const labelled: LabelledExample[] = readFileSync(path.join(ROOT, 'bench/data/rahmenwerk-mentions.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as LabelledExample);
/** A slice of the base data (written corpus, real texts, written-only examples): training in seconds instead of minutes. */
let small: BaseData | undefined;
const smallBase = (): BaseData => {
  if (small) return small;
  const full = loadBaseExamples();
  small = {
    corpus: full.corpus.filter((_, i) => i % 10 === 0),
    real: full.real.filter((_, i) => i % 100 === 0),
    writtenOnly: full.writtenOnly.filter((_, i) => i % 10 === 0),
  };
  return small;
};

/** The real guard sample (the held-out split of shared/classifier/data), read once for the file. */
const guard = new RealGuardSample();

/** A correction of a Rahmenwerk mention with the given labels. */
const correctionOf = (i: number, e: LabelledExample, labels: Correction['labels']): Correction => ({
  id: `correction_x:${i}`,
  caseId: 'case_0123456789abcdef0123',
  mentionId: `x:${i}`,
  platform: 'x',
  authorId: `a${i}`,
  text: e.text,
  language: e.language,
  labels,
  predicted: { category: 'complaint', sentiment: 'negative', relevant: true, department: 'service' },
  by: 'user:ole@example.de',
  at: '2026-12-01T10:00:00.000Z',
  expiresAt: 4_102_444_800,
});

const version = (id: string): ModelVersion => ({
  id,
  trainedAt: '2026-12-06T03:00:00.000Z',
  trainedBy: 'test',
  training: {
    baseExamples: 1,
    corrections: 1,
    trainCorrections: 1,
    heldOutCorrections: 1,
    correctionWeight: 5,
    seconds: 1,
  },
  scores: {
    candidate: { accuracy: 1, categoryAccuracy: 1, examples: 1 },
    current: { accuracy: 0, categoryAccuracy: 0, examples: 1 },
    currentModel: 'shipped',
  },
  status: 'promoted',
  reason: 'test',
});

describe('company models on the local backends', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bc-models-'));
  let local: Awaited<ReturnType<typeof startLocalTable>>;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
  });

  afterAll(async () => {
    await local.backend.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps versions, artifacts and the promotion state in the folder, versions oldest first', async () => {
    // Arrange
    const store = fileModelStore(path.join(dir, 'roundtrip'));

    // Act
    await store.save(version('company-20261206T030000-000'), { format: 1, models: { de: 'x' } });
    await store.save(version('company-20261130T030000-000'));
    await store.setPromotion({ current: 'company-20261206T030000-000', previous: [] });

    // Assess
    expect((await store.versions()).map((v) => v.id)).toEqual([
      'company-20261130T030000-000',
      'company-20261206T030000-000',
    ]);
    expect(await store.artifact('company-20261206T030000-000')).toEqual({ format: 1, models: { de: 'x' } });
    expect(await store.artifact('company-20261130T030000-000')).toBeUndefined();
    expect(await store.promotion()).toEqual({ current: 'company-20261206T030000-000', previous: [] });
  });

  it('trains from the corrections in the table and promotes; classify-mention then classifies with the promoted model', async () => {
    // Arrange: 160 corrections in the table, the train-model function's use case with a small base corpus
    const corrections = new DynamoCorrectionRepository(local.documents, topology.table.name);
    for (const [i, e] of labelled
      .filter((_, i) => i % 8 === 0)
      .slice(0, 160)
      .entries()) {
      await corrections.put(correctionOf(i, e, { category: e.category, sentiment: e.sentiment, relevant: e.relevant }));
    }
    const modelsDir = path.join(dir, 'trained');
    const outcome = await runTrainModel(
      { scheduledTime: '2026-12-06T03:00:00+01:00' },
      {
        corrections,
        models: fileModelStore(modelsDir),
        trainer: new NgramModelTrainer(smallBase),
        guard,
        // The small base reads real text worse than the shipped models (the full base does
        // not): the guard's verdict is the next tests'; this one checks what is recorded.
        guardMargin: 1,
        clock: systemClock,
      },
    );
    const env = {
      ...local.env,
      COMPANY_CONFIG: JSON.stringify(config),
      EVENT_BUS_NAME: topology.bus.name,
      MODEL_BUCKET: fileBucketValue(modelsDir),
    };

    // Act
    const promoted = await loadCompanyModels(env);
    const classifier = dependenciesFrom(env, promoted).classifier;
    const result = await classifier.classify({
      text: 'Haarriss an der Schweißnaht am Trail 29 nach 800 km, ist das noch sicher?',
    });

    // Assess
    expect(outcome.status).toBe('promoted');
    const id = outcome.status === 'promoted' ? outcome.version.id : '';
    expect(promoted).toMatchObject({ version: id });
    expect(promoted.error).toBeUndefined();
    expect(result.model).toMatch(new RegExp(`^${id}/(de|any)@`));
    expect(result.category).toBe('legal_risk');
    // both models' guard scores on the real held-out text are recorded with the version
    const recorded = (await fileModelStore(modelsDir).versions()).find((v) => v.id === id);
    expect(recorded?.guard?.current).toEqual(scoreGuardSample(new NgramClassifier(), await guard.examples()));
    expect(recorded?.guard?.candidate.map((s) => `${s.language} ${s.head}`)).toEqual([
      'de sentiment',
      'en category',
      'en sentiment',
    ]);
    expect(recorded?.guard?.candidate.every((s) => s.examples > 1000 && s.accuracy > 0)).toBe(true);
  }, 180_000);

  it('rejects a candidate trained on 40 corrections that all say "neutral": the guard sees it forget real sentiment', async () => {
    // Arrange: the model in use is the small base's own; 40 training and 20 held-out
    // corrections of Rahmenwerk mentions, every one corrected to "neutral"
    const attackTable = await startLocalTable(topology.table);
    const corrections = new DynamoCorrectionRepository(attackTable.documents, topology.table.name);
    const neutral = labelled.map((e, i) =>
      correctionOf(10_000 + i, e, { category: e.category, sentiment: 'neutral', relevant: e.relevant }),
    );
    const { train, heldOut } = splitByHash(neutral, HELD_OUT_SHARE);
    for (const c of [...train.slice(0, 40), ...heldOut.slice(0, 20)]) await corrections.put(c);
    const models = fileModelStore(path.join(dir, 'attack'));
    const inUse = version('company-20261129T030000-000');
    await models.save(inUse, trainCompanyArtifact(smallBase(), [], 5));
    await models.setPromotion({ current: inUse.id, previous: [] });

    // Act
    const outcome = await runTrainModel(
      {},
      { corrections, models, trainer: new NgramModelTrainer(smallBase), guard, clock: systemClock },
    ).finally(() => attackTable.backend.stop());

    // Assess
    expect(outcome).toMatchObject({
      status: 'rejected',
      version: {
        rejectedBy: 'guard',
        training: { trainCorrections: 40, heldOutCorrections: 20 },
        guard: { margin: GUARD_MARGIN },
        reason: expect.stringMatching(
          /^held-out corrections .* but real held-out (de|en) sentiment .*: more than 0\.02 below$/,
        ),
      },
    });
    expect(await models.promotion()).toEqual({ current: inUse.id, previous: [] });
  }, 180_000);

  it('classifies with the shipped models, and says why, when the promoted artifact is corrupt', async () => {
    // Arrange
    const modelsDir = path.join(dir, 'corrupt');
    const store = fileModelStore(modelsDir);
    await store.save(version('company-20261206T030000-000'), {
      format: 1,
      models: { de: 'bm90IGEgbW9kZWw=', en: 'bm90IGEgbW9kZWw=', any: 'bm90IGEgbW9kZWw=' },
    });
    await store.setPromotion({ current: 'company-20261206T030000-000', previous: [] });
    const env = {
      ...local.env,
      COMPANY_CONFIG: JSON.stringify(config),
      EVENT_BUS_NAME: topology.bus.name,
      MODEL_BUCKET: fileBucketValue(modelsDir),
    };

    // Act
    const promoted = await loadCompanyModels(env);
    const result = await dependenciesFrom(env, promoted).classifier.classify({
      text: 'Mein Stadtflitzer ist kaputt und keiner antwortet!',
    });

    // Assess
    expect(promoted.version).toBe('shipped');
    expect(promoted.error?.message).toMatch(/company model company-20261206T030000-000 could not be loaded/);
    expect(result.model).toMatch(/^ngram-de@/);
  });

  it('uses the shipped models when no version was ever promoted', async () => {
    // Arrange
    const env = {
      ...local.env,
      COMPANY_CONFIG: JSON.stringify(config),
      EVENT_BUS_NAME: topology.bus.name,
      MODEL_BUCKET: fileBucketValue(path.join(dir, 'empty')),
    };

    // Act
    const promoted = await loadCompanyModels(env);

    // Assess
    expect(promoted).toMatchObject({ version: 'shipped' });
    expect(promoted.models).toBeUndefined();
    expect(promoted.error).toBeUndefined();
  });
});

describe('trainCompanyArtifact', () => {
  it('builds the shipped models byte for byte from the same base data and no corrections', () => {
    // Arrange: a tiny base laid out as the shipped one (corpus files, a real source under data/)
    const baseDir = mkdtempSync(path.join(os.tmpdir(), 'bc-base-'));
    const corpus = readFileSync(path.join(ROOT, 'test/fixtures/classifier/tiny-corpus.jsonl'), 'utf8');
    writeFileSync(path.join(baseDir, 'tiny.jsonl'), corpus);
    mkdirSync(path.join(baseDir, 'data', 'tiny-source'), { recursive: true });
    const real = [
      ...labelled.filter((e) => e.language === 'de').slice(0, 40),
      ...labelled.filter((e) => e.language === 'en').slice(0, 40),
    ].map((e) => ({
      id: `real-${e.id}`,
      source: 'tiny-source',
      language: e.language,
      text: e.text,
      sentiment: e.sentiment,
    }));
    writeFileSync(
      path.join(baseDir, 'data', 'tiny-source', 'examples.jsonl'),
      real.map((l) => JSON.stringify(l)).join('\n'),
    );
    const options = { corpusDir: baseDir, realDataDir: path.join(baseDir, 'data') };

    // Act
    const shipped = buildModels({ ...options, outDir: path.join(baseDir, 'models') });
    const company = trainCompanyArtifact(loadBaseExamples(options), [], 5);
    const writtenOnly = trainCompanyArtifact(loadBaseExamples({ ...options, realDataDir: null }), [], 5);
    rmSync(baseDir, { recursive: true, force: true });

    // Assess: the same bytes, so the same id (`npm run train` names a model by its bytes' hash)
    expect(shipped.map((m) => m.language)).toEqual(['de', 'en', 'any']);
    for (const model of shipped)
      expect(`ngram-${model.language}@${contentHash(company.models[model.language]!)}`).toBe(model.id);
    // and the real texts are part of it: without them every model differs
    for (const language of ['de', 'en', 'any']) expect(writtenOnly.models[language]).not.toBe(company.models[language]);
  });

  it('learns a label the base corpus does not teach from weighted corrections', () => {
    // Arrange: Rahmenwerk files job applications under other; the generic corpus does not
    const jobs = labelled.filter((e) => e.category === 'other' && e.relevant && e.language === 'en').slice(0, 20);
    const probe = { text: 'Hi @rahmenwerk, are you hiring for a bike mechanic in Leeds? Where do I send my CV?' };

    // Act
    const artifact = trainCompanyArtifact(smallBase(), jobs, 5, ['en']);
    const models = { en: decodeModel(artifact.models.en!, 'company/en') };

    // Assess
    expect(new NgramClassifier({ models }).classify(probe).category).toBe('other');
    expect(new NgramClassifier().classify(probe).category).not.toBe('other');
  });
});
