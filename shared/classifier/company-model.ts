import type {
  GuardExample,
  GuardSample,
  GuardScore,
  LabelledExample,
  ModelArtifact,
  ModelScore,
  ModelStore,
  ModelTrainer,
} from '../domain/company-model.ts';
import {
  baseTrainingExamples,
  loadBaseData,
  trainShippedLanguageModel,
  type BaseData,
  type BuildOptions,
} from './build-models.ts';
import { splitCorpus, type CorpusExample } from './corpus.ts';
import {
  contentHash,
  decodeModel,
  encodeModel,
  ModelFormatError,
  type LanguageModel,
  type ModelLanguage,
} from './model-codec.ts';
import { NgramClassifier } from './ngram-classifier.ts';
import { readRealData } from './real-data.ts';

/**
 * The n-gram classifier's side of company models: trains the three language models
 * (German, English, any) the way `npm run train` trains the shipped ones (the same base data:
 * written corpus, real texts, written-only examples; the same per-head training), plus a
 * company's corrections, encodes them as one artifact, and scores artifacts through the same classifier classify-mention
 * runs (language detection included, keyword rules and brand terms left out: they are the
 * same for both models compared).
 */

export const COMPANY_MODEL_LANGUAGES: readonly ModelLanguage[] = ['de', 'en', 'any'];

/**
 * The base data a company model starts from: what the shipped models learn from (the corpus
 * and shared/classifier/data, beside the code; train-model ships both as assets), their
 * held-out parts kept out of training. `options` point at other folders (`backchannel train --base`).
 */
export function loadBaseExamples(options: BuildOptions = {}): BaseData {
  return loadBaseData(options);
}

/** Corrections as corpus examples, each repeated `weight` times (SGD sees a weight-w example w times per epoch). */
export function weightedExamples(examples: readonly LabelledExample[], weight: number): CorpusExample[] {
  const out: CorpusExample[] = [];
  const language = (l: string): 'de' | 'en' => (l === 'de' ? 'de' : 'en');
  for (const e of examples) {
    const example: CorpusExample = {
      id: e.id,
      language: language(e.language),
      text: e.text,
      relevant: e.relevant,
      sentiment: e.sentiment,
      category: e.category,
      urgency: 0,
    };
    for (let i = 0; i < weight; i++) out.push(i === 0 ? example : { ...example, id: `${e.id}#${i}` });
  }
  return out;
}

/**
 * Trains one model per language on the base data plus weighted corrections, through the
 * shipped models' own build (`trainShippedLanguageModel`): with no corrections, each model
 * has the bytes of the shipped one. Corrections in another language than German or English
 * teach the `any` model only.
 */
export function trainCompanyArtifact(
  base: BaseData,
  examples: readonly LabelledExample[],
  weight: number,
  languages = COMPANY_MODEL_LANGUAGES,
): ModelArtifact {
  const own = (l: string) => examples.filter((e) => (l === 'any' ? true : e.language === l));
  const models: Record<string, string> = {};
  for (const language of languages) {
    const model = trainShippedLanguageModel(language, base, { extra: weightedExamples(own(language), weight) });
    models[language] = encodeModel(model);
  }
  return { format: 1, models };
}

/**
 * The models of an artifact, decoded, ready for `new NgramClassifier({ models })`.
 * @throws ModelFormatError when the artifact is not a company model of this format
 */
export function decodeArtifact(
  artifact: ModelArtifact,
  versionId: string,
): Partial<Record<ModelLanguage, LanguageModel>> {
  if (artifact?.format !== 1 || typeof artifact.models !== 'object' || artifact.models === null)
    throw new ModelFormatError(`company model ${versionId} has an unknown format`);
  const models: Partial<Record<ModelLanguage, LanguageModel>> = {};
  for (const language of COMPANY_MODEL_LANGUAGES) {
    const base64 = artifact.models[language];
    if (typeof base64 !== 'string') throw new ModelFormatError(`company model ${versionId} has no ${language} model`);
    models[language] = decodeModel(base64, `${versionId}/${language}@${contentHash(base64)}`);
  }
  return models;
}

/** Scores a classifier on labelled examples: category, sentiment and relevance, each counted. */
export function scoreClassifier(classifier: NgramClassifier, examples: readonly LabelledExample[]): ModelScore {
  let right = 0;
  let labels = 0;
  let categoryRight = 0;
  let categoryLabels = 0;
  for (const e of examples) {
    const result = classifier.classify({ text: e.text });
    labels += 3;
    if (result.relevant === e.relevant) right++;
    if (result.sentiment === e.sentiment) right++;
    if (result.category === e.category) right++;
    if (e.relevant) {
      categoryLabels++;
      if (result.category === e.category) categoryRight++;
    }
  }
  return {
    accuracy: labels === 0 ? 0 : round(right / labels),
    categoryAccuracy: categoryLabels === 0 ? 0 : round(categoryRight / categoryLabels),
    examples: examples.length,
  };
}

