import type { Classification, Classifier, ClassifierInput, Reason, Scored } from '../domain/classification.ts';
import { CATEGORIES, SENTIMENTS, type Category, type Sentiment } from '../domain/mention.ts';
import { calibratedHeads, calibratedStage } from './calibration.ts';
import { FeatureExtractor } from './features.ts';
import { foldForRules, KeywordRuleMatcher, containsAtWordStart, type KeywordRule } from './keyword-rules.ts';
import { LanguageIdentifier, loadEld, type EldDetector } from './language.ts';
import {
  accumulateFused,
  argmax,
  fuseHeads,
  fusePacked,
  fuseStored,
  groupWeightsFused,
  probabilitiesFused,
  type FusedHeads,
  type LinearHead,
} from './linear-model.ts';
import { decodeModel, ModelFormatError, packedModelOf, type LanguageModel, type ModelLanguage } from './model-codec.ts';
import { decidingSignal, STAGE_LEXICONS, StageScratch, stageInputs, stageProbabilities } from './sentiment-stage.ts';
import { lexiconOf } from './lexicon/index.ts';
import { shippedModel, type ShippedModel } from './shipped-models.ts';
import { noiseOf } from './noise.ts';
import { MAX_TEXT_CHARS, normalizeText, type NormalizedText } from './normalize.ts';
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
  /**
   * The company's languages (ISO 639-1), most frequent first: the prior for texts too short
   * or uncertain for eld, and while eld loads (see `LanguageIdentifier`).
   */
  readonly languages?: readonly string[];
  /** Where eld comes from; by default loaded on the first text that needs it (tests pass a stand-in). */
  readonly eld?: () => EldDetector | undefined;
}

/** Added to the relevance log-odds when a brand term occurs. */
const BRAND_LOG_ODDS = 2.5;
/** Texts with fewer letters than this get at most LOW_CONFIDENCE. */
const MIN_LETTERS_FOR_CONFIDENCE = 8;
const LOW_CONFIDENCE = 0.2;

const DEFAULT_REASONS = 3;
/** The relevance a noise verdict leaves at most (see `noise.ts`). */
const NOISE_RELEVANCE = 0.02;
/** The confidence in `other` of a noise verdict: a rule decided (texts with few letters still get LOW_CONFIDENCE). */
const NOISE_CONFIDENCE = 0.9;
const RELEVANCE_CLASS_COUNT = 2;

export class NgramClassifier implements Classifier {
  private readonly injected: Partial<Record<ModelLanguage, LanguageModel>>;
  private readonly loaded = new Map<ModelLanguage, LanguageModel>();
  private readonly extractors = new Map<LanguageModel, FeatureExtractor>();
  private readonly fused = new Map<LanguageModel, FusedHeads>();
  /** Per model, its sentiment stage's head with the temperature folded in (null: none). */
  private readonly stages = new Map<LanguageModel, LinearHead | null>();
  private readonly stageScratch = new StageScratch();
  private readonly brandTerms: readonly { original: string; folded: string }[];
  private readonly rules: KeywordRuleMatcher;
  private readonly reasonsPerDecision: number;
  private readonly languages: LanguageIdentifier;
  /** Brand and product words: never spam cues for this company. */
  private readonly ownWords: ReadonlySet<string>;
  /** Per reason group and class column, the summed feature values times weights (see `accumulateFused`). */
  private sums = new Float64Array(4096);
  /** Class probabilities per head (relevance, sentiment, category), reused: read before the next mention. */
  private readonly probabilities = [
    new Float64Array(RELEVANCE_CLASS_COUNT),
    new Float64Array(SENTIMENTS.length),
    new Float64Array(CATEGORIES.length),
  ];
  /** One head's weight per reason group, reused for each head in turn. */
  private groupWeights = new Float64Array(256);

