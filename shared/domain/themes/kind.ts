import type { Category, Sentiment } from '../mention.ts';
import type { ThemeKind } from '../insights.ts';

/**
 * The kind of theme a mention feeds, or undefined when it feeds none: complaints (and
 * questions asked in anger: complaints in disguise), product ideas, community projects.
 */
export function themeKindOf(category: Category, sentiment: Sentiment): ThemeKind | undefined {
  if (category === 'complaint') return 'complaint';
  if (category === 'question' && sentiment === 'negative') return 'complaint';
  if (category === 'product_idea') return 'idea';
  if (category === 'community_project') return 'project';
  return undefined;
}
