import { describe, expect, it } from 'vitest';
import {
  listModelVersions,
  MIN_HELD_OUT,
  rollbackCompanyModel,
  splitByHash,
  trainCompanyModel,
  GUARD_MARGIN,
  HELD_OUT_SHARE,
  type CompanyModelDeps,
  type GuardExample,
  type GuardScore,
  type LabelledExample,
  type ModelArtifact,
  type ModelScore,
  type ModelTrainer,
} from '../../../shared/domain/company-model.ts';
import type { Correction } from '../../../shared/domain/corrections.ts';
import { ConflictError } from '../../../shared/domain/errors.ts';
import { InMemoryCorrections, InMemoryGuardSample, InMemoryModelStore } from '../../fakes/in-memory.ts';

const NOW = '2026-12-06T03:00:00.000Z';

/**
 * A trainer whose next model scores `quality` on held-out corrections and `realQuality` on
 * every measure of the guard sample; the shipped models score `shipped` and `shippedReal`.
 */
class ScriptedTrainer implements ModelTrainer {
  readonly trained: { ids: string[]; weight: number; sentiments: string[] }[] = [];
  readonly scored: string[][] = [];
  readonly guardScored: (string | undefined)[] = [];
  realQuality = 0.72;
  constructor(
    public quality: number,
    private readonly shipped: number,
    private readonly shippedReal = 0.72,
  ) {}
  async train(
    examples: readonly LabelledExample[],
    weight: number,
  ): Promise<{ artifact: ModelArtifact; baseExamples: number }> {
    this.trained.push({ ids: examples.map((e) => e.id), weight, sentiments: examples.map((e) => e.sentiment) });
    const models = { quality: String(this.quality), real: String(this.realQuality) };
    return { artifact: { format: 1, models }, baseExamples: 3324 };
  }
  async scoreGuard(artifact: ModelArtifact | undefined, examples: readonly GuardExample[]): Promise<GuardScore[]> {
    this.guardScored.push(artifact?.models.quality);
    const accuracy = artifact ? Number(artifact.models.real) : this.shippedReal;
    const measures = [
      ...new Set(
        examples.flatMap((e) => [e.sentiment && `${e.language} sentiment`, e.category && `${e.language} category`]),
      ),
    ];
    return measures
      .filter((m): m is string => Boolean(m))
      .map((m) => {
        const [language, head] = m.split(' ') as [string, GuardScore['head']];
        const n = examples.filter(
          (e) => e.language === language && (head === 'sentiment' ? e.sentiment : e.category),
        ).length;
        return { language, head, accuracy, examples: n };
      });
  }
  async score(artifact: ModelArtifact | undefined, examples: readonly LabelledExample[]): Promise<ModelScore> {
    this.scored.push(examples.map((e) => e.id));
    const accuracy = artifact ? Number(artifact.models.quality) : this.shipped;
    return { accuracy, categoryAccuracy: accuracy, examples: examples.length };
  }
}

function correction(i: number, labels: Correction['labels'] = { category: 'legal_risk' }): Correction {
  return {
    id: `correction_x:${i}`,
    caseId: 'case_0123456789abcdef0123',
    mentionId: `x:${i}`,
    platform: 'x',
    authorId: `a${i}`,
    text: `Riss im Rahmen Nummer ${i}`,
    language: 'de',
    labels,
    predicted: { category: 'complaint', sentiment: 'negative', relevant: true, department: 'service' },
    by: 'user:ole@example.de',
    at: NOW,
    expiresAt: 0,
  };
}

/** Real held-out texts: German and English sentiment, English category. */
const GUARD_TEXTS: GuardExample[] = [
  { id: 'potts-1', text: 'Schon wieder Verspätung, danke für nichts', language: 'de', sentiment: 'negative' },
  { id: 'potts-2', text: 'Heute ist Dienstag', language: 'de', sentiment: 'neutral' },
  { id: 'goemotions-1', text: 'This is the best thing ever', language: 'en', sentiment: 'positive' },
  { id: 'banking77-1', text: 'My card was charged twice', language: 'en', category: 'complaint' },
];

