import type { Actor } from './case.ts';
import type { Correction, CorrectionStore } from './corrections.ts';
import { trainingLabelsOf } from './corrections.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import type { Category, Sentiment } from './mention.ts';
import type { Clock } from './ports.ts';

/**
 * A company's own classifier model: trained from the shipped base data plus the company's
 * corrections, compared with the model in use on corrections it never saw, and promoted only
 * when it does better. Versions are kept (S3 in AWS, the data directory locally); rolling
 * back goes to the previously promoted version, or to the shipped models.
 */

/** The trained weights of a company model, opaque to the domain (the classifier reads them). */
export interface ModelArtifact {
  readonly format: 1;
  /** The encoded model per language (`de`, `en`, `any`). */
  readonly models: Readonly<Record<string, string>>;
}

/** A score on held-out corrections: the share of corrected labels a model gets right. */
export interface ModelScore {
  /** Correct labels / labels (category, sentiment, relevance of each example). */
  readonly accuracy: number;
  /** Category accuracy on the examples that are relevant. */
  readonly categoryAccuracy: number;
  readonly examples: number;
}

export type ModelVersionStatus = 'promoted' | 'rejected' | 'rolled-back';

/**
 * A real text of the guard sample: real data held out of every model's training, labelled
 * for the heads its source labels (sentiment, category, or both).
 */
export interface GuardExample {
  readonly id: string;
  readonly text: string;
  readonly language: string;
  readonly sentiment?: Sentiment;
  readonly category?: Category;
}

/** A model's accuracy on one head over one language's part of the guard sample. */
export interface GuardScore {
  readonly language: string;
  readonly head: 'sentiment' | 'category';
  readonly accuracy: number;
  readonly examples: number;
}

/** Port: the fixed sample of real held-out text the promotion guard measures on. */
export interface GuardSample {
  examples(): Promise<readonly GuardExample[]>;
}

/** The record of one trained version. */
export interface ModelVersion {
  readonly id: string;
  readonly trainedAt: string;
  readonly trainedBy: Actor;
  readonly training: {
    readonly baseExamples: number;
    readonly corrections: number;
    readonly trainCorrections: number;
    readonly heldOutCorrections: number;
    /** How many times each correction counts against one base example. */
    readonly correctionWeight: number;
    readonly seconds: number;
  };
  /** Both models on the same held-out corrections. */
  readonly scores: { readonly candidate: ModelScore; readonly current: ModelScore; readonly currentModel: string };
  /**
   * Both models on the real guard sample, the shipped models too when a company model was in
   * use, and the margin the candidate may fall below the better of them on any of its
   * measures (absent in versions trained before round w17).
   */
  readonly guard?: {
    readonly candidate: readonly GuardScore[];
    readonly current: readonly GuardScore[];
    readonly shipped?: readonly GuardScore[];
    readonly margin: number;
  };
  readonly status: ModelVersionStatus;
  /** What a rejected version failed: the held-out corrections, or the guard on real text. */
  readonly rejectedBy?: 'corrections' | 'guard';
  readonly reason: string;
  readonly promotedAt?: string;
  readonly promotedBy?: Actor;
}

/** Which version is in use, and the ones promoted before it (most recent last). */
export interface PromotionState {
  /** Undefined: the shipped models. */
  readonly current?: string;
  readonly previous: readonly string[];
}

/** Port: versioned company models. */
export interface ModelStore {
  /** Every version recorded, oldest first. */
  versions(): Promise<ModelVersion[]>;
  /** Stores a version's record, and its artifact when given (an artifact is never replaced). */
  save(version: ModelVersion, artifact?: ModelArtifact): Promise<void>;
  artifact(id: string): Promise<ModelArtifact | undefined>;
  promotion(): Promise<PromotionState>;
  setPromotion(state: PromotionState): Promise<void>;
}

/** A labelled example the trainer learns from or is scored on. */
export interface LabelledExample {
  readonly id: string;
  readonly text: string;
  readonly language: string;
  readonly category: Correction['predicted']['category'];
  readonly sentiment: Correction['predicted']['sentiment'];
  readonly relevant: boolean;
}

/** Port: trains and scores models (the n-gram classifier in shared/classifier). */
export interface ModelTrainer {
  /** Trains on the base data plus these examples, each counted `weight` times. */
  train(
    examples: readonly LabelledExample[],
    weight: number,
  ): Promise<{ readonly artifact: ModelArtifact; readonly baseExamples: number }>;
  /** Scores a model (undefined: the shipped models) on examples. */
  score(artifact: ModelArtifact | undefined, examples: readonly LabelledExample[]): Promise<ModelScore>;
  /** A model's accuracy (undefined: the shipped models) per language and labelled head of the guard sample. */
  scoreGuard(artifact: ModelArtifact | undefined, examples: readonly GuardExample[]): Promise<GuardScore[]>;
}

export interface CompanyModelDeps {
  readonly corrections: Pick<CorrectionStore, 'list'>;
  readonly models: ModelStore;
  readonly trainer: ModelTrainer;
  readonly guard: GuardSample;
  readonly clock: Clock;
}

