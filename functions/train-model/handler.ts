import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../shared/domain/zod-mini.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCorrectionRepository } from '../../shared/adapters/dynamodb/correction-repository.ts';
import { createModelStore } from '../../shared/adapters/models/index.ts';
import { NgramModelTrainer, RealGuardSample } from '../../shared/classifier/company-model.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import { trainCompanyModel, type CompanyModelDeps, type TrainOutcome } from '../../shared/domain/company-model.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { parseEventInput } from '../../shared/adapters/event-input.ts';
import { observedHandler } from '../../shared/observability/lambda-handler.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';

/**
 * The weekly schedule's input: `scheduledTime` is logged only. An empty object trains by hand
 * (`backchannel train` runs the same use case from the CLI).
 */
export const TrainModelInputSchema = z.strictObject({ scheduledTime: z.optional(z.iso.datetime({ offset: true })) });

/** The actor of scheduled trainings in the version records. */
export const SCHEDULE_ACTOR = 'schedule:train-model';

/** The use case's ports, and the company's guard margin (`classifier.modelGuardMargin`). */
export interface TrainModelDeps extends CompanyModelDeps {
  readonly guardMargin?: number | undefined;
}

export function dependenciesFrom(env: FunctionEnv): TrainModelDeps {
  const config = parseCompanyConfigJson(env.COMPANY_CONFIG);
  const models = createModelStore(env);
  if (!models) throw new Error('MODEL_BUCKET is not set: train-model has nowhere to store models');
  return {
    corrections: new DynamoCorrectionRepository(createDocumentClient(env), requireEnv(env, 'TABLE_NAME')),
    models,
    trainer: new NgramModelTrainer(),
    guard: new RealGuardSample(),
    clock: systemClock,
    // Undefined in a config synthesized before round w17: the use case's default.
    guardMargin: config.classifier.modelGuardMargin,
  };
}

/**
 * Trains the company model and promotes it when it beats the current one on held-out
 * corrections and stays within the guard margin of it on real held-out text.
 * @throws ValidationError for an input that is not a training request
 */
export async function runTrainModel(event: unknown, deps: TrainModelDeps): Promise<TrainOutcome> {
  const input = parseEventInput(TrainModelInputSchema, event ?? {}, 'train-model input is not a training request');
  const outcome = await trainCompanyModel(SCHEDULE_ACTOR, deps, { guardMargin: deps.guardMargin });
  if (outcome.status === 'too-few') {
    logger.info('Company model not trained: too few corrections', {
      scheduledTime: input.scheduledTime,
      reason: outcome.reason,
      corrections: outcome.corrections,
    });
  } else {
    const { id, scores, guard, training, reason, rejectedBy } = outcome.version;
    logger.info(outcome.status === 'promoted' ? 'Company model promoted' : 'Company model trained, not promoted', {
      scheduledTime: input.scheduledTime,
      versionId: id,
      reason,
      candidate: scores.candidate,
      current: scores.current,
      currentModel: scores.currentModel,
      rejectedBy,
      guard,
      training,
    });
    metrics.addMetric(outcome.status === 'promoted' ? 'ModelsPromoted' : 'ModelsRejected', MetricUnit.Count, 1);
  }
  return outcome;
}

export function createHandler(env: FunctionEnv) {
  return observedHandler(() => dependenciesFrom(env), runTrainModel);
}

export const handler = createHandler(lambdaEnvironment());