function setup(count: number, trainer = new ScriptedTrainer(0.9, 0.6)) {
  const corrections = new InMemoryCorrections();
  for (let i = 0; i < count; i++) corrections.items.set(`x:${i}`, correction(i));
  const models = new InMemoryModelStore();
  const guard = new InMemoryGuardSample(GUARD_TEXTS);
  let tick = 0;
  // Every call a second later: each training gets its own version id.
  const clock = { now: () => new Date(Date.parse(NOW) + 1000 * tick++) };
  const deps: CompanyModelDeps = { corrections, models, trainer, guard, clock };
  return { deps, models, trainer, corrections, guard };
}

/**
 * A first version that reads real text at `firstReal` (promoted: it beats the shipped models on
 * the held-out corrections), then a second that beats it there (0.95) and reads real text at `secondReal`.
 */
async function promoteThenTrain(firstReal: number, secondReal: number) {
  const { deps, trainer } = setup(200);
  trainer.realQuality = firstReal;
  const first = await trainCompanyModel('cli:pia', deps);
  trainer.quality = 0.95;
  trainer.realQuality = secondReal;
  const second = await trainCompanyModel('cli:pia', deps);
  return { first, second, trainer };
}

describe('trainCompanyModel: the guard on real held-out text', () => {
  it('rejects a candidate trained on corrections that all say "neutral" when it forgets real sentiment, and says why', async () => {
    // Arrange: 40 training corrections (and 20 held out), every one "neutral"; the candidate
    // wins on the held-out corrections (they say neutral too) and loses on real text
    const trainer = new ScriptedTrainer(0.81, 0.78);
    const { deps, models, corrections } = setup(0, trainer);
    const all = Array.from({ length: 400 }, (_, i) => correction(i, { sentiment: 'neutral' }));
    const { train, heldOut } = splitByHash(all, HELD_OUT_SHARE);
    for (const c of [...train.slice(0, 40), ...heldOut.slice(0, 20)]) corrections.items.set(c.mentionId, c);
    trainer.realQuality = 0.61;

    // Act
    const outcome = await trainCompanyModel('schedule:weekly', deps);

    // Assess
    expect(trainer.trained[0]).toMatchObject({ sentiments: new Array(40).fill('neutral') });
    expect(outcome).toMatchObject({
      status: 'rejected',
      version: {
        status: 'rejected',
        rejectedBy: 'guard',
        reason: `held-out corrections 0.810 vs shipped's 0.780, but real held-out de sentiment 0.610 vs shipped's 0.720 (2 texts): more than ${GUARD_MARGIN} below`,
        guard: {
          margin: GUARD_MARGIN,
          candidate: [
            { language: 'de', head: 'sentiment', accuracy: 0.61, examples: 2 },
            { language: 'en', head: 'sentiment', accuracy: 0.61, examples: 1 },
            { language: 'en', head: 'category', accuracy: 0.61, examples: 1 },
          ],
          current: [
            { language: 'de', head: 'sentiment', accuracy: 0.72, examples: 2 },
            { language: 'en', head: 'sentiment', accuracy: 0.72, examples: 1 },
            { language: 'en', head: 'category', accuracy: 0.72, examples: 1 },
          ],
        },
      },
    });
    expect(models.state).toEqual({ previous: [] });
    expect([...models.records.values()].map((v) => v.status)).toEqual(['rejected']);
  });

  it('promotes a candidate that falls less than the margin below the model in use on real text, recording both guard scores', async () => {
    // Arrange
    const { deps, models, trainer } = setup(200);
    trainer.realQuality = 0.705;

    // Act
    const outcome = await trainCompanyModel('cli:pia', deps);

    // Assess
    expect(outcome).toMatchObject({
      status: 'promoted',
      version: {
        reason: expect.stringContaining(`stays within ${GUARD_MARGIN} of it on real held-out text`),
        guard: { candidate: [{ accuracy: 0.705 }, {}, {}], current: [{ accuracy: 0.72 }, {}, {}] },
      },
    });
    expect(outcome.status === 'promoted' ? outcome.version.rejectedBy : 'not promoted').toBeUndefined();
    expect(models.state.current).toBe(outcome.status === 'promoted' ? outcome.version.id : 'none');
  });

  it('takes the margin from the options (the company config)', async () => {
    // Arrange
    const { deps, trainer } = setup(200);
    trainer.realQuality = 0.61;

    // Act
    const strict = await trainCompanyModel('cli:pia', deps);
    const lenient = await trainCompanyModel('cli:pia', deps, { guardMargin: 0.15 });

    // Assess
    expect(strict.status).toBe('rejected');
    expect(lenient).toMatchObject({ status: 'promoted', version: { guard: { margin: 0.15 } } });
  });

  it('measures a new candidate against the promoted version on real text, not the shipped models', async () => {
    // Arrange, Act: the first version reads real text better than the shipped models (0.80 vs 0.72);
    // the second's 0.75 is above the shipped 0.72 but more than the margin below the promoted 0.80
    const { first, second, trainer } = await promoteThenTrain(0.8, 0.75);

    // Assess
    expect(first.status).toBe('promoted');
    expect(trainer.guardScored).toEqual(['0.9', undefined, '0.95', '0.9', undefined]);
    expect(second).toMatchObject({
      status: 'rejected',
      version: {
        rejectedBy: 'guard',
        reason: expect.stringContaining(`0.750 vs ${first.status === 'promoted' ? first.version.id : ''}'s 0.800`),
      },
    });
  });

  it('keeps the shipped models as a floor, so promotions cannot walk real-text accuracy down a margin at a time', async () => {
    // Arrange, Act: the promoted version reads real text 0.015 below the shipped models (within the
    // margin); the second's 0.69 is within the margin of the promoted 0.705, but 0.03 below the shipped 0.72
    const { first, second } = await promoteThenTrain(0.705, 0.69);

    // Assess
    expect(first.status).toBe('promoted');
    expect(second).toMatchObject({
      status: 'rejected',
      version: {
        rejectedBy: 'guard',
        reason: expect.stringContaining("0.690 vs shipped's 0.720"),
        guard: { shipped: [{ accuracy: 0.72 }, {}, {}], current: [{ accuracy: 0.705 }, {}, {}] },
      },
    });
  });

  it('records the guard scores of a candidate the held-out corrections reject, and names the corrections', async () => {
    // Arrange
    const { deps } = setup(200, new ScriptedTrainer(0.6, 0.6));

    // Act
    const outcome = await trainCompanyModel('schedule:weekly', deps);

    // Assess
    expect(outcome).toMatchObject({
      status: 'rejected',
      version: { rejectedBy: 'corrections', guard: { candidate: [{}, {}, {}], current: [{}, {}, {}] } },
    });
  });

  it('rolls back past guard-rejected versions to the one promoted before', async () => {
    // Arrange: promoted, then a guard-rejected one, then promoted again
    const { deps, models, trainer } = setup(200);
    const first = await trainCompanyModel('cli:pia', deps);
    trainer.quality = 0.95;
    trainer.realQuality = 0.5;
    const rejected = await trainCompanyModel('cli:pia', deps);
    trainer.realQuality = 0.72;
    const second = await trainCompanyModel('cli:pia', deps);
    const [firstId, secondId] = [first, second].map((o) => (o.status === 'promoted' ? o.version.id : ''));

    // Act
    const outcome = await rollbackCompanyModel('cli:pia', deps);

    // Assess
    expect(rejected).toMatchObject({ status: 'rejected', version: { rejectedBy: 'guard' } });
    expect(outcome).toEqual({ from: secondId, to: firstId });
    expect(models.state).toEqual({ current: firstId, previous: [] });
  });
});

