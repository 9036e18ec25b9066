import type { Category, Mention, Sentiment } from './mention.ts';

/** A class with its probability. */
export interface Scored<T extends string> {
  readonly label: T;
  readonly probability: number;
}

/** One reason behind a decision: the feature that weighed and by how much. */
export interface Reason {
  readonly decision: 'relevance' | 'sentiment' | 'category' | 'urgency' | 'language';
  readonly feature: string;
  readonly weight: number;
}

/** What the classifier says about one mention, with its confidence and its reasons. */
export interface Classification {
  readonly language: string;
  readonly relevant: boolean;
  readonly sentiment: Sentiment;
  readonly category: Category;
  /** 0..1 */
  readonly urgency: number;
  /** 0..1, the confidence in `category`. */
  readonly confidence: number;
  readonly reasons: readonly Reason[];
  /** Which classifier produced it, with its version (`ngram-de@1a2b3c4d`, `keyword@1`). */
  readonly model: string;
  /** 0..1, the probability that the mention is about the company. */
  readonly relevance?: number;
  /** Probability of each sentiment, most likely first. */
  readonly sentiments?: readonly Scored<Sentiment>[];
  /** Probability of each category, most likely first (after keyword rules). */
  readonly categories?: readonly Scored<Category>[];
  /** The next most likely categories after `category` (up to two). */
  readonly alternatives?: readonly Scored<Category>[];
  /** Categories that a company keyword rule added beside `category`. */
  readonly addedCategories?: readonly Category[];
  /**
   * True when the text's language has no model of its own (not German or English, or too
   * short to tell) and the language-agnostic fallback model decided.
   */
  readonly languageFallback?: boolean;
}

/** What a classifier reads of a mention: its text, and where present who wrote it and where. */
export type ClassifierInput = Pick<Mention, 'text'> &
  Partial<Pick<Mention, 'platform' | 'kind' | 'language'>> & {
    readonly author?: { readonly followers?: number | undefined } | undefined;
  };

/**
 * Port: classifies the text of a mention. Implementations never throw; a classifier that
 * asks a remote model answers asynchronously, so callers await the result.
 */
export interface Classifier {
  classify(mention: ClassifierInput): Classification | Promise<Classification>;
}
