import { eld } from 'eld/extrasmall';

/**
 * Language identification: German and English function words first, eld for the rest.
 * eld's extra-small n-gram database is the smallest it ships (about 1 MB of code, bundled by
 * esbuild); it is evaluated once per cold start when this module is first imported, not per
 * mention. (It cannot be loaded later, on the first mention that needs it: eld exports only
 * an ES module, which loads asynchronously, and classification is synchronous.)
 */

/** Languages with their own models; everything else goes to the language-agnostic model. */
export const MODEL_LANGUAGES = ['de', 'en'] as const;
export type ModelLanguageCode = (typeof MODEL_LANGUAGES)[number];

export interface DetectedLanguage {
  /** ISO 639-1 code, or `und` when the text has too few letters to tell. */
  readonly language: string;
  /** The model to use: `de`, `en`, or `any` for every other language. */
  readonly model: ModelLanguageCode | 'any';
  readonly reliable: boolean;
  /** Why this language, for the reasons. */
  readonly reason: string;
}

/** Characters passed to eld: enough to identify a language, and time stays bounded. */
const DETECT_CHARS = 100;
/** Fewer letters than this and no language is claimed. */
const MIN_LETTERS = 3;
/**
 * When eld's top language is neither German nor English but one of them scores within
 * this ratio of it, the mention is taken as that one: Backchannel's audience writes German
 * and English, and short texts ("Super Service, danke") are where detectors guess.
 */
const CLOSE_RATIO = 0.93;

/**
 * Function words that are common in one of German and English and rare in the other and
 * in their neighbours (no `in`, `was`, `so`, `die`, `es`, `des`, `mal`, `wie`, `ja`, `sie`,
 * `of`, `we`, `no`, `me`, `on`, `do`: Dutch, Spanish, French, Polish or Danish use them
 * too), folded like the model's tokens.
 */
const GERMAN_WORDS = new Set([
  'und', 'das', 'ist', 'nicht', 'ich', 'ein', 'eine', 'einen', 'einem', 'einer', 'auf', 'fuer', 'zu', 'von', 'dem', 'wir',
  'ihr', 'mein', 'meine', 'meinen', 'bei', 'noch', 'auch', 'aber', 'schon', 'seit', 'kein', 'keine', 'habe', 'hab',
  'haben', 'sind', 'bitte', 'danke', 'euch', 'euer', 'eure', 'ihnen', 'wenn', 'dass', 'oder', 'nach', 'immer', 'sehr',
  'gibt', 'nur', 'jetzt', 'heute', 'warum', 'wann', 'kann', 'koennt', 'wird', 'wurde', 'sich', 'mich', 'dich', 'nichts',
  'wieder', 'doch', 'nein', 'seid', 'bin',
]);
const ENGLISH_WORDS = new Set([
  'the', 'and', 'to', 'my', 'it', 'for', 'you', 'not', 'this', 'that', 'with', 'have', 'are', 'your', 'just', 'but',
  'can', 'what', 'why', 'please', 'thanks', 'thank', 'been', 'were', 'they', 'their', 'would', 'could', 'should', 'from',
  'about', 'any', 'our', 'be', 'at', 'when', 'how', 'still', 'again', 'never', 'yes', 'has', 'had', 'does', 'did', 'dont',
  'its', 'there', 'here', 'all', 'very', 'now', 'today', 'if', 'or', 'get',
]);
/** Function words of the winning language needed for the fast path. */
const FAST_MIN_WORDS = 4;
/** How many times the other language's function words the winner needs. */
const FAST_DOMINANCE = 2;

/**
 * German or English from function words alone, or undefined when they do not decide it
 * (too few, or as many of one language as of the other: then eld is asked). A text that
 * mixes the two goes to the language most of its function words belong to.
 */
export function fastLanguage(tokens: readonly string[], count = tokens.length): ModelLanguageCode | undefined {
  return decide(functionWords(tokens, count));
}