describe('trainCompanyModel', () => {
  it('trains nothing and promotes nothing with too few held-out corrections, and says why', async () => {
    // Arrange
    const { deps, models, trainer } = setup(30);

    // Act
    const outcome = await trainCompanyModel('schedule:weekly', deps);

    // Assess
    expect(outcome).toMatchObject({
      status: 'too-few',
      corrections: 30,
      reason: expect.stringContaining(`at least ${MIN_HELD_OUT} held-out corrections`),
    });
    expect(trainer.trained).toEqual([]);
    expect(models.records.size).toBe(0);
    expect(models.state).toEqual({ previous: [] });
  });

  it('promotes a candidate that beats the shipped models on the held-out corrections, recording both scores', async () => {
    // Arrange
    const { deps, models } = setup(200);

    // Act
    const outcome = await trainCompanyModel('cli:pia', deps);

    // Assess
    expect(outcome.status).toBe('promoted');
    const version = outcome.status === 'promoted' ? outcome.version : undefined;
    expect(version).toMatchObject({
      trainedBy: 'cli:pia',
      status: 'promoted',
      promotedBy: 'cli:pia',
      scores: { candidate: { accuracy: 0.9 }, current: { accuracy: 0.6 }, currentModel: 'shipped' },
      training: { baseExamples: 3324, corrections: 200, correctionWeight: 5 },
    });
    expect(models.state).toEqual({ current: version?.id, previous: [] });
    expect(models.artifacts.get(version!.id)).toEqual({ format: 1, models: { quality: '0.9', real: '0.72' } });
  });

  it('trains on the training split only, weighted, and scores both models on the held-out split', async () => {
    // Arrange
    const { deps, trainer, corrections } = setup(200);
    const { train, heldOut } = splitByHash(await corrections.list(), HELD_OUT_SHARE);

    // Act
    await trainCompanyModel('cli:pia', deps, { weight: 3 });

    // Assess
    expect(trainer.trained).toMatchObject([{ ids: train.map((c) => c.id), weight: 3 }]);
    expect(trainer.scored).toEqual([heldOut.map((c) => c.id), heldOut.map((c) => c.id)]);
  });

  it('keeps the current model when the candidate is not better, and records the rejected version', async () => {
    // Arrange
    const { deps, models } = setup(200, new ScriptedTrainer(0.6, 0.6));

    // Act
    const outcome = await trainCompanyModel('schedule:weekly', deps);

    // Assess
    expect(outcome).toMatchObject({
      status: 'rejected',
      version: { status: 'rejected', reason: expect.stringContaining('does not beat shipped') },
    });
    expect(models.records.size).toBe(1);
    expect(models.state).toEqual({ previous: [] });
  });

  it('compares a new candidate with the promoted version, not the shipped models', async () => {
    // Arrange
    const { deps, models, trainer } = setup(200);
    const first = await trainCompanyModel('cli:pia', deps);
    trainer.quality = 0.95;

    // Act
    const second = await trainCompanyModel('cli:pia', deps);

    // Assess
    const firstId = first.status === 'promoted' ? first.version.id : '';
    expect(second).toMatchObject({
      status: 'promoted',
      version: { scores: { current: { accuracy: 0.9 }, currentModel: firstId } },
    });
    expect(models.state).toEqual({
      current: second.status === 'promoted' ? second.version.id : '',
      previous: [firstId],
    });
  });

  it('ignores corrections that only moved a case to another department', async () => {
    // Arrange
    const { deps, corrections } = setup(0);
    for (let i = 0; i < 200; i++) corrections.items.set(`x:${i}`, correction(i, { department: 'legal' }));

    // Act
    const outcome = await trainCompanyModel('cli:pia', deps);

    // Assess
    expect(outcome).toMatchObject({ status: 'too-few', corrections: 0 });
  });
});

