import type { ClassifierConfig } from '../config/classifier.ts';
import type { FunctionEnv } from '../config/runtime-env.ts';
import type { Classifier } from '../domain/classification.ts';
import { BedrockConverseModel, createBedrockClient, type CloudModel } from './bedrock-classifier.ts';
import { CloudAssistedClassifier } from './cloud-assisted-classifier.ts';
import type { LanguageModel, ModelLanguage } from './model-codec.ts';
import { NgramClassifier } from './ngram-classifier.ts';

export { NgramClassifier, type NgramClassifierOptions } from './ngram-classifier.ts';
export { CloudAssistedClassifier } from './cloud-assisted-classifier.ts';
export { BedrockConverseModel, CloudClassifierError, parseCloudAnswer, type CloudModel } from './bedrock-classifier.ts';

export interface ClassifierSetup {
  /** The `classifier` section of the company config. */
  readonly classifier: ClassifierConfig;
  /** The company's brand and product names. */
  readonly brandTerms: readonly string[];
  /** Told when the cloud classifier fails and the local result is used. */
  readonly onCloudFallback?: (error: unknown) => void;
  /** The cloud model; by default Bedrock Converse with the configured model id. */
  readonly cloudModel?: CloudModel;
  /** The company's promoted models (company-model.ts); absent: the shipped ones. */
  readonly models?: Partial<Record<ModelLanguage, LanguageModel>>;
}

/**
 * The classifier of a company, built once per cold start: the local n-gram classifier with
 * the company's keyword rules and brand terms, wrapped by the Bedrock classifier for
 * low-confidence mentions when `classifier.cloud.enabled` is set.
 */
export function createClassifier(setup: ClassifierSetup, env: FunctionEnv): Classifier {
  const local = new NgramClassifier({ brandTerms: setup.brandTerms, keywordRules: setup.classifier.keywordRules, ...(setup.models ? { models: setup.models } : {}) });
  const { cloud } = setup.classifier;
  if (!cloud.enabled) return local;
  const model = setup.cloudModel ?? new BedrockConverseModel(createBedrockClient(env), cloud.modelId);
  return new CloudAssistedClassifier(local, model, {
    belowConfidence: cloud.belowConfidence,
    timeoutMs: cloud.timeoutMs,
    ...(setup.onCloudFallback ? { onFallback: setup.onCloudFallback } : {}),
  });
}
