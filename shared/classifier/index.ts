import type { ClassifierConfig } from '../config/classifier.ts';
import type { FunctionEnv } from '../config/runtime-env.ts';
import type { Classifier } from '../domain/classification.ts';
import { createBedrockClient } from '../adapters/aws-clients.ts';
import { BedrockConverseModel, type CloudModel } from './bedrock-classifier.ts';
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
  /** The company's languages, most frequent first (`classifierLanguagesOf`): the language prior. */
  readonly languages?: readonly string[];
  /** Told when the cloud classifier fails and the local result is used. */
  readonly onCloudFallback?: (error: unknown) => void;
  /** The cloud model; by default Bedrock Converse with the configured model id. */
  readonly cloudModel?: CloudModel;
  /** The company's promoted models (company-model.ts); absent: the shipped ones. */
  readonly models?: Partial<Record<ModelLanguage, LanguageModel>>;
}

/**
 * The local classifier of a company: the models its mentions are classified with, its
 * keyword rules and its brand terms. The one place that chooses a company's models (the
 * shipped ones), used by classify-mention and `backchannel classify` alike.
 */
export function localClassifierFor(
  setup: Pick<ClassifierSetup, 'classifier' | 'brandTerms' | 'languages' | 'models'>,
): NgramClassifier {
  return new NgramClassifier({
    brandTerms: setup.brandTerms,
    keywordRules: setup.classifier.keywordRules,
    ...(setup.languages ? { languages: setup.languages } : {}),
    ...(setup.models ? { models: setup.models } : {}),
  });
}

/**
 * The classifier of a company, built once per cold start: the local n-gram classifier with
 * the company's keyword rules and brand terms, wrapped by the Bedrock classifier for
 * low-confidence mentions when `classifier.cloud.enabled` is set.
 */
export function createClassifier(setup: ClassifierSetup, env: FunctionEnv): Classifier {
  const local = localClassifierFor(setup);
  const { cloud } = setup.classifier;
  if (!cloud.enabled) return local;
  const model = setup.cloudModel ?? new BedrockConverseModel(createBedrockClient(env), cloud.modelId);
  return new CloudAssistedClassifier(local, model, {
    belowConfidence: cloud.belowConfidence,
    timeoutMs: cloud.timeoutMs,
    ...(setup.onCloudFallback ? { onFallback: setup.onCloudFallback } : {}),
  });
}
