import { spamCuesOf, type SpamCues } from './noise.ts';

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
  /** Spam and follow-bait cues among the tokens (see `noise.ts`). */
  readonly spam: SpamCues;
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
/** A capitalized hashtag with a capital after a small letter (`NieWieder`, not `iPhone` or `DBfail`). */
const CAMEL_CASE = /^\p{Lu}\p{Ll}+\p{Lu}/u;
const CAMEL_BOUNDARY = /(\p{Ll})(\p{Lu})/gu;
const EMOJI = /\p{Extended_Pictographic}/gu;
const EMOTICON_HAPPY = /(?:^|\s)[:;=]-?[)D]+(?=\s|$)/g;
const EMOTICON_SAD = /(?:^|\s)[:;=]'?-?[(/]+(?=\s|$)/g;
// After lower-casing and folding, letters are mostly a-z: a plain regex is much faster than \p{L}.
const REPEATED = /([a-z\u00e0-\u024f])\1{2,}/g;
const DIGITS = /[0-9]+/g;
/**
 * The apostrophe of an English negation ("doesn't", "doesn’t", "can't"; straight, curly,
 * modifier letter, grave and acute): dropped, so that "doesn't" and the apostrophe-less "doesnt"
 * people type on phones are one token. Without this, "doesn't" was the tokens "doesn" "t", which
 * the training data knows, and "doesnt" a word it had barely seen ("doesnt work" read neutral).
 * Only "n't": dropping every apostrophe between letters also joined German "geht's" and
 * "gibt's", and cost the GermEval-dev benchmark 0.001 (docs/classifier.md, round w10).
 */
const NEGATION_APOSTROPHE = /n['\u2018\u2019\u02bc`\u00b4]t\b/g;
const APOSTROPHE = /['\u2018\u2019\u02bc`\u00b4]/;
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
  text = stripInvisibleAndMarkup(text);

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

  // Hashtags keep their word and say they were one: "#fail" -> "xtag fail"; a hashtag
  // written in camel case gives its words ("#NieWieder" -> "xtag Nie Wieder"), which the
  // models know, so a text of hashtags only still has words.
  if (text.includes('#')) {
    text = text.replace(HASHTAG, (_m, word: string) => {
      hashtags++;
      return ` xtag ${CAMEL_CASE.test(word) ? word.replace(CAMEL_BOUNDARY, '$1 $2') : word} `;
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

  text = fold(text.toLowerCase());
  if (hasLetterThrice(text)) text = text.replace(REPEATED, '$1$1');
  text = text.replace(DIGITS, '0');
  if (APOSTROPHE.test(text)) text = text.replace(NEGATION_APOSTROPHE, 'nt');
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
      spam: spamCuesOf(tokens),
    },
  };
}

/**
 * Whether a letter that REPEATED shortens (a-z, U+00E0-U+024F) stands three times in a row:
 * most texts have none, and this loop is 5 times faster than the regex's back-reference scan.
 */
function hasLetterThrice(text: string): boolean {
  for (let i = 2; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      code === text.charCodeAt(i - 1) &&
      code === text.charCodeAt(i - 2) &&
      ((code >= 97 && code <= 122) || (code >= 0xe0 && code <= 0x24f))
    )
      return true;
  }
  return false;
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
  return ACCENTED.test(umlautsFolded)
    ? umlautsFolded.normalize('NFD').replace(COMBINING, '').normalize('NFC')
    : umlautsFolded;
}

/**
 * Letters, and capitals in words of 3+ letters, in one pass over the characters (this runs
 * for every mention, so no regex, no allocation per character and no closure: counters that
 * a closure writes live in a heap context, and this loop ran 3 times slower with one).
 */
function letterStats(text: string): { capsRatio: number; capsWords: number; letters: number } {
  let letters = 0;
  let upper = 0;
  let total = 0;
  let capsWords = 0;
  let wordLength = 0;
  let wordUpper = 0;
  const length = text.length;
  // One step past the end: the last word ends there.
  for (let i = 0; i <= length; i++) {
    const kind = i < length ? letterKind(text, i) : NOT_LETTER;
    if (kind !== NOT_LETTER) {
      letters++;
      wordLength++;
      if (kind === UPPER) wordUpper++;
      continue;
    }
    if (wordLength >= 3) {
      upper += wordUpper;
      total += wordLength;
      if (wordUpper === wordLength) capsWords++;
    }
    wordLength = 0;
    wordUpper = 0;
  }
  return { capsRatio: total === 0 ? 0 : upper / total, capsWords, letters };
}

const NOT_LETTER = 0;
const LOWER = 1;
const UPPER = 2;
/** Letter kind + 1 of each other non-ASCII UTF-16 code unit, found on first sight (0: not yet). */
const LETTER_KINDS = new Uint8Array(65536);

/** Whether the code unit at `i` is a letter (any script), and a capital. */
function letterKind(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 128) return code >= 65 && code <= 90 ? UPPER : code >= 97 && code <= 122 ? LOWER : NOT_LETTER;
  if (code >= 0xc0 && code <= 0xff) {
    // Latin-1 letters (umlauts, ß, accents): all but × and ÷; capitals below ß.
    if (code === 0xd7 || code === 0xf7) return NOT_LETTER;
    return code < 0xdf ? UPPER : LOWER;
  }
  if (code >= 0xd800 && code <= 0xdfff) return NOT_LETTER;
  let known = LETTER_KINDS[code]!;
  if (known === 0) {
    const ch = text[i]!;
    const lower = ch.toLowerCase();
    const isLetter = lower !== ch.toUpperCase() || /\p{L}/u.test(ch);
    known = LETTER_KINDS[code] = 1 + (!isLetter ? NOT_LETTER : ch !== lower ? UPPER : LOWER);
  }
  return known - 1;
}

