import type { MentionTerms } from './terms.ts';

/** Terms a theme keeps at most: the heaviest, so a theme's item stays small however many mentions it has. */
export const MAX_THEME_TERMS = 60;

/** A theme's terms: how many of its mentions used each, and the word last written for it. */
export interface TermVector {
  readonly weights: Readonly<Record<string, number>>;
  readonly surfaces: Readonly<Record<string, string>>;
}

export const EMPTY_VECTOR: TermVector = { weights: {}, surfaces: {} };

/**
 * Cosine similarity of a mention's terms (each weighing 1) and a theme's vector: 1 when
 * the mention uses exactly the theme's terms in their proportions, 0 when none.
 */
export function cosine(terms: MentionTerms, vector: TermVector): number {
  if (terms.size === 0) return 0;
  let dot = 0;
  let norm = 0;
  for (const weight of Object.values(vector.weights)) norm += weight * weight;
  if (norm === 0) return 0;
  for (const term of terms.keys()) dot += vector.weights[term] ?? 0;
  return dot / (Math.sqrt(norm) * Math.sqrt(terms.size));
}

/**
 * The vector after one more mention: its terms added, then cut to the MAX_THEME_TERMS
 * heaviest (ties by term, so the same input always gives the same vector).
 */
export function addTerms(vector: TermVector, terms: MentionTerms): TermVector {
  const weights: Record<string, number> = { ...vector.weights };
  const surfaces: Record<string, string> = { ...vector.surfaces };
  for (const [term, surface] of terms) {
    weights[term] = (weights[term] ?? 0) + 1;
    surfaces[term] = surface;
  }
  const kept = Object.entries(weights)
    .sort(([a, wa], [b, wb]) => wb - wa || a.localeCompare(b))
    .slice(0, MAX_THEME_TERMS);
  return {
    weights: Object.fromEntries(kept),
    surfaces: Object.fromEntries(kept.map(([term]) => [term, surfaces[term] ?? term])),
  };
}
