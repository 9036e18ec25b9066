import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Language identification: German and English function words first, eld for the rest, the
 * company's configured languages as the prior for short and uncertain texts.
 * eld's extra-small n-gram database is the smallest it ships (about 1 MB of code; a function
 * carries it as a file of its own beside its bundle, infra/bundling.ts). It is not imported when this module is: evaluating it took 338-585 ms per cold
 * start. `loadEld` imports it on the first text that the function words do not decide, and
 * classification does not wait: texts that need it before it has loaded take the prior, and
 * say so. (eld exports only an ES module, which loads asynchronously, and classification is
 * synchronous.)
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
  'und',
  'das',
  'ist',
  'nicht',
  'ich',
  'ein',
  'eine',
  'einen',
  'einem',
  'einer',
  'auf',
  'fuer',
  'zu',
  'von',
  'dem',
  'wir',
  'ihr',
  'mein',
  'meine',
  'meinen',
  'bei',
  'noch',
  'auch',
  'aber',
  'schon',
  'seit',
  'kein',
  'keine',
  'habe',
  'hab',
  'haben',
  'sind',
  'bitte',
  'danke',
  'euch',
  'euer',
  'eure',
  'ihnen',
  'wenn',
  'dass',
  'oder',
  'nach',
  'immer',
  'sehr',
  'gibt',
  'nur',
  'jetzt',
  'heute',
  'warum',
  'wann',
  'kann',
  'koennt',
  'wird',
  'wurde',
  'sich',
  'mich',
  'dich',
  'nichts',
  'wieder',
  'doch',
  'nein',
  'seid',
  'bin',
]);
const ENGLISH_WORDS = new Set([
  'the',
  'and',
  'to',
  'my',
  'it',
  'for',
  'you',
  'not',
  'this',
  'that',
  'with',
  'have',
  'are',
  'your',
  'just',
  'but',
  'can',
  'what',
  'why',
  'please',
  'thanks',
  'thank',
  'been',
  'were',
  'they',
  'their',
  'would',
  'could',
  'should',
  'from',
  'about',
  'any',
  'our',
  'be',
  'at',
  'when',
  'how',
  'still',
  'again',
  'never',
  'yes',
  'has',
  'had',
  'does',
  'did',
  'dont',
  'its',
  'there',
  'here',
  'all',
  'very',
  'now',
  'today',
  'if',
  'or',
  'get',
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
function mixedStart(
  whole: { de: number; en: number },
  start: { de: number; en: number },
): ModelLanguageCode | undefined {
  if (whole.de >= FAST_MIN_WORDS && start.de >= 2 && start.en === 0) return 'de';
  if (whole.en >= FAST_MIN_WORDS && start.en >= 2 && start.de === 0) return 'en';
  return undefined;
}

/** What classification reads of eld's answer (eld's `LanguageResult`). */
export interface EldResult {
  readonly language: string;
  getScores(): Record<string, number>;
  isReliable(): boolean;
}

/** eld's detector, or a stand-in with its `detect`. */
export interface EldDetector {
  detect(text: string): EldResult;
}

let loadedEld: EldDetector | undefined;
let loadingEld: Promise<EldDetector> | undefined;

/**
 * Loads eld's extra-small database (once per process; later calls return the same promise).
 * eld is an ES module only, so it loads asynchronously; its database, a 950 KB object
 * literal, costs 120 ms to evaluate on a quiet machine and up to 585 ms on a busy one. The
 * classifier starts this on the first text that needs eld and does not wait for it (see
 * `LanguageIdentifier`); await it where every text must have eld's answer (a CLI run over a
 * file, a benchmark, a test).
 * @throws what the import throws (eld missing from the bundle); a later call tries again
 */
export function loadEld(): Promise<EldDetector> {
  // A bundle carries eld as its own file beside the code (infra/bundling.ts defines the
  // variable): the 950 KB database is then not even parsed at cold start. The expression is
  // spelled out so that esbuild drops the other branch, and eld with it.
  loadingEld ??= (
    (process.env.BACKCHANNEL_ELD_FILE
      ? import(pathToFileURL(path.join(import.meta.dirname, process.env.BACKCHANNEL_ELD_FILE)).href)
      : import('eld/extrasmall')) as Promise<{ eld: EldDetector }>
  ).then(
    (module) => (loadedEld = module.eld),
    (error: unknown) => {
      loadingEld = undefined;
      throw error;
    },
  );
  return loadingEld;
}

/** eld when it has loaded; otherwise undefined, after starting to load it. */
function eldOrStartLoading(): EldDetector | undefined {
  if (!loadedEld && !loadingEld) {
    // Nobody waits for this promise: a failed load is tried again on the next text that needs eld.
    loadEld().catch(() => undefined);
  }
  return loadedEld;
}

export interface LanguageOptions {
  /**
   * The languages the company's mentions are written in (ISO 639-1), most frequent first.
   * They are the prior: a text too short for eld to be sure of takes the likeliest of them,
   * and while eld is loading, an undecided text takes the one its function words lean to, or
   * the first. Without them, eld's answer stands and German or English close to it wins.
   */
  readonly languages?: readonly string[];
  /** Where eld comes from: by default the one `loadEld` loads, started on first need. */
  readonly eld?: () => EldDetector | undefined;
}

/**
 * Fewer letters than this and eld's answer is taken only among the company's languages:
 * "so unhelpful" (11 letters) is Slovenian to eld, "U blow" Croatian.
 */
export const SHORT_TEXT_LETTERS = 25;
/** German and English: the languages whose function words the fast path knows, and the prior without configured languages. */
const DEFAULT_CANDIDATES: readonly string[] = MODEL_LANGUAGES;

/**
 * Identifies the language of a mention: function words for clear German or English, then
 * eld (loaded on first need), with the company's configured languages as the prior for
 * short and uncertain texts. Every answer says how it was decided.
 */
export class LanguageIdentifier {
  private readonly languages: readonly string[] | undefined;
  private readonly candidates: readonly string[];
  /** German and English are both candidates: the n-gram lean may choose between them. */
  private readonly germanAndEnglish: boolean;
  private readonly eld: () => EldDetector | undefined;

  constructor(options: LanguageOptions = {}) {
    const languages = [
      ...new Set((options.languages ?? []).map((l) => l.trim().toLowerCase()).filter((l) => l.length > 0)),
    ];
    this.languages = languages.length > 0 ? languages : undefined;
    this.candidates = this.languages ?? DEFAULT_CANDIDATES;
    this.germanAndEnglish = this.candidates.includes('de') && this.candidates.includes('en');
    this.eld = options.eld ?? eldOrStartLoading;
  }

  /**
   * The language of a text with URLs, handles and emojis already removed; `tokens` (the
   * normalized tokens) give the fast path for clear German or English. `lean`, when given,
   * says how much more German than English the text's n-grams are (positive: German; see
   * `NgramClassifier`): it decides between the two for short texts and while eld loads.
   * Never throws.
   */
  detect(plain: string, letters: number, tokens?: readonly string[], lean?: () => number): DetectedLanguage {
    if (letters < MIN_LETTERS)
      return { language: 'und', model: 'any', reliable: false, reason: `only ${letters} letters` };
    let whole: { de: number; en: number } | undefined;
    if (tokens) {
      whole = functionWords(tokens, tokens.length);
      const fast = decide(whole);
      if (fast) return { language: fast, model: fast, reliable: true, reason: `function words: ${fast}` };
      // Undecided over the whole text (German and English mixed, say): the start decides, as
      // it would for eld, which reads only the first DETECT_CHARS characters.
      const startCounts = functionWords(tokens, tokensWithin(tokens, DETECT_CHARS));
      const start = decide(startCounts) ?? mixedStart(whole, startCounts);
      if (start)
        return { language: start, model: start, reliable: true, reason: `function words at the start: ${start}` };
    }
    const eld = this.eld();
    if (!eld) return this.prior(whole, lean);
    let result: EldResult;
    try {
      result = eld.detect(plain.length > DETECT_CHARS ? plain.slice(0, DETECT_CHARS) : plain);
    } catch {
      return { language: 'und', model: 'any', reliable: false, reason: 'eld could not read the text' };
    }
    const language = result.language || 'und';
    // A short text: eld guesses (see `NgramClassifier.germanLean` for how often), so
    // unless eld names another configured language, the lean chooses German or English.
    if (
      letters < SHORT_TEXT_LETTERS &&
      (language === 'de' || language === 'en' || !this.candidates.includes(language))
    ) {
      const leaning = this.leaning(lean);
      if (leaning)
        return {
          language: leaning.language,
          model: leaning.language,
          reliable: false,
          reason: `eld: ${language}, ${letters} letters: ${leaning.reason}`,
        };
    }
    // isReliable() sorts all 60 scores, as costly as the detection: asked only off the fast path.
    if ((language === 'de' || language === 'en') && this.candidates.includes(language))
      return { language, model: language, reliable: true, reason: `eld: ${language}` };
    const reliable = result.isReliable();
    if (this.candidates.includes(language))
      return {
        language,
        model: modelOf(language),
        reliable,
        reason: `eld: ${language}${reliable ? '' : ' (unreliable)'}`,
      };
    const scores = result.getScores();
    if (this.languages && (letters < SHORT_TEXT_LETTERS || !reliable))
      return this.restricted(language, scores, letters, reliable, lean);
    const top = scores[language] ?? 0;
    let near = this.candidates[0]!;
    for (const candidate of this.candidates) if ((scores[candidate] ?? 0) > (scores[near] ?? 0)) near = candidate;
    const nearScore = scores[near] ?? 0;
    if (top > 0 && nearScore >= top * CLOSE_RATIO) {
      return {
        language: near,
        model: modelOf(near),
        reliable: false,
        reason: `eld: ${language} ${top.toFixed(2)}, ${near} close at ${nearScore.toFixed(2)}`,
      };
    }
    return {
      language,
      model: modelOf(language),
      reliable,
      reason: `eld: ${language}${reliable ? '' : ' (unreliable)'}${modelOf(language) === 'any' ? ', no de/en model' : ''}`,
    };
  }

  /**
   * eld's answer among the company's languages only: the one it scores highest, as eld's own
   * `setLanguageSubset` would choose (the same scores, filtered), without changing the eld
   * instance that every classifier in the process shares. None scored: the first.
   */
  private restricted(
    top: string,
    scores: Record<string, number>,
    letters: number,
    reliable: boolean,
    lean?: () => number,
  ): DetectedLanguage {
    const languages = this.languages!;
    const why = letters < SHORT_TEXT_LETTERS ? `${letters} letters` : 'unreliable';
    const leaning = this.leaning(lean);
    if (leaning)
      return {
        language: leaning.language,
        model: leaning.language,
        reliable: false,
        reason: `eld: ${top}${reliable ? '' : ' (unreliable)'}, ${why}: ${leaning.reason}`,
      };
    let best: string | undefined;
    for (const language of languages)
      if ((scores[language] ?? 0) > 0 && (best === undefined || scores[language]! > scores[best]!)) best = language;
    const chosen = best ?? languages[0]!;
    const how = best ? `${chosen} ${scores[chosen]!.toFixed(2)}` : `${chosen}, the first (none scored)`;
    return {
      language: chosen,
      model: modelOf(chosen),
      reliable: false,
      reason: `eld: ${top}${reliable ? '' : ' (unreliable)'}, ${why}: among ${languages.join(', ')} ${how}`,
    };
  }

  /** German or English by the lean, when both are candidates and it is clear enough. */
  private leaning(lean: (() => number) | undefined): { language: ModelLanguageCode; reason: string } | undefined {
    if (!lean || !this.germanAndEnglish) return undefined;
    const value = lean();
    if (!(Math.abs(value) >= MIN_LEAN)) return undefined;
    const language = value > 0 ? 'de' : 'en';
    return {
      language,
      reason: `${language} by the German and English models' n-grams (${value > 0 ? '+' : ''}${value.toFixed(2)})`,
    };
  }

  /**
   * While eld loads: German or English by the function words, else by the n-gram lean (when
   * both are candidates), else the first configured language; without configured languages
   * and without a lean, undetermined.
   */
  private prior(words: { de: number; en: number } | undefined, lean?: () => number): DetectedLanguage {
    const byWords = words && words.de !== words.en ? (words.de > words.en ? 'de' : 'en') : undefined;
    if (byWords && this.candidates.includes(byWords)) {
      return {
        language: byWords,
        model: byWords,
        reliable: false,
        reason: `eld still loading: ${byWords} by its function words`,
      };
    }
    const leaning = this.leaning(lean);
    if (leaning)
      return {
        language: leaning.language,
        model: leaning.language,
        reliable: false,
        reason: `eld still loading: ${leaning.reason}`,
      };
    if (!this.languages)
      return { language: 'und', model: 'any', reliable: false, reason: 'eld still loading, no language configured' };
    const first = this.languages[0]!;
    return {
      language: first,
      model: modelOf(first),
      reliable: false,
      reason: `eld still loading: ${first}, the company's first language`,
    };
  }
}

/** Smaller leans than this (mean idf difference per n-gram) decide nothing. */
const MIN_LEAN = 0.05;

function modelOf(language: string): ModelLanguageCode | 'any' {
  return language === 'de' || language === 'en' ? language : 'any';
}

const DEFAULT_IDENTIFIER = new LanguageIdentifier();

/**
 * Detects the language of a text with URLs, handles and emojis already removed, without
 * configured languages (see `LanguageIdentifier`). Never throws.
 */
export function detectLanguage(plain: string, letters: number, tokens?: readonly string[]): DetectedLanguage {
  return DEFAULT_IDENTIFIER.detect(plain, letters, tokens);
}

/** How many tokens fit in about `chars` characters (a space between each two). */
function tokensWithin(tokens: readonly string[], chars: number): number {
  let length = 0;
  let count = 0;
  while (count < tokens.length && length + tokens[count]!.length <= chars) length += tokens[count++]!.length + 1;
  return count;
}