/**
 * Removes what a reader does not see: invisible format characters (zero-width space, joiner
 * and non-joiner, word joiner, byte-order mark, soft hyphen, direction marks, variation
 * selectors, tag characters), which split words for the tokenizer (`ka\u200Bputt` reads as
 * `kaputt`), and HTML markup as Mastodon and YouTube deliver it: tags of HTML elements are
 * dropped (those that break a line, such as `<br>` and `<p>`, leave a space; inline ones
 * such as `<span>` and `<a>` leave nothing, so `@<span>radwerk</span>` stays one handle),
 * comments too, and character references (`&amp;`, `&quot;`, `&#39;`, `&#x1F600;`, `&auml;`)
 * are decoded. A `<` that does not open a known element's tag (`a < b`, `<3`) and an `&` that
 * is no reference (`AT&T`) stay as written.
 *
 * The usual text has none of it: one regex test finds that and returns the text itself,
 * without allocating.
 */
export function stripInvisibleAndMarkup(text: string): string {
  if (!MAYBE_INVISIBLE_OR_MARKUP.test(text)) return text;
  const length = text.length;
  let parts: string[] | undefined;
  let from = 0;
  for (let i = 0; i < length; ) {
    const code = text.charCodeAt(i);
    // Letters (umlauts and accents included) fail the first two tests: one compare or two each.
    if (code < 0xad ? code !== 38 && code !== 60 : code !== 0xad && code < 0x34f) {
      i++;
      continue;
    }
    let end = -1;
    let replacement = '';
    if (code === 60) {
      const tag = tagAt(text, i);
      if (tag) ({ end, replacement } = tag);
    } else if (code === 38) {
      const reference = referenceAt(text, i);
      if (reference) ({ end, text: replacement } = reference);
    } else {
      const width = invisibleWidth(text, i, code);
      if (width > 0) end = i + width;
    }
    if (end < 0) {
      i++;
      continue;
    }
    parts ??= [];
    parts.push(text.slice(from, i), replacement);
    i = from = end;
  }
  if (!parts) return text;
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * Every code unit that may start markup or an invisible character. A test of one character
 * class runs as native code: 0.23 µs for 280 characters, a loop over the character codes 0.9.
 */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: \udb40 alone is meant: it is the high surrogate of every tag character (U+E0000-E007F), so one code unit finds them all
const MAYBE_INVISIBLE_OR_MARKUP = /[&<\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff\udb40]/;

/** Code units taken by the invisible format character at `i` (0 when there is none). */
function invisibleWidth(text: string, i: number, code: number): number {
  if (code < 0x2000) return code === 0xad || code === 0x34f || code === 0x180e ? 1 : 0;
  if (code <= 0x2064) return (code >= 0x200b && code <= 0x200f) || code >= 0x2060 ? 1 : 0;
  if (code === 0xfeff || (code >= 0xfe00 && code <= 0xfe0f)) return 1;
  if (code === 0xdb40 && i + 1 < text.length) {
    // U+E0020-E007F (tag characters) and U+E0100-E01EF (variation selectors 17-256).
    const low = text.charCodeAt(i + 1);
    return (low >= 0xdc20 && low <= 0xdc7f) || (low >= 0xdd00 && low <= 0xddef) ? 2 : 0;
  }
  return 0;
}

/** HTML elements whose tags are markup; those in BLOCK_ELEMENTS break a line. */
const INLINE_ELEMENTS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'cite',
  'code',
  'del',
  'em',
  'font',
  'i',
  'img',
  'ins',
  'kbd',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'wbr',
]);
const BLOCK_ELEMENTS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'head',
  'header',
  'hr',
  'html',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);
