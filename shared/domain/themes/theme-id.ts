import { createHash } from 'node:crypto';
import { THEME_KINDS, type ThemeKind } from '../insights.ts';

const ID = /^th_(complaint|idea|project)_([a-z]{2,3})_([0-9a-f]{12})$/;

/**
 * A theme's id: its kind and language, and a hash of the mention that started it, so a
 * redelivered first mention names the same theme. `th_complaint_de_3f2a9c1b7e04`.
 */
export function themeIdOf(kind: ThemeKind, language: string, firstMentionId: string): string {
  return `th_${kind}_${language}_${createHash('sha256').update(firstMentionId).digest('hex').slice(0, 12)}`;
}

/** The kind and language of a theme id, or undefined when it is not one. */
export function parseThemeId(id: string): { kind: ThemeKind; language: string } | undefined {
  const match = ID.exec(id);
  if (!match || !(THEME_KINDS as readonly string[]).includes(match[1] ?? '')) return undefined;
  return { kind: match[1] as ThemeKind, language: match[2] as string };
}

/** The language a theme is grouped in: the mention's (lower case), `und` when it has none usable. */
export function themeLanguageOf(language: string | undefined): string {
  const code = (language ?? '').toLowerCase().split('-')[0] ?? '';
  return /^[a-z]{2,3}$/.test(code) ? code : 'und';
}

/** A pseudonym of an author for counting distinct authors: the same person gives the same hash, the hash gives no id. */
export function authorHashOf(platform: string, authorId: string): string {
  return createHash('sha256').update(`${platform}:${authorId}`).digest('hex').slice(0, 20);
}