export const SHIPPED_MODEL = 'shipped';
/** Share of corrections kept out of training to compare the models on. */
export const HELD_OUT_SHARE = 0.25;
/** Fewer held-out corrections than this say too little to replace a model. */
export const MIN_HELD_OUT = 20;
/**
 * Each correction counts this many times against one base example: corrections are few
 * (tens to a thousand against thousands of base examples) and are the company's own
 * distribution, so they must outweigh generic examples that say otherwise. Chosen with
 * `npm run bench:learning` (weights 1, 3, 5 and 10 compared; see the README).
 */
export const CORRECTION_WEIGHT = 5;
/**
 * How far (in accuracy) a candidate may fall below the model in use on any measure of the
 * real guard sample and still be promoted (`classifier.modelGuardMargin` overrides it).
 * Company models that learned a company's labelling honestly fell 0.007 (English) and 0.010
 * (German) below the shipped models there after 1,000 corrections (docs/classifier.md, round
 * w16), about one binomial standard error of the smallest measure (German sentiment, 1,630
 * texts at 0.69: 0.011); 0.02 lets them through and stops a model that forgets real text.
 */
export const GUARD_MARGIN = 0.02;

export type TrainOutcome =
  | { readonly status: 'too-few'; readonly reason: string; readonly corrections: number; readonly heldOut: number }
  | { readonly status: 'promoted' | 'rejected'; readonly version: ModelVersion };

/** A model's scores on the guard sample, under the name a rejection gives it. */
export interface GuardReference {
  readonly model: string;
  readonly scores: readonly GuardScore[];
}

/**
 * The guard's verdict: the measure where the candidate falls furthest below a reference
 * model, when that is more than `margin`; undefined when it passes. Every reference counts
 * (the model in use and the shipped models), so promotions cannot walk a company's model
 * down on real text by up to `margin` each week: the shipped models stay a floor.
 */
export function guardFailure(
  candidate: readonly GuardScore[],
  references: readonly GuardReference[],
  margin: number,
): { readonly candidate: GuardScore; readonly reference: GuardScore; readonly model: string } | undefined {
  let worst: { candidate: GuardScore; reference: GuardScore; model: string; drop: number } | undefined;
  for (const c of candidate) {
    for (const { model, scores } of references) {
      const then = scores.find((s) => s.language === c.language && s.head === c.head);
      const drop = then ? then.accuracy - c.accuracy : 0;
      // Scores are rounded: a hair of tolerance, so that exactly `margin` below passes.
      if (then && drop > margin + 1e-9 && drop > (worst?.drop ?? 0))
        worst = { candidate: c, reference: then, model, drop };
    }
  }
  return worst && { candidate: worst.candidate, reference: worst.reference, model: worst.model };
}

/**
 * Trains a company model and promotes it when it beats the model in use.
 *
 * 1. read the corrections that teach a head; split them by a hash of their id (a mention
 *    stays on its side as corrections accumulate)
 * 2. with fewer than MIN_HELD_OUT held out: stop, nothing is trained or promoted
 * 3. train a candidate on the base data plus the training corrections, weighted up
 * 4. score candidate and current model (promoted version, else the shipped models) on the held-out corrections
 * 5. score both on the real guard sample (per language and head), and the shipped models
 *    when a company model is in use
 * 6. store the version with all scores; promote it only when its score on the held-out
 *    corrections is higher and it falls no more than the guard margin below the current
 *    model, nor below the shipped models, on any measure of the guard sample
 */