/** A tag is read up to this many characters; a longer one is taken as text. */
const MAX_TAG_CHARS = 2000;

/**
 * The tag or comment starting at `start` (a `<`), or undefined when it is not one: a known
 * element's name, optionally after `/`, followed by `>`, `/` or white space, then anything
 * but `<` up to `>`. Stopping at the next `<` keeps the whole scan linear.
 */
function tagAt(text: string, start: number): { end: number; replacement: string } | undefined {
  if (text.startsWith('<!--', start)) {
    const close = text.indexOf('-->', start + 4);
    return close < 0 ? undefined : { end: close + 3, replacement: ' ' };
  }
  let i = start + 1;
  if (text.charCodeAt(i) === 47 /* / */) i++;
  const nameStart = i;
  while (i < text.length && i - nameStart < 12 && isAsciiAlphanumeric(text.charCodeAt(i))) i++;
  if (i === nameStart) return undefined;
  const name = text.slice(nameStart, i).toLowerCase();
  const block = BLOCK_ELEMENTS.has(name);
  if (!block && !INLINE_ELEMENTS.has(name)) return undefined;
  const next = text.charCodeAt(i);
  if (next !== 62 /* > */ && next !== 47 /* / */ && next !== 32 && next !== 9 && next !== 10 && next !== 13)
    return undefined;
  const limit = Math.min(text.length, start + MAX_TAG_CHARS);
  for (; i < limit; i++) {
    const code = text.charCodeAt(i);
    if (code === 62) return { end: i + 1, replacement: block ? ' ' : '' };
    if (code === 60) return undefined;
  }
  return undefined;
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/** Named character references that social media HTML uses; others stay as written. */
const NAMED_REFERENCES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    shy: '',
    zwj: '',
    zwnj: '',
    hellip: '…',
    mdash: '—',
    ndash: '–',
    lsquo: '‘',
    rsquo: '’',
    ldquo: '“',
    rdquo: '”',
    bdquo: '„',
    laquo: '«',
    raquo: '»',
    euro: '€',
    pound: '£',
    copy: '©',
    reg: '®',
    trade: '™',
    deg: '°',
    auml: 'ä',
    ouml: 'ö',
    uuml: 'ü',
    Auml: 'Ä',
    Ouml: 'Ö',
    Uuml: 'Ü',
    szlig: 'ß',
    eacute: 'é',
    egrave: 'è',
    agrave: 'à',
    ccedil: 'ç',
  }),
);

/** The character reference starting at `start` (an `&`) decoded, or undefined when it is none. */
function referenceAt(text: string, start: number): { end: number; text: string } | undefined {
  // References are short: look for the `;` among the next 10 characters only.
  let semicolon = -1;
  for (let i = start + 2, end = Math.min(text.length, start + 11); i < end; i++) {
    if (text.charCodeAt(i) === 59) {
      semicolon = i;
      break;
    }
  }
  if (semicolon < 0) return undefined;
  const body = text.slice(start + 1, semicolon);
  if (body.charCodeAt(0) === 35 /* # */) {
    const hex = body.charCodeAt(1) === 120 || body.charCodeAt(1) === 88;
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
    const codePoint = Number.parseInt(digits, hex ? 16 : 10);
    if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return undefined;
    const decoded = String.fromCodePoint(codePoint);
    return { end: semicolon + 1, text: invisibleWidth(decoded, 0, decoded.charCodeAt(0)) > 0 ? '' : decoded };
  }
  const named = NAMED_REFERENCES.get(body);
  return named === undefined ? undefined : { end: semicolon + 1, text: named };
}
