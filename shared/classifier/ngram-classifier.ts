import type { Classification, Classifier, ClassifierInput, Reason, Scored } from '../domain/classification.ts';
import { CATEGORIES, SENTIMENTS, type Category, type Sentiment } from '../domain/mention.ts';
import { FeatureExtractor, type SparseVector } from './features.ts';
import { foldForRules, KeywordRuleMatcher, containsAtWordStart, type KeywordRule } from './keyword-rules.ts';
import { detectLanguage } from './language.ts';
import { argmax, fuseHeads, groupContributionsFused, predictFused, weighFused, type FusedHeads } from './linear-model.ts';
import { decodeModel, type LanguageModel, type ModelLanguage } from './model-codec.ts';
import { SHIPPED_MODELS } from './models/index.ts';
import { MAX_TEXT_CHARS, normalizeText } from './normalize.ts';
import { urgencyOf } from './urgency.ts';

/**
 * The local classifier: eld for the language, then per-language softmax heads over hashed
 * word and character n-grams for relevance, sentiment and category, urgency from
 * explainable signals, and the company's keyword rules on top. Pure, synchronous, no
 * network; every decision lists the features that weighed most.
 */

export interface NgramClassifierOptions {
  /** Models per language; defaults to the shipped ones, each decoded on first use. */
  readonly models?: Partial<Record<ModelLanguage, LanguageModel>>;
  /** Brand and product names: their presence makes a mention likelier relevant. */
  readonly brandTerms?: readonly string[];
  readonly keywordRules?: readonly KeywordRule[];
  /** Features named per decision in the reasons. */
  readonly reasonsPerDecision?: number;
}

/** Added to the relevance log-odds when a brand term occurs. */
const BRAND_LOG_ODDS = 2.5;
/** Texts with fewer letters than this get at most LOW_CONFIDENCE. */
const MIN_LETTERS_FOR_CONFIDENCE = 8;
const LOW_CONFIDENCE = 0.2;

const DEFAULT_REASONS = 3;

