/**
 * Text normalization shared by training and inference. What the models see is the same
 * for "Müll", "Muell" and "MÜÜÜLL", for every URL and every @handle, so that a few
 * thousand labeled examples generalize to the many ways people write on social media.
 */

/** Characters of a text that are read at all; longer texts are cut here, so time is bounded by it. */
export const MAX_TEXT_CHARS = 4000;

/** What normalization found besides the words; urgency and the models read these. */
export interface TextSignals {
  /** Length of the original text in UTF-16 code units. */
  readonly length: number;
  /** True when the text was longer than MAX_TEXT_CHARS and only its start was read. */
  readonly truncated: boolean;
  readonly urls: number;
  readonly handles: number;
  readonly hashtags: number;
  readonly emojis: number;
  /** Runs of two or more `!` (`!!`, `!!!!`). */
  readonly exclamationRuns: number;
  readonly questionMarks: number;
  /** Share of upper-case letters among letters, counted only in words of 3+ letters. */
  readonly capsRatio: number;
  /** Words of 3+ letters written in capitals only (`NIE WIEDER`). */
  readonly capsWords: number;
  /** Letters (any script) in the text after URLs and handles are removed. */
  readonly letters: number;
}

export interface NormalizedText {
  /** Lower-case, folded text with markers (`xurl`, `xuser`) in place of URLs and handles. */
  readonly text: string;
  /** Word tokens, markers and emojis in order. */
  readonly tokens: readonly string[];
  /** The text with URLs, handles and emojis removed, original case: for language detection. */
  readonly plain: string;
  readonly signals: TextSignals;
}

// Unpaired surrogates are what "invalid UTF-16" looks like in a JS string: replace them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"']+/giu;
const HANDLE = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_.]{1,40}/gu;
const HASHTAG = /#([\p{L}\p{N}_]{1,60})/gu;
const EMOJI = /\p{Extended_Pictographic}/gu;
const EMOTICON_HAPPY = /(?:^|\s)[:;=]-?[)D]+(?=\s|$)/g;
const EMOTICON_SAD = /(?:^|\s)[:;=]'?-?[(/]+(?=\s|$)/g;
// After lower-casing and folding, letters are mostly a-z: a plain regex is much faster than \p{L}.
const REPEATED = /([a-z\u00e0-\u024f])\1{2,}/g;
const DIGITS = /[0-9]+/g;
const SURROGATE = /[\uD800-\uDFFF]/;
const COMBINING = /\p{M}+/gu;
const FOLD: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
const FOLDABLE = /[äöüß]/g;
/** Latin letters with accents, the only ones NFD changes here; emojis and other scripts stay. */
const ACCENTED = /[\u00c0-\u024f\u1e00-\u1eff]/;
/** Surrogate pairs and the symbol blocks where emojis live. */
const NON_BMP_OR_SYMBOL = /[\u2000-\u2bff\ud800-\udfff]/;

/**
 * Normalizes a mention's text. Never throws: any string (empty, only emojis, only a URL,
 * 100 KB, unpaired surrogates) gives a result, in time proportional to at most
 * MAX_TEXT_CHARS characters.
 */