  constructor(options: NgramClassifierOptions = {}) {
    this.injected = options.models ?? {};
    this.brandTerms = (options.brandTerms ?? [])
      .map((t) => ({ original: t.trim(), folded: foldForRules(t.trim()) }))
      .filter((t) => t.folded.length > 0);
    this.rules = new KeywordRuleMatcher(options.keywordRules ?? []);
    this.reasonsPerDecision = options.reasonsPerDecision ?? DEFAULT_REASONS;
    this.languages = new LanguageIdentifier({
      ...(options.languages ? { languages: options.languages } : {}),
      ...(options.eld ? { eld: options.eld } : {}),
    });
    this.ownWords = new Set(this.brandTerms.flatMap((t) => normalizeText(t.original).tokens));
  }

  /**
   * Loads eld now instead of on the first text that needs it, and resolves when it has: for
   * callers that want eld's answer for every text from the first (a CLI run over a file, a
   * benchmark). The pipeline does not wait for it.
   * @throws what importing eld throws
   */
  async loadLanguageDetector(): Promise<void> {
    await loadEld();
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
      const shipped = injected ? undefined : shippedModel(language);
      if (!injected && !shipped && language !== 'any') {
        // A bundle ships the configured languages' models only: the others take the fallback.
        model = this.model('any');
        this.loaded.set(language, model);
        return model;
      }
      model = injected ?? decodeShipped(language, shipped);
      this.fusedFor(model);
      this.extractorFor(model);
      this.stageFor(model);
      this.loaded.set(language, model);
    }
    return model;
  }

  classify(mention: ClassifierInput): Classification {
    const text = typeof mention.text === 'string' ? mention.text : '';
    const normalized = normalizeText(text);
    const { signals } = normalized;
    const reasons: Reason[] = [];

    const detected = this.languages.detect(normalized.plain, signals.letters, normalized.tokens, () =>
      this.germanLean(normalized),
    );
    reasons.push({ decision: 'language', feature: detected.reason, weight: detected.reliable ? 1 : 0.5 });
    if (signals.truncated)
      reasons.push({
        decision: 'language',
        feature: `only the first ${MAX_TEXT_CHARS} of ${signals.length} characters read`,
        weight: 0,
      });
    const model = this.model(detected.model);
    const extractor = this.extractorFor(model);
    const fused = this.fusedFor(model);
    const collected = extractor.collect(normalized);
    const { groupCount } = collected;
    if (this.sums.length < groupCount * fused.classes) this.sums = new Float64Array(groupCount * fused.classes * 2);
    if (this.groupWeights.length < groupCount) this.groupWeights = new Float64Array(groupCount * 2);
    // One pass over the features and their rows gives the scores and what weighed for them.
    const scale = accumulateFused(fused, collected, model.features, this.sums);
    const [relevanceProbs, sentimentProbs, categoryProbs] = probabilitiesFused(
      fused,
      this.sums,
      groupCount,
      scale,
      this.probabilities,
    ) as [Float64Array, Float64Array, Float64Array];
    let sentimentIndex = argmax(sentimentProbs);
    // The second stage (English) reads the head's probabilities and the lexicons, and answers instead.
    const stage = this.stageFor(model);
    let overruled: { from: number; signal: ReturnType<typeof decidingSignal> } | undefined;
    if (stage) {
      const first = sentimentIndex;
      stageInputs(sentimentProbs, normalized, this.stageScratch);
      stageProbabilities(stage, this.stageScratch, sentimentProbs);
      sentimentIndex = argmax(sentimentProbs);
      if (sentimentIndex !== first)
        overruled = { from: first, signal: decidingSignal(stage, this.stageScratch, first, sentimentIndex) };
    }
    let categoryIndex = argmax(categoryProbs);
    const explain = (decision: Reason['decision'], head: number, cls: number, label: string) => {
      groupWeightsFused(fused, this.sums, groupCount, scale, head, cls, this.groupWeights);
      this.explainInto(reasons, decision, this.groupWeights, extractor, label);
    };

    // Relevance, with brand terms on top of the model.
    let relevance = relevanceProbs[1]!;
    explain('relevance', 0, 1, 'relevant');
    const folded = this.brandTerms.length > 0 || this.rules.size > 0 ? foldForRules(text.slice(0, MAX_TEXT_CHARS)) : '';
    // Noise (no words, follow-bait, spam) is not relevant, whoever's handle it names.
    const noise = noiseOf(normalized, this.ownWords);
    if (noise) {
      relevance = Math.min(relevance, NOISE_RELEVANCE);
      reasons.push({ decision: 'relevance', feature: noise.reason, weight: -1 });
    }
    for (const term of noise ? [] : this.brandTerms) {
      if (containsAtWordStart(folded, term.folded)) {
        relevance = sigmoid(logit(relevance) + BRAND_LOG_ODDS);
        reasons.push({ decision: 'relevance', feature: `brand term "${term.original}"`, weight: BRAND_LOG_ODDS });
        break;
      }
    }
    const relevant = relevance >= 0.5;

    // A text without letters or emojis says nothing: neutral, whatever its handles weigh.
    const silent = noise !== undefined && signals.letters === 0 && signals.emojis === 0;
    const sentiment = silent ? 'neutral' : SENTIMENTS[sentimentIndex]!;
    if (silent) reasons.push({ decision: 'sentiment', feature: `${noise.reason}: neutral`, weight: 0 });
    else {
      explain('sentiment', 1, sentimentIndex, sentiment);
      if (overruled) {
        const { from, signal } = overruled;
        reasons.push({
          decision: 'sentiment',
          feature: signal
            ? `${sentiment}: ${signal.name} ${round(signal.value)} (second stage; the n-gram head said ${SENTIMENTS[from]})`
            : `${sentiment}: second stage (the n-gram head said ${SENTIMENTS[from]})`,
          weight: round(signal?.weight ?? 0),
        });
      }
    }

    explain('category', 2, categoryIndex, CATEGORIES[categoryIndex]!);
    let category: Category = CATEGORIES[categoryIndex]!;
    let confidence = categoryProbs[categoryIndex]!;
    if (noise && category !== 'other') {
      // Never praise or a complaint: noise is `other`, as the corpus labels irrelevant mentions.
      reasons.push({ decision: 'category', feature: `${noise.reason}: other (model said ${category})`, weight: 1 });
      category = 'other';
      categoryIndex = CATEGORIES.indexOf(category);
    }
    if (noise) confidence = Math.max(categoryProbs[categoryIndex]!, NOISE_CONFIDENCE);

    // The company's keyword rules come last and say so.
    const added: Category[] = [];
    let forced = false;
    for (const hit of this.rules.match(folded)) {
      if (hit.rule.mode === 'force' && !forced) {
        forced = true;
        reasons.push({
          decision: 'category',
          feature: `rule ${hit.rule.id}: "${hit.keyword}" forces ${hit.rule.category} (model said ${category})`,
          weight: 1,
        });
        category = hit.rule.category;
        categoryIndex = CATEGORIES.indexOf(category);
        confidence = 1;
      } else if (hit.rule.category !== category && !added.includes(hit.rule.category)) {
        added.push(hit.rule.category);
        reasons.push({
          decision: 'category',
          feature: `rule ${hit.rule.id}: "${hit.keyword}" adds ${hit.rule.category}`,
          weight: 1,
        });
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
      legalRisk:
        category === 'legal_risk'
          ? Math.max(categoryProbs[CATEGORIES.indexOf('legal_risk')]!, forced ? 1 : 0)
          : categoryProbs[CATEGORIES.indexOf('legal_risk')]!,
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

  /**
   * How much more German than English a text's words and character n-grams are: the mean
   * over its buckets of the English model's idf minus the German model's (each model's idf
   * comes from its own language's training texts, so a bucket common in German texts has a
   * low German idf). Cut to their first three words, the corpus's held-out texts get the
   * right language 0.98 of the time this way, 0.89 from eld (`npm run bench:language`).
   * 0 when the models carry no idf (tests inject one).
   */
  private germanLean(normalized: NormalizedText): number {
    const de = this.model('de');
    const en = this.model('en');
    if (
      de === en ||
      de.language === 'any' ||
      en.language === 'any' ||
      !de.idf ||
      !en.idf ||
      de.features.bits !== en.features.bits
    )
      return 0;
    const collected = this.extractorFor(de).collect(normalized);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < collected.indices.length; i++) {
      if (collected.groups[i]! >= 2 * normalized.tokens.length) continue; // signals say nothing about the language
      sum += en.idf[collected.indices[i]!]! - de.idf[collected.indices[i]!]!;
      count++;
    }
    return count === 0 ? 0 : sum / count;
  }

  /**
   * The model's three heads interleaved for one pass over memory, their calibration
   * temperatures folded into the scales; built once per model.
   */
  private fusedFor(model: LanguageModel): FusedHeads {
    let fused = this.fused.get(model);
    if (!fused) {
      const heads = calibratedHeads(model);
      const packed = packedModelOf(model);
      const ordered = [heads.relevance, heads.sentiment, heads.category];
      fused = packed?.fused
        ? fuseStored(ordered, packed.fused)
        : packed?.heads
          ? fusePacked(
              ordered,
              [packed.heads.relevance, packed.heads.sentiment, packed.heads.category],
              packed.dimension,
              packed.idf,
            )
          : fuseHeads(ordered, model.idf);
      this.fused.set(model, fused);
    }
    return fused;
  }

  /** The model's sentiment stage, calibrated, built once per model; undefined without one. */
  private stageFor(model: LanguageModel): LinearHead | undefined {
    let stage = this.stages.get(model);
    if (stage === undefined) {
      stage = model.stage ? calibratedStage(model.stage) : null;
      // Its lexicons are built now too (VADER's map of 7,205 words), not on the first English text.
      if (model.stage) for (const lexicon of STAGE_LEXICONS[model.stage.inputs]) lexiconOf(lexicon);
      this.stages.set(model, stage);
    }
    return stage ?? undefined;
  }

  /** One extractor per model (the idf is read from the fused rows, see `accumulateFused`). */
  private extractorFor(model: LanguageModel): FeatureExtractor {
    let extractor = this.extractors.get(model);
    if (!extractor) {
      extractor = new FeatureExtractor(model.features);
      this.extractors.set(model, extractor);
    }
    return extractor;
  }

  private explainInto(
    reasons: Reason[],
    decision: Reason['decision'],
    groups: Float64Array,
    extractor: FeatureExtractor,
    label: string,
  ): void {
    for (const c of extractor.strongestOf(groups, this.reasonsPerDecision)) {
      reasons.push({ decision, feature: `${label}: ${c.name}`, weight: round(c.weight) });
    }
  }
}

/** A shipped model decoded; `any` must be there (a bundle always ships it). */
function decodeShipped(language: ModelLanguage, shipped: ShippedModel | undefined): LanguageModel {
  if (!shipped) throw new ModelFormatError(`the shipped model "${language}" is missing from this build`);
  return decodeModel(shipped.base64, shipped.id);
}

/**
 * The labels with their rounded probabilities, most probable first, ties in label order (what
 * a stable sort gives): an insertion sort of at most 9 entries, without the callbacks and the
 * intermediate array of map and sort.
 */
function ranked<T extends string>(labels: readonly T[], probs: Float64Array): Scored<T>[] {
  const out: Scored<T>[] = [];
  for (let i = 0; i < labels.length; i++) {
    const entry = { label: labels[i]!, probability: round(probs[i]!) };
    let at = out.length;
    out.push(entry);
    while (at > 0 && out[at - 1]!.probability < entry.probability) {
      out[at] = out[at - 1]!;
      at--;
    }
    out[at] = entry;
  }
  return out;
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
