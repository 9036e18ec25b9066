import { cosine, type TermVector } from './theme-vector.ts';
import type { MentionTerms } from './terms.ts';

/**
 * Similarity from which a mention joins an existing theme rather than starting one. Tuned
 * on the labelled sets in bench/data (see `npm run bench:themes`).
 */
export const DEFAULT_JOIN_THRESHOLD = 0.3;

/** A theme as the clusterer sees it. */
export interface ClusterCandidate {
  readonly id: string;
  readonly vector: TermVector;
}

/** Where a mention goes: an existing theme (with its similarity), or a new one. */
export type ClusterChoice = { readonly join: string; readonly similarity: number } | { readonly join?: undefined; readonly similarity: number };

/**
 * Online grouping, one mention at a time: the most similar theme (cosine over terms) when
 * it reaches the threshold, else a new theme. Ties go to the theme listed first, so the
 * same themes in the same order always give the same choice.
 */
export function chooseTheme(terms: MentionTerms, candidates: readonly ClusterCandidate[], threshold = DEFAULT_JOIN_THRESHOLD): ClusterChoice {
  let best: ClusterCandidate | undefined;
  let bestSimilarity = 0;
  for (const candidate of candidates) {
    const similarity = cosine(terms, candidate.vector);
    if (similarity > bestSimilarity) {
      best = candidate;
      bestSimilarity = similarity;
    }
  }
  return best && bestSimilarity >= threshold ? { join: best.id, similarity: bestSimilarity } : { similarity: bestSimilarity };
}
