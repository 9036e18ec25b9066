import type { TermVector } from './theme-vector.ts';

/** Terms a label shows. */
export const LABEL_TERMS = 3;

/**
 * The salient terms of a theme, most salient first: frequent in the theme and rare among
 * the other themes of its kind and language (weight x inverse theme frequency), so
 * "Reparatur · Wochen · dauert" rather than the words every complaint shares.
 */
export function salientTerms(vector: TermVector, others: readonly TermVector[], count = LABEL_TERMS): string[] {
  const themes = others.length + 1;
  const documentFrequency = (term: string) => 1 + others.filter((o) => (o.weights[term] ?? 0) > 0).length;
  return (
    Object.entries(vector.weights)
      // Invoice numbers, amounts and dates group mentions but name nothing a reader recognises.
      .filter(([term]) => !/\d/.test(term))
      .map(([term, weight]) => ({ term, score: weight * Math.log(1 + themes / documentFrequency(term)) }))
      .sort((a, b) => b.score - a.score || a.term.localeCompare(b.term))
      .slice(0, count)
      .map((t) => t.term)
  );
}

/** A readable label from the salient terms, as the mentions wrote them: "Reparatur · Wochen · dauert". */
export function labelOf(vector: TermVector, others: readonly TermVector[]): string {
  const terms = salientTerms(vector, others);
  return terms.length === 0 ? '(no words)' : terms.map((t) => vector.surfaces[t] ?? t).join(' · ');
}
