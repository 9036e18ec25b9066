import { readFileSync } from 'node:fs';
import * as z from '../domain/zod-mini.ts';
import { CATEGORIES, SENTIMENTS } from '../domain/mention.ts';

/**
 * The labeled corpus the shipped models are trained on: JSON Lines files under
 * shared/classifier/corpus, written for this project (never GermEval: its licence is
 * non-commercial).
 */
export const CorpusExampleSchema = z.object({
  id: z.string().check(z.minLength(1)),
  language: z.enum(['de', 'en']),
  text: z.string(),
  relevant: z.boolean(),
  sentiment: z.enum(SENTIMENTS),
  category: z.enum(CATEGORIES),
  urgency: z.number().check(z.gte(0), z.lte(1)),
});
export type CorpusExample = z.infer<typeof CorpusExampleSchema>;

/** A corpus line that does not parse: file, line and what is wrong. */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

/**
 * Reads JSONL files in the given order; blank lines are skipped.
 * @throws CorpusError naming file and line of the first invalid example, or a duplicate id
 */
export function readCorpus(files: readonly string[]): CorpusExample[] {
  return readJsonl(files, CorpusExampleSchema);
}

/**
 * Reads JSONL files of examples of one schema, in the given order; blank lines are skipped.
 * @throws CorpusError naming file and line of the first invalid example, or a duplicate id
 */
export function readJsonl<T extends { readonly id: string }>(files: readonly string[], schema: z.ZodMiniType<T>): T[] {
  const examples: T[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw new CorpusError(`${file}:${i + 1}: not JSON (${(error as Error).message})`);
      }
      const parsed = z.safeParse(schema, json);
      if (!parsed.success) {
        throw new CorpusError(
          `${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
        );
      }
      if (seen.has(parsed.data.id)) throw new CorpusError(`${file}:${i + 1}: duplicate id ${parsed.data.id}`);
      seen.add(parsed.data.id);
      examples.push(parsed.data);
    });
  }
  return examples;
}

/** Share of the corpus kept out of training to report honest scores. */
export const HELD_OUT_SHARE = 0.2;

/**
 * Splits by a hash of each example's id: stable when the corpus grows (an example never
 * moves between train and held-out), and independent of file order.
 */
export function splitCorpus<T extends { readonly id: string }>(
  examples: readonly T[],
  share = HELD_OUT_SHARE,
): { train: T[]; heldOut: T[] } {
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const example of examples) (unitHash(example.id) < share ? heldOut : train).push(example);
  return { train, heldOut };
}

/** A stable number in [0, 1) from an id: the same id always lands on the same side of a split. */
export function unitHash(id: string): number {
  let h = 0x9e3779b9;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}
