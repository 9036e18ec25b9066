import { eld } from 'eld/extrasmall';

/**
 * Language identification with eld. The extra-small n-gram database is the smallest eld
 * ships (about 1 MB of code, bundled by esbuild); it is evaluated once per cold start when
 * this module is first imported, not per mention.
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
 * Detects the language of a text with URLs, handles and emojis already removed.
 * Never throws.
 */
export function detectLanguage(plain: string, letters: number): DetectedLanguage {
  if (letters < MIN_LETTERS) return { language: 'und', model: 'any', reliable: false, reason: `only ${letters} letters` };
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
