import { chooseTheme, DEFAULT_JOIN_THRESHOLD } from './cluster.ts';
import { labelOf } from './label.ts';
import { termsOf } from './terms.ts';
import { addTerms, EMPTY_VECTOR, type TermVector } from './theme-vector.ts';

/**
 * The incremental grouping in memory, per language: the same choice and vector update the
 * record-insights function makes against the table, for the bench and for tests.
 * Deterministic: the same texts in the same order give the same themes.
 */
export class ThemeClusterer {
  private readonly themes = new Map<string, { id: string; vector: TermVector }[]>();
  private next = 1;

  constructor(private readonly threshold = DEFAULT_JOIN_THRESHOLD) {}

  /** Groups one text; returns its theme id, or undefined when the text has no terms. */
  add(text: string, language: string): string | undefined {
    const terms = termsOf(text, language);
    if (terms.size === 0) return undefined;
    const themes = this.themes.get(language) ?? [];
    this.themes.set(language, themes);
    const choice = chooseTheme(terms, themes, this.threshold);
    let theme = themes.find((t) => t.id === choice.join);
    if (!theme) {
      theme = { id: `t${this.next++}`, vector: EMPTY_VECTOR };
      themes.push(theme);
    }
    theme.vector = addTerms(theme.vector, terms);
    return theme.id;
  }

  /** The label of a theme among the others of its language. */
  labelOf(id: string): string | undefined {
    for (const themes of this.themes.values()) {
      const theme = themes.find((t) => t.id === id);
      if (theme)
        return labelOf(
          theme.vector,
          themes.filter((t) => t.id !== id).map((t) => t.vector),
        );
    }
    return undefined;
  }

  /** Themes made in a language. */
  count(language: string): number {
    return this.themes.get(language)?.length ?? 0;
  }
}