/** German and English function words among the first `count` tokens. */
function functionWords(tokens: readonly string[], count: number): { de: number; en: number } {
  let de = 0;
  let en = 0;
  for (let i = 0; i < count; i++) {
    const token = tokens[i]!;
    if (token.length > 7) continue;
    if (GERMAN_WORDS.has(token)) de++;
    else if (ENGLISH_WORDS.has(token)) en++;
  }
  return { de, en };
}

function decide({ de, en }: { de: number; en: number }): ModelLanguageCode | undefined {
  if (de >= FAST_MIN_WORDS && de >= FAST_DOMINANCE * en) return 'de';
  if (en >= FAST_MIN_WORDS && en >= FAST_DOMINANCE * de) return 'en';
  return undefined;
}

/**
 * A text that mixes German and English (at least FAST_MIN_WORDS function words of a language
 * over the whole text, but not twice as many as of the other) and begins in one of them
 * only: at least two of its function words in the first DETECT_CHARS characters and none
 * of the other's. eld, which reads just those characters, says the same (on the benchmark's
 * mixed texts it agreed on every one), so it is not asked.
 */
function mixedStart(whole: { de: number; en: number }, start: { de: number; en: number }): ModelLanguageCode | undefined {
  if (whole.de >= FAST_MIN_WORDS && start.de >= 2 && start.en === 0) return 'de';
  if (whole.en >= FAST_MIN_WORDS && start.en >= 2 && start.de === 0) return 'en';
  return undefined;
}

/**
 * Detects the language of a text with URLs, handles and emojis already removed; `tokens`
 * (the normalized tokens) give the fast path for clear German or English. Never throws.
 */
export function detectLanguage(plain: string, letters: number, tokens?: readonly string[]): DetectedLanguage {
  if (letters < MIN_LETTERS) return { language: 'und', model: 'any', reliable: false, reason: `only ${letters} letters` };
  if (tokens) {
    const whole = functionWords(tokens, tokens.length);
    const fast = decide(whole);
    if (fast) return { language: fast, model: fast, reliable: true, reason: `function words: ${fast}` };
    // Undecided over the whole text (German and English mixed, say): the start decides, as
    // it would for eld, which reads only the first DETECT_CHARS characters.
    const startCounts = functionWords(tokens, tokensWithin(tokens, DETECT_CHARS));
    const start = decide(startCounts) ?? mixedStart(whole, startCounts);
    if (start) return { language: start, model: start, reliable: true, reason: `function words at the start: ${start}` };
  }
  let result: ReturnType<typeof eld.detect>;
  try {
    result = eld.detect(plain.length > DETECT_CHARS ? plain.slice(0, DETECT_CHARS) : plain);
  } catch {
    return { language: 'und', model: 'any', reliable: false, reason: 'eld could not read the text' };
  }
  const language = result.language || 'und';
  // isReliable() sorts all 60 scores, as costly as the detection: asked only off the fast path.
  if (language === 'de' || language === 'en') return { language, model: language, reliable: true, reason: `eld: ${language}` };
  const reliable = result.isReliable();
  const scores = result.getScores();
  const top = scores[language] ?? 0;
  const de = scores.de ?? 0;
  const en = scores.en ?? 0;
  const near: ModelLanguageCode = de >= en ? 'de' : 'en';
  const nearScore = Math.max(de, en);
  if (top > 0 && nearScore >= top * CLOSE_RATIO) {
    return { language: near, model: near, reliable: false, reason: `eld: ${language} ${top.toFixed(2)}, ${near} close at ${nearScore.toFixed(2)}` };
  }
  return { language, model: 'any', reliable, reason: `eld: ${language}${reliable ? '' : ' (unreliable)'}, no ${'de/en'} model` };
}

/** How many tokens fit in about `chars` characters (a space between each two). */
function tokensWithin(tokens: readonly string[], chars: number): number {
  let length = 0;
  let count = 0;
  while (count < tokens.length && length + tokens[count]!.length <= chars) length += tokens[count++]!.length + 1;
  return count;
}