export function normalizeText(input: string): NormalizedText {
  const raw = typeof input === 'string' ? input : '';
  const truncated = raw.length > MAX_TEXT_CHARS;
  let text = truncated ? raw.slice(0, MAX_TEXT_CHARS) : raw;
  if (SURROGATE.test(text)) text = text.replace(LONE_SURROGATE, '\uFFFD');

  let urls = 0;
  let handles = 0;
  let hashtags = 0;
  // Each pass is guarded by a cheap test: most mentions have no URL, handle or emoji.
  if (text.includes('http') || text.includes('www.')) {
    text = text.replace(URL, () => {
      urls++;
      return ' xurl ';
    });
  }
  if (text.includes('@')) {
    text = text.replace(HANDLE, (_m, before: string) => {
      handles++;
      return `${before} xuser `;
    });
  }
  const hasSymbols = NON_BMP_OR_SYMBOL.test(text);
  let plain = urls + handles > 0 ? text.replace(/\bx(?:url|user)\b/g, ' ') : text;
  if (hasSymbols) plain = plain.replace(EMOJI, ' ');
  if (plain.includes('#')) plain = plain.replace(/#/g, ' ');
  const { capsRatio, capsWords, letters } = letterStats(plain);
  const exclamationRuns = (text.match(/!{2,}/g) ?? []).length;
  const questionMarks = (text.match(/\?/g) ?? []).length;

  // Hashtags keep their word and say they were one: "#fail" -> "xtag fail".
  if (text.includes('#')) {
    text = text.replace(HASHTAG, (_m, word: string) => {
      hashtags++;
      return ` xtag ${word} `;
    });
  }
  if (/[:;=][-']?[()D/]/.test(text)) text = text.replace(EMOTICON_HAPPY, ' xsmile ').replace(EMOTICON_SAD, ' xfrown ');
  let emojis = 0;
  if (hasSymbols) {
    text = text.replace(EMOJI, (e) => {
      emojis++;
      return ` ${e} `;
    });
  }
  if (exclamationRuns > 0) text += ' xbang';
  if (questionMarks > 0) text += ' xquestion';

  text = fold(text.toLowerCase()).replace(REPEATED, '$1$1').replace(DIGITS, '0');
  const tokens = tokenize(text);

  return {
    text,
    tokens,
    plain,
    signals: {
      length: raw.length,
      truncated,
      urls,
      handles,
      hashtags,
      emojis,
      exclamationRuns,
      questionMarks,
      capsRatio,
      capsWords,
      letters,
    },
  };
}

/**
 * The tokens of a normalized text: runs of letters and digits (any script) and single
 * emojis, exactly what `text.match(/[\p{L}\p{N}]+|\p{Extended_Pictographic}/gu)` gives, in one
 * scan over the character codes. Letters a-z and digits are told apart without a regex;
 * other characters are classified once each and remembered.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    let kind: number;
    let width = 1;
    if (code < 128) {
      kind = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) ? WORD : OTHER;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        width = 2;
        kind = classify(String.fromCharCode(code, low));
      } else {
        kind = OTHER;
      }
    } else {
      kind = CHAR_KINDS[code]!;
      if (kind === UNKNOWN) kind = CHAR_KINDS[code] = classify(String.fromCharCode(code));
    }
    if (kind === WORD) {
      if (start < 0) start = i;
    } else {
      if (start >= 0) {
        tokens.push(text.slice(start, i));
        start = -1;
      }
      if (kind === PICTOGRAPH) tokens.push(text.slice(i, i + width));
    }
    i += width - 1;
  }
  if (start >= 0) tokens.push(text.slice(start));
  return tokens;
}

const UNKNOWN = 0;
const WORD = 1;
const PICTOGRAPH = 2;
const OTHER = 3;
/** What each UTF-16 code unit outside ASCII is, found on first sight (see `tokenize`). */
const CHAR_KINDS = new Uint8Array(65536);
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const PICTOGRAPH_CHAR = /^\p{Extended_Pictographic}$/u;
function classify(ch: string): number {
  return WORD_CHAR.test(ch) ? WORD : PICTOGRAPH_CHAR.test(ch) ? PICTOGRAPH : OTHER;
}

/** ä/ö/ü/ß become ae/oe/ue/ss (so both spellings meet); other accents are dropped. */
export function fold(lower: string): string {
  const umlautsFolded = lower.replace(FOLDABLE, (c) => FOLD[c] ?? c);
  // Only decompose when something outside ASCII is left: NFD is the slow part.
  return ACCENTED.test(umlautsFolded) ? umlautsFolded.normalize('NFD').replace(COMBINING, '').normalize('NFC') : umlautsFolded;
}

/**
 * Letters, and capitals in words of 3+ letters, in one pass over the characters (this runs
 * for every mention, so no regex and no allocation per character).
 */
function letterStats(text: string): { capsRatio: number; capsWords: number; letters: number } {
  let letters = 0;
  let upper = 0;
  let total = 0;
  let capsWords = 0;
  let wordLength = 0;
  let wordUpper = 0;
  const endWord = () => {
    if (wordLength >= 3) {
      upper += wordUpper;
      total += wordLength;
      if (wordUpper === wordLength) capsWords++;
    }
    wordLength = 0;
    wordUpper = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let isLetter: boolean;
    let isUpper = false;
    if (code < 128) {
      isUpper = code >= 65 && code <= 90;
      isLetter = isUpper || (code >= 97 && code <= 122);
    } else if (code >= 0xc0 && code <= 0xff) {
      // Latin-1 letters (umlauts, ß, accents): all but × and ÷; capitals below ß.
      isLetter = code !== 0xd7 && code !== 0xf7;
      isUpper = isLetter && code < 0xdf;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      isLetter = false;
    } else {
      const ch = text[i]!;
      const lower = ch.toLowerCase();
      isLetter = lower !== ch.toUpperCase() || /\p{L}/u.test(ch);
      isUpper = isLetter && ch !== lower;
    }
    if (isLetter) {
      letters++;
      wordLength++;
      if (isUpper) wordUpper++;
    } else {
      endWord();
    }
  }
  endWord();
  return { capsRatio: total === 0 ? 0 : upper / total, capsWords, letters };
}
