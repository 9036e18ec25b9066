import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as z from '../domain/zod-mini.ts';
import { CATEGORIES, SENTIMENTS, type Sentiment } from '../domain/mention.ts';
import { readJsonl } from './corpus.ts';

/**
 * Real texts with labels that a product may ship (see shared/classifier/data/DATA-LICENSES.md):
 * one folder per source under shared/classifier/data, each with a SOURCE.md and an
 * `examples.jsonl`. A source labels only the heads it has labels for; a missing head is not
 * trained from that source (never guessed).
 */
export const REAL_DATA_DIR = path.resolve(import.meta.dirname, 'data');

export const RealExampleSchema = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.string().check(z.minLength(1)),
  language: z.enum(['de', 'en']),
  text: z.string().check(z.minLength(1)),
  relevant: z.optional(z.boolean()),
  sentiment: z.optional(z.enum(SENTIMENTS)),
  category: z.optional(z.enum(CATEGORIES)),
});
export type RealExample = z.infer<typeof RealExampleSchema>;

/** The `examples.jsonl` of every source folder, in name order. */
export function realDataFiles(dir: string = REAL_DATA_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name, 'examples.jsonl'))
    .filter((file) => existsSync(file))
    .sort();
}

/**
 * Reads the real examples of every source.
 * @throws CorpusError naming file and line of the first invalid example, or a duplicate id
 */
export function readRealData(dir: string = REAL_DATA_DIR): RealExample[] {
  return readJsonl(realDataFiles(dir), RealExampleSchema);
}

/**
 * GoEmotions' own grouping of its 27 emotions into sentiments (goemotions/data/sentiment_dict.json);
 * "ambiguous" emotions (surprise, curiosity, confusion, realization) count as neutral.
 */
const GOEMOTIONS_POSITIVE = new Set([
  'amusement',
  'excitement',
  'joy',
  'love',
  'desire',
  'optimism',
  'caring',
  'pride',
  'admiration',
  'gratitude',
  'relief',
  'approval',
]);
const GOEMOTIONS_NEGATIVE = new Set([
  'fear',
  'nervousness',
  'remorse',
  'embarrassment',
  'disappointment',
  'sadness',
  'grief',
  'disgust',
  'anger',
  'annoyance',
  'disapproval',
]);

/**
 * The sentiment of a GoEmotions example from its emotion labels (at least two raters agreed
 * on each): positive or negative when all its emotions lean one way, neutral when it has
 * only neutral or ambiguous ones, undefined (dropped) when it mixes positive and negative.
 */
export function goEmotionsSentiment(emotions: readonly string[]): Sentiment | undefined {
  const positive = emotions.some((e) => GOEMOTIONS_POSITIVE.has(e));
  const negative = emotions.some((e) => GOEMOTIONS_NEGATIVE.has(e));
  if (positive && negative) return undefined;
  if (positive) return 'positive';
  if (negative) return 'negative';
  return 'neutral';
}

/** PotTS' tweet-level label; "mixed" is dropped (our sentiment has no such class). */
export function pottsSentiment(label: string): Sentiment | undefined {
  return (SENTIMENTS as readonly string[]).includes(label) ? (label as Sentiment) : undefined;
}

/** XED's emotion numbers (README: "ascending alphabetical order", 1-8) and the sentiment each leans to. */
const XED_EMOTIONS = ['anger', 'anticipation', 'disgust', 'fear', 'joy', 'sadness', 'surprise', 'trust'] as const;
const XED_POSITIVE = new Set(['joy', 'trust']);
const XED_NEGATIVE = new Set(['anger', 'disgust', 'fear', 'sadness']);

/**
 * The sentiment of an XED subtitle line from its Plutchik emotion numbers (1-8, as in XED's
 * files): positive when its emotions include joy or trust and none of anger, disgust, fear,
 * sadness; negative the other way round; undefined (dropped) when it mixes both, when it has
 * only anticipation or surprise (an emotion without a side: "Was ist mit dir passiert?"), or
 * a number outside 1-8. XED's neutral lines come from a file of their own (`neu_en.txt`).
 */
export function xedSentiment(numbers: readonly number[]): Sentiment | undefined {
  const emotions = numbers.map((n) => XED_EMOTIONS[n - 1]);
  if (emotions.length === 0 || emotions.some((e) => e === undefined)) return undefined;
  const positive = emotions.some((e) => XED_POSITIVE.has(e!));
  const negative = emotions.some((e) => XED_NEGATIVE.has(e!));
  if (positive === negative) return undefined;
  return positive ? 'positive' : 'negative';
}
