import type { Category, Mention, Sentiment } from './mention.ts';

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
  /** Which classifier produced it, with its version (`keyword@1`). */
  readonly model: string;
}

/** Port: classifies the text of a mention. Implementations are pure and never throw. */
export interface Classifier {
  classify(mention: Pick<Mention, 'text' | 'platform' | 'kind'>): Classification;
}
