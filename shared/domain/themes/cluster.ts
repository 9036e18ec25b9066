import type { TermVector } from './theme-vector.ts';
import type { MentionTerms } from './terms.ts';

/**
 * Similarity from which a mention joins an existing theme rather than starting one. Chosen
 * on one half of the labelled sets in bench/data and measured on the other (`npm run bench:themes`).
 */
export const DEFAULT_JOIN_THRESHOLD = 0.15;

/** Terms a mention must share with a theme to join it (fewer when the mention has fewer). */
export const MIN_SHARED_TERMS = 2;

/** A theme as the clusterer sees it. */
export interface ClusterCandidate {
  readonly id: string;
  readonly vector: TermVector;
}

/** Where a mention goes: an existing theme (with its similarity), or a new one. */
export type ClusterChoice =
  | { readonly join: string; readonly similarity: number }
  | { readonly join?: undefined; readonly similarity: number };

/**
 * How much a term tells themes apart: log(1 + themes / themes that use it). A word every
 * theme uses (the brand, "Hamburg", "seit") weighs little; a word of one theme much.
 */
export function themeRarity(candidates: readonly ClusterCandidate[]): (term: string) => number {
  const frequency = new Map<string, number>();
  for (const candidate of candidates)
    for (const term of Object.keys(candidate.vector.weights)) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const themes = candidates.length;
  return (term) => Math.log(1 + themes / (frequency.get(term) ?? 1));
}

/**
 * Cosine of a mention's terms and a theme's vector, each term weighted by its rarity among
 * the themes (the theme's own weight: how many of its mentions use the term).
 */
export function weightedCosine(terms: MentionTerms, vector: TermVector, rarity: (term: string) => number): number {
  let dot = 0;
  let themeNorm = 0;
  let mentionNorm = 0;
  for (const [term, weight] of Object.entries(vector.weights)) themeNorm += (weight * rarity(term)) ** 2;
  for (const term of terms.keys()) {
    const r = rarity(term);
    mentionNorm += r * r;
    dot += (vector.weights[term] ?? 0) * r * r;
  }
  return themeNorm === 0 || mentionNorm === 0 ? 0 : dot / (Math.sqrt(themeNorm) * Math.sqrt(mentionNorm));
}

/**
 * Online grouping, one mention at a time: the most similar theme (cosine over terms weighted
 * by their rarity among the themes) when it reaches the threshold, else a new theme. Ties go
 * to the theme listed first, so the same themes in the same order always give the same choice.
 */
export function chooseTheme(
  terms: MentionTerms,
  candidates: readonly ClusterCandidate[],
  threshold = DEFAULT_JOIN_THRESHOLD,
): ClusterChoice {
  const rarity = themeRarity(candidates);
  let best: ClusterCandidate | undefined;
  let bestSimilarity = 0;
  // One shared word is chance ("Wochen" in a repair and a delivery complaint): a mention of
  // more than two terms joins a theme only when it shares two of them.
  const needed = Math.min(MIN_SHARED_TERMS, terms.size);
  for (const candidate of candidates) {
    let shared = 0;
    for (const term of terms.keys()) if ((candidate.vector.weights[term] ?? 0) > 0) shared++;
    if (shared < needed) continue;
    const similarity = weightedCosine(terms, candidate.vector, rarity);
    if (similarity > bestSimilarity) {
      best = candidate;
      bestSimilarity = similarity;
    }
  }
  return best && bestSimilarity >= threshold
    ? { join: best.id, similarity: bestSimilarity }
    : { similarity: bestSimilarity };
}
