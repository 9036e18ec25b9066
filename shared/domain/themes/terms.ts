import { normalizeText } from '../text/normalize.ts';
import { MARKERS, STOPWORDS } from './stopwords.ts';

/** The languages themes are grouped in; any other language is grouped with the English rules. */
export const THEME_LANGUAGES = ['de', 'en'] as const;

/** Length of the prefix a word is folded to: "Rechnung", "Rechnungen", "Rechnungsbetrag" and "Rechnug" meet in `rechnu`. */
export const PREFIX_LENGTH = 6;
/** Terms read from one mention at most: a long text does not outweigh many short ones. */
export const MAX_TERMS_PER_MENTION = 40;

/** The terms of one mention: each folded term once, with the word it was written as (for labels). */
export type MentionTerms = ReadonlyMap<string, string>;

const WORD = /[\p{L}][\p{L}\p{N}'’-]*/gu;
const FOLD: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  de: ['en', 'er', 'es', 'e', 'n', 's'],
  en: ['ing', 'ies', 'ed', 'es', 's', 'ly'],
};

/** Lower case, umlauts and ß spelled out, other accents dropped: "Müll" and "Muell" are one word. */
export function foldWord(word: string): string {
  return word
    .toLowerCase()
    .replace(/[äöüß]/g, (c) => FOLD[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/['’-]/g, '');
}

/**
 * The term of a folded word: one light suffix taken off ("Reparaturen" -> "reparatur",
 * "waiting" -> "wait"), then its first PREFIX_LENGTH letters, so inflections, compounds
 * that start alike and typos near the end meet. Undefined for stopwords and words under
 * three letters.
 */
export function termOf(folded: string, language: string): string | undefined {
  const lang = language === 'de' ? 'de' : 'en';
  if (folded.length < 3 || STOPWORDS[lang]?.has(folded) || MARKERS.has(folded) || /^\d+$/.test(folded))
    return undefined;
  let stem = folded;
  for (const suffix of SUFFIXES[lang] ?? []) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= 4) {
      stem = stem.slice(0, -suffix.length);
      break;
    }
  }
  return stem.slice(0, PREFIX_LENGTH);
}

/**
 * The terms of a mention's text in its language, in the order they first appear. URLs,
 * handles and emojis are dropped (classifier normalization), stopwords too.
 *
 * @example
 * termsOf('Die Reparatur dauert schon drei Wochen!', 'de') // Map { 'repara' => 'Reparatur', 'dauert' => 'dauert', 'drei' => 'drei', 'woche' => 'Wochen' }
 */
export function termsOf(text: string, language: string): MentionTerms {
  const terms = new Map<string, string>();
  for (const match of normalizeText(text).plain.matchAll(WORD)) {
    const word = match[0].replace(/['’-]+$/, '');
    const term = termOf(foldWord(word), language);
    if (term === undefined || terms.has(term)) continue;
    terms.set(term, word);
    if (terms.size >= MAX_TERMS_PER_MENTION) break;
  }
  return terms;
}