/**
 * A classifier's accuracy per language and head on the guard sample, end to end as
 * classify-mention runs it; each text is counted for the heads its source labels. Load eld
 * first (`loadLanguageDetector`), or texts that need it are read without it.
 */
export function scoreGuardSample(classifier: NgramClassifier, examples: readonly GuardExample[]): GuardScore[] {
  // `<language> <head>` -> [right, examples]; keys sort as the measures are listed.
  const tallies = new Map<string, [number, number]>();
  const count = (key: string, right: boolean) => {
    const t = tallies.get(key) ?? [0, 0];
    tallies.set(key, [t[0] + (right ? 1 : 0), t[1] + 1]);
  };
  for (const e of examples) {
    const result = classifier.classify({ text: e.text });
    if (e.sentiment) count(`${e.language} sentiment`, result.sentiment === e.sentiment);
    if (e.category) count(`${e.language} category`, result.category === e.category);
  }
  return [...tallies].sort().map(([key, [right, n]]) => {
    const [language, head] = key.split(' ') as [string, GuardScore['head']];
    return { language, head, accuracy: round(right / n), examples: n };
  });
}

/**
 * The guard sample from the real data beside the code (shared/classifier/data, or `dir`): its
 * held-out split (`splitCorpus`, the part the shipped models and every company model never
 * train on), German and English, read once. BANKING77 labels the English category; the other
 * sources label sentiment.
 */
export class RealGuardSample implements GuardSample {
  private sample?: readonly GuardExample[];

  constructor(private readonly dir?: string) {}

  async examples(): Promise<readonly GuardExample[]> {
    this.sample ??= splitCorpus(readRealData(this.dir)).heldOut;
    return this.sample;
  }
}

/** The ModelTrainer of the n-gram classifier; the base data is read once, on first use. */
export class NgramModelTrainer implements ModelTrainer {
  private base?: BaseData;

  constructor(private readonly loadBase: () => BaseData = () => loadBaseExamples()) {}

  async train(
    examples: readonly LabelledExample[],
    weight: number,
  ): Promise<{ artifact: ModelArtifact; baseExamples: number }> {
    this.base ??= this.loadBase();
    return {
      artifact: trainCompanyArtifact(this.base, examples, weight),
      baseExamples: baseTrainingExamples(this.base, 'any'),
    };
  }

  async score(artifact: ModelArtifact | undefined, examples: readonly LabelledExample[]): Promise<ModelScore> {
    return scoreClassifier(await classifierOf(artifact), examples);
  }

  async scoreGuard(artifact: ModelArtifact | undefined, examples: readonly GuardExample[]): Promise<GuardScore[]> {
    return scoreGuardSample(await classifierOf(artifact), examples);
  }
}

/**
 * A classifier of an artifact (undefined: the shipped models) with eld loaded: scoring runs
 * synchronously, so without the wait the first model scored would read every undecided text
 * without eld and the second with it, and the two would not be compared on equal terms.
 */
async function classifierOf(artifact: ModelArtifact | undefined): Promise<NgramClassifier> {
  const classifier = new NgramClassifier(artifact ? { models: decodeArtifact(artifact, 'candidate') } : {});
  await classifier.loadLanguageDetector();
  return classifier;
}

/** What classify-mention runs with: the promoted company models, or (undefined) the shipped ones. */
export interface PromotedModels {
  readonly version: string;
  readonly models?: Partial<Record<ModelLanguage, LanguageModel>>;
  /** Why the shipped models are used although a version is promoted. */
  readonly error?: Error;
  readonly loadMs: number;
}

/**
 * Loads the company's promoted models from the store, decoded; any failure (store
 * unreachable, artifact missing or corrupt) falls back to the shipped models with the error,
 * so a broken model never stops classification.
 */
export async function loadPromotedModels(store: ModelStore | undefined): Promise<PromotedModels> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  if (!store) return { version: 'shipped', loadMs: 0 };
  let version = 'shipped';
  try {
    const { current } = await store.promotion();
    if (!current) return { version, loadMs: elapsed() };
    version = current;
    const artifact = await store.artifact(current);
    if (!artifact) throw new ModelFormatError(`company model ${current} is promoted but has no stored weights`);
    return { version, models: decodeArtifact(artifact, current), loadMs: elapsed() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      version: 'shipped',
      error: new ModelFormatError(`company model ${version} could not be loaded: ${reason}`, { cause: error }),
      loadMs: elapsed(),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
