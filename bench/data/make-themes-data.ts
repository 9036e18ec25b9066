/**
 * Writes the labelled theme sets bench/data/themes-de.jsonl and themes-en.jsonl from the
 * hand-written pools in themes-pools.ts, with a fixed seed (the files are committed; run
 * `npx tsx bench/data/make-themes-data.ts` to write them again, byte for byte).
 *
 * Per theme 30 mentions: a paraphrase (or for complaints now and then a question asked in
 * anger), up to two details, an opener and a closer, sometimes cut short, lower-cased, with
 * typos, or with a sentence of another theme appended (mixed topics).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAMES, POOLS, type ThemePool } from './themes-pools.ts';

const PER_THEME = 30;
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** mulberry32: a small seeded generator, so the sets are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function typo(text: string, random: () => number): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => (w.length >= 6 ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const index = candidates[Math.floor(random() * candidates.length)] as number;
  const word = words[index] as string;
  const at = 1 + Math.floor(random() * (word.length - 3));
  words[index] =
    random() < 0.5
      ? word.slice(0, at) + word.slice(at + 1)
      : word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2);
  return words.join(' ');
}

function mention(
  pool: ThemePool,
  others: readonly ThemePool[],
  i: number,
  language: 'de' | 'en',
  random: () => number,
) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const asQuestion = pool.questions !== undefined && random() < 0.2;
  let body = asQuestion ? pick(pool.questions ?? []) : (pool.bases[i % pool.bases.length] as string);
  if (!asQuestion && random() < 0.15) body = `${body.split(/[,.]/)[0]}.`;
  const details = [...pool.details].sort(() => random() - 0.5).slice(0, Math.floor(random() * 3));
  const mixed = random() < 0.08 ? [pick(pick(others).bases)] : [];
  let text = [pick(FRAMES[language].openers), body, ...details, ...mixed, pick(FRAMES[language].closers)]
    .filter(Boolean)
    .join(' ');
  if (random() < 0.3) text = typo(text, random);
  if (random() < 0.1) text = text.toLowerCase();
  return { text, label: pool.label, category: asQuestion ? 'question' : pool.category, language };
}

export function makeSet(language: 'de' | 'en', seed: number) {
  const random = seededRandom(seed);
  const pools = POOLS[language];
  return pools.flatMap((pool) =>
    Array.from({ length: PER_THEME }, (_, i) =>
      mention(
        pool,
        pools.filter((p) => p !== pool),
        i,
        language,
        random,
      ),
    ),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [language, seed] of [
    ['de', 11],
    ['en', 15],
  ] as const) {
    const lines = makeSet(language, seed).map((m) => JSON.stringify(m));
    writeFileSync(path.join(HERE, `themes-${language}.jsonl`), `${lines.join('\n')}\n`);
    process.stdout.write(`themes-${language}.jsonl: ${lines.length} mentions\n`);
  }
}