export class NgramClassifier implements Classifier {
  private readonly injected: Partial<Record<ModelLanguage, LanguageModel>>;
  private readonly loaded = new Map<ModelLanguage, LanguageModel>();
  private readonly extractors = new Map<LanguageModel, FeatureExtractor>();
  private readonly fused = new Map<LanguageModel, FusedHeads>();
  private readonly brandTerms: readonly { original: string; folded: string }[];
  private readonly rules: KeywordRuleMatcher;
  private readonly reasonsPerDecision: number;
  private values = new Float32Array(4096);
  private groupOf = new Int32Array(4096);
  private groups: Float64Array[] = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];

  constructor(options: NgramClassifierOptions = {}) {
    this.injected = options.models ?? {};
    this.brandTerms = (options.brandTerms ?? [])
      .map((t) => ({ original: t.trim(), folded: foldForRules(t.trim()) }))
      .filter((t) => t.folded.length > 0);
    this.rules = new KeywordRuleMatcher(options.keywordRules ?? []);
    this.reasonsPerDecision = options.reasonsPerDecision ?? DEFAULT_REASONS;
  }

  /**
   * The model for a language, decoded and prepared (heads fused, extractor built) once;
   * call it at start-up to move that work out of the first mention. Injected models stand
   * in for every language they do not cover (tests inject one tiny model).
   * @throws ModelFormatError when a shipped model is corrupt (a build error, never input)
   */
  model(language: ModelLanguage): LanguageModel {
    let model = this.loaded.get(language);
    if (!model) {
      const injected = this.injected[language] ?? this.injected.any ?? Object.values(this.injected)[0];
      model = injected ?? decodeModel(SHIPPED_MODELS[language].base64, SHIPPED_MODELS[language].id);
      this.fusedFor(model);
      this.extractorFor(model);
      this.loaded.set(language, model);
    }
    return model;
  }

  classify(mention: ClassifierInput): Classification {
    const text = typeof mention.text === 'string' ? mention.text : '';
    const normalized = normalizeText(text);
    const { signals } = normalized;
    const reasons: Reason[] = [];

    const detected = detectLanguage(normalized.plain, signals.letters, normalized.tokens);
    reasons.push({ decision: 'language', feature: detected.reason, weight: detected.reliable ? 1 : 0.5 });
    if (signals.truncated) reasons.push({ decision: 'language', feature: `only the first ${MAX_TEXT_CHARS} of ${signals.length} characters read`, weight: 0 });
    const model = this.model(detected.model);
    const extractor = this.extractorFor(model);
    const fused = this.fusedFor(model);
    const collected = extractor.collect(normalized);
    if (this.values.length < collected.indices.length) this.values = new Float32Array(collected.indices.length * 2);
    const x = weighFused(fused, collected, model.features, this.values);
    const [relevanceProbs, sentimentProbs, categoryProbs] = predictFused(fused, x) as [Float64Array, Float64Array, Float64Array];
    const sentimentIndex = argmax(sentimentProbs);
    let categoryIndex = argmax(categoryProbs);
    // What weighed for each head's answer, in one pass over the rows for all three.
    const groups = this.groupContributions(fused, x, [1, sentimentIndex, categoryIndex], extractor);

    // Relevance, with brand terms on top of the model.
    let relevance = relevanceProbs[1]!;
    this.explainInto(reasons, 'relevance', groups[0]!, extractor, 'relevant');
    const folded = this.brandTerms.length > 0 || this.rules.size > 0 ? foldForRules(text.slice(0, MAX_TEXT_CHARS)) : '';
    for (const term of this.brandTerms) {
      if (containsAtWordStart(folded, term.folded)) {
        relevance = sigmoid(logit(relevance) + BRAND_LOG_ODDS);
        reasons.push({ decision: 'relevance', feature: `brand term "${term.original}"`, weight: BRAND_LOG_ODDS });
        break;
      }
    }
    const relevant = relevance >= 0.5;

    const sentiment = SENTIMENTS[sentimentIndex]!;
    this.explainInto(reasons, 'sentiment', groups[1]!, extractor, sentiment);

    this.explainInto(reasons, 'category', groups[2]!, extractor, CATEGORIES[categoryIndex]!);
    let category: Category = CATEGORIES[categoryIndex]!;
    let confidence = categoryProbs[categoryIndex]!;

    // The company's keyword rules come last and say so.
    const added: Category[] = [];
    let forced = false;
    for (const hit of this.rules.match(folded)) {
      if (hit.rule.mode === 'force' && !forced) {
        forced = true;
        reasons.push({ decision: 'category', feature: `rule ${hit.rule.id}: "${hit.keyword}" forces ${hit.rule.category} (model said ${category})`, weight: 1 });
        category = hit.rule.category;
        categoryIndex = CATEGORIES.indexOf(category);
        confidence = 1;
      } else if (hit.rule.category !== category && !added.includes(hit.rule.category)) {
        added.push(hit.rule.category);
        reasons.push({ decision: 'category', feature: `rule ${hit.rule.id}: "${hit.keyword}" adds ${hit.rule.category}`, weight: 1 });
      }
    }

    const languageFallback = detected.model === 'any';
    if (signals.letters < MIN_LETTERS_FOR_CONFIDENCE && !forced) {
      confidence = Math.min(confidence, LOW_CONFIDENCE);
      reasons.push({ decision: 'category', feature: `only ${signals.letters} letters: low confidence`, weight: 0 });
    }

    const { urgency, reasons: urgencyReasons } = urgencyOf({
      tokens: normalized.tokens,
      signals,
      negative: sentimentProbs[0]!,
      legalRisk: category === 'legal_risk' ? Math.max(categoryProbs[CATEGORIES.indexOf('legal_risk')]!, forced ? 1 : 0) : categoryProbs[CATEGORIES.indexOf('legal_risk')]!,
      complaint: categoryProbs[CATEGORIES.indexOf('complaint')]!,
      relevant,
      followers: mention.author?.followers,
    });
    reasons.push(...urgencyReasons);

    const categories = ranked(CATEGORIES, categoryProbs);
    return {
      language: detected.language,
      relevant,
      sentiment,
      category,
      urgency,
      confidence: round(confidence),
      reasons,
      model: model.id,
      relevance: round(relevance),
      sentiments: ranked(SENTIMENTS, sentimentProbs) as Scored<Sentiment>[],
      categories,
      alternatives: categories.filter((c) => c.label !== category).slice(0, 2),
      ...(added.length > 0 ? { addedCategories: added } : {}),
      languageFallback,
    };
  }

  /** The model's three heads interleaved for one pass over memory; built once per model. */
  private fusedFor(model: LanguageModel): FusedHeads {
    let fused = this.fused.get(model);
    if (!fused) {
      fused = fuseHeads([model.heads.relevance, model.heads.sentiment, model.heads.category], model.idf);
      this.fused.set(model, fused);
    }
    return fused;
  }

  /** One extractor per model (the idf is read from the fused rows, see `weighFused`). */
  private extractorFor(model: LanguageModel): FeatureExtractor {
    let extractor = this.extractors.get(model);
    if (!extractor) {
      extractor = new FeatureExtractor(model.features);
      this.extractors.set(model, extractor);
    }
    return extractor;
  }

  /** Per head, the summed contributions of each reason group (buffers reused: valid until the next call). */
  private groupContributions(fused: FusedHeads, x: SparseVector, chosen: readonly number[], extractor: FeatureExtractor): readonly Float64Array[] {
    const n = x.indices.length;
    const size = extractor.groupCount;
    if (this.groupOf.length < n) this.groupOf = new Int32Array(n * 2);
    if (this.groups[0]!.length < size) this.groups = this.groups.map(() => new Float64Array(size * 2));
    for (const g of this.groups) g.fill(0, 0, size);
    extractor.groupsInto(this.groupOf);
    groupContributionsFused(fused, x, chosen, this.groupOf, this.groups);
    return this.groups;
  }

  private explainInto(reasons: Reason[], decision: Reason['decision'], groups: Float64Array, extractor: FeatureExtractor, label: string): void {
    for (const c of extractor.strongestOf(groups, this.reasonsPerDecision)) {
      reasons.push({ decision, feature: `${label}: ${c.name}`, weight: round(c.weight) });
    }
  }
}

function ranked<T extends string>(labels: readonly T[], probs: Float64Array): Scored<T>[] {
  return labels.map((label, i) => ({ label, probability: round(probs[i]!) })).sort((a, b) => b.probability - a.probability);
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