describe('rollbackCompanyModel', () => {
  it('goes back to the previously promoted version and marks the current one rolled back', async () => {
    // Arrange
    const { deps, models, trainer } = setup(200);
    const first = await trainCompanyModel('cli:pia', deps);
    trainer.quality = 0.95;
    const second = await trainCompanyModel('cli:pia', deps);
    const [firstId, secondId] = [first, second].map((o) => (o.status === 'promoted' ? o.version.id : ''));

    // Act
    const outcome = await rollbackCompanyModel('cli:pia', deps);

    // Assess
    expect(outcome).toEqual({ from: secondId, to: firstId });
    expect(models.state).toEqual({ current: firstId, previous: [] });
    expect(models.records.get(secondId!)).toMatchObject({
      status: 'rolled-back',
      reason: expect.stringContaining('rolled back by cli:pia'),
    });
  });

  it('goes back to the shipped models from the first promoted version', async () => {
    // Arrange
    const { deps, models } = setup(200);
    await trainCompanyModel('cli:pia', deps);

    // Act
    const outcome = await rollbackCompanyModel('cli:pia', deps);

    // Assess
    expect(outcome.to).toBe('shipped');
    expect(models.state).toEqual({ previous: [] });
    expect(await listModelVersions(deps)).toMatchObject({ current: 'shipped', versions: [{ status: 'rolled-back' }] });
  });

  it('refuses when the shipped models are in use', async () => {
    // Arrange
    const { deps } = setup(0);

    // Act
    const attempt = rollbackCompanyModel('cli:pia', deps);

    // Assess
    await expect(attempt).rejects.toThrow(ConflictError);
  });
});