export async function trainCompanyModel(
  actor: Actor,
  deps: CompanyModelDeps,
  options: { readonly weight?: number; readonly guardMargin?: number | undefined } = {},
): Promise<TrainOutcome> {
  const started = deps.clock.now();
  const examples = (await deps.corrections.list()).flatMap(exampleOf);
  const { train, heldOut } = splitByHash(examples, HELD_OUT_SHARE);
  if (heldOut.length < MIN_HELD_OUT) {
    const reason = `${examples.length} corrections that teach a label (${heldOut.length} held out): at least ${MIN_HELD_OUT} held-out corrections (about ${Math.ceil(MIN_HELD_OUT / HELD_OUT_SHARE)} in all) are needed to compare models; nothing trained`;
    return { status: 'too-few', reason, corrections: examples.length, heldOut: heldOut.length };
  }
  const weight = options.weight ?? CORRECTION_WEIGHT;
  const promotion = await deps.models.promotion();
  const currentArtifact = promotion.current ? await deps.models.artifact(promotion.current) : undefined;
  if (promotion.current && !currentArtifact)
    throw new NotFoundError(`the promoted model ${promotion.current} has no stored artifact`);

  const { artifact, baseExamples } = await deps.trainer.train(train, weight);
  const candidate = await deps.trainer.score(artifact, heldOut);
  const current = await deps.trainer.score(currentArtifact, heldOut);
  const sample = await deps.guard.examples();
  const guard = {
    candidate: await deps.trainer.scoreGuard(artifact, sample),
    current: await deps.trainer.scoreGuard(currentArtifact, sample),
    ...(currentArtifact ? { shipped: await deps.trainer.scoreGuard(undefined, sample) } : {}),
    margin: options.guardMargin ?? GUARD_MARGIN,
  };
  const now = deps.clock.now();
  const currentModel = promotion.current ?? SHIPPED_MODEL;
  const beatsCorrections = candidate.accuracy > current.accuracy;
  const failure = guardFailure(
    guard.candidate,
    [
      { model: currentModel, scores: guard.current },
      ...(guard.shipped ? [{ model: SHIPPED_MODEL, scores: guard.shipped }] : []),
    ],
    guard.margin,
  );
  const better = beatsCorrections && !failure;
  const version: ModelVersion = {
    id: versionIdOf(now),
    trainedAt: now.toISOString(),
    trainedBy: actor,
    training: {
      baseExamples,
      corrections: examples.length,
      trainCorrections: train.length,
      heldOutCorrections: heldOut.length,
      correctionWeight: weight,
      seconds: Math.round((now.getTime() - started.getTime()) / 100) / 10,
    },
    scores: { candidate, current, currentModel },
    guard,
    status: better ? 'promoted' : 'rejected',
    reason: !beatsCorrections
      ? `${pct(candidate.accuracy)} does not beat ${currentModel}'s ${pct(current.accuracy)} on ${heldOut.length} held-out corrections`
      : failure
        ? `held-out corrections ${f3(candidate.accuracy)} vs ${currentModel}'s ${f3(current.accuracy)}, but real held-out ${failure.candidate.language} ${failure.candidate.head} ${f3(failure.candidate.accuracy)} vs ${failure.model}'s ${f3(failure.reference.accuracy)} (${failure.candidate.examples} texts): more than ${guard.margin} below`
        : `${pct(candidate.accuracy)} beats ${currentModel}'s ${pct(current.accuracy)} on ${heldOut.length} held-out corrections, and stays within ${guard.margin} of ${guard.shipped ? `it and the ${SHIPPED_MODEL} models` : 'it'} on real held-out text`,
    ...(better
      ? { promotedAt: now.toISOString(), promotedBy: actor }
      : { rejectedBy: beatsCorrections ? ('guard' as const) : ('corrections' as const) }),
  };
  await deps.models.save(version, artifact);
  if (better) {
    await deps.models.setPromotion({
      current: version.id,
      previous: [...promotion.previous, ...(promotion.current ? [promotion.current] : [])],
    });
  }
  return { status: version.status as 'promoted' | 'rejected', version };
}

/**
 * Goes back to the version promoted before the current one (or to the shipped models when
 * there was none) and marks the current one rolled back.
 * @throws ConflictError when the shipped models are in use already
 */
export async function rollbackCompanyModel(
  actor: Actor,
  deps: Pick<CompanyModelDeps, 'models' | 'clock'>,
): Promise<{ readonly from: string; readonly to: string }> {
  const promotion = await deps.models.promotion();
  if (!promotion.current) throw new ConflictError('the shipped models are in use: there is nothing to roll back');
  const previous = [...promotion.previous];
  const to = previous.pop();
  const rolledBack = (await deps.models.versions()).find((v) => v.id === promotion.current);
  if (rolledBack) {
    await deps.models.save({
      ...rolledBack,
      status: 'rolled-back',
      reason: `rolled back by ${actor} at ${deps.clock.now().toISOString()}; was: ${rolledBack.reason}`,
    });
  }
  await deps.models.setPromotion({ ...(to ? { current: to } : {}), previous });
  return { from: promotion.current, to: to ?? SHIPPED_MODEL };
}

/** The versions, oldest first, with the one in use marked. */
export async function listModelVersions(
  deps: Pick<CompanyModelDeps, 'models'>,
): Promise<{ readonly current: string; readonly versions: readonly ModelVersion[] }> {
  const [promotion, versions] = await Promise.all([deps.models.promotion(), deps.models.versions()]);
  return { current: promotion.current ?? SHIPPED_MODEL, versions };
}

/** A correction as a training example, when it teaches a head. */
export function exampleOf(c: Correction): LabelledExample[] {
  const labels = trainingLabelsOf(c);
  return labels ? [{ id: c.id, text: c.text, language: c.language, ...labels }] : [];
}

/** Splits by a hash of each id: stable as examples are added, independent of their order. */
export function splitByHash<T extends { readonly id: string }>(
  items: readonly T[],
  share: number,
): { train: T[]; heldOut: T[] } {
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const item of items) (unitHash(item.id) < share ? heldOut : train).push(item);
  return { train, heldOut };
}

/** `company-<yyyymmddThhmmss>-<ms>`: sorts by time. */
function versionIdOf(at: Date): string {
  return `company-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d{3})Z$/, '-$1')}`;
}

function f3(x: number): string {
  return x.toFixed(3);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function unitHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}
