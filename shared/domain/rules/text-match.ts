/**
 * Word-start matching of terms in a text, the same for keywords, keyword lists and key
 * accounts: case-insensitive, a term matches where a word starts (so "Stadtflitzer" matches
 * "Stadtflitzers" but "rad" does not match "Fahrrad").
 */
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** The text as the matchers compare it. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('de-DE');
}

/** The first of `terms` that occurs at a word start in an already normalized text. */
export function firstTermIn(normalizedText: string, terms: readonly string[]): string | undefined {
  for (const term of terms) {
    const needle = normalizeText(term.trim());
    if (needle.length === 0) continue;
    let from = 0;
    for (;;) {
      const at = normalizedText.indexOf(needle, from);
      if (at < 0) break;
      const before = at === 0 ? '' : normalizedText.slice(Math.max(0, at - 2), at);
      // A word starts where the character before is not a letter or digit (surrogates: look at 2 units).
      const previous = [...before].at(-1);
      if (previous === undefined || !WORD_CHAR.test(previous) || !WORD_CHAR.test(needle[0] ?? '')) return term;
      from = at + 1;
    }
  }
  return undefined;
}

/** A handle without its leading `@`, lower case. */
export function normalizeHandle(handle: string): string {
  return handle.trim().replace(/^@/, '').toLowerCase();
}
