import { describe, expect, it } from 'vitest';
import {
  listModelVersions,
  MIN_HELD_OUT,
  rollbackCompanyModel,
  splitByHash,
  trainCompanyModel,
  HELD_OUT_SHARE,
  type CompanyModelDeps,
  type LabelledExample,
  type ModelArtifact,
  type ModelScore,
  type ModelTrainer,
} from '../../../shared/domain/company-model.ts';
import type { Correction } from '../../../shared/domain/corrections.ts';
import { ConflictError } from '../../../shared/domain/errors.ts';
import { InMemoryCorrections, InMemoryModelStore } from '../../fakes/in-memory.ts';

const NOW = '2026-12-06T03:00:00.000Z';

/** A trainer whose next model scores `quality` on any examples; the shipped models score `shipped`. */
class ScriptedTrainer implements ModelTrainer {
  readonly trained: { ids: string[]; weight: number }[] = [];
  readonly scored: string[][] = [];
  constructor(
    public quality: number,
    private readonly shipped: number,
  ) {}
  async train(
    examples: readonly LabelledExample[],
    weight: number,
  ): Promise<{ artifact: ModelArtifact; baseExamples: number }> {
    this.trained.push({ ids: examples.map((e) => e.id), weight });
    return { artifact: { format: 1, models: { quality: String(this.quality) } }, baseExamples: 3324 };
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

function setup(count: number, trainer = new ScriptedTrainer(0.9, 0.6)) {
  const corrections = new InMemoryCorrections();
  for (let i = 0; i < count; i++) corrections.items.set(`x:${i}`, correction(i));
  const models = new InMemoryModelStore();
  let tick = 0;
  // Every call a second later: each training gets its own version id.
  const clock = { now: () => new Date(Date.parse(NOW) + 1000 * tick++) };
  const deps: CompanyModelDeps = { corrections, models, trainer, clock };
  return { deps, models, trainer, corrections };
}

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
    expect(models.artifacts.get(version!.id)).toEqual({ format: 1, models: { quality: '0.9' } });
  });

  it('trains on the training split only, weighted, and scores both models on the held-out split', async () => {
    // Arrange
    const { deps, trainer, corrections } = setup(200);
    const { train, heldOut } = splitByHash(await corrections.list(), HELD_OUT_SHARE);

    // Act
    await trainCompanyModel('cli:pia', deps, { weight: 3 });

    // Assess
    expect(trainer.trained).toEqual([{ ids: train.map((c) => c.id), weight: 3 }]);
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
